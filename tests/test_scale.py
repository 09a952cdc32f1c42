"""Output-size properties that must hold at any archive size (no time assertions).

A seeded synthetic corpus (bench/generate_corpus.py) is built with `mkdocs build --strict`
at 20 and at 100 articles, with a small `per_page` so that every listing paginates:

- a briefing page does not grow with the corpus: the same article (the generator makes
  article i identical whatever the count) gives a page of about the same size in both sites;
- no listing is unbounded: every listing page shows at most `per_page` briefings, the
  "All briefings" listing has a page 2, and every briefing is reachable from it;
- no page links to more than `per_page` + a small constant briefings;
- no page reaches 500 KB.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, mkdocs_build

sys.path.insert(0, str(ROOT))
from bench.generate_corpus import generate  # noqa: E402
from bench.run_benchmark import linked_briefings as _linked_briefings  # noqa: E402

pytestmark = pytest.mark.slow

SEED = 20240
PER_PAGE = 10
MAX_PAGE_BYTES = 500 * 1024
LISTING_DIRS = ("briefings", "topics", "places", "actors", "archive")
ITEM = re.compile(r'<li class="bd-list__item"')


def _build(tmp_path_factory, count: int) -> Path:
    project = copy_project(tmp_path_factory.mktemp(f"scale-{count}"), with_seeds=False)
    yml = project / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+per_page:)\s*\d+", rf"\1 {PER_PAGE}", yml.read_text(encoding="utf-8"))
    assert n == 1, "mkdocs.yml has no extra.briefdesk.per_page"
    yml.write_text(text, encoding="utf-8")
    generate(count, SEED, project / "source_articles", workers=1)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output[-4000:]
    return result.site


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[int, Path]:
    return {n: _build(tmp_path_factory, n) for n in (20, 100)}


def _settings(site: Path) -> tuple[int, int]:
    """per_page and home_latest as the built project's mkdocs.yml sets them."""
    text = (site.parent / "mkdocs.yml").read_text(encoding="utf-8")
    per_page = int(re.search(r"(?m)^\s+per_page:\s*(\d+)", text).group(1))
    m = re.search(r"(?m)^\s+home_latest:\s*(\d+)", text)
    return per_page, int(m.group(1)) if m else 10


def _records(site: Path) -> list[dict]:
    """The export's records, each with "path": its URL relative to the site root."""
    records = json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))
    for r in records:
        r.setdefault("path", re.sub(r"^[a-z]+://[^/]+/", "", r["url"]))
    return records


def _is_briefing(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] == "briefings" and parts[1] != "page" and parts[2] == "index.html"


def _pages(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}


def test_briefing_page_size_does_not_grow_with_the_corpus(sites):
    small, large = sites[20], sites[100]
    url_small = {r["source_file"]: r["path"] for r in _records(small)}
    url_large = {r["source_file"]: r["path"] for r in _records(large)}
    common = sorted(set(url_small) & set(url_large))
    assert len(common) >= 15, "the generator should give the same first 20 articles at both sizes"
    ratios = []
    for src in common:
        a = (small / url_small[src] / "index.html").stat().st_size
        b = (large / url_large[src] / "index.html").stat().st_size
        ratios.append(b / a)
    assert abs(statistics.median(ratios) - 1) <= 0.10, sorted(ratios)
    assert max(ratios) <= 1.25, f"one briefing page grew by {max(ratios) - 1:.0%} from 20 to 100 articles"


def test_every_listing_is_paginated_and_reaches_every_briefing(sites):
    site = sites[100]
    per_page, _ = _settings(site)
    assert per_page == PER_PAGE
    pages = _pages(site)
    listings = {rel: p for rel, p in pages.items() if rel.split("/")[0] in LISTING_DIRS and not _is_briefing(rel)}
    assert listings
    for rel, p in listings.items():
        items = len(ITEM.findall(p.read_text(encoding="utf-8")))
        assert items <= per_page, f"{rel} lists {items} briefings (per_page is {per_page})"
    assert "briefings/page/2/index.html" in pages
    reached: set[str] = set()
    all_listing = sorted(rel for rel in listings if rel == "briefings/index.html" or rel.startswith("briefings/page/"))
    for rel in all_listing:
        reached |= _linked_briefings(pages[rel].read_text(encoding="utf-8"), rel)
    published = {r["path"].rstrip("/").split("/")[-1] for r in _records(site)}
    assert len(published) == 100
    assert published <= reached, f"not reachable from the listings: {sorted(published - reached)[:5]}"
    assert len(all_listing) == -(-len(published) // per_page)


def test_no_page_links_to_an_unbounded_number_of_briefings(sites):
    site = sites[100]
    per_page, home_latest = _settings(site)
    bound = max(per_page, home_latest) + 10  # related briefings, versions, pager and the like
    # prices link each figure shown to its briefing: bounded by the vocabularies and the
    # chart's cap, not by the archive (hooks/briefdesk/pages/pricepages.py)
    from briefdesk.labels import classify, pricedata
    from briefdesk.pages import pricepages

    commodities = len(pricedata.load_vocabulary(ROOT / "hooks" / "editorial").commodities)
    places = len(classify.load_vocabulary(ROOT / "hooks" / "editorial").places) + 1  # and "not stated"
    for rel, p in _pages(site).items():
        n = len(_linked_briefings(p.read_text(encoding="utf-8", errors="replace"), rel))
        if rel == "prices/index.html":
            limit = commodities * places
        elif rel.startswith("prices/"):
            limit = pricepages.SERIES * pricepages.MAX_POINTS + places + per_page
        elif rel.startswith("places/"):
            limit = bound + commodities
        else:
            limit = bound
        assert n <= limit, f"{rel} links to {n} briefings (bound {limit})"


def test_no_page_is_huge(sites):
    for n, site in sites.items():
        for rel, p in _pages(site).items():
            assert p.stat().st_size < MAX_PAGE_BYTES, f"{rel} at {n} articles is {p.stat().st_size:,} bytes"
        for p in site.rglob("*"):
            if p.is_file() and p.suffix in (".html", ".xml") and "sitemap" not in p.name:
                assert p.stat().st_size < MAX_PAGE_BYTES, p


def test_benchmark_judges_stage_growth_against_n_log_n():
    """The Targets line for "each stage grows linearly (or n log n)": judged over the widest
    span of pipeline-only runs; a stage too brief to time is shown but not judged."""
    from bench.run_benchmark import STAGES, growth_targets

    def run(n, **over):
        timings = {s: n / 1000 for s in STAGES}  # linear
        timings.update({s: f(n) for s, f in over.items()})
        return {"size": n, "pipeline": {"timings": timings, "pipeline_s": sum(timings.values())}}

    assert growth_targets([run(10_000)]) == []
    linear = growth_targets([run(10_000), run(20_000), run(100_000)])[0]
    assert linear.endswith("→ met") and "related 1.00" in linear
    quadratic = growth_targets([run(10_000), run(100_000, related=lambda n: (n / 1000) ** 2 / 10)])[0]
    assert quadratic.endswith("**missed** (related)")
    brief = growth_targets([run(10_000, registry=lambda n: n * n / 1e10), run(100_000, registry=lambda n: n * n / 1e10)])[0]
    assert "registry 2.00 (not judged" in brief and brief.endswith("→ met")
