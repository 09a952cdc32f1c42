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


def _spellings(editorial: Path) -> dict[str, set[str]]:
    """Place id -> the spellings of the place and of every place in it (names, variants),
    lowercased, spaces and hyphens dropped."""
    import re

    import yaml

    places = yaml.safe_load((editorial / "places.yml").read_text(encoding="utf-8"))["places"]
    def norm(s: str) -> str:
        return re.sub(r"[\s\-‐‑’'`]+", "", s).lower()
    out: dict[str, set[str]] = {}
    for p in places:
        words = {norm(w) for w in [p["name"], *p.get("variants", [])]}
        for owner in {p["id"], p.get("city"), p.get("province")} - {None}:
            out.setdefault(owner, set()).update(words)
    return out


def test_place_and_actor_pages_show_the_mention_that_listed_the_briefing(seed_site):
    """Each listed briefing's paragraph is cut around the mention, marked: on the North
    Hamgyong page, a briefing listed for Chongjin (a city in it), named past the first 240
    characters of its paragraph, shows Chongjin."""
    import re

    from conftest import ROOT

    site = seed_site.site
    spellings = _spellings(ROOT / "hooks" / "editorial")
    quotes = 0
    for kind in ("places", "actors"):
        for path in sorted((site / kind).glob("*/index.html")):
            for quote in soup(path).select("blockquote.bd-mention"):
                quotes += 1
                mark = quote.select_one("mark")
                assert mark is not None, (path, quote.get_text())
                target, anchor = quote.select_one("a")["href"].split("#")
                paragraph = soup(path.parent / target / "index.html").find(id=anchor).get_text()
                assert mark.get_text() in paragraph
                if kind == "places":
                    assert re.sub(r"[\s\-‐‑’'`]+", "", mark.get_text()).lower() in spellings[path.parent.name], (
                        path, mark.get_text())
    assert quotes > 10
    page = soup(site / "places" / "north-hamgyong" / "index.html")
    assert "Chongjin" in [m.get_text() for m in page.select("blockquote.bd-mention mark")]
