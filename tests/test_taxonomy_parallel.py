"""Reading, cleaning, describing, classifying and rendering in two processes give exactly
what one process gives."""

from __future__ import annotations

import copy
from pathlib import Path

from briefdesk import parallel, pipeline
from briefdesk.labels import taxonomy
from briefdesk.pipeline import Settings, build_corpus

ROOT = Path(__file__).resolve().parents[1]


def test_parallel_classification_matches_sequential(monkeypatch):
    corpus = build_corpus(Settings.for_project(ROOT))
    briefings = [copy.copy(b) for b in corpus.briefings]
    sequential = {b.id: (b.topics, b.regions, b.actors) for b in corpus.briefings}
    monkeypatch.setattr(taxonomy, "PARALLEL_MIN", 1)
    labels = taxonomy.classify_all(briefings, ROOT / "hooks" / "editorial", [])
    assert {bid: (list(la.topics), list(la.regions), list(la.actors)) for bid, la in labels.items()} == sequential


def test_parallel_pipeline_matches_sequential(monkeypatch):
    sequential = build_corpus(Settings.for_project(ROOT))
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # no build cache: everything made again, forked
    forked = build_corpus(Settings.for_project(ROOT))
    assert forked.pages == sequential.pages and forked.assets == sequential.assets


def test_ordered_map_keeps_order():
    items = list(range(50))
    assert parallel.ordered_map(lambda x: x * x, items, min_items=1) == [x * x for x in items]


def test_nothing_carries_over_between_builds(tmp_path):
    """A build after another with the same build cache (as under mkdocs serve) gives what a
    first build gives: the cache shares cleaning results, never links from the earlier corpus."""
    from briefdesk.cache import BuildCache

    import shutil

    src = tmp_path / "source_articles"
    shutil.copytree(ROOT / "source_articles", src)
    settings = Settings(source_dir=src, editorial_dir=ROOT / "hooks" / "editorial",
                        registry_path=ROOT / "hooks" / "registry" / "urls.yml", site_url="https://example.org/")
    (src / "zz-extra.txt").write_text("Traders in Hyesan said rice prices rose after the border closure.\n\n"
                                      "The source said smuggling had stopped.\n")
    cache = BuildCache()
    build_corpus(settings, cache=cache)  # a corpus with one more briefing
    (src / "zz-extra.txt").unlink()
    again = build_corpus(settings, cache=cache)
    first = build_corpus(settings)  # no cache: from nothing
    assert again.pages == first.pages


def test_the_described_briefings_the_cache_keeps_are_never_written_into():
    """Stages return values and the pipeline composes each build's briefings: the described
    briefings kept in the build cache stay as describe made them, build after build, and a
    briefing refuses an assignment to a field."""
    import dataclasses

    import pytest

    from briefdesk.cache import BuildCache

    cache = BuildCache()
    corpus = build_corpus(Settings.for_project(ROOT), cache=cache)
    kept = dict(cache.described)
    assert kept and all(b.url == "" and not b.topics and not b.related and not b.neighbours and b.version == 1
                        for b in kept.values())
    assert all(b.url and b.topics for b in corpus.briefings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        corpus.briefings[0].url = "elsewhere/"
    again = build_corpus(Settings.for_project(ROOT), cache=cache)
    assert all(cache.described[k] is b for k, b in kept.items()) and again.pages == corpus.pages
