"""The prices pages as a reader gets them: a corpus with dated prices
(tests/price_corpus.py) built, served on 127.0.0.1 and opened in Debian's Chromium
through Playwright: the chart is drawn (with and without JavaScript), its points lead
to their paragraphs, nothing is asked of another site, and a phone reader never
scrolls sideways."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, mkdocs_build
from price_corpus import ARTICLES

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_JS = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("price-browser"), ARTICLES, with_seeds=False)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output
    handler = functools.partial(_Quiet, directory=str(result.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, served: str, path: str, **options):
    context = browser.new_context(reduced_motion="reduce", **options)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((served, "data:", "blob:")) else outside.append(r.url))
    page.goto(served + path, wait_until="networkidle")
    return context, page, outside


@pytest.mark.parametrize("scripts", [True, False], ids=["with-js", "without-js"])
def test_chart_is_drawn_and_its_points_lead_to_their_paragraphs(browser, served, scripts):
    context, page, outside = _open(browser, served, "prices/rice/", viewport={"width": 1280, "height": 900},
                                   java_script_enabled=scripts)
    try:
        svg = page.locator("figure.bd-chart-figure svg")
        box = svg.bounding_box()
        assert box and box["width"] > 400 and box["height"] > 150
        points = page.locator("figure.bd-chart-figure svg a circle")
        assert points.count() == 5
        for i in range(points.count()):
            p = points.nth(i).bounding_box()
            assert p and p["width"] > 4
            assert box["x"] <= p["x"] and p["x"] + p["width"] <= box["x"] + box["width"] + 1
            assert box["y"] <= p["y"] and p["y"] + p["height"] <= box["y"] + box["height"] + 1
        # the labels are text a reader (and a screen reader) gets
        assert "KPW per kg" in svg.locator("text").all_text_contents()
        assert page.locator(".bd-chart__legend li").all_inner_texts() == ["Pyongyang (4)", "Hyesan (1)"]
        title = points.first.locator("title").text_content()
        points.first.click()
        page.wait_for_load_state("networkidle")
        assert "/briefings/" in page.url and "#p2" in page.url, (page.url, title)
        assert page.locator("p#p2.bd-para").count() == 1
        assert outside == [], f"requests to other sites: {outside}"
    finally:
        context.close()


def test_price_pages_fit_a_phone_and_pass_axe(browser, served):
    for path in ("prices/", "prices/rice/", "places/pyongyang/",
                 "briefings/rice-prices-ease-pyongyang-hyesan/"):
        context, page, outside = _open(browser, served, path, viewport={"width": 390, "height": 844})
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path}: page is {overflow}px wider than the screen"
            assert outside == []
            if not AXE_JS.exists():
                continue  # `npm ci --prefix tests` (make test) installs axe-core: checked there
            page.add_script_tag(path=str(AXE_JS))
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations'],"
                " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
            bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{path}:\n" + "\n".join(bad)
        finally:
            context.close()
