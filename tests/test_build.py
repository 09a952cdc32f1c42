"""Whole-site builds with MkDocs: the shipped corpus, and bad input beside good."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build

SEED_IDS = {"e609a567b5bfd582", "9fe1c9ec50ac002b", "36bc3abd9c378bde", "8124163a8297e610", "882abeed6eb633e3"}
REQUIRED = {"id", "url", "title", "title_derived", "date", "authors", "outlet", "source_url", "summary",
            "word_count", "regions", "topics", "source_file"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def records(site: Path) -> list[dict]:
    return json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))


def test_strict_build_of_shipped_corpus_logs_its_account(seed_site):
    assert "read 10 source files; published 5 briefings" in seed_site.output
    assert seed_site.warnings() == []


def test_briefings_json_and_csv(seed_site):
    data = records(seed_site.site)
    assert {r["id"] for r in data} == SEED_IDS
    for r in data:
        assert REQUIRED <= set(r)
        assert r["date"] is None  # no seed states its date: none is invented
        assert r["url"].startswith("https://") and r["url"].endswith("/")
        assert (seed_site.site / r["path"] / "index.html").exists()
    by_file = {r["source_file"]: r for r in data}
    assert by_file["002_36bc3abd9c378bde.txt"]["title_derived"] is False
    assert by_file["002_36bc3abd9c378bde.txt"]["outlet"] is None
    assert by_file["000_e609a567b5bfd582.txt"]["authors"] == ["Jong So Yong"]
    assert by_file["004_882abeed6eb633e3.txt"]["outlet"] == "Daily NK"
    rows = list(csv.DictReader(io.StringIO((seed_site.site / "data" / "briefings.csv").read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == [r["id"] for r in data]
    assert rows[0]["date"] == "" and set(rows[0]) >= REQUIRED


def test_briefing_pages_hold_article_not_noise(seed_site):
    for r in records(seed_site.site):
        page = soup(seed_site.site / r["path"] / "index.html")
        article = page.select_one("article")
        paras = [p.get_text(" ", strip=True) for p in article.select("p.bd-para")]
        assert paras, r["id"]
        body = "\n".join(paras)
        for noise in ("Please direct any comments", "Read in Korean", "freelance reporters", "Translated by",
                      "business loans", "factory kim jong un business", "/ Image:"):
            assert noise not in body
        # every paragraph has its pinpoint anchor
        assert [p["id"] for p in article.select("p.bd-para")] == [f"p{i}" for i in range(1, len(paras) + 1)]
        assert page.title.get_text().startswith(r["title"][:40])
        if r["date"] is None:
            assert "Date not stated in the source" in article.get_text()


def test_captions_and_credits_on_pages(seed_site):
    data = {r["source_file"][:3]: r for r in records(seed_site.site)}
    page = soup(seed_site.site / data["004"]["path"] / "index.html")
    [cap] = page.select("figure.bd-caption figcaption")
    assert "Pyongsong’s city center." in cap.get_text() and "Bjørn Christian Tørrissen" in cap.get_text()
    page = soup(seed_site.site / data["003"]["path"] / "index.html")
    meta = page.select_one("dl.bd-meta").get_text(" ", strip=True)
    assert "Translated by David Black" in meta and "Edited by Robert Lauler" in meta
    page = soup(seed_site.site / data["002"]["path"] / "index.html")
    toc = [a.get_text(strip=True) for a in page.select("nav.md-nav--secondary a")]
    assert "The introduction of the light industry priority development policy" in toc


def test_listing_home_and_short_links(seed_site):
    home = soup(seed_site.site / "index.html")
    assert len(home.select("ul.bd-list li")) == 5
    listing = soup(seed_site.site / "briefings" / "index.html")
    links = [a["href"] for a in listing.select("a.bd-list__title")]
    assert len(links) == 5
    for link in links:
        assert (seed_site.site / "briefings" / link / "index.html").exists()
    nav = [a.get_text(strip=True) for a in home.select("nav.md-nav--primary a")]
    assert not any(r["title"][:30] in " ".join(nav) for r in records(seed_site.site))  # nav does not list briefings
    short = soup(seed_site.site / "b" / "882abeed6eb633e3" / "index.html")
    assert short.select_one('link[rel="canonical"]')["href"].endswith(
        "/briefings/wholesaler-counterfeit-leather-goods-north-koreas-pyongsong/")


GOOD = ("Traders in Hyesan said the price of rice rose after the state shops closed for inspections.\n\n"
        "The source added that smuggling across the Yalu River had almost stopped since the border closure.\n")


def bad_input_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path, {
        "good.txt": GOOD,
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\x03" * 100,
        "only-boilerplate.txt": "Please direct any comments or questions about this article to x@y.z.\n\nRead in Korean\n",
        "bad-meta.txt": GOOD.replace("rice", "maize"),
        "bad-meta.yml": "date: [not, a, date\n",
    }, keep_registry=True)


def test_strict_build_fails_on_bad_input_before_touching_site(tmp_path, engine):
    project = bad_input_project(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "previous.html").write_text("the previous site")
    result = mkdocs_build(project, strict=True, site=site, engine=engine)
    assert result.returncode != 0
    assert "Traceback" not in result.output
    warnings = result.warnings()
    for name in ("empty.txt", "binary.txt", "only-boilerplate.txt", "bad-meta.txt"):
        [line] = [w for w in warnings if f"refused: {name}:" in w]
        assert len(line) < 300
    assert (site / "previous.html").read_text() == "the previous site"


def test_non_strict_build_publishes_the_rest_and_accounts_for_every_file(tmp_path, engine):
    project = bad_input_project(tmp_path)
    result = mkdocs_build(project, strict=False, engine=engine)
    assert result.returncode == 0, result.output
    report = json.loads((result.site / "data" / "build-report.json").read_text())
    files = sorted(p.name for p in (project / "source_articles").iterdir())
    accounted = sorted(
        [x["source_file"] for x in report["published"]]
        + [x["source_file"] for x in report["metadata"]]
        + [x["source_file"] for x in report["refused"]]
    )
    assert accounted == files
    assert report["published_count"] + report["metadata_count"] + report["refused_count"] == report["files"]
    assert "good.txt" in {x["source_file"] for x in report["published"]}
    refused = {x["source_file"]: x["reason"] for x in report["refused"]}
    assert refused["only-boilerplate.txt"].startswith("no article text left after cleaning")
    assert "good" in {r["source_file"].split(".")[0] for r in records(result.site)}


def test_other_real_articles_build_the_same_way(tmp_path, engine):
    """A different set of articles of the same kind, with no registry yet, builds strict."""
    other = {
        "nknews_market.txt": (
            "Pyongyang tightens grip on foreign currency exchange at markets\n\n"
            "Authorities in Sinuiju have ordered money changers at the city's main market to register with the "
            "state, according to a source in North Pyongan Province.\n\n"
            "Money changers carry bundles of yuan at a market in Sinuiju. (Daily NK)\n\n"
            "“People are afraid that the state will take their savings,” the source said, adding that the "
            "exchange rate had moved sharply in recent weeks.\n\n"
            "markets currency\n\n"
            "SOURCE: Daily NK\n\n(END)\n"
        ),
    }
    project = copy_project(tmp_path, other, with_seeds=False)
    result = mkdocs_build(project, strict=True, engine=engine)
    assert result.returncode == 0, result.output
    [rec] = records(result.site)
    assert rec["title"] == "Pyongyang tightens grip on foreign currency exchange at markets"
    page = soup(result.site / rec["path"] / "index.html")
    body = " ".join(p.get_text(" ", strip=True) for p in page.select("p.bd-para"))
    assert "SOURCE" not in body and "(END)" not in body and "markets currency" not in body
    assert (project / "hooks" / "registry" / "urls.yml").read_text().count("url:") == 1


def test_404_offers_search_and_topics(seed_site):
    page = soup(seed_site.site / "404.html")
    form = page.select_one("form.bd-404-search")
    assert form["action"] == "/search/" and form.select_one('input[name="q"]')
    topics = [a["href"] for a in page.select('a[href^="/topics/"]')]
    assert len(topics) >= 8
    for href in topics:
        assert (seed_site.site / href.strip("/") / "index.html").exists(), href
