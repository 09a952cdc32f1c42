"""The cleaner reads a page's structure: what no rule names is still found by its shape
and its place on the page. Hand-written pages of each kind the issue lists; the real
articles of ../shared/devset/ are judged in test_evaluate.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefdesk.source.clean import clean, load_rules
from briefdesk.source.heuristics import date_line, find_date, tag_line

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules(ROOT / "hooks" / "editorial" / "boilerplate.yml")
S = RULES.heuristics

BODY = [
    "North Korean authorities have tightened control over the Sunam Market in Chongjin, where traders said on "
    "Monday that inspectors from the provincial people's committee had been checking every stall for goods "
    "smuggled in from China since the start of the month.",
    "Traders said that the prices of rice and corn rose sharply after the inspections began last month, and that "
    "many of them had stopped coming to the market at all because they were afraid of losing their goods.",
    "The crackdown is expected to continue until the end of the year, according to the source, who added that the "
    "authorities have also increased the number of patrols along the Tumen River at night.",
]
HEADLINE = "Inspectors tighten control over Chongjin's Sunam Market as rice prices rise"


def run(*blocks: str, url: str | None = None):
    return clean("\n\n".join(blocks), RULES, source_url=url)


def kinds(text) -> dict[str, str]:
    return {r.text: r.kind for r in text.removed}


def test_headline_after_navigation_and_a_slogan():
    text = run("Home | News | Economy | Opinion", "Independent news on North Korea since 2004", HEADLINE, *BODY)
    assert text.headline == HEADLINE
    assert text.paragraphs == BODY
    removed = kinds(text)
    assert removed["Independent news on North Korea since 2004"] == "boilerplate"
    assert removed[HEADLINE] == "headline"


def test_slogan_sharing_no_words_with_the_article_is_never_the_title():
    text = run("Informing people worldwide around the clock, a service of the foundation", *BODY)
    assert text.headline is None  # no headline stated: the title will be derived, and say so
    assert text.paragraphs == BODY


def test_the_slug_of_the_address_chooses_the_headline():
    other = "Markets and prices"
    url = "https://www.example.org/english/inspectors-tighten-control-chongjin-sunam-market-rice-prices/"
    text = run(other, HEADLINE, *BODY, url=url)
    assert text.headline == HEADLINE


def test_date_and_byline_lines_become_metadata():
    for line, iso in [
        ("Lee Sung Jin  |  2009-06-29 14:46", "2009-06-29"),
        ("2013/10/02 10:51", "2013-10-02"),
        ("Published : Oct. 2, 2016 - 13:16", "2016-10-02"),
        ("November 24, 2017 / 6:52 AM / 2 years ago", "2017-11-24"),
        ("Written: 2024-07-26 14:10:49Updated: 2024-07-26 15:44:42", "2024-07-26"),
        ("Posted on 2021.04.03", "2021-04-03"),
        ("Apr 25, 2012", "2012-04-25"),
        ("— 3 March 2020", "2020-03-03"),
    ]:
        text = run(HEADLINE, line, *BODY)
        assert text.stated_date == iso, line
        assert kinds(text)[" ".join(line.split())] == "date", line
        assert text.paragraphs == BODY, line
    text = run(HEADLINE, "Lee Sung Jin  |  2009-06-29 14:46", *BODY)
    assert text.credits["authors"] == ["Lee Sung Jin"]


def test_a_date_is_never_guessed():
    assert find_date("on Wednesday") is None
    assert find_date("Oct. 27") is None
    assert find_date("2021-02-30") is None  # no such day
    assert date_line("Posted on April 2021", S) is None
    # a sentence that mentions a date is not a date line, and stays
    sentence = "The market reopened on March 3, 2020, after a month of inspections, the source told Daily NK."
    assert date_line(sentence, S) is None
    text = run(HEADLINE, *BODY[:2], sentence, BODY[2])
    assert text.stated_date is None
    assert sentence in text.paragraphs


def test_captions_in_styles_no_rule_names():
    text = run(
        HEADLINE,
        "nk-market-chongjin-2019.jpg Traders at a market in Chongjin in a file photo.",
        BODY[0],
        "Interior of a state shop in Pyongyang. Image: Ryukyung",
        BODY[1],
        "A customs post near the border. REUTERS/Kim Hong-Ji",
        BODY[2],
    )
    figures = [(b.text, b.credit) for b in text.blocks if b.kind == "figure"]
    assert figures == [
        ("Traders at a market in Chongjin in a file photo.", None),
        ("Interior of a state shop in Pyongyang.", "Ryukyung"),
        ("A customs post near the border.", "REUTERS/Kim Hong-Ji"),
    ]
    assert text.paragraphs == BODY


def test_keyword_tag_and_alt_text_lines():
    alt = "Interior of apartment on a new street in Pyongyang"
    text = run("border, hyesan, water shortage,", HEADLINE, alt, alt + ". Image: Daily NK", *BODY)
    removed = kinds(text)
    assert removed["border, hyesan, water shortage,"] == "keywords"
    assert removed[alt] == "keywords"
    assert text.headline == HEADLINE
    assert text.paragraphs == BODY
    assert tag_line("false eyelashes, production, economy, manufacturing")
    assert not tag_line("“When you’re eating wheat, just imagine it’s rice,” the cashier said.")
    assert not tag_line("Rice, corn, and soybeans all rose in price last week.")


def test_related_headlines_comments_and_footers_after_the_article():
    text = run(
        HEADLINE, *BODY,
        "Please send any comments or questions about this article to dailynk@example.org.",
        "Price of rice in N. Korea rises over past 6 months: ministry",
        "Traders in Hyesan face new fines for selling Chinese goods",
        "2 Responses to “Inspectors tighten control”",
        "This must be using the official exchange rate, which is far from the market rate that traders use.",
    )
    assert text.paragraphs == BODY
    assert len(text.removed) == 6
    why = {r.rule: r.why for r in text.removed}
    assert "after the end of the article" in why["after-article-end"]


def test_headline_list_after_the_article_without_a_marker():
    text = run(HEADLINE, *BODY, "North Korea raises rice prices again in Sinuiju",
               "Traders arrested in Hyesan for smuggling phones", "Officials visit Rason to inspect factories")
    assert text.paragraphs == BODY
    assert {r.rule for r in text.removed} >= {"headline-list"}


def test_a_subhead_and_short_paragraphs_in_the_article_stay():
    text = run(HEADLINE, BODY[0], "Prices rise again", BODY[1], "It was not clear why.", BODY[2],
               "A short last sentence stays.")
    assert [b.text for b in text.blocks if b.kind == "heading"] == ["Prices rise again"]
    assert "It was not clear why." in text.paragraphs
    assert "A short last sentence stays." in text.paragraphs


def test_the_standfirst_under_the_headline():
    dek = "The state is trying to take back control of the grain trade from private merchants."
    text = run(HEADLINE, dek, "By Kim Min-jung", *BODY)
    assert text.standfirst == dek
    assert text.paragraphs == BODY
    assert kinds(text)[dek] == "standfirst"
    # a first sentence that leads straight into the article is its lede, not a standfirst
    text = run(HEADLINE, dek, *BODY)
    assert text.standfirst is None and text.paragraphs[0] == dek


def test_a_table_and_a_lede_before_the_first_long_paragraph_stay():
    table = ["| Won | Pyongyang | Sinuiju |", "|---|---|---|", "| Rice | 5,770 | 5,740 |"]
    lede = "Rice prices fell again this week, sources said."
    text = run(*table, lede, *BODY)
    assert text.paragraphs == [*table, lede, *BODY]
    assert text.headline is None


def test_every_removal_is_recorded_with_why():
    text = run("Home | News", "Subscribe to our daily briefing now", HEADLINE, *BODY, "Prev Next")
    for r in text.removed:
        assert r.rule
    assert any(r.why.startswith("before the article") for r in text.removed)


def test_an_editor_keeps_a_line_back_by_its_number():
    page = "\n\n".join([HEADLINE, "Subscribe to our daily briefing now", *BODY])
    line = "Subscribe to our daily briefing now"
    assert line not in [b.text for b in clean(page, RULES).blocks]
    kept = clean(page, RULES, keep_lines=frozenset({3}))
    assert kept.blocks[0].text == line and line not in [r.text for r in kept.removed]
    assert kept.headline == HEADLINE


@pytest.mark.parametrize("lines", [BODY, BODY[:1], [BODY[0][:80] + "."]])
def test_an_article_without_noise_loses_nothing(lines):
    assert run(*lines).paragraphs == lines


def _wrapped(paragraph: str, width: int = 64) -> list[str]:
    """A paragraph wrapped by hand at ``width``, each line its own block (as old pages scrape)."""
    import textwrap

    return textwrap.wrap(paragraph, width)


def test_text_wrapped_by_hand_is_joined_back_into_sentences():
    lines = [line for p in BODY for line in _wrapped(p)]
    text = run(HEADLINE, *lines)
    assert text.headline == HEADLINE
    assert not [b for b in text.blocks if b.kind == "heading"]  # no fragment is taken for a heading
    joined = " ".join(text.paragraphs)
    assert joined == " ".join(BODY)  # every word, in order, none lost
    # a paragraph ends where a line ends a sentence; no paragraph ends mid-sentence
    assert all(p.endswith(".") for p in text.paragraphs)
    assert len(text.paragraphs) <= len(lines) // 2


def test_a_heading_and_short_lines_are_not_joined():
    heading = "Prices rise in Hyesan"
    text = run(HEADLINE, BODY[0], heading, BODY[1], "Rice: 6,200 won", "corn: 2,900 won", BODY[2])
    texts = [b.text for b in text.blocks]
    assert heading in texts and BODY[1] in texts  # a heading is not run into its paragraph
    assert "Rice: 6,200 won" in texts and "corn: 2,900 won" in texts  # short lines stay lines


def _articles(texts: list[str], host: str = "news.example.org"):
    from briefdesk.model import SourceArticle

    return [SourceArticle(f"a{i}.txt", Path(f"a{i}.txt"), t, {"source_url": f"https://www.{host}/story/{i}"})
            for i, t in enumerate(texts)]


def test_a_line_many_of_an_outlets_articles_have_is_its_boilerplate():
    from briefdesk.source.clean import clean_article, recurring_by_article

    slogan = "Support independent reporting from inside North Korea"
    rare = "Prices were gathered by our reporters"
    texts = []
    for i in range(8):
        body = [f"{p} Report number {i} adds its own words about the week." for p in BODY]
        texts.append("\n\n".join([HEADLINE + f" ({i})", body[0], slogan, body[1], body[2]]
                                 + ([rare] if i < 2 else []) + [BODY[2]]))
    articles = _articles(texts) + _articles([texts[0]], host="other.example.net")
    recurring = recurring_by_article(articles, RULES)
    cleaned = [clean_article(a, RULES, r) for a, r in zip(articles, recurring)]
    for text in cleaned[:8]:
        assert slogan not in _texts(text)
        assert [(r.rule, r.why) for r in text.removed if r.text == slogan] == [
            ("recurring-line", "a line many of this outlet's articles have")]
        assert BODY[2] in _texts(text)  # a long sentence the outlet repeats is still its text
    assert rare in _texts(cleaned[0])  # in 2 of 8 articles: not enough
    assert slogan in _texts(cleaned[8])  # another outlet's single article: nothing recurs there
    # without the corpus the same article keeps the line (the record says why it went)
    assert slogan in _texts(clean_article(articles[0], RULES))


def test_the_outlets_lines_from_kept_candidates_are_those_from_nothing():
    """`mkdocs serve` keeps each text's candidate lines (BuildCache.recurring): after an
    edit, and after the structure settings change, the outlets' lines are those found
    without it."""
    import dataclasses

    from briefdesk.source.clean import recurring_by_article

    slogan = "Support independent reporting from inside North Korea"
    texts = ["\n\n".join([HEADLINE + f" ({i})", BODY[0], slogan, BODY[1]]) for i in range(6)]
    articles = _articles(texts)
    kept: dict = {}
    assert recurring_by_article(articles, RULES, kept) == recurring_by_article(articles, RULES)
    edited = _articles([t.replace(slogan, "A line of its own, now") if i < 4 else t for i, t in enumerate(texts)])
    assert recurring_by_article(edited, RULES, kept) == recurring_by_article(edited, RULES)
    assert not any(slogan.lower() in r for r in recurring_by_article(edited, RULES, kept))
    stricter = dataclasses.replace(RULES, heuristics=dataclasses.replace(RULES.heuristics, recurring_max_chars=20))
    assert recurring_by_article(articles, stricter, kept) == recurring_by_article(articles, stricter)
    assert recurring_by_article(articles, RULES, kept) == recurring_by_article(articles, RULES)


def _texts(text) -> list[str]:
    """The body's blocks (paragraphs and subheads) as text."""
    return [b.text for b in text.blocks if b.kind != "figure"]
