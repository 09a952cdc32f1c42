"""The cleaner and the describer on each seed article: titles, captions, credits, and the
record of removed lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefdesk.source.clean import clean, load_rules
from briefdesk.source.describe import describe
from briefdesk.source.read import discover

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT / "hooks" / "editorial" / "boilerplate.yml")


@pytest.fixture(scope="module")
def seeds():
    result = discover(ROOT / "source_articles")
    assert result.refusals == []
    out = {}
    for article in result.articles:
        text = clean(article.text, RULES)
        out[article.source_file[:3]] = (article, text, describe(article, text))
    return out


def body_text(text) -> str:
    return "\n".join(b.text for b in text.blocks if b.kind != "figure")


NOISE = ("Please direct any comments", "Read in Korean", "freelance reporters", "Translated by",
         "Daily NK works with a network", "business loans", "factory kim jong un business", "/ Image:",
         "(Daily NK)", "(Rodong Sinmun)")


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_no_noise_left_in_body(seeds, key):
    _, text, _ = seeds[key]
    body = body_text(text)
    for noise in NOISE:
        assert noise not in body, (key, noise)


def test_import_disease_article(seeds):
    article, text, b = seeds["000"]
    assert b.title_derived is True
    # derived from the lede's main clause (its "recently" left out: the title reads as a headline)
    assert b.title.startswith("The party committee of North Hamgyong Province called")
    assert b.authors == ["Jong So Yong"] and b.credit_sources["authors"] == "text"
    assert b.date is None and b.date_source is None
    assert b.outlet == "Daily NK"
    assert b.source_url.endswith("eradicate-import-disease/")
    [fig] = [blk for blk in text.blocks if blk.kind == "figure"]
    assert fig.text.startswith("North Korean trucks can be seen heading")
    assert fig.credit == "Daily NK"
    rules = {r.rule for r in text.removed}
    assert {"contact-footer", "read-in-korean", "freelance-reporter-bio"} <= rules


def test_yanggang_article_caption_in_parentheses(seeds):
    _, text, b = seeds["001"]
    assert text.blocks[0].kind == "figure"
    assert text.blocks[0].credit == "Daily NK"
    assert b.authors == ["Jong So Yong"]
    assert b.summary.startswith("Yanggang Province’s party committee recently gathered")


def test_long_analysis_titled_by_its_headline_with_headings(seeds):
    _, text, b = seeds["002"]
    assert b.title == "From “heavy” to “light”: North Korea’s light industry development policy and effectiveness"
    assert b.title_derived is False
    headings = [blk.text for blk in text.blocks if blk.kind == "heading"]
    assert headings == [
        "The introduction of the light industry priority development policy",
        "Factory renovation and new construction projects in the light industry sector",
        "The social supply of light industrial products has increased significantly",
    ]
    assert b.outlet is None  # not stated anywhere: not invented
    assert b.authors == []
    # the headline is recorded as taken out of the body, not lost
    assert [r.kind for r in text.removed] == ["headline"]
    assert b.word_count > 1500


def test_factory_meetings_article_credits_and_keywords(seeds):
    _, text, b = seeds["003"]
    assert b.translators == ["David Black"]
    assert b.editors == ["Robert Lauler"]
    assert b.authors == []
    figs = [blk for blk in text.blocks if blk.kind == "figure"]
    assert [(f.text, f.credit) for f in figs] == [("Kim Jong Un on a visit to a factory in June 2019.", "Rodong Sinmun")]
    removed = {r.text: r.kind for r in text.removed}
    assert removed["factory kim jong un business"] == "keywords"
    assert removed["Translated by David Black. Edited by Robert Lauler."] == "credit"
    assert any(t.startswith("Daily NK works with a network") for t in removed)


def test_wholesaler_article(seeds):
    _, text, b = seeds["004"]
    figs = [blk for blk in text.blocks if blk.kind == "figure"]
    assert [(f.text, f.credit) for f in figs] == [("Pyongsong’s city center.", "Bjørn Christian Tørrissen")]
    assert {r.text for r in text.removed if r.kind == "keywords"} == {"business loans"}
    assert len(text.paragraphs) == 13


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_every_source_line_is_accounted_for(seeds, key):
    """Nothing lost: each non-blank source line is in the body, a caption, or the record."""
    article, text, _ = seeds[key]
    kept = " ".join(b.raw or b.text for b in text.blocks) + " " + " ".join(r.text for r in text.removed)
    for line in article.text.splitlines():
        line = " ".join(line.split())
        for word in line.split():
            assert word in kept, (key, word, line)
