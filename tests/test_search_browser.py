"""Search in a real browser: the shipped corpus built with `mkdocs build --strict`, served
by a plain static file server (http.server), driven with Playwright and Debian's Chromium.

The header box lists results as you type; the search page filters by topic and place and
keeps them in the URL; romanization variants find the same briefing; a page view that does
not search downloads nothing of the search engine; with scripts off the search page says so;
excerpts are the article's own text (not its label chips or hidden spellings), on the
shipped corpus and on a generated one.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import shutil
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import ROOT, BuildResult, copy_project, mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


# dates an editor might give the shipped articles (which state none), so that sorting by date
# has an order to keep across the parts of the index
DATES = {"000": "2020-03-01", "001": "2021-06-15", "002": "2022-01-10", "003": "2023-09-30", "004": "2024-12-05"}


def _dated_build(root: Path, part_size: int) -> BuildResult:
    project = copy_project(root, keep_registry=True)
    for sidecar in sorted((project / "source_articles").glob("*.yml")):
        with sidecar.open("a", encoding="utf-8") as f:
            f.write(f"date: {DATES[sidecar.name[:3]]}\n")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "    search_part_size: 4000\n" in text
    config.write_text(text.replace("    search_part_size: 4000\n", f"    search_part_size: {part_size}\n"), encoding="utf-8")
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory) -> BuildResult:
    """The shipped corpus, dated, with its search index in three parts (2 + 2 + 1 briefings),
    as a large archive's is (4,000 briefings a part by default)."""
    return _dated_build(tmp_path_factory.mktemp("parted-project"), 2)


@pytest.fixture(scope="module", params=["one part", "three parts"])
def served(request, mkdocs_seed_site):
    """The built site served over HTTP on a free local port: (base URL, site folder). Every
    test runs on the shipped corpus indexed in one part, and in three."""
    built = mkdocs_seed_site if request.param == "one part" else request.getfixturevalue("parted_site")
    site: Path = built.site
    manifest = json.loads((site / "pagefind" / "bd-search.json").read_text(encoding="utf-8"))
    assert len(manifest["parts"]) == (1 if request.param == "one part" else 3), built.output
    with _serving(site) as base:
        yield base, site


@contextlib.contextmanager
def _serving(site: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                               args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, errors


def _urls(site: Path) -> dict[str, str]:
    """Source file name prefix (000, 001, …) -> the briefing's site-relative URL."""
    report = json.loads((site / "data" / "build-report.json").read_text(encoding="utf-8"))
    return {p["source_file"][:3]: p["url"] for p in report["published"]}


def _header_results(page, text: str) -> list[str]:
    box = page.locator("[data-bd-search-input]")
    box.click()
    box.press_sequentially(text, delay=25)
    page.wait_for_function(
        """(q) => { const m = document.querySelector('[data-bd-search-meta]');
                   return m && /matching/.test(m.textContent) && !/so far/.test(m.textContent)
                          && document.querySelector('[data-bd-search-input]').value === q; }""",
        arg=text, timeout=15000,
    )
    page.wait_for_timeout(300)  # the last keystroke's search replaces the list
    return page.locator("[data-bd-search-list] a.bd-sr__link").evaluate_all("els => els.map(e => e.pathname)")


def test_header_box_finds_import_disease_first(served, page):
    base, site = served
    page.goto(base)
    results = _header_results(page, "import disease")
    assert results, "no results"
    assert results[0] == "/" + _urls(site)["000"]


def test_header_box_finds_the_wholesaler(served, page):
    base, site = served
    page.goto(base + "about/")
    results = _header_results(page, "Pyongsong leather")
    assert results and results[0] == "/" + _urls(site)["004"]


def test_a_phrase_leads_to_the_briefing_with_the_words_marked(served, page):
    base, site = served
    page.goto(base + "topics/")
    results = _header_results(page, "sternly warned the managers")
    target = "/" + _urls(site)["003"]
    assert results and results[0] == target
    page.locator("[data-bd-search-list] a.bd-sr__link").first.click()
    page.wait_for_url(lambda u: urlparse(u).path == target)
    assert "pagefind-highlight" in page.url
    page.wait_for_selector("[data-pagefind-body] mark.bd-hl")
    marked = {t.lower() for t in page.locator("[data-pagefind-body] mark.bd-hl").all_inner_texts()}
    assert {"sternly", "warned", "managers"} <= marked


def test_enter_opens_the_search_page_with_the_query_in_the_url(served, page):
    base, _ = served
    page.goto(base)
    box = page.locator("[data-bd-search-input]")
    box.click()
    box.press_sequentially("border", delay=20)
    box.press("Enter")
    page.wait_for_url(lambda u: urlparse(u).path == "/search/")
    assert parse_qs(urlparse(page.url).query)["q"] == ["border"]
    page.wait_for_selector(".bd-sp__results a.bd-sr__link")


def _page_results(page) -> list[str]:
    page.wait_for_function(
        "() => { const t = (document.querySelector('[data-status]')||{}).textContent||'';"
        "        return /matching|No matching/.test(t) && !/so far/.test(t); }",
        timeout=15000)
    page.wait_for_timeout(200)
    return page.locator(".bd-sp__results a.bd-sr__link").evaluate_all("els => els.map(e => e.pathname)")


def _wait_count_change(page, before: int) -> list[str]:
    page.wait_for_function(
        "(n) => document.querySelectorAll('.bd-sp__results a.bd-sr__link').length !== n"
        " && /matching/.test(document.querySelector('[data-status]').textContent)"
        " && !/so far/.test(document.querySelector('[data-status]').textContent)",
        arg=before, timeout=15000)
    return _page_results(page)


def test_search_page_filters_narrow_results_and_live_in_the_url(served, page):
    base, site = served
    page.goto(base + "search/?q=province")
    everything = _page_results(page)
    assert len(everything) >= 3
    page.select_option("select[data-facet=topic]", "Light industry and consumer goods")
    by_topic = _wait_count_change(page, len(everything))
    assert 0 < len(by_topic) < len(everything)
    query = parse_qs(urlparse(page.url).query)
    assert query["topic"] == ["Light industry and consumer goods"] and query["q"] == ["province"]
    page.select_option("select[data-facet=place]", "Pyongyang")
    by_both = _wait_count_change(page, len(by_topic))
    assert 0 < len(by_both) < len(by_topic)
    assert by_both == ["/" + _urls(site)["002"]]
    query = parse_qs(urlparse(page.url).query)
    assert query["place"] == ["Pyongyang"] and query["topic"] == ["Light industry and consumer goods"]
    # the URL alone reproduces the search
    page.goto(page.url)
    assert _page_results(page) == by_both
    assert page.locator("select[data-facet=place]").input_value() == "Pyongyang"


def test_search_page_filters_without_words_and_sorts_by_date(served, page):
    base, site = served
    page.goto(base + "search/?outlet=Daily+NK&sort=date")
    results = _page_results(page)
    assert len(results) == 4 and "/" + _urls(site)["002"] not in results  # 002 names no outlet
    assert page.locator("select[name=sort]").input_value() == "date"


@pytest.mark.parametrize("spelling", ["Ryanggang", "Yanggang", "Ryangkang"])
def test_romanization_variants_find_the_same_briefing(served, page, spelling):
    base, site = served
    page.goto(base + "search/?q=" + spelling)
    assert "/" + _urls(site)["001"] in _page_results(page)


@pytest.mark.parametrize("spelling", ["Kim Jong Un", "Kim Jong-un", "Kim Jongun", "Kim Jeong-eun"])
def test_actor_spellings_find_the_same_briefings(served, page, spelling):
    base, site = served
    page.goto(base + "search/?q=" + spelling.replace(" ", "+"))
    results = _page_results(page)
    urls = _urls(site)
    assert {"/" + urls["004"], "/" + urls["002"]} <= set(results)


def test_a_page_view_that_does_not_search_downloads_no_search_index(served, browser):
    base, site = served
    context = browser.new_context()
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(base + _urls(site)["001"], wait_until="networkidle")
    pg.mouse.move(200, 300)
    pg.wait_for_timeout(500)
    context.close()
    assert not [u for u in requests if "/pagefind/" in u or "search_index" in u or "/workers/search" in u], requests
    search_js = [u for u in requests if u.endswith("assets/search.js")]
    assert len(search_js) == 1
    assert (site / "assets" / "search.js").stat().st_size < 50_000


def test_without_javascript_the_search_page_says_so(served, browser):
    base, _ = served
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base + "search/?q=border")
    text = pg.locator("article").inner_text()
    context.close()
    assert "Search needs JavaScript" in text


def test_works_from_a_subfolder(served, browser, tmp_path):
    """Pages at any depth, and a site served below the server's root, find the bundle."""
    base, site = served
    root = tmp_path / "www"
    shutil.copytree(site, root / "archive-mirror")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()
        pg = context.new_page()
        pg.goto(f"http://127.0.0.1:{server.server_address[1]}/archive-mirror/" + _urls(site)["002"])
        results = _header_results(pg, "Pyongsong leather")
        context.close()
        assert results and results[0] == "/archive-mirror/" + _urls(site)["004"]
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------- the index in parts


@pytest.fixture(scope="module")
def both(tmp_path_factory, parted_site):
    """The shipped corpus, dated, served twice: indexed in one part, and in three."""
    single = _dated_build(tmp_path_factory.mktemp("dated-project"), 4000)
    with _serving(single.site) as one, _serving(parted_site.site) as three:
        yield one, three


def _search_page(browser, url: str) -> tuple[list[str], str]:
    context = browser.new_context()
    pg = context.new_page()
    try:
        pg.goto(url)
        results = _page_results(pg)
        return results, pg.locator("[data-status]").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("query", [
    "search/?q=province", "search/?q=market+prices", "search/?q=Kim+Jong-un",
    "search/?q=province&sort=date", "search/?outlet=Daily+NK&sort=date",
    "search/?topic=Light+industry+and+consumer+goods",
])
def test_three_parts_answer_as_one_index(both, parted_site, browser, query):
    """The parts' answers merged: the same briefings, the same count, and by date the same
    order. (By relevance the order may differ here: each part scores a word by how rare it is
    in that part, which in parts of one or two briefings says little; in parts of thousands it
    is close to the whole archive's. The header-box tests above find the expected briefing
    first in three parts too.)"""
    one, three = both
    single, single_status = _search_page(browser, one + query)
    parted, parted_status = _search_page(browser, three + query)
    assert single, single_status
    assert set(parted) == set(single) and parted_status == single_status
    if "sort=date" in query:
        assert parted == single
        date_of = {"/" + url: DATES[key] for key, url in _urls(parted_site.site).items()}
        dates = [date_of[u] for u in parted]
        assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def test_the_newest_part_answers_before_the_older_parts_are_fetched(parted_site, browser):
    site = parted_site.site
    manifest = json.loads((site / "pagefind" / "bd-search.json").read_text(encoding="utf-8"))
    newest, *older = manifest["parts"]
    with _serving(site) as base:
        context = browser.new_context()
        pg = context.new_page()
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(urlparse(r.url).path))
        pg.goto(base)
        results = _header_results(pg, "province")
        context.close()
    assert results
    first_fragment = next(i for i, u in enumerate(requests) if u.startswith(f"/pagefind/{newest}fragment/"))
    first_older = min(i for i, u in enumerate(requests) if any(u.startswith(f"/pagefind/{o}") for o in older))
    assert first_fragment < first_older, requests
    # each part's engine files come from that part; the older parts' files are fetched once
    assert all(sum(1 for u in requests if u == f"/pagefind/{o}pagefind-entry.json") <= 1 for o in older)


# ---------------------------------------------------------------------- excerpts


def _paragraphs(site: Path, path: str) -> list[str]:
    """The article's own paragraphs on a briefing page (site-relative path), as a reader
    sees them: without the paragraph number, whitespace collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / path.lstrip("/") / "index.html").read_text(encoding="utf-8"), "lxml")
    out = []
    for p in soup.select("[data-pagefind-body] p.bd-para"):
        for num in p.select(".bd-para__num"):
            num.decompose()
        out.append(re.sub(r"\s+", " ", p.get_text()).strip())
    assert out, path
    return out


def _shown_excerpts(page, selector: str) -> list[tuple[str, str, list[str]]]:
    """(result path, excerpt text, marked words) of every result shown."""
    page.wait_for_function(
        "(sel) => { const items = document.querySelectorAll(sel + ' .bd-sr');"
        "           return items.length > 0 && !document.querySelector(sel + ' .bd-sr--pending'); }",
        arg=selector, timeout=15000)
    return page.locator(f"{selector} .bd-sr").evaluate_all(
        """els => els.filter(e => e.querySelector('a.bd-sr__link')).map(e => [
             e.querySelector('a.bd-sr__link').pathname,
             e.querySelector('.bd-sr__excerpt').innerText,
             Array.from(e.querySelectorAll('.bd-sr__excerpt mark')).map(m => m.innerText)])""")


def _assert_article_text(site: Path, shown, query: str | None = None) -> None:
    assert shown
    for path, text, marked in shown:
        words = re.sub(r"\s+", " ", text).strip().strip("…").strip()
        assert words, (path, text)
        paragraphs = _paragraphs(site, path)
        assert any(words in p for p in paragraphs), (path, text)
        stems = [w[:5].lower() for w in (query or "").split()]  # smuggling finds smugglers too
        if stems and any(re.search(rf"\b{s}", p, re.I) for s in stems for p in paragraphs):
            # the article mentions a word of the query: the excerpt shows a mention, marked
            assert any(m.lower().lstrip("“‘\"'(").startswith(s) for s in stems for m in marked), (path, text, marked)


def test_excerpts_are_the_articles_own_paragraphs(served, page):
    """Not the label chips, the header box or the hidden list of other spellings, which
    hold "Trade and smuggling" for the Yanggang briefing and weigh more than its text."""
    base, site = served
    page.goto(base + "search/?q=smuggling")
    _page_results(page)
    shown = _shown_excerpts(page, ".bd-sp__results")
    _assert_article_text(site, shown, "smuggling")
    yanggang = "/" + _urls(site)["001"]
    assert yanggang in [p for p, _, _ in shown]
    for path, text, _ in shown:
        assert "Import substitution and self-reliance" not in text and "Ryangkang" not in text, (path, text)


def test_header_box_excerpts_are_the_articles_own_paragraphs(served, page):
    base, site = served
    page.goto(base + "about/")
    _header_results(page, "smuggling")
    _assert_article_text(site, _shown_excerpts(page, "[data-bd-search-list]"), "smuggling")


@pytest.mark.parametrize("query", ["Ryangkang", "Import substitution and self-reliance"])
def test_found_by_a_label_or_a_spelling_the_excerpt_is_still_article_text(served, page, query):
    """A spelling only the hidden list holds, and a topic's name, still find the Yanggang
    briefing, near the top (labels weigh above the body); its excerpt is article text."""
    base, site = served
    page.goto(base + "search/?q=" + query.replace(" ", "+"))
    results = _page_results(page)
    assert "/" + _urls(site)["001"] in results[:3], results
    _assert_article_text(site, _shown_excerpts(page, ".bd-sp__results"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated corpus (bench/generate_corpus.py, seeded) of 40 articles, served."""
    sys.path.insert(0, str(ROOT))
    from bench.generate_corpus import generate

    project = copy_project(tmp_path_factory.mktemp("generated-search"), with_seeds=False)
    generate(40, 7, project / "source_articles", workers=1)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output[-4000:]
    with _serving(result.site) as base:
        yield base, result.site


@pytest.mark.parametrize("query", ["smuggling", "market prices", "Hyesan"])
def test_excerpts_are_article_text_in_a_generated_corpus(generated, page, query):
    base, site = generated
    page.goto(base + "search/?q=" + query.replace(" ", "+"))
    assert len(_page_results(page)) >= 2
    _assert_article_text(site, _shown_excerpts(page, ".bd-sp__results"), query)
