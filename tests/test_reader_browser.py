"""The site as a reader gets it: the shipped corpus built, served on 127.0.0.1 and opened
in Debian's Chromium through Playwright.

- screenshots of the home page, a briefing, a topic page and the places page at desktop
  (1280x900) and phone (390x844) widths, in test-output/screenshots/ (for people to look at)
- axe-core in every one of those pages: no serious or critical accessibility violation
- a briefing printed to an A4 PDF: title, paragraph numbers and citation box; no navigation
- the Nu HTML checker (vnu.jar) over every built page: no error

Node tools come from tests/package.json (`npm ci --prefix tests`, which `make test` runs).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

NODE_MODULES = ROOT / "tests" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BRIEFING = "briefings/suffering-covid-19-inspired-economic-troubles-north-korea/"
PAGES = {"home": "", "briefing": BRIEFING, "topic": "topics/border-covid/", "places": "places/"}


def _need(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `npm ci --prefix tests` (make test does)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(mkdocs_seed_site):
    handler = functools.partial(_Quiet, directory=str(mkdocs_seed_site.site))
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


def _open(browser, served: str, path: str, viewport: dict):
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((served, "data:", "blob:")) else outside.append(r.url))
    page.goto(served + path, wait_until="networkidle")
    return context, page, outside


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot_and_accessibility(browser, served, name, width):
    _need(AXE_JS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, outside = _open(browser, served, PAGES[name], WIDTHS[width])
    try:
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert outside == [], f"requests to other sites: {outside}"
        # nothing wider than the screen (a phone reader should never scroll sideways)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} at {width}: page is {overflow}px wider than the screen"
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{name} at {width}:\n" + "\n".join(bad)
    finally:
        context.close()


def test_a_briefing_prints_on_a4(browser, served, tmp_path):
    from pypdf import PdfReader

    context, page, _ = _open(browser, served, BRIEFING, WIDTHS["desktop"])
    try:
        title = page.locator("article h1").first.inner_text().strip()
        pdf = tmp_path / "briefing.pdf"
        page.pdf(path=str(pdf), format="A4")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, SCREENSHOTS / "briefing-print.pdf")
    finally:
        context.close()
    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    assert " ".join(title.split())[:40] in flat
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "https://briefings.example.org/briefings/suffering-covid-19-inspired" in first_page  # its address, on top
    assert "¶ 1" in flat and "¶ 8" in flat
    assert "Cite this briefing" in flat
    assert "https://briefings.example.org/b/8124163a8297e610/" in flat  # the short link, in the box
    assert "Date not stated in the source" in flat
    assert "https://www.dailynk.com/english/north-korea-holds-meetings" in flat.replace("- ", "-").replace("-\n", "-")
    for nav in ("All briefings", "About and methodology", "Newer briefing", "Older briefing",
                "Related briefings", "Editorial record", "Back to top"):
        assert nav not in flat, nav
    assert len(reader.pages) <= 3


# ------------------------------------------------------------------ HTML validation

# Errors the Nu checker reports in markup that is not ours to change (Material's templates),
# each with the reason it is accepted. Matched against the message text.
# Each entry: (start of the message, a string the offending markup contains).
ACCEPTED_VNU = (
    # Material's base.html writes its drawer and search toggles as
    # <input class="md-toggle" type="checkbox" autocomplete="off">: on purpose, so that
    # Firefox does not restore an open drawer when a reader comes back to the page. Harmless.
    ("Attribute “autocomplete” is only allowed when the input type is", 'class="md-toggle"'),
    ("Attribute “autocomplete” is only allowed when the input type is", 'data-md-toggle="search"'),
    # Material's partials/toc.html labels the table of contents' title for the "__toc"
    # toggle, which its nav only renders for the page in the navigation; briefing pages are
    # outside the nav. The label then toggles nothing; nothing is lost for a reader.
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     'for="__toc"'),
)


def test_every_page_is_valid_html(mkdocs_seed_site):
    _need(VNU_JAR)
    if not shutil.which("java"):
        pytest.skip("no Java runtime for the Nu HTML checker")
    pages = sorted(str(p) for p in mkdocs_seed_site.site.rglob("*.html"))
    proc = subprocess.run(
        ["java", "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *pages],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    errors = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        if any(m.get("message", "").startswith(msg) and markup in m.get("extract", "") for msg, markup in ACCEPTED_VNU):
            continue
        where = Path(m.get("url", "").removeprefix("file:")).as_posix().replace(str(mkdocs_seed_site.site), "")
        errors.append(f"{where}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()[:80]}]")
    assert errors == [], f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:60])
