"""The search index in parts (search.plan_parts, search.PartedIndex): Pagefind run part by
part on a small hand-made site, no MkDocs. In a real browser: test_search_browser.py, which
runs every search test on the shipped corpus in one part and in three."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest

from briefdesk.built import search

from test_search_bundle import PAGE


def _B(bid: str, date: str | None) -> search.IndexedPage:  # what plan_parts reads of a briefing
    return search.IndexedPage(bid, date, f"briefings/{bid}/")


def _pages(parts: list[list[str]]) -> list[list[str]]:
    return [[p.split("/")[1] for p in part] for part in parts]


def test_parts_run_from_the_oldest_briefings_to_the_newest():
    briefings = [_B("d", "2024-05-01"), _B("a", None), _B("c", "2023"), _B("e", "2024-05-01"), _B("b", "2021-03")]
    assert _pages(search.plan_parts(briefings, 2)) == [["a", "b"], ["c", "e"], ["d"]]
    # the order of the input does not matter, and a part holds at most `size`
    assert search.plan_parts(list(reversed(briefings)), 2) == search.plan_parts(briefings, 2)
    assert _pages(search.plan_parts(briefings, 10)) == [["a", "b", "c", "e", "d"]]
    assert search.plan_parts([], 3) == []


def test_a_new_briefing_changes_only_the_newest_part():
    old = [_B(f"b{i:02}", f"2020-01-{i + 1:02}") for i in range(9)]
    before = search.plan_parts(old, 4)
    after = search.plan_parts(old + [_B("new", "2025-01-01")], 4)
    assert after[:2] == before[:2] and after[2] == before[2] + ["briefings/new/index.html"]


def _site(root: Path, n: int) -> tuple[Path, list[_B]]:
    briefings = []
    for i in range(n):
        b = _B(f"briefing-{i}", f"2020-0{1 + i % 9}-1{i % 10}")
        briefings.append(b)
        f = root / b.url / "index.html"
        f.parent.mkdir(parents=True)
        f.write_text(PAGE.format(title=f"Market report {i}", date=b.date, year=b.date[:4],
                                 body=f"Rice prices in market {i} {'rose' if i % 2 else 'fell'}."), encoding="utf-8")
    (root / "index.html").write_text("<html><body><p>Not a briefing</p></body></html>", encoding="utf-8")
    return root, briefings


def _pages_of(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return len(search._read_chunk(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")[1])


def test_each_part_indexes_its_briefings_once_its_pages_are_written(tmp_path):
    site, briefings = _site(tmp_path / "site", 5)
    parts = search.plan_parts(briefings, 2)
    index = search.PartedIndex(site, parts)
    for uri in parts[0][:-1]:
        index.page_written(uri)
        index.poll()
    assert index._proc is None, "a part started before its last page was written"
    index.page_written(parts[0][-1])
    assert index._proc is None, "a part started while its last page was being written"
    index.poll()  # the next page: the last one is on disk now
    assert index._current == 0
    assert index.finish()
    out = site / search.BUNDLE_DIR
    manifest = json.loads((out / search.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["parts"] == ["2/", "1/", "0/"] and manifest["briefings"] == [1, 2, 2]
    assert [_pages_of(out / name) for name in manifest["parts"]] == [1, 2, 2]
    assert isinstance(manifest["warmup"], str)
    # nothing else is left in the bundle: no staging folder, none of Pagefind's own interfaces
    assert sorted(p.name for p in out.iterdir()) == ["0", "1", "2", search.MANIFEST]
    assert not any((out / "0" / name).exists() for name in search._UNUSED)
    # each result's URL is the briefing's URL in the site
    [fragment] = (out / "2" / "fragment").rglob("*.pf_fragment")
    text = gzip.decompress(fragment.read_bytes()).decode("utf-8", "replace")
    assert f'"url":"/{parts[2][0].removesuffix("index.html")}"' in text


def test_the_same_pages_give_the_same_bundle(tmp_path):
    def bundle(root: Path) -> dict[str, bytes]:
        site, briefings = _site(root, 5)
        assert search.PartedIndex(site, search.plan_parts(briefings, 2)).finish()
        out = site / search.BUNDLE_DIR
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    assert bundle(tmp_path / "a") == bundle(tmp_path / "b")


def test_no_briefings_give_an_empty_manifest(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    assert search.PartedIndex(site, []).finish()
    assert json.loads((site / "pagefind" / search.MANIFEST).read_text(encoding="utf-8"))["parts"] == []


def test_a_failing_pagefind_leaves_one_warning_and_no_bundle(tmp_path, monkeypatch, caplog):
    site, briefings = _site(tmp_path / "site", 3)
    monkeypatch.setattr(search, "part_command", lambda pages, out: [sys.executable, "-c", "import sys; print('broken index'); sys.exit(3)"])
    with caplog.at_level("WARNING"):
        assert not search.PartedIndex(site, search.plan_parts(briefings, 2)).finish()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "exited with 3 on part 0" in warnings[0] and "broken index" in warnings[0]
    assert not (site / search.BUNDLE_DIR).exists()


def test_killing_stops_the_running_part(tmp_path, monkeypatch):
    site, briefings = _site(tmp_path / "site", 3)
    monkeypatch.setattr(search, "part_command", lambda pages, out: [sys.executable, "-c", "import time; time.sleep(60)"])
    index = search.PartedIndex(site, search.plan_parts(briefings, 5))
    for uri in index.parts[0]:
        index.page_written(uri)
    index.poll()
    proc = index._proc
    assert proc is not None and proc.poll() is None
    index.kill()
    assert proc.poll() is not None
    assert not index.finish()


def test_a_new_background_run_stops_the_last_without_waiting_for_it(tmp_path, monkeypatch):
    """`mkdocs serve`: a rebuild's index replaces the last build's, still running; the
    rebuild does not wait for its Pagefind to exit (the new run's thread does, before it
    writes the site's pagefind/), and the new run indexes every part."""
    import time

    site, briefings = _site(tmp_path / "site", 3)
    slow = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"]
    part_command = search.part_command
    monkeypatch.setattr(search, "part_command", lambda pages, out: slow)
    last = search.PartedIndex(site, search.plan_parts(briefings, 5))
    last_thread = last.finish_in_background()
    t0 = time.monotonic()
    while last._proc is None and time.monotonic() - t0 < 30:
        time.sleep(0.01)
    proc = last._proc
    assert proc is not None and proc.poll() is None
    monkeypatch.setattr(search, "part_command", part_command)
    killed = []
    proc_kill = proc.kill
    monkeypatch.setattr(proc, "kill", lambda: killed.append(time.monotonic()) or proc_kill())
    thread = search.PartedIndex(site, search.plan_parts(briefings, 5)).finish_in_background(previous=last)
    assert killed  # stopped at once, not waited for here
    thread.join(120)
    assert not last_thread.is_alive() and proc.poll() is not None
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text(encoding="utf-8"))
    assert sum(manifest["briefings"]) == 3


@pytest.mark.parametrize("size", [1, 3])
def test_a_background_run_indexes_every_part(tmp_path, size):
    site, briefings = _site(tmp_path / "site", 3)
    thread = search.PartedIndex(site, search.plan_parts(briefings, size)).finish_in_background()
    thread.join(120)
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text(encoding="utf-8"))
    assert sum(manifest["briefings"]) == 3 and len(manifest["parts"]) == (3 if size == 1 else 1)


def test_the_build_indexes_what_the_written_pages_hold(seed_site, tmp_path):
    """The build hands Pagefind each briefing's content as soon as MkDocs has rendered it
    (search_document), long before the page is written. Indexing the written pages instead
    gives the same bundle, byte for byte: same text, titles, filters, sorts and URLs."""
    site = tmp_path / "site"
    shutil.copytree(seed_site.site, site, ignore=shutil.ignore_patterns(search.BUNDLE_DIR))
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "briefings").glob("*/index.html"))
    assert len(pages) == 5
    assert search.PartedIndex(site, [pages]).finish()  # no add_page: it reads the written pages

    def bundle(root: Path) -> dict[str, bytes]:
        out = root / search.BUNDLE_DIR
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    built, from_pages = bundle(seed_site.site), bundle(site)
    assert built.keys() == from_pages.keys()
    assert built == from_pages


def test_a_built_site_gives_the_same_parts_as_its_briefings(tmp_path):
    """pages_of_site reads the briefings and their dates back from a built site (to index it
    again without its sources, as bench/bench_search.py does)."""
    site, briefings = _site(tmp_path / "site", 7)
    (site / "briefings" / "page" / "2").mkdir(parents=True)  # a listing page is not a briefing
    (site / "briefings" / "page" / "2" / "index.html").write_text("<p>listing</p>", encoding="utf-8")
    assert search.plan_parts(search.pages_of_site(site), 3) == search.plan_parts(briefings, 3)
