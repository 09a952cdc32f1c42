"""Price extraction (hooks/briefdesk/labels/prices.py): hand-written sentences of every shape,
the vocabulary's validation, and the dev corpus's real price reports (read at test time
from /work/shared/devset, third-party text never copied here; skipped when absent)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

from briefdesk.labels import classify, prices
from briefdesk.source.clean import clean, load_rules

EDITORIAL = ROOT / "hooks" / "editorial"
DEVSET = Path("/work/shared/devset")


@pytest.fixture(scope="module")
def vocab() -> prices.PriceVocabulary:
    return prices.load_vocabulary(EDITORIAL)


@pytest.fixture(scope="module")
def gazetteer() -> classify.Vocabulary:
    return classify.load_vocabulary(EDITORIAL)


def run(vocab, gazetteer, *paragraphs: str, date: str | None = None) -> prices.Extraction:
    return prices.extract("b1", list(paragraphs), date, vocab, gazetteer)


def rows(found: prices.Extraction) -> list[tuple]:
    """(commodity, value, value_high, currency, unit, place id, date) of each observation."""
    return [(o["commodity"], o["value"], o["value_high"], o["currency"], o["unit"],
             o["place"]["id"] if o["place"] else None, o["date"]) for o in found.observations]


def test_the_issue_example_several_places_previous_and_a_dollar_rate(vocab, gazetteer):
    found = run(vocab, gazetteer, "Traders were worried.",
                "Rice rose from 6,200 won to 6,500 won per kg in Sinuiju and Hamhung, while the dollar traded at 8,100 won.",
                date="2024-05-20")
    assert rows(found) == [
        ("rice", 6500, None, "KPW", "kg", "sinuiju", "2024-05-20"),
        ("rice", 6500, None, "KPW", "kg", "hamhung", "2024-05-20"),
        ("usd", 8100, None, "KPW", "dollar", "sinuiju", "2024-05-20"),
        ("usd", 8100, None, "KPW", "dollar", "hamhung", "2024-05-20"),
    ]
    first = found.observations[0]
    assert first["paragraph"] == 2 and first["briefing"] == "b1"
    assert first["text"].startswith("Rice rose from 6,200 won") and first["figure"] == "6,500 won"
    assert first["previous"] == {"value": 6200, "value_high": None, "qualifier": None, "date": None}
    assert first["unit_stated"] is True and found.observations[2]["unit_stated"] is False
    assert first["place"] == {"id": "sinuiju", "name": gazetteer.places["sinuiju"].name}
    # the earlier figure has no date of its own: no observation of its own
    assert [o["value"] for o in found.observations].count(6200) == 0
    assert [o["id"] for o in found.observations] == ["b1-1", "b1-2", "b1-3", "b1-4"]


def test_a_range_and_a_qualifier(vocab, gazetteer):
    found = run(vocab, gazetteer, "Corn sold for between 900 and 1,100 won a kilo in Hyesan.",
                "Pork now costs more than 20,000 won in Pyongyang, and cooking oil around 12,000-13,500 won.")
    assert rows(found) == [
        ("corn", 900, 1100, "KPW", "kg", "hyesan", None),
        ("pork", 20000, None, "KPW", "kg", "pyongyang", None),
        ("cooking-oil", 12000, 13500, "KPW", "kg", "pyongyang", None),
    ]
    assert [o["qualifier"] for o in found.observations] == [None, "more than", "around"]


def test_yuan_and_dollar_rates_and_prices_in_yuan(vocab, gazetteer):
    found = run(vocab, gazetteer,
                "The exchange rate for the yuan is 1,250 KPW in Pyongyang, which rose by 40 KPW.",
                "In Chongjin, Chinese rice is traded at 3.8 Chinese yuan per kg, up 0.6 yuan from ten days ago.",
                "On the street the rate currently fluctuates around 3,400 won per US dollar.",
                "Money changers in Hyesan asked 850,000 won per 100 dollars.")
    assert rows(found) == [
        ("cny", 1250, None, "KPW", "yuan", "pyongyang", None),
        ("chinese-rice", 3.8, None, "CNY", "kg", "chongjin", None),
        ("usd", 3400, None, "KPW", "dollar", None, None),
        ("usd", 850000, None, "KPW", "100 dollars", "hyesan", None),
    ]
    assert found.left_out == []  # changes (by 40 KPW, up 0.6 yuan) are not figures to report


def test_a_wage_a_bribe_a_fine_and_an_official_rate_do_not_count(vocab, gazetteer):
    found = run(vocab, gazetteer,
                "The average monthly wage was 2,000-3,000 won, which buys about 1kg of corn noodles.",
                "He paid a bribe of 500 dollars to the border guards in Hyesan.",
                "Traders caught selling rice were fined 100,000 won.",
                "Day labourers in Sinuiju earn around 10,000 won per day.",
                "Each household must pay 5,000 won a month to the factory.",
                "The official exchange rate is fixed at 135 won per US dollar.",
                "Old 1,000 won bills were exchanged for new ones.",
                "Managers of the rice mill borrowed 20,000 yuan from private lenders.")
    assert found.observations == []
    reasons = [(u["paragraph"], u["reason"]) for u in found.left_out]
    assert reasons == [
        (1, "not a market price: wage"), (2, "not a market price: bribe"), (3, "not a market price: fined"),
        (4, "not a market price: per day"), (5, "not a market price: a month"), (6, "not a market price: official"),
        (7, "not a market price: bills"), (8, "not a market price: borrowed"),
    ]


def test_unknown_goods_and_bare_figures_are_left_out_and_said(vocab, gazetteer):
    found = run(vocab, gazetteer, "A house near the market was valued at US$4,000.",
                "Prices kept rising, exceeding 7,000 won in Hyesan.",
                "Rice costs 800 won, and 850 won for South Korean rice.",
                "The price of 4,500 in Hyesan is a record.")  # no currency: not money
    assert rows(found) == [("rice", 800, None, "KPW", "kg", None, None)]
    assert [u["reason"] for u in found.left_out] == [
        "not a tracked good: house", "no commodity named", "not a tracked good: for South Korean rice"]


def test_goods_after_the_figure_and_lists(vocab, gazetteer):
    found = run(vocab, gazetteer,
                "In Musan, a kilogram sold for 4,300 won for rice and 1,300 won for maize.",
                "In Pyongyang, diesel cost 6,100 won and gasoline 8,550 won.")
    assert rows(found) == [
        ("rice", 4300, None, "KPW", "kg", "musan", None),
        ("corn", 1300, None, "KPW", "kg", "musan", None),
        ("diesel", 6100, None, "KPW", "kg", "pyongyang", None),
        ("gasoline", 8550, None, "KPW", "kg", "pyongyang", None),
    ]


def test_respectively_pairs_places_and_figures(vocab, gazetteer):
    found = run(vocab, gazetteer, "Corn prices dipped in Sinuiju and Hyesan to 3,120 and 3,200 won respectively.",
                "Rice traded at 6,100 won and 6,200 won in two villages, respectively.")
    assert rows(found) == [
        ("corn", 3120, None, "KPW", "kg", "sinuiju", None),
        ("corn", 3200, None, "KPW", "kg", "hyesan", None),
        ("rice", 6100, None, "KPW", "kg", None, None),  # no places to pair with: none given
        ("rice", 6200, None, "KPW", "kg", None, None),
    ]


def test_a_city_and_its_province_are_one_place(vocab, gazetteer):
    found = run(vocab, gazetteer, "A kilogram of rice in Musan, North Hamgyong Province, sold for 4,300 won.")
    assert rows(found) == [("rice", 4300, None, "KPW", "kg", "musan", None)]
    assert found.observations[0]["unit_stated"] is True


def test_dates_resolved_only_against_a_known_publication_date(vocab, gazetteer):
    text = ("The price of 1kg of rice in Pyongyang was 5,900 won as of the 15th, up from 6,300 won in February.",
            "Last month pork sold for 15,000 won in Hyesan.",
            "On Oct. 13, 2021, corn sold for 3,100 won in Sinuiju.",
            "Sugar cost 9,000 won two weeks ago.")
    dated = run(vocab, gazetteer, *text, date="2024-03-20")
    assert rows(dated) == [
        ("rice", 6300, None, "KPW", "kg", "pyongyang", "2024-02"),
        ("rice", 5900, None, "KPW", "kg", "pyongyang", "2024-03-15"),
        ("pork", 15000, None, "KPW", "kg", "hyesan", "2024-02"),
        ("corn", 3100, None, "KPW", "kg", "sinuiju", "2021-10-13"),
        ("sugar", 9000, None, "KPW", "kg", None, None),  # a date stated but not resolvable: none given
    ]
    assert dated.observations[0]["earlier_figure"] is True
    assert dated.observations[1]["previous"] == {"value": 6300, "value_high": None, "qualifier": None,
                                                 "date": "2024-02"}
    assert [o["date_source"] for o in dated.observations] == ["sentence", "sentence", "sentence", "sentence", None]
    undated = run(vocab, gazetteer, *text)
    assert [o["date"] for o in undated.observations] == [None, None, "2021-10-13", None]
    assert undated.observations[0]["previous"]["date"] is None
    # "the 14th" needs the day of publication; a month before a January briefing is last year's
    assert rows(run(vocab, gazetteer, "On the 14th rice cost 5,000 won.", date="2024-03"))[0][-1] is None
    assert rows(run(vocab, gazetteer, "On the 14th rice cost 5,000 won.", date="2024-03-10"))[0][-1] == "2024-02-14"
    assert rows(run(vocab, gazetteer, "In December rice cost 5,000 won.", date="2024-01-05"))[0][-1] == "2023-12"


def test_conversions_are_not_prices(vocab, gazetteer):
    found = run(vocab, gazetteer, "Rice reached 2,400 North Korean won (US$17.18) per kilogram in Hamhung.")
    assert rows(found) == [("rice", 2400, None, "KPW", "kg", "hamhung", None)]


def test_sentences_split_at_sentence_ends_only():
    text = "In Pyongyang, rice sold on Oct. 13 for 6,530 won. U.S. officials said N. Korean won fell. Rice costs 3.8 yuan."
    assert [text[a:b] for a, b in prices.sentence_spans(text)] == [
        "In Pyongyang, rice sold on Oct. 13 for 6,530 won.", "U.S. officials said N. Korean won fell.",
        "Rice costs 3.8 yuan."]


def test_input_text_is_kept_as_text(vocab, gazetteer):
    found = run(vocab, gazetteer, "<b>Rice</b> cost 5,000 won & more in <i>Hyesan</i>.")
    [obs] = found.observations
    assert obs["text"] == "<b>Rice</b> cost 5,000 won & more in <i>Hyesan</i>."  # escaped where it is shown


def test_extraction_is_pure_and_deterministic(vocab, gazetteer):
    text = ["Rice rose from 6,200 won to 6,500 won per kg in Sinuiju and Hamhung, while the dollar traded at 8,100 won."]
    assert prices.extract("x", text, None, vocab, gazetteer) == prices.extract("x", text, None, vocab, gazetteer)
    assert prices.extract("x", [], None, vocab, gazetteer).observations == []


def test_vocabulary_errors_name_the_file_and_entry(tmp_path):
    shutil.copytree(EDITORIAL, tmp_path / "ed")
    path = tmp_path / "ed" / "prices.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("  - id: pork\n", "  - id: rice\n", 1), encoding="utf-8")
    with pytest.raises(prices.PriceVocabularyError, match=r"prices\.yml: commodity 'rice': duplicate id"):
        prices.load_vocabulary(tmp_path / "ed")
    path.write_text(original.replace("names: [pork, pig meat, pork meat]", "names: [pork, rice]"), encoding="utf-8")
    with pytest.raises(classify.VocabularyError, match=r"prices\.yml: entry 'pork': 'rice' is already used by 'rice'"):
        prices.load_vocabulary(tmp_path / "ed")
    path.write_text(original.replace("    unit: pack\n", "    unit: carton\n"), encoding="utf-8")
    with pytest.raises(prices.PriceVocabularyError, match="unknown unit 'carton'"):
        prices.load_vocabulary(tmp_path / "ed")


def test_an_editor_adds_a_commodity(tmp_path, gazetteer):
    shutil.copytree(EDITORIAL, tmp_path / "ed")
    path = tmp_path / "ed" / "prices.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - id: usd\n", "  - id: sailfin-sandfish\n    name: Sailfin sandfish\n    kind: good\n    unit: kg\n"
        "    names: [sailfin sandfish, sandfish]\n\n  - id: usd\n"), encoding="utf-8")
    vocab = prices.load_vocabulary(tmp_path / "ed")
    found = prices.extract("b", ["One kilo of sailfin sandfish sells at 3,500 KPW in Pyongyang."], None, vocab, gazetteer)
    assert rows(found) == [("sailfin-sandfish", 3500, None, "KPW", "kg", "pyongyang", None)]


# --------------------------------------------------------------------------- the dev corpus


def _devset(name: str, vocab, gazetteer) -> prices.Extraction:
    path = DEVSET / "articles" / name
    if not path.exists():
        pytest.skip("the dev corpus is not on this machine")
    truth = {}
    for line in (DEVSET / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            truth[rec["file"]] = rec
    paragraphs = clean(path.read_text(encoding="utf-8"), load_rules(EDITORIAL / "boilerplate.yml")).paragraphs
    return prices.extract(name, paragraphs, truth.get(name, {}).get("date"), vocab, gazetteer)


def test_devset_rice_prices_in_several_cities(vocab, gazetteer):
    found = _devset("001.txt", vocab, gazetteer)
    got = {(o["commodity"], o["value"], o["place"]["id"] if o["place"] else None) for o in found.observations}
    assert {("rice", 820, "hoeryong"), ("rice", 800, "sinuiju"), ("chinese-rice", 700, "sinuiju")} <= got
    corn = [o for o in found.observations if o["commodity"] == "corn"]
    assert [(o["value"], o["previous"]["value"]) for o in corn] == [(370, 340)]
    assert all(o["date"] is None for o in found.observations)  # the report states no year: none is guessed
    assert [u["figure"] for u in found.left_out] == ["850 won"]  # South Korean rice is not tracked


def test_devset_fuel_pork_and_exchange_rates(vocab, gazetteer):
    found = _devset("009.txt", vocab, gazetteer)
    got = {(o["commodity"], o["value"], o["currency"], o["place"]["id"] if o["place"] else None)
           for o in found.observations}
    assert {("gasoline", 8550, "KPW", "pyongyang"), ("diesel", 6100, "KPW", "pyongyang"),
            ("usd", 8100, "KPW", "pyongyang"), ("usd", 8250, "KPW", "pyongyang"), ("cny", 1250, "KPW", None),
            ("rice", 5450, "KPW", "pyongyang"), ("pork", 14000, "KPW", "pyongyang")} <= got
    assert not any(o["value"] in (350, 300, 40, 1000, 500) for o in found.observations)  # the rises


def test_devset_dated_report_and_earlier_figures(vocab, gazetteer):
    found = _devset("022.txt", vocab, gazetteer)
    assert rows(found) == [("rice", 4300, None, "KPW", "kg", "musan", "2016-10-02"),
                           ("corn", 1300, None, "KPW", "kg", "musan", "2016-10-02")]
    # "down from 8,000 won for rice and 2,000 won for corn ... earlier in the year": undated earlier figures
    assert [u["reason"] for u in found.left_out] == ["an earlier figure whose date is not stated"] * 2


def test_devset_wages_and_the_official_rate_are_not_prices(vocab, gazetteer):
    found = _devset("034.txt", vocab, gazetteer)
    assert rows(found) == [("usd", 3400, None, "KPW", "dollar", None, "2012-04-25")]
    reasons = " ".join(u["reason"] for u in found.left_out)
    assert "official" in reasons and "month" in reasons
    assert _devset("027.txt", vocab, gazetteer).observations == []  # wages and day labour


def test_devset_chains_of_earlier_figures(vocab, gazetteer):
    found = _devset("040.txt", vocab, gazetteer)
    corn = [(o["value"], o["previous"]["value"] if o["previous"] else None) for o in found.observations
            if o["commodity"] == "corn"]
    assert corn == [(2800, 3300), (2800, 3450), (2900, 3550), (2950, 3600)]
    rice = {(o["value"], o["place"]["id"]) for o in found.observations if o["commodity"] == "rice" and o["place"]}
    assert {(5900, "pyongyang"), (5900, "sariwon"), (5900, "chongjin"), (6000, "hyesan")} <= rice
    assert not any(o["commodity"] == "rice" and o["value"] in (2600, 4000) for o in found.observations)  # barley rice


def test_a_month_is_a_whole_word(vocab, gazetteer):
    """"Market", "Marching", "Decline" or "Junk" hold a month's abbreviation but state no date."""
    found = run(vocab, gazetteer, "At Sunam Market rice cost 5,000 won per kg in Chongjin.",
                "Decline: corn fell to 2,500 won at the Junction market in Hyesan.", date="2024-07-10")
    assert [o["date"] for o in found.observations] == ["2024-07-10", "2024-07-10"]
    assert [o["date_source"] for o in found.observations] == ["briefing", "briefing"]
    # the abbreviation itself, with or without its full stop, is still read
    assert rows(run(vocab, gazetteer, "On Mar. 3 rice cost 5,000 won.", date="2024-07-10"))[0][-1] == "2024-03-03"
    assert rows(run(vocab, gazetteer, "On Mar 3 rice cost 5,000 won.", date="2024-07-10"))[0][-1] == "2024-03-03"
