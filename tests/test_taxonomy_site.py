"""Topics, places and actors on the built site: labels in briefings.json, index pages,
the map, chips, first-mention links, "mentioned in" paragraphs, related briefings with
reasons, and the archive."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup


def records(site: Path) -> dict[str, dict]:
    data = json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))
    return {r["source_file"][:3]: r for r in data}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_seed_labels_in_export(seed_site):
    recs = records(seed_site.site)
    wholesaler = recs["004"]
    assert {"South Pyongan Province", "Pyongsong"} <= set(wholesaler["regions"])
    assert "Quality control and counterfeit goods" in wholesaler["topics"]
    assert {"Cabinet", "Ministry of Social Security", "National Quality Monitoring Committee"} <= set(wholesaler["actors"])
    imports = recs["000"]
    assert "North Hamgyong Province" in imports["regions"]
    assert "Import substitution and self-reliance" in imports["topics"]
    assert "Ryanggang Province" in recs["001"]["regions"]
    assert "Kim Jong Un" not in recs["003"]["actors"]  # only in a caption


def test_index_pages_and_map(seed_site):
    site = seed_site.site
    topics = soup(site / "topics" / "index.html")
    assert topics.select_one('a[href="quality-counterfeit/"]')
    page = soup(site / "topics" / "quality-counterfeit" / "index.html")
    assert "1 briefing" in page.get_text()
    assert page.select_one("p.bd-description").get_text(strip=True)
    assert page.select("a.bd-list__title")
    places = soup(site / "places" / "index.html")
    svg = places.select_one("figure.bd-map svg")
    links = {a.get("href") for a in svg.find_all("a")}
    assert "south-pyongan/" in links and "north-hamgyong/" in links
    for href in links:
        assert (site / "places" / href / "index.html").exists(), href
    label = svg.find("a", href="north-hamgyong/").get("aria-label")
    assert "North Hamgyong" in label and "3 briefings" in label
    assert (site / "actors" / "cabinet" / "index.html").exists()


def test_briefing_chips_mentions_and_related(seed_site):
    site = seed_site.site
    rec = records(site)["004"]
    page = soup(site / rec["path"] / "index.html")
    chips = [a.get_text(strip=True) for a in page.select("ul.bd-chips a.bd-chip")]
    assert "South Pyongan Province" in chips and "Quality control and counterfeit goods" in chips
    for a in page.select("ul.bd-chips a.bd-chip"):
        assert (site / rec["path"] / a["href"] / "index.html").resolve().exists()
    first = page.select("p.bd-para a.bd-mention-link")
    assert any(a.get_text() == "Pyongsong" for a in first)
    # the first mention only: Pyongsong appears again later, unlinked
    assert sum(1 for a in first if a.get_text() == "Pyongsong") == 1
    related = page.select("ul.bd-related li")
    assert 1 <= len(related) <= 5
    reasons = [li.select_one(".bd-related__reason").get_text() for li in related]
    assert all(r.startswith("shares: ") or r == "similar wording" for r in reasons)


def test_mentioned_in_with_paragraph(seed_site):
    site = seed_site.site
    page = soup(site / "places" / "pyongsong" / "index.html")
    quote = page.select_one("blockquote.bd-mention")
    assert quote is not None and quote.select_one("mark").get_text().lower().startswith(("pyong", "ping"))
    href = quote.select_one("a")["href"]
    target, anchor = href.split("#")
    assert anchor.startswith("p")
    assert soup(site / "places" / "pyongsong" / target / "index.html").find(id=anchor)


def test_archive_lists_undated_honestly(seed_site):
    site = seed_site.site
    archive = soup(site / "archive" / "index.html")
    assert "Date not stated in the source" in archive.get_text()
    undated = soup(site / "archive" / "undated" / "index.html")
    assert len(undated.select("a.bd-list__title")) == 5
