"""Hostile input: text stays text wherever it lands (checked on parsed HTML), odd files get
a clear answer, and the pipeline never raises on generated text."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings, strategies as st

from briefdesk.source.clean import clean, load_rules
from briefdesk.source.describe import describe
from briefdesk.model import RefusedError, SourceArticle
from conftest import copy_project, mkdocs_build

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT / "hooks" / "editorial" / "boilerplate.yml")

PAYLOADS = [
    "<script>alert('body')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(2)) and ![img](data:text/html,<b>x</b>)",
    "<!-- a comment --> {{ config.site_name }} {% raw %} {: onclick=alert(3) }",
    "<a href=\"javascript:alert(4)\">link</a>",
]
HOSTILE_TEXT = "\n\n".join(
    [
        "<b>Headline</b> with <script>alert('title')</script> in it",
        *[f"Paragraph {i}: the source said {p} and more text follows here." for i, p in enumerate(PAYLOADS)],
        "# hash line that is text, 1. and > and | too, with <iframe src=//evil></iframe>",
        "A caption with <script>alert('cap')</script>. / Image: <b>Evil</b> Credit",
    ]
)
HOSTILE_META = (
    "title: '\"><script>alert(\"meta\")</script>'\n"
    "summary: '<img src=x onerror=alert(5)> summary'\n"
    "authors: ['<script>alert(6)</script>', 'Kim \"Quote\" Lee']\n"
    "outlet: '</script><script>alert(7)</script>'\n"
    "source_url: 'https://example.org/a?b=\"><script>'\n"
)


def test_hostile_meta_source_url_refused_but_rest_escaped(tmp_path, engine):
    project = copy_project(tmp_path, {
        "evil.txt": HOSTILE_TEXT,
        "evil.yml": HOSTILE_META.replace("source_url: 'https://example.org/a?b=\"><script>'\n", ""),
        "evil-url.txt": HOSTILE_TEXT.replace("Headline", "Other"),
        "evil-url.yml": "source_url: 'https://example.org/a?b=\"><script>'\n",
    }, with_seeds=False)
    result = mkdocs_build(project, strict=False, engine=engine)
    assert result.returncode == 0, result.output
    assert any("evil-url.txt" in w and "http(s) URL" in w for w in result.warnings())
    [rec] = json.loads((result.site / "data" / "briefings.json").read_text())
    assert rec["title"] == '"><script>alert("meta")</script>'
    for html_file in result.site.rglob("*.html"):
        check_no_live_markup(html_file)


def check_no_live_markup(path: Path) -> None:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for script in page.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, not code: it must parse, and it did not end early
            continue
        assert "alert(" not in (script.string or ""), (path, script)
    for tag in page.find_all(True):
        assert tag.name not in ("iframe", "img", "b") or "alert(" not in str(tag), (path, tag)
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), (path, tag)
            if attr in ("href", "src") and value != "javascript:void(0)":  # Material's own share button
                assert not str(value).strip().lower().startswith(("javascript:", "data:")), (path, tag)
    text = page.get_text()
    if "Paragraph 0" in text:
        # the payloads are shown as the words they are
        for payload in ("<script>alert('body')</script>", "[click me](javascript:alert(2))", "{{ config.site_name }}"):
            assert payload in text, (path, payload)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=0, max_size=200), min_size=1, max_size=12))
def test_pipeline_never_raises_and_loses_no_sentence(paragraphs):
    text = "\n\n".join(paragraphs)
    article = SourceArticle(source_file="x.txt", path=Path("x.txt"), text=text, metadata={"id": "x"})
    cleaned = clean(text, RULES)
    try:
        briefing = describe(article, cleaned)
    except RefusedError:
        briefing = None
    kept = " ".join(b.raw or b.text for b in cleaned.blocks) + " " + " ".join(r.text for r in cleaned.removed)
    for line in text.split("\n"):
        for word in line.split():
            assert word in kept
    if briefing is not None:
        assert briefing.title and briefing.word_count >= 0


def test_odd_but_valid_articles_build_strict(tmp_path):
    """Normal input that looks odd: all of it is published, none of it refused."""
    para = ("Traders in Hyesan said the price of rice rose after the state shops closed for inspections, "
            "and smuggling across the Yalu River almost stopped. ")
    big = "\n\n".join(para * 8 for _ in range(5 * 1024 * 1024 // (len(para) * 8)))  # ~5 MB, many paragraphs
    articles = {
        "bom-crlf.txt": "\ufeffNorth Korean traders said prices rose.\r\n\r\nThe source added more.\r\n".encode("utf-8"),
        "cp1252.txt": "The party’s “war” on imports – café owners said so.\n\nMore text follows.".encode("cp1252"),
        "korean.txt": "북한 시장에서 쌀 가격이 올랐다고 소식통이 전했다.\n\n中国 丹东 traders said the same.\n",
        "invisible.txt": "Hidden\u200b characters\u202e and text.\n\nA second paragraph here.\n",
        "with space é.txt": "A file name with a space and an accent builds too.\n\nIt has two paragraphs.\n",
        "huge.txt": big,
        "one-line.txt": ("word " * 200_000).strip() + ".",
    }
    project = copy_project(tmp_path, articles, with_seeds=False)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output[-3000:]
    data = json.loads((result.site / "data" / "briefings.json").read_text())
    assert sorted(r["source_file"] for r in data) == sorted(articles)
    by_file = {r["source_file"]: r for r in data}
    assert by_file["cp1252.txt"]["title"].startswith("The party’s “war” on imports – café")
    assert "\u200b" not in by_file["invisible.txt"]["title"] and "\u202e" not in by_file["invisible.txt"]["title"]
    assert by_file["huge.txt"]["word_count"] > 800_000
    assert by_file["one-line.txt"]["word_count"] == 200_000
    for r in data:
        assert (result.site / r["path"] / "index.html").exists()
