"""The prices through a real build (`mkdocs build --strict`) of a small corpus with dated
prices (tests/price_corpus.py): the exports, the build report, the briefing pages'
tables, the prices pages and their charts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build
from price_corpus import ARTICLES, DATED_RICE


@pytest.fixture(scope="module")
def price_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("price-project"), ARTICLES, with_seeds=False)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output
    return result


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def load(site: Path, name: str):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def test_prices_json_has_every_observation_with_its_fields(price_site):
    data = load(price_site.site, "prices.json")
    assert isinstance(data, list) and len(data) == 17
    for o in data:
        assert {"briefing", "paragraph", "text", "commodity", "value", "value_high", "qualifier", "currency", "unit",
                "place", "date", "previous", "url", "citation"} <= set(o)
        assert o["currency"] in ("KPW", "CNY", "USD")
        assert o["url"].endswith(f"#p{o['paragraph']}") and o["citation"].endswith(f"#p{o['paragraph']}.")
        assert f", ¶ {o['paragraph']}. " in o["citation"]
    rice = {(o["place"]["id"], o["date"], o["value"]) for o in data if o["commodity"] == "rice" and o["place"]}
    assert DATED_RICE <= rice
    assert {(o["commodity"], o["value"], o["value_high"]) for o in data if o["commodity"] == "corn"} >= {
        ("corn", 2900, 3100)}
    # the page and paragraph each observation points to hold its figure
    for o in data:
        path = o["url"].split("//", 1)[1].split("/", 1)[1].split("#")[0]
        para = soup(price_site.site / path / "index.html").select_one(f"p#p{o['paragraph']}")
        assert para is not None and o["figure"] in para.get_text(), o


def test_prices_csv_matches_the_json(price_site):
    data = load(price_site.site, "prices.json")
    rows = list(csv.DictReader(io.StringIO((price_site.site / "data" / "prices.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [o["id"] for o in data]
    first = next(r for r in rows if r["previous_value"])
    assert first["place_id"] and first["previous_date"] in ("2024-02", "")


def test_corpus_export_counts_each_briefings_observations(price_site):
    data = load(price_site.site, "prices.json")
    records = load(price_site.site, "briefings.json")
    for r in records:
        assert r["price_observations"] == sum(1 for o in data if o["briefing"] == r["id"])
    rows = list(csv.DictReader(io.StringIO((price_site.site / "data" / "briefings.csv").read_text(encoding="utf-8"))))
    assert [int(r["price_observations"]) for r in rows] == [r["price_observations"] for r in records]


def test_build_report_lists_the_figures_left_out(price_site):
    report = load(price_site.site, "build-report.json")
    assert report["price_observations"] == 17
    left = report["price_figures_left_out"]
    assert [x["reason"] for x in left["p1-a1a1a1a1a1a1a1a1"]] == ["not a market price: wage"]
    assert [x["reason"] for x in left["p2-b2b2b2b2b2b2b2b2"]] == ["not a market price: bribe"]
    assert [x["figure"] for x in left["p4-d4d4d4d4d4d4d4d4"]] == ["US$4,000"]


def test_briefing_page_table_links_to_its_paragraphs(price_site):
    data = load(price_site.site, "prices.json")
    for r in load(price_site.site, "briefings.json"):
        page = soup(price_site.site / r["path"] / "index.html")
        table = page.select_one("table.bd-prices__table")
        mine = [o for o in data if o["briefing"] == r["id"]]
        if not mine:
            assert table is None
            continue
        links = [a["href"] for a in table.select("tbody tr td:last-child a")]
        assert links == [f"#p{o['paragraph']}" for o in mine]
        for href in links:
            assert page.select_one(f"p{href}.bd-para") is not None
        for a in table.select("tbody tr td:first-child a"):
            assert (price_site.site / r["path"] / a["href"] / "index.html").resolve().exists()
    # text stays text: the article's "<b>" is shown, never parsed
    undated = soup(price_site.site / next(r["path"] for r in load(price_site.site, "briefings.json")
                                          if r["id"] == "p4-d4d4d4d4d4d4d4d4") / "index.html")
    assert undated.select_one("table.bd-prices__table b") is None
    assert "Date not stated" in undated.select_one("table.bd-prices__table").get_text() or \
        "not stated" in undated.select_one("table.bd-prices__table").get_text()


def test_nav_and_overview_list_each_commoditys_latest_by_place(price_site):
    home = soup(price_site.site / "index.html")
    assert "Prices" in [a.get_text(strip=True) for a in home.select("nav.md-nav--primary a")]
    page = soup(price_site.site / "prices" / "index.html")
    headings = [a.get_text(strip=True) for a in page.select("article h3 a")]
    assert headings[:3] == ["Rice", "Corn", "Pork"] and "US dollar" in headings and "Chinese yuan" in headings
    rice = page.select_one("h3#rice").find_next("table")
    cells = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in rice.select("tbody tr")]
    assert cells[0][:3] == ["Hyesan", "6,000 KPW per kg", "20 March 2024"]
    assert cells[1][:3] == ["Pyongyang", "5,900 KPW per kg", "15 March 2024"]
    for a in page.select("article a[href]"):
        href = a["href"]
        if href.startswith(("http", "#")):
            continue
        target = (price_site.site / "prices" / href.split("#")[0]).resolve()
        assert (target / "index.html").exists() or target.exists(), href


def test_commodity_page_chart_is_svg_with_linked_points_and_text(price_site):
    page = soup(price_site.site / "prices" / "rice" / "index.html")
    svg = page.select_one("figure.bd-chart-figure svg")
    assert svg is not None and page.select("script[src*=chart]") == []
    assert "Rice: KPW per kg, by place" in svg.select_one("title").get_text()
    points = svg.select("a circle")
    assert len(points) == 5  # Pyongyang: four months; Hyesan: one
    data = load(price_site.site, "prices.json")
    for circle in points:
        href = circle.parent["href"]
        path, frag = href.split("#")
        target = soup((price_site.site / "prices" / "rice" / path / "index.html").resolve())
        para = target.select_one(f"p#{frag}")
        assert para is not None
        assert any(o["commodity"] == "rice" and o["figure"] in para.get_text() for o in data)
        assert circle.select_one("title").get_text().split(":")[0] in ("Pyongyang, 28 November 2023",
                                                                      "Pyongyang, 10 January 2024",
                                                                      "Pyongyang, February 2024",
                                                                      "Pyongyang, 15 March 2024",
                                                                      "Hyesan, 20 March 2024")
    legend = [li.get_text(" ", strip=True) for li in page.select(".bd-chart__legend li")]
    assert legend == ["Pyongyang (4)", "Hyesan (1)"]
    # exchange rates have their own page and scale
    usd = soup(price_site.site / "prices" / "usd" / "index.html").select_one("figure.bd-chart-figure svg")
    labels = [t.get_text() for t in usd.select("text")]
    assert "KPW per dollar" in labels and len(usd.select("a circle")) == 3  # Pyongyang; Sinuiju and Hamhung


def test_commodity_table_lists_every_figure_and_the_undated_apart(price_site):
    page = soup(price_site.site / "prices" / "rice" / "index.html")
    tables = page.select("table.bd-prices__all")
    assert len(tables) == 2
    dated = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in tables[0].select("tbody tr")]
    assert [row[0] for row in dated] == ["20 March 2024", "15 March 2024", "February 2024", "10 January 2024",
                                          "28 November 2023"]
    assert page.select_one("h3#undated") is not None
    undated = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in tables[1].select("tbody tr")]
    assert undated[0][:3] == ["Date not stated", "Hyesan", "4,800 KPW per kg"]
    cite = tables[0].select_one(".bd-prices__cite").get_text()
    assert ", ¶ 2. " in cite and cite.endswith("#p2.")


def test_place_page_lists_its_latest_prices(price_site):
    page = soup(price_site.site / "places" / "pyongyang" / "index.html")
    table = page.select_one("#latest-prices").find_next("table")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows[0][:3] == ["Rice", "5,900 KPW per kg", "15 March 2024"]
    assert ["Gasoline", "8,550 KPW per kg", "28 November 2023"] in [r[:3] for r in rows]


def test_commodity_tables_are_paginated_and_the_build_is_deterministic(tmp_path):
    from briefdesk.pipeline import Settings, build_corpus

    src = tmp_path / "src"
    src.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")

    def build(reg: str):
        settings = Settings.for_project(Path(__file__).resolve().parents[1], source_dir=src, per_page=2,
                                        registry_path=tmp_path / reg, site_url="https://x.org/")
        corpus = build_corpus(settings)
        return {k: v for k, v in {**corpus.pages, **corpus.assets}.items()
                if k.startswith(("prices/", "data/prices", "places/"))}

    one, two = build("a.yml"), build("b.yml")
    assert one == two
    assert {"prices/rice/index.md", "prices/rice/page/2/index.md", "prices/rice/page/3/index.md"} <= set(one)
    assert "prices/rice/page/4/index.md" not in one
    last = one["prices/rice/page/3/index.md"]
    assert 'id="undated"' in last and "Figures whose date is not stated" in last and "<svg" not in last
    assert 'rel="prev"' in last


def test_rebuilds_in_one_process_extract_again_only_what_changed(tmp_path, monkeypatch):
    """`mkdocs serve`: after an edit of one article, and of prices.yml, the prices stage
    extracts again only what it must, and the output equals a cold build's."""
    from briefdesk import pipeline
    from briefdesk.labels import pricedata, prices
    from briefdesk.cache import BuildCache

    BRIEFINGS = sum(1 for name in ARTICLES if name.endswith(".txt"))
    project = copy_project(tmp_path / "p", ARTICLES, with_seeds=False)
    options = dict(site_url="https://example.org/", per_page=2)
    settings = pipeline.Settings.for_project(project, pages_dir=project / ".cache" / "bd", **options)
    cache = BuildCache()  # kept across the rebuilds, as `mkdocs serve`'s adapter keeps one
    pipeline.build_corpus(settings, cache=cache)
    calls: list[str] = []
    original = prices.extract
    monkeypatch.setattr(prices, "extract", lambda bid, *a: calls.append(bid) or original(bid, *a))

    def check(edit: str) -> None:
        warm = pipeline.build_corpus(settings, cache=cache)
        cold = pipeline.build_corpus(pipeline.Settings.for_project(project, **options))
        assert {src: warm.pages[src] for src in warm.pages} == dict(cold.pages), edit
        assert {src: warm.assets[src] for src in warm.assets} == dict(cold.assets), edit

    article = project / "source_articles" / "p3_c3c3c3c3c3c3c3c3.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("8,550 won", "9,150 won"), encoding="utf-8")
    check("text")
    assert calls[:1] == ["p3-c3c3c3c3c3c3c3c3"] and len(calls) == 1 + BRIEFINGS  # then the cold build's
    data = json.loads(pipeline.build_corpus(settings, cache=cache).assets["data/prices.json"])
    assert 9150 in [o["value"] for o in data] and 8550 not in [o["value"] for o in data]

    calls.clear()
    yml = project / "hooks" / "editorial" / "prices.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("names: [pork, pig meat, pork meat]",
                                                           "names: [pork, pig meat, pork meat, meat]"), encoding="utf-8")
    check("vocabulary")
    assert len(calls) == 2 * BRIEFINGS  # every briefing again, warm and cold
