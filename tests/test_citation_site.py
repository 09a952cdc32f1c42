"""Citing a briefing, checked on the built site with real parsers: meta tags and JSON-LD
(extruct), BibTeX (bibtexparser), RIS (rispy), CSL-JSON; pinpoint anchors; short links,
renames, a lost URL, and versions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import bibtexparser
import extruct
import pytest
import rispy
import yaml
from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build

GOOD = ("Traders in Hyesan said the price of rice rose after the state shops closed for inspections.\n\n"
        "The source added that smuggling across the Yalu River had almost stopped since the border closure.\n")


def records(site: Path) -> list[dict]:
    return json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))


def page_html(site: Path, rec: dict) -> str:
    return (site / rec["path"] / "index.html").read_text(encoding="utf-8")


def meta(html: str, name: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [m["content"] for m in soup.find_all("meta", attrs={"name": name})]


def test_head_tags_agree_with_metadata(seed_site):
    for rec in records(seed_site.site):
        html = page_html(seed_site.site, rec)
        title = f"[{rec['title']}]" if rec["title_derived"] else rec["title"]
        assert meta(html, "citation_title") == [title]
        assert meta(html, "citation_publication_date") == []  # no seed states a date: no date tag
        assert meta(html, "citation_public_url") == [rec["url"]]
        assert meta(html, "citation_language") == ["en"]
        assert meta(html, "citation_abstract") == [rec["summary"]]
        authors = meta(html, "citation_author")
        assert len(authors) == len(rec["authors"])
        assert "coins" not in html.lower() and "Z3988" not in html
        data = extruct.extract(html, base_url=rec["url"], syntaxes=["json-ld", "opengraph"], uniform=True)
        [ld] = data["json-ld"]
        assert ld["@type"] in ("Report", "NewsArticle")
        assert ld["headline"] == title and "datePublished" not in ld
        assert ld["url"] == rec["url"]
        if rec["source_url"]:
            assert ld["isBasedOn"]["url"] == rec["source_url"]
        about = {t["name"] for t in ld.get("about", [])}
        assert about == set(rec["topics"])
        [og] = data["opengraph"]
        assert og["og:title"] == rec["title"] and og["@type"] == "article"
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find("link", rel="canonical")["href"] == rec["url"]


def test_author_tag_for_a_person(seed_site):
    rec = next(r for r in records(seed_site.site) if r["source_file"].startswith("000"))
    assert meta(page_html(seed_site.site, rec), "citation_author") == ["Jong, So Yong"]


def test_downloads_parse_and_agree(seed_site):
    site = seed_site.site
    recs = records(site)
    for rec in recs:
        lib = bibtexparser.parse_string((site / "cite" / f"{rec['id']}.bib").read_text(encoding="utf-8"))
        [entry] = lib.entries
        assert entry.entry_type == "online"
        assert entry.fields_dict["url"].value == rec["url"]
        assert "date" not in entry.fields_dict and "year" not in entry.fields_dict
        [ris] = rispy.loads((site / "cite" / f"{rec['id']}.ris").read_text(encoding="utf-8"))
        assert ris["urls"] == [rec["url"]] and "year" not in ris and "date" not in ris
        [csl] = json.loads((site / "cite" / f"{rec['id']}.json").read_text(encoding="utf-8"))
        assert csl["URL"] == rec["url"] and "issued" not in csl
    everything = bibtexparser.parse_string((site / "cite" / "all.bib").read_text(encoding="utf-8"))
    assert len(everything.entries) == len(recs)
    assert len(rispy.loads((site / "cite" / "all.ris").read_text(encoding="utf-8"))) == len(recs)
    assert len(json.loads((site / "cite" / "all.json").read_text(encoding="utf-8"))) == len(recs)


def test_citation_box_and_pinpoints(seed_site):
    for rec in records(seed_site.site):
        soup = BeautifulSoup(page_html(seed_site.site, rec), "html.parser")
        box = soup.select_one("#cite-box")
        for style in ("chicago", "apa", "mla"):
            text = box.select_one(f"#cite-{style}").get_text(" ", strip=True)
            assert rec["url"].split("//", 1)[1] in text
            assert "[date accessed]" in text  # filled in by the page script; a placeholder without it
        assert "n.d." in box.select_one("#cite-chicago").get_text() and "(n.d.)" in box.select_one("#cite-apa").get_text()
        for link in box.select("a[data-cite-download]"):
            assert (seed_site.site / rec["path"] / link["href"]).resolve().exists()
        paras = soup.select("p.bd-para")
        for i, p in enumerate(paras, start=1):
            assert p["id"] == f"p{i}"
            assert p.select_one("a.bd-para__num")["href"] == f"#p{i}"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_revision_makes_v2_and_keeps_v1_readable(tmp_path, monkeypatch, engine):
    project = copy_project(tmp_path / "p", {"hyesan.txt": GOOD}, with_seeds=False)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    first = mkdocs_build(project, strict=True, engine=engine)
    assert first.returncode == 0, first.output
    git(project, "add", "-A")
    git(project, "commit", "-qm", "registry")
    (project / "source_articles" / "hyesan.txt").write_text(GOOD.replace("almost stopped", "stopped entirely"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")  # 2024-03-09
    second = mkdocs_build(project, strict=True, engine=engine)
    assert second.returncode == 0, second.output
    [rec] = records(second.site)
    current = BeautifulSoup(page_html(second.site, rec), "html.parser")
    assert "Version 2, revised on 9 March 2024" in current.select_one(".bd-version").get_text(" ", strip=True)
    old_page = second.site / rec["path"] / "v1" / "index.html"
    old = BeautifulSoup(old_page.read_text(), "html.parser")
    assert "almost stopped" in old.get_text() and "stopped entirely" in current.get_text()
    note = old.select_one(".bd-superseded")
    assert "version 1" in note.get_text() and note.select_one("a")["href"] == "../"
    assert meta(str(old), "citation_public_url") == [rec["url"] + "v1/"]
    old_cite = old.select_one("#cite-chicago").get_text(" ", strip=True)
    assert "Version 1" in old_cite and rec["url"].split("//", 1)[1] + "v1/" in old_cite
    assert "Version 2" in current.select_one("#cite-chicago").get_text(" ", strip=True)
    entry = yaml.safe_load((project / "hooks/registry/urls.yml").read_text())["briefings"]["hyesan"]
    assert [v["version"] for v in entry["versions"]] == [1, 2]
    assert [v["recorded"] for v in entry["versions"]] == ["2023-11-14", "2024-03-09"]
    kept = project / "hooks/registry/versions/hyesan/v1.txt"
    assert kept.read_text() == GOOD
    # a fresh copy without git history rebuilds both versions
    clone = copy_project(tmp_path / "clone", {"hyesan.txt": (project / "source_articles/hyesan.txt").read_text()},
                         with_seeds=False, keep_registry=True)
    for f in (project / "hooks/registry").rglob("*"):
        if f.is_file():
            target = clone / "hooks/registry" / f.relative_to(project / "hooks/registry")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    again = mkdocs_build(clone, strict=True, engine=engine)
    assert again.returncode == 0, again.output
    assert (again.site / rec["path"] / "v1" / "index.html").exists()


def test_rename_redirect_and_lost_url(tmp_path, engine):
    project = copy_project(tmp_path, {"hyesan.txt": GOOD}, with_seeds=False)
    first = mkdocs_build(project, strict=True, engine=engine)
    [rec] = records(first.site)
    (project / "source_articles" / "hyesan.yml").write_text("slug: hyesan-rice-prices\n")
    second = mkdocs_build(project, strict=True, engine=engine)
    assert second.returncode == 0, second.output
    [renamed] = records(second.site)
    assert renamed["path"] == "briefings/hyesan-rice-prices/"
    redirect = BeautifulSoup((second.site / rec["path"] / "index.html").read_text(), "html.parser")
    assert redirect.find("link", rel="canonical")["href"] == renamed["url"]
    assert "location.hash" in redirect.find("script").string
    short = BeautifulSoup((second.site / "b" / "hyesan" / "index.html").read_text(), "html.parser")
    assert short.find("link", rel="canonical")["href"] == renamed["url"]
    # the article disappears: the build fails, says which URL, and leaves site/ alone
    (project / "source_articles" / "hyesan.txt").unlink()
    (project / "source_articles" / "hyesan.yml").unlink()
    third = mkdocs_build(project, strict=False, engine=engine)
    assert third.returncode != 0
    assert "/briefings/hyesan-rice-prices/" in third.output and "Traceback" not in third.output
    assert (second.site / "briefings" / "hyesan-rice-prices" / "index.html").exists()
