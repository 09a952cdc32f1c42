"""Rebuilds: the build-cache folder, the HTML spool, and `mkdocs serve --dirty`.

The cache folder (`.cache/briefdesk/`) holds the generated pages between builds, one pack
file per kind with the content hash of every page; a page whose hash changed is what
`mkdocs serve --dirty` rebuilds. None of that may change what a build produces.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, mkdocs_build

sys.path.insert(0, str(ROOT / "bench"))
from generate_corpus import generate  # noqa: E402

from bench.run_benchmark import fetch as _get, free_port as _free_port, stop_process_group  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))

from briefdesk import pipeline, rendering  # noqa: E402
from briefdesk.cache import BuildCache  # noqa: E402
from briefdesk.output import FolderPages, PackPages  # noqa: E402
from briefdesk.built.spool import Spool  # noqa: E402


# ------------------------------------------------------------------ the cache folder


def test_folder_pages_rewrites_only_what_changed_and_removes_what_is_gone(tmp_path):
    out = FolderPages(tmp_path)
    out.put("a/index.md", "alpha")
    out.put("b/index.md", "beta")
    out.finish()
    a, b = tmp_path / "pages" / "a/index.md", tmp_path / "pages" / "b/index.md"
    os.utime(a, ns=(1_000_000_000, 1_000_000_000))
    os.utime(b, ns=(1_000_000_000, 1_000_000_000))

    again = FolderPages(tmp_path)
    again.put("a/index.md", "alpha")  # same text: the file is left alone
    again.put("c/index.md", "gamma")  # new
    again.finish()  # b is no longer generated
    assert a.stat().st_mtime_ns == 1_000_000_000
    assert not b.exists()
    assert dict(again) == {"a/index.md": "alpha", "c/index.md": "gamma"}
    assert again.written == 1

    third = FolderPages(tmp_path)
    third.put("a/index.md", "alpha, revised")
    third.finish()
    assert a.read_text() == "alpha, revised" and a.stat().st_mtime_ns != 1_000_000_000


def test_folder_pages_keep_carries_a_file_over_only_when_it_is_there(tmp_path):
    out = FolderPages(tmp_path)
    out.put("a.md", "alpha")
    out.finish()
    nxt = FolderPages(tmp_path)
    assert nxt.keep("a.md") and not nxt.keep("never-written.md")
    (tmp_path / "pages" / "a.md").unlink()
    assert not FolderPages(tmp_path).keep("a.md")


def test_folder_pages_distrust_a_damaged_manifest(tmp_path):
    out = FolderPages(tmp_path)
    out.put("a.md", "alpha")
    out.finish()
    (tmp_path / "pages.manifest.json").write_text("{not json")
    (tmp_path / "pages" / "stray.md").write_text("left over")
    fresh = FolderPages(tmp_path)  # unknown state: start from an empty folder
    assert not (tmp_path / "pages" / "stray.md").exists()
    fresh.put("a.md", "alpha")
    fresh.finish()
    assert fresh.written == 1 and (tmp_path / "pages" / "a.md").read_text() == "alpha"


def test_pack_pages_carries_over_what_was_kept_and_knows_what_changed(tmp_path):
    out = PackPages(tmp_path, "pages")
    out.put("a/index.md", "alpha")
    out.put("b/index.md", "bêta 😀")
    out.finish()
    assert dict(out) == {"a/index.md": "alpha", "b/index.md": "bêta 😀"}
    assert out.changed("a/index.md") and out.changed("b/index.md")  # nothing before: all new

    again = PackPages(tmp_path, "pages")
    assert again.keep("b/index.md") and not again.keep("never-written.md")
    again.put("a/index.md", "alpha")  # produced again, same bytes
    again.put("c/index.md", "gamma")
    again.finish()  # a and b carried over, c new; nothing else survives
    assert dict(again) == {"b/index.md": "bêta 😀", "a/index.md": "alpha", "c/index.md": "gamma"}
    assert [src for src in again if again.changed(src)] == ["c/index.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.manifest.json", "pages.pack"]

    third = PackPages(tmp_path, "pages")
    third.put("a/index.md", "alpha, revised")
    assert third["a/index.md"] == "alpha, revised"  # readable before finish()
    third.finish()
    assert third.changed("a/index.md") and dict(third) == {"a/index.md": "alpha, revised"}


def test_pack_pages_append_to_the_last_pack_and_start_a_new_one_when_half_is_unused(tmp_path):
    big = "x" * 4000
    out = PackPages(tmp_path, "pages")
    for i in range(300):
        out.put(f"p{i}.md", f"{i} {big}")
    out.finish()
    pack = tmp_path / "pages.pack"
    size = pack.stat().st_size
    inode = pack.stat().st_ino

    again = PackPages(tmp_path, "pages")  # one page edited, one kept, the rest made again
    assert again.keep("p0.md")
    again.put("p1.md", f"1 {big} edited")
    for i in range(2, 300):
        again.put(f"p{i}.md", f"{i} {big}")  # the same bytes: left where they are
    assert again["p1.md"].endswith("edited") and again["p7.md"] == f"7 {big}"  # readable before finish()
    again.finish()
    assert pack.stat().st_ino == inode and pack.stat().st_size == size + len(f"1 {big} edited")
    assert [src for src in again if again.changed(src)] == ["p1.md"]
    assert dict(again) == {"p0.md": f"0 {big}", "p1.md": f"1 {big} edited",
                           **{f"p{i}.md": f"{i} {big}" for i in range(2, 300)}}

    # edits until the pack holds more bytes no build uses than it holds in use
    for n in range(2, 400):
        edit = PackPages(tmp_path, "pages")
        for i in range(300):
            edit.put(f"p{i}.md", f"{i} {big}" + (f" edit {n}" if i % 3 == 0 else ""))
        edit.finish()
        if pack.stat().st_ino != inode:
            break
    assert pack.stat().st_ino != inode, "the pack never started anew"
    live = sum(len(edit[src].encode()) for src in edit)
    assert pack.stat().st_size == live  # the new pack holds only what the build used
    assert edit["p3.md"] == f"3 {big} edit {n}" and edit["p4.md"] == f"4 {big}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.manifest.json", "pages.pack"]


def test_pack_pages_of_two_builds_at_once_do_not_write_into_each_other(tmp_path):
    """`mkdocs build` while `mkdocs serve` runs on the same project: the server's build
    cache holds the pack's lock, so the other build (its own cache) writes a pack of its
    own (unnamed, no manifest); the server appends to the shared one as before, and each
    reads back what it wrote."""
    server_locks: dict = {}
    first = PackPages(tmp_path, "pages", server_locks)
    first.put("a.md", "alpha")
    first.finish()
    serving = PackPages(tmp_path, "pages", server_locks)  # in place, the lock still the server's
    other = PackPages(tmp_path, "pages", {})  # meanwhile, another build
    assert not other.keep("a.md")
    serving.put("b.md", "from serve")
    other.put("b.md", "from the other build")
    serving.put("c.md", "more from serve")
    other.finish()
    serving.finish()
    assert serving["b.md"] == "from serve" and serving["c.md"] == "more from serve"
    assert other["b.md"] == "from the other build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.lock", "pages.manifest.json", "pages.pack"]
    assert PackPages(tmp_path, "pages", {})._shared is False  # while the server runs
    server_locks.clear()  # the server stops: its cache, and so the lock, goes
    after = PackPages(tmp_path, "pages", {})  # in place again, with the server's files
    assert after.keep("c.md") and after["c.md"] == "more from serve"
    after.finish()


def test_pack_pages_distrust_a_damaged_or_missing_manifest(tmp_path):
    out = PackPages(tmp_path, "pages")
    out.put("a.md", "alpha")
    out.finish()
    (tmp_path / "pages.manifest.json").write_text("{not json")
    fresh = PackPages(tmp_path, "pages")  # unknown state: nothing to carry over
    assert not fresh.keep("a.md")
    fresh.put("a.md", "alpha")
    fresh.finish()
    assert fresh.changed("a.md") and fresh["a.md"] == "alpha"

    crashed = PackPages(tmp_path, "pages")
    crashed.put("a.md", "half")  # a build that dies before finish() leaves no manifest
    assert not (tmp_path / "pages.manifest.json").exists()
    assert not PackPages(tmp_path, "pages").keep("a.md")


def test_memo_keeps_the_pieces_a_kept_piece_was_made_of():
    """A listing page kept whole still keeps its entries: a later build that makes the page
    again (a briefing moved in or out) makes only the entries it has not made before."""
    from types import SimpleNamespace

    from briefdesk.output import Memo

    made: list[str] = []
    briefings = [SimpleNamespace(id=c) for c in "abcd"]

    def entry(b):
        made.append(b.id)
        return f"<li>{b.id}</li>"

    def page(memo, chunk):
        return memo(("page",), chunk, lambda: "".join(memo(("entry",), [b], lambda b=b: entry(b)) for b in chunk))

    kept: dict = {}
    keys = {b.id: b.id + "1" for b in briefings}
    for _ in range(3):  # the first build makes the page and its entries; the next take them whole
        memo = Memo(keys, kept)
        assert page(memo, briefings[:3]) == "<li>a</li><li>b</li><li>c</li>"
        memo.finish()
    assert made == ["a", "b", "c"]
    memo = Memo({**keys, "d": "d2"}, kept)  # d is new on the page: only d is made
    assert page(memo, briefings) == "<li>a</li><li>b</li><li>c</li><li>d</li>"
    memo.finish()
    assert made == ["a", "b", "c", "d"]
    memo = Memo(keys, kept)
    assert page(memo, briefings[1:3]) == "<li>b</li><li>c</li>"  # a page not made before, of kept entries
    assert made == ["a", "b", "c", "d"]


def test_spool_gives_back_each_text_once():
    spool = Spool()
    texts = {f"p{i}": ("é’😀 " * i) + f"page {i}" for i in range(50)}
    for key, text in texts.items():
        spool.put(key, text)
    assert spool.take("p7") == texts["p7"]
    spool.put("late", "after a take")
    assert "p7" not in spool and spool.take("late") == "after a take"
    assert {k: spool.take(k) for k in list(texts) if k != "p7"} == {k: v for k, v in texts.items() if k != "p7"}
    spool.close()


def test_in_process_rebuild_reuses_renders_and_matches_a_cold_build(tmp_path, monkeypatch):
    """What `mkdocs serve` does: build, edit one article, build again in the same process
    with kept renders; the pages equal those of a cold build of the edited corpus, and only
    the pages the edit touches are rewritten."""
    project = copy_project(tmp_path / "p", with_seeds=False)
    generate(60, 11, project / "source_articles")
    settings = pipeline.Settings.for_project(project, site_url="https://example.org/",
                                             pages_dir=project / ".cache" / "bd")
    cache = BuildCache()  # what `mkdocs serve`'s adapter keeps across its builds
    first = pipeline.build_corpus(settings, cache=cache)
    first_pages = set(first.pages)

    article = sorted((project / "source_articles").glob("*.txt"))[0]
    text = article.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    paragraphs[longest] += " Incremental marker sentence."
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")
    calls = []
    original = rendering._render_briefing
    monkeypatch.setattr(rendering, "_render_briefing", lambda job: calls.append(job[0].source_file) or original(job))
    warm = pipeline.build_corpus(settings, cache=cache)
    warm_pages = {src: warm.pages[src] for src in warm.pages}
    assert article.name in calls[0] and len(calls) < len(warm.briefings), calls

    changed = {src for src in warm.pages if warm.pages.changed(src)}  # what `serve --dirty` rebuilds
    edited_page = next(src for src, md in warm_pages.items() if "Incremental marker sentence" in md)
    assert edited_page in changed
    assert set(warm.pages) == first_pages and 0 < len(changed) < len(first_pages)

    # no cache: nothing kept from the builds before
    cold = pipeline.build_corpus(pipeline.Settings.for_project(project, site_url="https://example.org/"))
    assert dict(cold.pages) == warm_pages
    assert dict(cold.assets) == {src: warm.assets[src] for src in warm.assets}


def _set_metadata(article: Path, **fields) -> None:
    """Set fields in an article's sidecar metadata (NAME.yml), keeping what is there."""
    import yaml

    side = article.with_suffix(".yml")
    data = (yaml.safe_load(side.read_text(encoding="utf-8")) or {}) if side.exists() else {}
    data.update(fields)
    side.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_in_process_rebuilds_after_all_kinds_of_edits_match_cold_builds(tmp_path, monkeypatch):
    """Pieces kept between rebuilds (related briefings' term counts, listing entries, feeds,
    the archive's export lines and citation entries) never show in the output: after each
    kind of edit the pages and exports equal a cold build's, while most pieces are reused."""
    from briefdesk.labels import taxonomy
    from briefdesk.pages import feeds
    from briefdesk.pages import taxonomy_pages

    project = copy_project(tmp_path / "p", with_seeds=False)
    generate(61, 12, tmp_path / "more")
    generate(60, 12, project / "source_articles")
    options = dict(site_url="https://example.org/", per_page=7)
    settings = pipeline.Settings.for_project(project, pages_dir=project / ".cache" / "bd", **options)
    cache = BuildCache()
    pipeline.build_corpus(settings, cache=cache)
    made = {"feeds": 0, "mentions": 0}
    atom, mention = feeds.atom, taxonomy_pages._mention_item
    monkeypatch.setattr(feeds, "atom", lambda *a, **k: made.__setitem__("feeds", made["feeds"] + 1) or atom(*a, **k))
    monkeypatch.setattr(taxonomy_pages, "_mention_item",
                        lambda *a: made.__setitem__("mentions", made["mentions"] + 1) or mention(*a))
    articles = sorted((project / "source_articles").glob("*.txt"))
    topic = next(iter(taxonomy.load_vocabulary(project / "hooks" / "editorial")[0].topics))

    def edit_text():
        articles[2].write_text(articles[2].read_text(encoding="utf-8") + "\n\nA paragraph added in place.\n",
                               encoding="utf-8")

    def add_article():
        for f in sorted((tmp_path / "more").iterdir()):
            if not (project / "source_articles" / f.name).exists():
                shutil.copy2(f, project / "source_articles" / f.name)

    edits = {
        "text": edit_text,
        "title": lambda: _set_metadata(articles[5], title="A title set by the editors"),
        "date": lambda: _set_metadata(articles[9], date="2026-06-30"),
        "labels": lambda: _set_metadata(articles[11], topics=[topic], exclude_regions=[]),
        "new article": add_article,
    }
    before = None
    for name, edit in edits.items():
        edit()
        made.update(feeds=0, mentions=0)
        warm = pipeline.build_corpus(settings, cache=cache)
        warm_made = dict(made)
        assert not warm.refusals, warm.refusals
        now = {src: warm.pages[src] for src in warm.pages}
        assert now != before, name  # the edit shows
        before = now
        cold = pipeline.build_corpus(pipeline.Settings.for_project(project, **options))
        assert made["feeds"] > warm_made["feeds"] * 2, name  # the cold build made every feed again
        assert made["mentions"] > warm_made["mentions"] * 4, name
        assert now == dict(cold.pages), name
        assert {src: warm.assets[src] for src in warm.assets} == dict(cold.assets), name
        assert {src: warm.heads[src] for src in warm.heads} == dict(cold.heads), name


REVISED = ("Traders in Hyesan said the price of rice rose after the state shops closed for inspections.\n\n"
           "The source added that smuggling across the Yalu River had almost stopped since the border closure.\n")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_rebuilds_keep_an_earlier_version_described_and_render_it_again_when_its_text_changes(tmp_path,
                                                                                               monkeypatch):
    """An earlier version's briefing is made in the versions stage, before the render: a
    revised article's build has the earlier version's page, marked superseded, from the
    kept text; a rebuild given the same cache neither describes it again nor renders the
    briefing again; an edit to the kept text shows, and every build equals a cold one."""
    project = copy_project(tmp_path / "p", {"hyesan.txt": REVISED}, with_seeds=False)
    settings = pipeline.Settings.for_project(project, site_url="https://example.org/",
                                             pages_dir=project / ".cache" / "bd")
    cache = BuildCache()

    def build():
        cold = pipeline.build_corpus(pipeline.Settings.for_project(project, site_url="https://example.org/"))
        corpus = pipeline.build_corpus(settings, cache=cache)
        assert not corpus.refusals and not corpus.errors and not corpus.warnings
        pages = {src: corpus.pages[src] for src in corpus.pages}
        assert pages == dict(cold.pages)
        assert {src: corpus.assets[src] for src in corpus.assets} == dict(cold.assets)
        assert {src: corpus.heads[src] for src in corpus.heads} == dict(cold.heads)
        corpus.registry.save_if_changed()  # as the adapter does
        return corpus, pages

    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "v1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build()
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "registry")
    article = project / "source_articles" / "hyesan.txt"
    article.write_text(REVISED.replace("almost stopped", "stopped entirely"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")

    revised, pages = build()
    [b] = revised.briefings
    [old] = b.earlier
    assert (b.version, [v["version"] for v in b.versions]) == (2, [1])
    assert (old.version, old.superseded_by, old.url, old.topics) == (1, 2, b.url, b.topics)
    old_src = b.url + "v1/index.md"
    assert "almost stopped" in pages[old_src] and "bd-superseded" in pages[old_src]
    assert "stopped entirely" in pages[b.page_path] and "bd-superseded" not in pages[b.page_path]
    described = dict(cache.earlier)
    rendered = set(cache.rendered)
    assert len(described) == 1

    again, pages_again = build()  # nothing changed
    assert pages_again == pages and set(cache.rendered) == rendered
    [(key, kept)] = cache.earlier.items()
    assert kept is described[key]  # not described again
    assert not again.pages.changed(old_src)

    kept_text = project / "hooks" / "registry" / "versions" / b.id / "v1.txt"
    kept_text.write_text(REVISED.replace("almost stopped", "nearly stopped"), encoding="utf-8")
    edited, pages_edited = build()
    assert "nearly stopped" in pages_edited[old_src] and edited.pages.changed(old_src)
    assert set(cache.rendered) != rendered and list(cache.earlier) != list(described)
    assert pages_edited[b.page_path] == pages[b.page_path]


def test_render_key_follows_the_cleaned_text_and_the_labels(tmp_path, monkeypatch):
    """The render key stands the cleaned text and each label dict in by a digest kept by
    object (builds share them and never change them): equal content gives the key, other
    content another one, whichever object holds it."""
    import copy
    import dataclasses

    project = copy_project(tmp_path / "p", with_seeds=False)
    generate(6, 3, project / "source_articles")
    settings = pipeline.Settings.for_project(project)
    b = max(pipeline.build_corpus(settings).briefings, key=lambda x: len(x.regions) + len(x.topics))
    assert b.topics and b.regions
    known: dict = {}  # a build cache's digests

    def key(x):
        used = {}
        k = rendering._render_key(x, settings, "editorial", used, known)
        known.update(used)
        return k

    first = key(b)
    same = dataclasses.replace(b, clean=copy.deepcopy(b.clean), topics=copy.deepcopy(b.topics),
                               regions=copy.deepcopy(b.regions))
    assert key(same) == key(b) == first
    block = same.clean.blocks.index(next(x for x in same.clean.blocks if x.kind == "paragraph"))
    other_text = dataclasses.replace(same, clean=copy.deepcopy(b.clean))
    other_text.clean.blocks[block] = dataclasses.replace(other_text.clean.blocks[block], text="Other words.")
    other_topic = dataclasses.replace(same, topics=[dict(b.topics[0], name="Another name")] + b.topics[1:])
    other_place = dataclasses.replace(same, regions=b.regions[:-1])
    keys = {first, key(other_text), key(other_topic), key(other_place)}
    assert len(keys) == 4
    assert key(b) == first and rendering._render_key(b, settings, "other editorial", {}, known) != first


def test_archive_files_from_each_briefings_entries_equal_the_formats_over_all_records(tmp_path):
    """briefings.json, .csv and cite/all.* are put together from each briefing's line or
    entry (kept between rebuilds); they equal what the formats give for all records at once."""
    import csv
    import io
    import json

    from briefdesk.pages import cite, citing, export

    project = copy_project(tmp_path / "p")
    generate(25, 4, project / "source_articles")
    settings = pipeline.Settings.for_project(project, site_url="https://example.org/")
    corpus = pipeline.build_corpus(settings)
    assert len(corpus.briefings) > 25
    records = [citing.record(b, settings) for b in corpus.briefings]  # site: with names.yml's lists
    site = citing.site_info(settings)
    assert corpus.assets["cite/all.bib"] == cite.bibtex(records, site)
    assert corpus.assets["cite/all.classic.bib"] == cite.bibtex_classic(records, site)
    assert corpus.assets["cite/all.ris"] == cite.ris(records, site)
    assert corpus.assets["cite/all.json"] == export.json_array(cite.csl_json(records, site))
    assert json.loads(corpus.assets["cite/all.json"]) == cite.csl_json(records, site)
    exported = [export.record(b, settings.site_url) for b in corpus.briefings]
    assert corpus.assets["data/briefings.json"] == "[\n" + ",\n".join(
        json.dumps(r, ensure_ascii=False) for r in exported) + "\n]\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=export.FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in exported:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else ("true" if v else "false") if isinstance(v, bool)
                         else "" if v is None else v for k, v in row.items()})
    assert corpus.assets["data/briefings.csv"] == buf.getvalue()
    empty = citing.archive_downloads([])
    assert empty == {"cite/all.bib": cite.bibtex([], site), "cite/all.classic.bib": cite.bibtex_classic([], site),
                     "cite/all.ris": cite.ris([], site), "cite/all.json": export.json_array([])}
    assert export.briefings_csv([], None) == buf.getvalue().splitlines(keepends=True)[0]


@pytest.mark.slow
def test_rebuild_in_place_after_edits_equals_a_fresh_build(tmp_path):
    """A project built, edited (one article's text changed, one article added) and built
    again in place, with its cache folder, gives the same site as a fresh copy of the
    edited project built from scratch."""
    project = copy_project(tmp_path / "in-place", with_seeds=False)
    generate(30, 5, project / "source_articles")
    first = mkdocs_build(project, strict=False)
    assert first.returncode == 0, first.output
    generate(31, 5, tmp_path / "more")  # the same 30 articles (and metadata) and one more
    for f in sorted((tmp_path / "more").iterdir()):
        target = project / "source_articles" / f.name
        if not target.exists():
            shutil.copy2(f, target)
    article = sorted((project / "source_articles").glob("*.txt"))[3]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\n", "\n\nA sentence added for the rebuild test.\n\n", 1), encoding="utf-8")
    again = mkdocs_build(project, strict=False)
    assert again.returncode == 0, again.output

    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns(".cache", "site"))
    cold = mkdocs_build(fresh, strict=False)
    assert cold.returncode == 0, cold.output

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    a, b = files(again.site), files(cold.site)
    assert sorted(a) == sorted(b), set(a) ^ set(b)
    # the build that first saw the new article records its URL as new; the fresh copy's
    # registry already holds it
    import json

    report_a, report_b = (json.loads(x.pop("data/build-report.json")) for x in (a, b))
    assert report_a.pop("new_urls") and not report_b.pop("new_urls")
    assert report_a == report_b
    assert [n for n in a if a[n] != b[n]] == []
    assert any(b"A sentence added for the rebuild test." in data for data in a.values())


# ------------------------------------------------------------------ mkdocs serve --dirty


def _wait_for(predicate, proc, timeout: float, what: str, log: Path) -> None:
    t0 = time.monotonic()
    while not predicate():
        if proc.poll() is not None or time.monotonic() - t0 > timeout:
            raise AssertionError(f"{what}; serve log:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.mark.slow
def test_serve_dirty_shows_an_edit_and_keeps_serving_after_bad_input(tmp_path):
    project = copy_project(tmp_path / "serve", keep_registry=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=project, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: _get(base + "briefings/")[0] == 200, proc, 180, "the site never came up", log)
        # a new user's first lines: what was built and where it is served, no warning
        first = log.read_text().split("Serving on", 1)[0].splitlines()
        assert not [line for line in first if line.startswith(("WARNING", "ERROR"))], first
        assert any(line.startswith("INFO") and "Briefings: read" in line for line in first), first
        assert not any("not included in the \"nav\"" in line for line in first), first
        status, listing = _get(base + "briefings/")
        import re

        url = re.search(r'href="((?:\.\./)?briefings/[^"/]+/|[a-z0-9-]+/)"', listing.split('class="bd-list', 1)[1]).group(1)
        page = base + "briefings/" + url.split("briefings/")[-1]
        assert _get(page)[0] == 200
        time.sleep(2)  # let the watcher settle
        # the page shows the article: find its source by its first words
        import json

        records = json.loads(_get(base + "data/briefings.json")[1])
        records = records.get("briefings", records) if isinstance(records, dict) else records
        rec = next(r for r in records if r["url"].rstrip("/").endswith(url.strip("/").split("/")[-1]))
        src = project / "source_articles" / rec["source_file"]
        paragraphs = src.read_text(encoding="utf-8").split("\n\n")
        longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
        paragraphs[longest] += " Serve marker zq."
        src.write_text("\n\n".join(paragraphs), encoding="utf-8")
        _wait_for(lambda: "Serve marker zq." in _get(page)[1], proc, 120, "the edit never showed", log)

        # bad input: one clear line, and the rest keeps being served
        (project / "source_articles" / "broken.pdf").write_bytes(b"%PDF-1.4 not an article")
        _wait_for(lambda: "broken.pdf" in log.read_text(), proc, 120, "no warning about broken.pdf", log)
        time.sleep(1)
        assert "Serve marker zq." in _get(page)[1]
        assert "Traceback" not in log.read_text()
    finally:
        stop_process_group(proc)


def _hooks_module():
    """hooks/briefings.py, loaded as MkDocs loads it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("briefings_hooks_under_test", ROOT / "hooks" / "briefings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _watched_server(tmp_path):
    """MkDocs' live-reload server watching a folder and a file, as `mkdocs serve` leaves it
    before on_serve returns (not serving)."""
    from mkdocs.livereload import LiveReloadServer

    (tmp_path / "articles" / "old").mkdir(parents=True)
    (tmp_path / "articles" / "old" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path / "articles"))
    server.watch(str(tmp_path / "mkdocs.yml"))
    return server


def _sees(server, change, timeout: float = 3.0) -> bool:
    """Does the server want a rebuild after ``change()``? (A change's last events, a
    file's closing say, are let in before the answer.)"""
    with server._rebuild_cond:
        server._want_rebuild = False
    change()
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout and not server._want_rebuild:
        time.sleep(0.01)
    seen = server._want_rebuild
    time.sleep(0.3)
    return seen


def test_serve_watches_with_the_native_observer_and_sees_changes_not_reads(tmp_path):
    from watchdog.observers.polling import PollingObserver

    hooks = _hooks_module()
    server = _watched_server(tmp_path)
    polling = server.observer
    assert hooks.use_native_observer(server)
    observer = server.observer
    assert observer is not polling and not isinstance(observer, PollingObserver)
    assert observer.is_alive() and not polling.is_alive()
    assert set(server._watch_refs) == {str(tmp_path / "articles"), str(tmp_path / "mkdocs.yml")}
    assert set(server._watch_refs.values()) == observer._watches  # unwatch() finds them
    observer.start()  # what LiveReloadServer.serve() does next: nothing more
    try:
        article = tmp_path / "articles" / "old" / "a.txt"
        assert _sees(server, lambda: article.write_text("edited", encoding="utf-8"), 2.0)
        assert not _sees(server, lambda: article.read_text(encoding="utf-8"), 1.0)  # the build reads them
        assert _sees(server, lambda: (tmp_path / "articles" / "b.txt").write_text("new", encoding="utf-8"), 2.0)
        assert _sees(server, lambda: (tmp_path / "mkdocs.yml").write_text("site_name: y\n", encoding="utf-8"), 2.0)
        # a folder of articles moved out: one event of the folder's, still a change
        assert _sees(server, lambda: os.rename(tmp_path / "articles" / "old", tmp_path / "moved-out"), 3.0)
        server.unwatch(str(tmp_path / "articles"))
        assert not _sees(server, lambda: (tmp_path / "articles" / "c.txt").write_text("c", encoding="utf-8"), 1.0)
    finally:
        observer.stop()
        observer.join()


def test_serve_keeps_mkdocs_polling_observer_when_the_native_one_cannot_take_over(tmp_path, monkeypatch, caplog):
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    hooks = _hooks_module()
    caplog.set_level("DEBUG", logger="mkdocs.hooks.briefings")
    # MkDocs' internals not as expected (a later or other engine): nothing is touched
    server = _watched_server(tmp_path / "one")
    polling, refs = server.observer, server._watch_refs
    del server._watch_refs
    assert not hooks.use_native_observer(server)
    assert server.observer is polling and "polling observer" in caplog.text
    server._watch_refs = refs

    # the native observer cannot start (the system's inotify limits, say): the polling one
    # keeps every watch and still sees an edit
    def refuse(self):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(Observer, "on_thread_start", refuse)
    assert not hooks.use_native_observer(server)
    assert server.observer is polling and isinstance(polling, PollingObserver) and server._watch_refs is refs
    assert "inotify watch limit reached" in caplog.text
    monkeypatch.undo()
    polling.start()
    try:
        article = tmp_path / "one" / "articles" / "old" / "a.txt"
        time.sleep(0.2)
        assert _sees(server, lambda: article.write_text("edited, polled", encoding="utf-8"), 3.0)
    finally:
        polling.stop()
        polling.join()


def test_serve_collects_cyclic_garbage_when_idle_and_freezes_what_lives(monkeypatch):
    """Under `mkdocs serve` what a build made stays frozen (out of the collector's walks)
    until the build is over; a moment later a full collection frees the cycles it left,
    and what survives is frozen again."""
    import gc
    import weakref

    hooks = _hooks_module()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: freed only by the cyclic collector
    gone = weakref.ref(a)
    gc.freeze()  # as on_pre_build leaves a build's objects
    try:
        del a, b
        assert gone() is not None
        monkeypatch.setattr(hooks, "IDLE_COLLECT_S", 0.05)
        hooks._collect_when_idle()
        hooks._collect_when_idle()  # a second build before the first collection: one collection
        timer = hooks._state["collect_timer"]
        timer.join(5)
        assert gone() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.slow
@pytest.mark.parametrize("watcher", ["native", "polling"])
def test_serve_rebuilds_an_edit_once_with_either_watcher(tmp_path, watcher):
    """`mkdocs serve` with the native observer (the default) and with MkDocs' own
    (BRIEFDESK_WATCHER=polling): an edit is rebuilt and shown, once; the build's own reads
    of the watched files set off no rebuild."""
    project = copy_project(tmp_path / "serve", keep_registry=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("BRIEFDESK_WATCHER", None)
    if watcher == "polling":
        env["BRIEFDESK_WATCHER"] = "polling"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-v", "-a", f"127.0.0.1:{port}"],
            cwd=project, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: "Serving on" in log.read_text(), proc, 180, "the site never came up", log)
        text = log.read_text()
        if watcher == "native":
            assert "Watching with InotifyObserver instead of polling" in text
        else:
            assert "BRIEFDESK_WATCHER=polling" in text and "instead of polling" not in text
        records = json.loads(_get(base + "data/briefings.json")[1])
        records = records.get("briefings", records) if isinstance(records, dict) else records
        rec = next(r for r in records if r["source_file"].endswith(".txt"))
        page = base + rec["url"].split("://", 1)[-1].split("/", 1)[-1] if "://" in rec["url"] else base + rec["url"]
        assert _get(page)[0] == 200
        time.sleep(1.5)  # the first build's reads are over; a polling observer has listed the folders
        builds = log.read_text().count("Building documentation")
        src = project / "source_articles" / rec["source_file"]
        src.write_text(src.read_text(encoding="utf-8").rstrip() + "\n\nA watcher marker zq.\n", encoding="utf-8")
        _wait_for(lambda: "A watcher marker zq." in _get(page)[1], proc, 120, "the edit never showed", log)
        time.sleep(2)  # a rebuild set off by the rebuild's own reads would have started by now
        assert log.read_text().count("Building documentation") == builds + 1
        assert "Traceback" not in log.read_text()
    finally:
        stop_process_group(proc)


def test_json_exports_parse_back_with_one_item_per_line():
    import json

    from briefdesk.pages.export import json_array, json_object_lines

    cases = ([], [{}], [[]], [{"a": [], "b": {}, "c": "line\nbreak ’ \"q\"", "d": [1, {"e": None, "f": 1.5}]}, 3, "s", [1, [2, []]]])
    for items in cases:
        text = json_array(iter(items))
        assert json.loads(text) == items
        assert len(text.splitlines()) == (len(items) + 2 if items else 1)
    report = {"files": 3, "published": [{"id": "a"}, {"id": "b"}], "empty": [], "removed_lines": {"x.txt": [{"line": 1}]}, "none": {}}
    text = json_object_lines(report)
    assert json.loads(text) == report
    assert '\n  {"id": "b"}' in text and json.loads(json_object_lines({})) == {}
