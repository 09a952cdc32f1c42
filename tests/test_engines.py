"""The site on other engines (README, "Engines").

- ProperDocs runs the hooks as MkDocs 1.6 does: the shipped corpus gives the same files,
  the same bytes but for the generator's name (the other site tests run on both engines
  through conftest's `engine` fixture).
- `python -m hooks.briefdesk export-site` writes a project without hooks; MkDocs and
  ProperDocs build it, and `python -m hooks.briefdesk index` indexes it, into the same bytes
  as the hooked build. The project here has history: a revised briefing (v1 kept), a
  renamed one (its old URL redirects) and short links.
- Zensical builds the same tree: every URL of the registry resolves, the head tags
  (citation, Dublin Core, JSON-LD, Open Graph, feeds) and every page's text are those of the
  MkDocs site, the feeds and exports are the same bytes, the lists of files differ only as
  ZENSICAL_DIFFERENCES says, and Pagefind's search answers in the browser.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ENGINES, BuildResult, copy_project, mkdocs_build, seed_build
from test_citation_site import GOOD, git
from test_search_browser import _header_results, _page_results, _serving, browser  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hooks.briefdesk.sitetree import compare_sites, site_files  # noqa: E402

GENERATOR = re.compile(rb'\n *<meta name="generator" content="[^"]*">')

# Each difference between the files of the MkDocs site and the Zensical site of the same
# tree, as sitetree.compare_sites words it, and what a reader loses (README's engine table
# says the same). A difference not listed fails the test, and so does a listed one that is gone.
ZENSICAL_DIFFERENCES = {
    # Zensical ships its own build of Material's scripts (no lunr: Material copies lunr's
    # language files even with its search plugin off) and its classic stylesheets under
    # other names: the reader loses nothing.
    "theme bundle differs: assets/javascripts/",
    "theme bundle differs: assets/stylesheets/",
    # Zensical always writes its own search index; the pages never load it (search is
    # Pagefind's, docs/assets/search.js): 0 bytes to a reader, a file more on the server.
    "only in B: search.json",
}


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def export_tree(project: Path, out: Path) -> Path:
    proc = _run([sys.executable, "-m", "hooks.briefdesk", "export-site", str(out)], project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def index(project: Path, site: Path) -> None:
    proc = _run([sys.executable, "-m", "hooks.briefdesk", "index", str(site)], project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (site / "pagefind" / "bd-search.json").is_file()


def build_tree(project: Path, tree: Path, engine: str, site: Path) -> BuildResult:
    """`<engine> build` of the exported tree (no hooks run), then the index."""
    if engine == "zensical":
        proc = _run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(tree / "mkdocs.yml")], tree)
        result = BuildResult(tree, tree / "site", proc.returncode, proc.stdout + proc.stderr)
        assert site == result.site, "Zensical builds into the tree's site_dir"
    else:
        result = mkdocs_build(tree, strict=True, site=site, engine=engine)
    assert result.returncode == 0, result.output[-4000:]
    index(project, result.site)
    return result


def same_bytes(a: Path, b: Path, ignore_generator: bool = False) -> list[str]:
    """The files of two sites whose bytes differ (or that only one has)."""
    fa, fb = site_files(a), site_files(b)
    out = sorted(fa ^ fb)
    for rel in sorted(fa & fb):
        x, y = (a / rel).read_bytes(), (b / rel).read_bytes()
        if ignore_generator and rel.endswith(".html"):
            x, y = GENERATOR.sub(b"", x), GENERATOR.sub(b"", y)
        if x != y:
            out.append(rel)
    return out


# --------------------------------------------------------------------------- ProperDocs


def test_properdocs_builds_the_same_site_but_the_generator(tmp_path_factory):
    mk, pd = (seed_build(e, tmp_path_factory) for e in ENGINES)
    assert pd.warnings() == []
    assert same_bytes(mk.site, pd.site, ignore_generator=True) == []
    home = (pd.site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1">' in home


# --------------------------------------------------------------------------- the pre-built tree

@pytest.fixture(scope="session")
def history(tmp_path_factory) -> BuildResult:
    """The shipped corpus and one more article, published, then revised (v2, v1 kept) and
    renamed (its first URL redirects): the hooked MkDocs build of that, once settled."""
    project = copy_project(tmp_path_factory.mktemp("history") / "p", {"hyesan.txt": GOOD}, keep_registry=True)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    first = mkdocs_build(project, strict=True)
    assert first.returncode == 0, first.output
    git(project, "add", "-A")
    git(project, "commit", "-qm", "registry")
    (project / "source_articles" / "hyesan.txt").write_text(GOOD.replace("almost stopped", "stopped entirely"))
    (project / "source_articles" / "hyesan.yml").write_text("slug: hyesan-rice-prices\n")
    assert mkdocs_build(project, strict=True).returncode == 0  # records v2 and the rename
    # built again with nothing new to record, as the tree is exported (the build report of
    # the build that renames lists the rename; the next one redirects the first URL's v1/ too)
    second = mkdocs_build(project, strict=True)
    assert second.returncode == 0, second.output
    entry = yaml.safe_load((project / "hooks/registry/urls.yml").read_text())["briefings"]["hyesan"]
    assert entry["previous_urls"] and len(entry["versions"]) == 2, entry
    return second


@pytest.fixture(scope="session")
def tree(history) -> Path:
    registry = (history.project / "hooks/registry/urls.yml").read_bytes()
    out = export_tree(history.project, history.project.parent / "tree")
    assert (history.project / "hooks/registry/urls.yml").read_bytes() == registry  # nothing new to record
    return out


def test_tree_is_a_project_without_hooks(history, tree):
    config = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^hooks:", config, re.M)
    assert "bd_topics" in yaml.safe_load(config.replace("!ENV", ""))["extra"]
    docs = tree / "docs"
    assert (docs / "briefings" / "hyesan-rice-prices" / "index.md").is_file()
    assert (docs / "briefings" / "hyesan-rice-prices" / "v1" / "index.md").is_file()
    [old] = yaml.safe_load((history.project / "hooks/registry/urls.yml").read_text())["briefings"]["hyesan"]["previous_urls"]
    assert (docs / old / "index.html").is_file()  # the redirect of the first URL
    assert (docs / "data" / "briefings.json").is_file() and (docs / "feeds" / "atom.xml").is_file()
    assert "briefdesk:" not in (docs / "index.md").read_text(encoding="utf-8")  # placeholders filled
    page = (docs / "briefings" / "hyesan-rice-prices" / "index.md").read_text(encoding="utf-8")
    assert "bd_head:" in page.split("\n---\n", 1)[0]


@pytest.mark.parametrize("tree_engine", ENGINES)
def test_tree_builds_the_same_site_as_the_hooks(history, tree, tree_engine, tmp_path):
    """MkDocs or ProperDocs without the hooks, then `index`: the hooked build's bytes (but
    for the generator's name on ProperDocs)."""
    built = build_tree(history.project, tree, tree_engine, tmp_path / "site")
    assert built.warnings() == []
    assert same_bytes(history.site, built.site, ignore_generator=tree_engine != "mkdocs") == []


# --------------------------------------------------------------------------- Zensical


@pytest.fixture(scope="session")
def zensical_site(history, tree) -> Path:
    return build_tree(history.project, tree, "zensical", tree / "site").site


def registry_urls(project: Path) -> list[str]:
    """Every URL the registry promises: each briefing's, its earlier versions', its
    previous URLs (renames) and its short link."""
    data = yaml.safe_load((project / "hooks/registry/urls.yml").read_text(encoding="utf-8"))
    urls = []
    for bid, entry in data["briefings"].items():
        urls.append(entry["url"])
        urls += [f"{entry['url']}v{v['version']}/" for v in entry.get("versions", [])[:-1]]
        urls += entry.get("previous_urls", [])
        urls.append(f"b/{bid}/")
    return urls


def test_zensical_serves_every_registry_url(history, zensical_site):
    urls = registry_urls(history.project)
    assert "briefings/hyesan-rice-prices/v1/" in urls and "b/hyesan/" in urls and len(urls) == 6 * 2 + 2
    missing = [u for u in urls if not (zensical_site / u / "index.html").is_file()]
    assert missing == []
    site_url = yaml.safe_load((history.project / "mkdocs.yml").read_text().replace("!ENV", ""))["site_url"][1]
    for u in urls:  # a redirect (rename, short link) leads to a page that is there
        page = BeautifulSoup((zensical_site / u / "index.html").read_text(encoding="utf-8"), "html.parser")
        if page.find("meta", attrs={"http-equiv": "refresh"}) is not None:
            target = page.find("link", rel="canonical")["href"].removeprefix(site_url)
            assert (zensical_site / target / "index.html").is_file(), (u, target)


def head_tags(html: str, page: str = "") -> list[str]:
    """The head tags the pipeline and main.html add: citation, Dublin Core, Open Graph,
    JSON-LD, feeds, canonical link, description; links resolved from the page's path
    (Zensical writes ./feeds/atom.xml where MkDocs writes feeds/atom.xml)."""
    head = BeautifulSoup(html, "html.parser").head
    out = []
    for tag in head.find_all(["meta", "link", "script"]):
        key = tag.get("name") or tag.get("property") or ""
        rel = " ".join(tag.get("rel") or [])
        if tag.name == "meta" and re.match(r"(citation_|DC\.|og:|twitter:|description$)", key):
            out.append(f"meta {key}={tag.get('content')}")
        elif tag.name == "link" and (rel in ("alternate feed", "canonical") or rel.startswith("schema.")):
            href = urljoin("http://site/" + page, tag.get("href") or "")
            out.append(f"link {rel} {tag.get('type')} {tag.get('title')} {href}")
        elif tag.name == "script" and tag.get("type") == "application/ld+json":
            out.append("json-ld " + json.dumps(json.loads(tag.string), sort_keys=True))
    return out


def test_zensical_pages_have_the_head_tags_and_text_of_the_mkdocs_pages(history, zensical_site):
    briefings = json.loads((zensical_site / "data" / "briefings.json").read_text(encoding="utf-8"))
    assert briefings
    for rec in briefings:  # the citation tags and JSON-LD are on every briefing page
        tags = head_tags((zensical_site / rec["path"] / "index.html").read_text(encoding="utf-8"))
        assert any(t.startswith("meta citation_title=") for t in tags), rec["path"]
        assert any(t.startswith("json-ld ") for t in tags), rec["path"]
    pages = sorted(p.relative_to(history.site).as_posix() for p in history.site.rglob("*.html"))
    for rel in pages:
        mk = (history.site / rel).read_text(encoding="utf-8")
        zs = (zensical_site / rel).read_text(encoding="utf-8")
        assert head_tags(zs, rel) == head_tags(mk, rel), rel
        a, b = (BeautifulSoup(x, "html.parser").select_one(".md-content") for x in (mk, zs))
        assert (a is None) == (b is None), rel
        if a is not None:
            assert " ".join(b.get_text(" ").split()) == " ".join(a.get_text(" ").split()), rel


def test_zensical_site_has_the_feeds_exports_and_search_index_of_the_mkdocs_site(history, zensical_site):
    static = [rel for rel in site_files(history.site)
              if rel.startswith(("data/", "feeds/", "cite/", "pagefind/")) or rel == "robots.txt"]
    assert {"data/briefings.json", "data/briefings.csv", "feeds/atom.xml", "feeds/feed.json"} <= set(static)
    assert [rel for rel in static if (zensical_site / rel).read_bytes() != (history.site / rel).read_bytes()] == []


def test_zensical_site_lists_the_same_files_but_the_known_differences(history, zensical_site):
    found = compare_sites(history.site, zensical_site)
    unexplained = [d for d in found if not any(d.startswith(k) for k in ZENSICAL_DIFFERENCES)]
    gone = [k for k in ZENSICAL_DIFFERENCES if not any(d.startswith(k) for d in found)]
    assert unexplained == [], "differences not in ZENSICAL_DIFFERENCES (and the README):\n" + "\n".join(unexplained)
    assert gone == [], "listed differences that are gone (update ZENSICAL_DIFFERENCES and the README): " + str(gone)


def test_compare_reports_each_missing_file(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for site, files in ((a, ["index.html", "data/x.json", "assets/javascripts/one.js"]),
                        (b, ["index.html", "assets/javascripts/two.js", "extra.txt"])):
        for f in files:
            (site / f).parent.mkdir(parents=True, exist_ok=True)
            (site / f).write_text("x")
    assert compare_sites(a, b) == ["theme bundle differs: assets/javascripts/ (A: 1 files, B: 1 files)",
                                   "only in A: data/x.json", "only in B: extra.txt"]
    proc = _run([sys.executable, "-m", "hooks.briefdesk", "compare", str(a), str(b)], Path(__file__).parents[1])
    assert proc.returncode == 1 and "only in A: data/x.json" in proc.stdout


@pytest.mark.browser
def test_zensical_site_search_answers_in_the_browser(zensical_site, browser):  # noqa: F811
    with _serving(zensical_site) as base:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base)
        results = _header_results(page, "wholesaler")  # typed key by key: the box reacts to key events
        assert results and results[0].startswith("/briefings/wholesaler"), results
        page.goto(base + "search/?q=smuggling")
        assert _page_results(page), "the search page found nothing"
        context.close()
    assert errors == []
