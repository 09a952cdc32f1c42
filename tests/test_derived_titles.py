"""Derived titles read as headlines (issue 16, item 6): when a source states no headline, the
title is the lede's main clause, at most 80 characters, never cut mid-phrase, never ending on a
function word, with no ellipsis, and made of the lede's own words only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefdesk.source import headline
from briefdesk.source.clean import clean, load_rules
from briefdesk.source.describe import derive_title, describe
from briefdesk.source.read import discover

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset"  # real third-party articles: read here, never copied in
RULES = load_rules(ROOT / "hooks" / "editorial" / "boilerplate.yml")

# this test's own short list, so the check does not only repeat the module's list
ENDS_BADLY = set(
    "a an the this that these those its their his her of in on at to for from by with into about as than "
    "and or but nor so because while although if which who whom whose where when it they he she we "
    "is are was were be been being has have had do does did will would can could may might must "
    "not also very such according due".split()
)


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text.lower())


def assert_headline(title: str, lede: str, *kept: str) -> None:
    assert title, lede
    assert len(title) <= 80, title
    assert "…" not in title and "..." not in title, title
    assert not title.endswith((".", ",", ";", ":", "—", "–", "-")), title
    last = words(title)[-1]
    assert last not in ENDS_BADLY and last not in headline.FUNCTION_WORDS, title
    assert headline.ends_well(title), title
    m = re.search(r"[^\W\d_]", title)
    assert m and not title[m.start()].islower(), title  # a headline opens with a capital
    lede_words = set(words(lede))
    assert set(words(title)) <= lede_words, (title, set(words(title)) - lede_words)  # nothing invented
    for phrase in kept:  # the main clause's subject and verb
        assert phrase in title, (phrase, title)


# --- hand-written ledes of each shape ----------------------------------------------------

SHAPES = {
    "dateline-wire": (
        "SEOUL, Feb. 20 (Yonhap) -- North Korea has sharply raised the price of fuel at state-run gas stations "
        "in Pyongyang, a move analysts said reflects tightening sanctions on the country.",
        ["North Korea", "raised"], ["SEOUL", "Yonhap", "analysts"],
    ),
    "dateline-place": (
        "Yanji, China — With the border closed since the spring, some North Korean traders have stopped their "
        "business in the markets of Hyesan and Musan altogether.",
        ["North Korean traders", "have stopped"], ["Yanji", "With the border"],
    ),
    "attribution-first": (
        "According to a source in Ryanggang Province, local authorities have ordered traders at the Hyesan market "
        "to close their stalls early every day this month.",
        ["Local authorities", "have ordered"], ["According", "source"],
    ),
    "attribution-told-that": (
        "A source in North Hamgyong Province told Daily NK on Tuesday that the price of rice in Chongjin rose by "
        "almost 20 percent after a new round of market inspections began.",
        ["The price of rice", "rose"], ["source", "Daily NK", "told"],
    ),
    "attribution-last": (
        "The price of corn in Hyesan has fallen for the third week in a row as farmers bring the early harvest "
        "to market, a source in Ryanggang Province said.",
        ["The price of corn", "has fallen"], ["source", "said"],
    ),
    "learned": (
        "North Korean authorities sold corn and flour to the public at state-run grain shops in Pyongyang and "
        "Sinuiju last month, Daily NK has learned.",
        ["North Korean authorities sold"], ["Daily NK", "learned"],
    ),
    "relative-clauses": (
        "The Ministry of Commerce, which oversees the state-run shops that sell grain at fixed prices across the "
        "country, has ordered provincial officials, who had long tolerated private trading, to shut down "
        "unlicensed grain stalls in every city.",
        ["The Ministry of Commerce", "has ordered"], ["which", "who had"],
    ),
    "parentheses": (
        "North Korea’s state bank (the Central Bank of the DPRK) has begun issuing new 5,000-won notes (worth "
        "about 60 US cents at market rates) to replace worn bills in the capital.",
        ["North Korea’s state bank", "has begun"], ["(", "Central Bank", "cents"],
    ),
    "introduction-and-recently": (
        "Suffering from a sharp fall in exports of coal and seafood, the cabinet recently held a series of "
        "meetings with the managers of state trading companies to discuss new sources of foreign currency.",
        ["The cabinet held"], ["Suffering", "recently"],
    ),
    "no-clause-to-remove": (
        "North Korean customs officials have sharply tightened inspections of cargo trucks crossing the bridge "
        "between Sinuiju and Dandong since the start of the month",
        ["North Korean customs officials", "tightened"], [],
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_of_lede_gives_a_headline(shape):
    lede, kept, dropped = SHAPES[shape]
    title = derive_title(lede, "en")
    assert_headline(title, lede, *kept)
    for phrase in dropped:  # datelines, attributions, framing and asides are left out
        assert phrase not in title, (phrase, title)


def test_a_short_lede_keeps_its_words():
    lede = "Rice prices in Hyesan rose sharply last week, a source said."
    assert derive_title(lede, "en") == "Rice prices in Hyesan rose sharply last week"


def test_a_title_that_fits_keeps_its_asides_and_time():
    """Asides and time phrases go only until the title fits."""
    lede = "Kim Jong Un visited a fertilizer plant in Hungnam on Monday, state media said."
    assert derive_title(lede, "en") == "Kim Jong Un visited a fertilizer plant in Hungnam on Monday"


def test_a_reported_clause_opening_with_a_pronoun_keeps_its_frame():
    lede = "North Korea announced that it would open two new markets in Pyongyang next year."
    title = derive_title(lede, "en")
    assert_headline(title, lede, "North Korea announced")


def test_a_noun_like_report_is_no_frame():
    lede = "The cabinet issued a report that criticised factory managers for wasting electricity."
    title = derive_title(lede, "en")
    assert_headline(title, lede, "The cabinet issued a report")


def test_the_source_address_chooses_between_phrasings_and_adds_nothing():
    lede = ("A trader of smuggled Chinese medicine in the Hyesan city market of Ryanggang Province was arrested "
            "for selling fake goods to state-run pharmacies.")
    plain = derive_title(lede, "en")
    hinted = derive_title(lede, "en", "https://www.dailynk.com/english/hyesan-market-trader-arrested-fake-medicine/")
    assert_headline(plain, lede, "trader", "was arrested")
    assert_headline(hinted, lede, "trader", "was arrested", "Hyesan")
    # an address that spells nothing (an id, a query string) changes nothing
    assert derive_title(lede, "en", "https://www.dailynk.com/english/read.php?num=3550") == plain
    assert headline.slug_words("https://example.org/2021/04/") == frozenset()


def test_odd_input_still_gives_a_title():
    for lede in (".", "…", "Rice.", "SEOUL -- .", "According to Yonhap:", "(photo) [caption]", "x" * 200,
                 "the of and to in", "“Quoted words, all of them,” a source said."):
        title = derive_title(lede, "en")
        assert title and len(title) <= 80 and "…" not in title[:-1], (lede, title)


def test_other_languages_are_cut_at_a_word_without_an_ellipsis():
    lede = ("Die Preise für Reis auf den Märkten von Hyesan sind in den letzten Wochen stark gestiegen, "
            "berichtet eine Quelle aus der Provinz Ryanggang.")
    title = derive_title(lede, "de")
    assert title and len(title) <= 80 and "…" not in title
    assert title.startswith("Die Preise für Reis")
    assert lede.startswith(title)


# --- the seeds ---------------------------------------------------------------------------

SEED_SUBJECT_VERB = {
    "000": ["The party committee of North Hamgyong Province", "called"],
    "001": ["Yanggang Province’s party committee", "gathered"],
    "003": ["North Korea", "held meetings"],
    "004": ["wholesaler", "was arrested"],
}


@pytest.fixture(scope="module")
def seeds():
    result = discover(ROOT / "source_articles")
    out = {}
    for article in result.articles:
        text = clean(article.text, RULES)
        out[article.source_file[:3]] = (text, describe(article, text))
    return out


@pytest.mark.parametrize("key", sorted(SEED_SUBJECT_VERB))
def test_seed_titles_read_as_headlines(seeds, key):
    text, b = seeds[key]
    assert b.title_derived is True
    assert_headline(b.title, text.paragraphs[0], *SEED_SUBJECT_VERB[key])


def test_seed_urls_stay_as_published(seeds):
    """The derived titles changed, and with them the slugs a new briefing would get; the registry
    keeps each published briefing at its first URL."""
    import yaml

    from briefdesk.pipeline import Settings, build_corpus

    recorded = yaml.safe_load((ROOT / "hooks" / "registry" / "urls.yml").read_text(encoding="utf-8"))["briefings"]
    corpus = build_corpus(Settings.for_project(ROOT))
    assert corpus.errors == [] and corpus.assignment.added == () and corpus.assignment.renamed == ()
    urls = {b.id: b.url for b in corpus.briefings}
    assert urls == {bid: entry["url"] for bid, entry in recorded.items()}
    assert urls["882abeed6eb633e3"] == "briefings/wholesaler-counterfeit-leather-goods-north-koreas-pyongsong/"


# --- the devset: real ledes --------------------------------------------------------------

def devset_ledes():
    if not (DEVSET / "labels.jsonl").exists():
        return []
    truth = [json.loads(line) for line in (DEVSET / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    first: dict[str, int] = {}
    for line in (DEVSET / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line and json.loads(line)["label"] == "body":
            first.setdefault(json.loads(line)["file"], json.loads(line)["index"])
    out = []
    for t in truth:
        if t["file"] in first:
            text = (DEVSET / "articles" / t["file"]).read_text(encoding="utf-8")
            blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
            out.append((t["file"], " ".join(blocks[first[t["file"]]].split()), t.get("url")))
    return out


DEVSET_LEDES = devset_ledes()


@pytest.mark.skipif(not DEVSET_LEDES, reason="no devset at ../shared/devset")
@pytest.mark.parametrize("name,lede,url", DEVSET_LEDES, ids=[d[0] for d in DEVSET_LEDES])
def test_devset_ledes_give_headlines(name, lede, url):
    assert_headline(derive_title(lede, "en", url), lede)
    assert_headline(derive_title(lede, "en"), lede)
