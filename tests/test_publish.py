"""The published site as a whole: reproducible to the byte, no third-party requests,
no broken internal link, a sitemap and robots.txt that name the site."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build

SITE_URL = "https://briefings.example.org/"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------ reproducible builds


@pytest.mark.slow
def test_two_builds_are_byte_identical(seed_site, engine, tmp_path, monkeypatch):
    """A second build with the same engine, from another copy of the project in another
    folder, on another day (SOURCE_DATE_EPOCH moves MkDocs' clock), gives the same bytes in
    every file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "978307200")  # 2001-01-01
    project = copy_project(tmp_path / "second-project", keep_registry=True)
    second = mkdocs_build(project, strict=True, site=tmp_path / "second-site", engine=engine)
    assert second.returncode == 0, second.output

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first_files, second_files = files(seed_site.site), files(second.site)
    # Pagefind (1.5) writes filter values in hash-map order (its issue #638);
    # search.normalise_bundle sorts them, so its bundle is compared byte for byte too.
    assert any(n.startswith("pagefind/0/filter/") for n in first_files)
    assert sorted(first_files) == sorted(second_files), set(first_files) ^ set(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert differing == [], f"files that differ between two builds: {differing}"


def test_sitemap_has_no_build_date_and_its_gzip_no_timestamp(seed_site):
    site = seed_site.site
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" not in xml
    locs = re.findall(r"<loc>(.*?)</loc>", xml)
    assert locs and all(loc.startswith(SITE_URL) for loc in locs)
    assert SITE_URL + "briefings/" in locs
    raw = (site / "sitemap.xml.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0", "gzip header carries a modification time"
    assert gzip.decompress(raw).decode("utf-8") == xml


def test_robots_txt(seed_site):
    robots = (seed_site.site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots


# ------------------------------------------------------------------ no third-party requests

# Attributes that make a browser fetch something as the page loads.
FETCHING = (
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("source", "src"),
    ("source", "srcset"), ("audio", "src"), ("video", "src"), ("video", "poster"), ("embed", "src"),
    ("object", "data"), ("input", "src"), ("track", "src"), ("image", "href"), ("use", "href"),
)
# <link rel=...> values that fetch (or open a connection) on load.
FETCHING_RELS = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload",
                 "icon", "shortcut", "apple-touch-icon", "manifest", "prerender"}
# <link rel=...> values that only name a URL (fetched by nobody unless a reader follows it).
NAMING_RELS = {"canonical", "alternate", "feed", "prev", "next", "license", "author", "search"}


def _external(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return scheme not in ("", "data", "blob", "mailto", "tel", "javascript")


def _own_site(url: str) -> bool:
    return url.startswith(SITE_URL)


def test_no_page_loads_anything_from_another_site(seed_site):
    problems = []
    for page in html_pages(seed_site.site):
        soup = soup_of(page)
        where = page.relative_to(seed_site.site).as_posix()
        for tag, attr in FETCHING:
            for el in soup.find_all(tag):
                for value in [el.get(attr), el.get(f"xlink:{attr}")]:
                    if not value:
                        continue
                    for url in [u.strip().split(" ")[0] for u in value.split(",")] if "srcset" in attr else [value]:
                        if _external(url):
                            problems.append(f"{where}: <{tag} {attr}={url}>")
        for link in soup.find_all("link"):
            rels = {r.lower() for r in (link.get("rel") or [])}
            href = link.get("href") or ""
            if not _external(href):
                continue
            if rels & FETCHING_RELS or not rels <= NAMING_RELS:
                problems.append(f"{where}: <link rel={sorted(rels)} href={href}>")
            elif not _own_site(href):
                problems.append(f"{where}: <link rel={sorted(rels)}> names another site: {href}")
        for meta in soup.find_all("meta", attrs={"http-equiv": re.compile("refresh", re.I)}):
            target = (meta.get("content") or "").partition("url=")[2]
            if _external(target):
                problems.append(f"{where}: refresh to {target}")
        for style in soup.find_all("style"):
            if re.search(r"@import|url\(\s*['\"]?(https?:)?//", style.get_text()):
                problems.append(f"{where}: <style> loads a URL")
        for el in soup.find_all(style=True):
            if re.search(r"url\(\s*['\"]?(https?:)?//", el["style"]):
                problems.append(f"{where}: inline style loads a URL")
        # Open Graph and citation meta tags name the site's own URLs (or the original report).
    assert problems == [], "\n".join(problems[:40])


def test_stylesheets_load_nothing_from_another_site(seed_site):
    """Material's bundled CSS, and ours: no @import or url() of another host (the icons
    are inline SVG, the theme's web fonts are off)."""
    problems = []
    for css in sorted(seed_site.site.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        for m in re.finditer(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)|url\(\s*['\"]?([^'\")]+)", text):
            url = m.group(1) or m.group(2)
            if _external(url):
                problems.append(f"{css.relative_to(seed_site.site)}: {url}")
    assert problems == []


def test_material_features_that_would_load_from_a_cdn_stay_off(seed_site):
    """Material's bundle can fetch from unpkg.com: mermaid (only for a ```mermaid block) and
    a ResizeObserver polyfill (only in browsers without one). Neither happens here: no page
    has a mermaid block, and every browser the site supports has ResizeObserver."""
    for page in html_pages(seed_site.site):
        soup = soup_of(page)
        assert not soup.select(".mermaid, pre.mermaid, code.language-mermaid"), page
    # anchors to other sites are links a reader may follow, not requests
    body = (seed_site.site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in body and "fonts.gstatic.com" not in body


# ------------------------------------------------------------------ internal links


def _resolve(site: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The file a same-site URL names, and its fragment; None for other sites."""
    if url.startswith(SITE_URL):
        url = "/" + url[len(SITE_URL):]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None, ""
    path = unquote(parts.path)
    if path == "":
        target = page
    elif path.startswith("/"):
        target = site / path.lstrip("/")
    else:
        target = page.parent / path
    if path.endswith("/") or (target.is_dir()):
        target = target / "index.html"
    return target.resolve(), unquote(parts.fragment)


def test_every_internal_link_and_fragment_resolves(seed_site):
    site = seed_site.site.resolve()
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = soup_of(path)
            ids[path] = {el["id"] for el in soup.find_all(id=True)} | {el["name"] for el in soup.find_all("a", attrs={"name": True})}
        return ids[path]

    broken = []
    for page in html_pages(site):
        soup = soup_of(page)
        where = page.relative_to(site).as_posix()
        for el in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
            url = (el.get("href") or el.get("src") or "").strip()
            if url.startswith("//"):
                # a protocol-relative URL names another host: here, always a path written
                # as "{{ base_url }}/x" where base_url was "/"
                broken.append(f"{where}: protocol-relative URL {url}")
        if where == "404.html":
            # served at every missing address: its relative links would resolve against
            # that address, so they must be absolute paths
            for el in soup.find_all(["a", "link", "script", "img"]):
                url = el.get("href") or el.get("src")
                if url and not _external(url) and not url.startswith(("/", "#")):
                    broken.append(f"{where}: relative URL {url}")
            continue
        for el in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
            url = el.get("href") if el.name in ("a", "link") else el.get("src")
            if not url or url.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            if el.name == "link" and "canonical" not in (el.get("rel") or []) and _external(url):
                continue
            target, fragment = _resolve(site, page, url)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{where}: {url} (no file {target})")
            elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
                broken.append(f"{where}: {url} (no element #{fragment})")
    assert broken == [], "\n".join(broken[:50])
