"""The search bundle as the build leaves it (search.index_site, then normalise_bundle): Pagefind
run on a small hand-made site, no MkDocs. Browser behaviour is in test_search_browser.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from briefdesk.built import search

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<div data-pagefind-body><h1>{title}</h1>
<p><time data-pagefind-meta="date:{date}" data-pagefind-sort="date:{date}"
 data-pagefind-filter="year:{year}">{date}</time></p>
<p id="p1">{body}</p></div></body></html>"""


def _site(root: Path) -> Path:
    pages = {
        "rice-prices": ("Rice prices surge in Anju", "2022-04-28", "Rice prices rose in the markets of Anju."),
        "corn-prices": ("Corn prices fall in Hyesan", "2021-01-02", "Corn prices fell after the harvest in Hyesan."),
        "market-closed": ("Hyesan market closed", "2020-05-05", "The market in Hyesan was closed for a week."),
    }
    for slug, (title, date, body) in pages.items():
        f = root / "briefings" / slug / "index.html"
        f.parent.mkdir(parents=True)
        f.write_text(PAGE.format(title=title, date=date, year=date[:4], body=body), encoding="utf-8")
    return root


def _bundle(site: Path) -> dict[str, bytes]:
    out = site / search.BUNDLE_DIR
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _meta(site: Path) -> list:
    out = site / search.BUNDLE_DIR
    entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    return search._read_chunk(out / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    site = _site(tmp_path_factory.mktemp("site"))
    assert search.index_site(site)
    return site


def test_fragments_are_named_by_page_number_in_a_folder_named_by_content(indexed):
    pages = _meta(indexed)[1]
    assert len(pages) == 3
    folders = {name.split("/")[0] for name, _count in pages}
    assert len(folders) == 1
    assert sorted(name.split("/")[1] for name, _count in pages) == ["0", "1", "2"]
    for name, _count in pages:  # every listed fragment is there, and holds its page
        raw = gzip.decompress((indexed / "pagefind" / "fragment" / f"{name}.pf_fragment").read_bytes())
        fragment = json.loads(raw[len(search._SIGNATURE):])
        assert fragment["url"].startswith("/briefings/")
    left = [p.name for p in (indexed / "pagefind" / "fragment").iterdir() if p.is_file()]
    assert left == [], "fragments left under Pagefind's names"


def test_two_runs_give_the_same_bytes(indexed, tmp_path):
    again = _site(tmp_path / "again")
    assert search.index_site(again)
    assert _bundle(again) == _bundle(indexed)


def test_normalising_twice_changes_nothing(indexed):
    before = _bundle(indexed)
    search.normalise_bundle(indexed / "pagefind")
    assert _bundle(indexed) == before


@pytest.mark.parametrize("n, kept", [(0, 0), (7, 7), (99, 99), (100, 100), (149, 150), (1949, 1900),
                                     (1950, 2000), (3487, 3500), (12345, 12000)])
def test_word_counts_keep_two_significant_digits(n, kept):
    assert search._two_digits(n) == kept


def test_the_warm_up_word_is_indexed_and_costs_one_chunk(indexed):
    term = json.loads((indexed / "pagefind" / search.WARMUP_FILE).read_text(encoding="utf-8"))["term"]
    chunks = _meta(indexed)[2]
    holding = [h for _from, _to, h in chunks
               if any(w[0] == term for w in search._read_chunk(indexed / "pagefind" / "index" / f"{h}.pf_index")[0])]
    assert len(holding) == 1
    assert term.isalpha() and len(term) >= 4
