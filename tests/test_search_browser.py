"""Search in a real browser: the shipped corpus built with `mkdocs build --strict`, served
by a plain static file server (http.server), driven with Playwright and Debian's Chromium.

The header box lists results as you type; the search page filters by topic and place and
keeps them in the URL; romanization variants find the same briefing; a page view that does
not search downloads nothing of the search engine; with scripts off the search page says so.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def served(seed_site):
    """The built site served over HTTP on a free local port: (base URL, site folder)."""
    site: Path = seed_site.site
    assert (site / "pagefind" / "pagefind.js").exists(), seed_site.output
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
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
                   return m && /matching/.test(m.textContent) && document.querySelector('[data-bd-search-input]').value === q; }""",
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
        "() => /matching|No matching/.test((document.querySelector('[data-status]')||{}).textContent||'')",
        timeout=15000)
    page.wait_for_timeout(200)
    return page.locator(".bd-sp__results a.bd-sr__link").evaluate_all("els => els.map(e => e.pathname)")


def _wait_count_change(page, before: int) -> list[str]:
    page.wait_for_function(
        "(n) => document.querySelectorAll('.bd-sp__results a.bd-sr__link').length !== n"
        " && /matching/.test(document.querySelector('[data-status]').textContent)",
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
