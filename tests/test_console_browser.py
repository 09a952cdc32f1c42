"""What an outside audit of the built site checks first (Lighthouse's "errors in console"):
the shipped corpus built with `mkdocs build --strict`, served by a plain static file server
on 127.0.0.1 and opened in Debian's Chromium through Playwright. The home page, a briefing,
the list of all briefings, a topic page and the search page (with a query, and the header
box searched from the home page) make no request that fails or answers with an error
status, none to another host, and log no console error.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BRIEFING = "briefings/yanggang-provinces-party-committee-recently-gathered-members/"
PAGES = {
    "home": "",
    "briefing": BRIEFING,
    "listing": "briefings/",
    "topic": "topics/trade-smuggling/",  # a topic page names the topic's own feeds too
    "search": "search/?q=smuggling",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(mkdocs_seed_site):
    for path in PAGES.values():
        assert (mkdocs_seed_site.site / urlparse(path).path / "index.html").exists(), path
    handler = functools.partial(_Quiet, directory=str(mkdocs_seed_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe:
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _watched(browser, base: str):
    """A new page and the list its problems go to: failed requests, error statuses,
    requests to another host, console errors and uncaught exceptions."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    host = urlparse(base).netloc

    def on_request(req):
        u = urlparse(req.url)
        if u.scheme in ("http", "https") and u.netloc != host:
            problems.append(f"request to another host: {req.url}")

    def on_response(resp):
        if resp.status >= 400:
            problems.append(f"{resp.status} for {resp.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url} ({req.failure})"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return context, page, problems


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_loads_without_a_failed_request_or_console_error(served, browser, name):
    context, page, problems = _watched(browser, served)
    try:
        page.goto(served + PAGES[name], wait_until="networkidle")
        if name == "search":
            page.wait_for_selector(".bd-sp__results a.bd-sr__link", timeout=15000)
            page.wait_for_load_state("networkidle")
        page.mouse.move(200, 300)
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert not problems, problems


def test_searching_from_the_header_box_fails_no_request(served, browser):
    context, page, problems = _watched(browser, served)
    try:
        page.goto(served, wait_until="networkidle")
        box = page.locator("[data-bd-search-input]")
        box.click()
        box.press_sequentially("smuggling", delay=25)
        page.wait_for_selector("[data-bd-search-list] a.bd-sr__link", timeout=15000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not problems, problems
