"""The cleaner generalises beyond the seeds: other outlets' noise, and text that looks
like markup stays text."""

from __future__ import annotations

from pathlib import Path

from briefdesk.source.clean import clean, load_rules, parse_stated_date

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT / "hooks" / "editorial" / "boilerplate.yml")

BODY = [
    "North Korean authorities have tightened control over the Sunam Market in Chongjin, sources said on Monday.",
    "Traders said that prices of rice and corn rose sharply after the inspections began last month.",
    "The crackdown is expected to continue until the end of the year, according to the source.",
]


def run(*lines: str):
    return clean("\n\n".join(lines), RULES)


def test_scraped_page_noise_is_removed_and_recorded():
    text = run(
        "Home > News > Economy",
        BODY[0],
        "Kim Jong Un inspects a fertilizer plant. (Rodong Sinmun – News1)",
        BODY[1],
        "FILE PHOTO: A market in Hyesan, Ryanggang Province.",
        BODY[2],
        "(END)",
        "SOURCE: Yonhap",
        "Read the full story here",
        "Related articles:\nNorth Korea raises rice prices\nTraders arrested in Sinuiju",
        "Share on Facebook | Twitter | Email",
        "Copyright © 2024 Daily NK. All rights reserved.",
        "Tags: economy, markets",
    )
    assert text.paragraphs == BODY
    figures = [(b.text, b.credit) for b in text.blocks if b.kind == "figure"]
    assert figures == [
        ("Kim Jong Un inspects a fertilizer plant.", "Rodong Sinmun – News1"),
        ("A market in Hyesan, Ryanggang Province.", None),
    ]
    rules = [r.rule for r in text.removed]
    for expected in ("breadcrumbs", "end-marker", "source-line", "read-more-link", "recommendation-list",
                     "share-buttons", "copyright", "tags-line"):
        assert expected in rules, expected
    # the whole recommendation list is recorded, line by line
    assert "Traders arrested in Sinuiju" in [r.text for r in text.removed]


def test_date_line_becomes_metadata_only_when_complete():
    text = run("Posted on April 3, 2021", *BODY)
    assert text.stated_date == "2021-04-03"
    assert text.removed[0].kind == "date"
    partial = run("Posted on April 2021", *BODY)
    assert partial.stated_date is None
    # not a date line: a short line before the article, recorded as the page's, not as a date
    assert [(r.text, r.kind) for r in partial.removed] == [("Posted on April 2021", "boilerplate")]
    assert parse_stated_date("Oct. 27") is None


def test_markup_looking_lines_stay_in_the_body_as_text():
    tricky = [
        "# Not a heading, just a line that starts with a hash sign and keeps going.",
        "1. A numbered line that is part of the article text, not a list.",
        "> A line with a quote marker at the start of it, from the source.",
        "| a | table-looking | line | from a scraped page that must stay text |",
        "<script>alert('x')</script> and [a link](javascript:alert(1)) in the text.",
    ]
    text = run(*tricky)
    assert text.paragraphs == tricky


def test_unsure_paragraph_stays():
    odd = "Some say the market will reopen soon"  # no closing punctuation, but not noise
    text = run(BODY[0], odd + ", but officials disagree and the traders wait.", BODY[1])
    assert len(text.paragraphs) == 3


def test_byline_and_credits_in_other_forms():
    text = run("By Lee Sang Yong", *BODY, "Translated by Jason Bartlett and Jeong Tae Joo. Edited by Robert Lauler.")
    assert text.credits == {"authors": ["Lee Sang Yong"], "translators": ["Jason Bartlett", "Jeong Tae Joo"],
                            "editors": ["Robert Lauler"]}
    assert text.paragraphs == BODY


def test_keyword_lines_only_when_lowercase_and_bare():
    text = run("markets rice prices", *BODY, "Kim Jong Un visits", "north korea, economy")
    removed = [r.text for r in text.removed if r.kind == "keywords"]
    assert removed == ["markets rice prices"]
    assert "north korea, economy" in text.paragraphs  # punctuation: not a bare keyword line


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = "North Korean authorities have tightened\ncontrol over the market, sources said\non Monday."
    text = run(wrapped, BODY[1])
    assert text.paragraphs[0] == "North Korean authorities have tightened control over the market, sources said on Monday."
