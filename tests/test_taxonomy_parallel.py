"""Reading, cleaning, describing, classifying and rendering in two processes give exactly
what one process gives."""

from __future__ import annotations

import copy
from pathlib import Path

from briefdesk import parallel, pipeline, taxonomy
from briefdesk.pipeline import Settings, build_corpus

ROOT = Path(__file__).resolve().parents[1]


def test_parallel_classification_matches_sequential(monkeypatch):
    corpus = build_corpus(Settings.for_project(ROOT))
    briefings = [copy.copy(b) for b in corpus.briefings]
    sequential = {b.id: (b.topics, b.regions, b.actors) for b in corpus.briefings}
    monkeypatch.setattr(taxonomy, "PARALLEL_MIN", 1)
    monkeypatch.setattr(taxonomy, "_LABEL_CACHE", {})
    kept = taxonomy.classify_all(briefings, ROOT / "hooks" / "editorial", [])
    assert {b.id: (b.topics, b.regions, b.actors) for b in kept} == sequential


def test_parallel_pipeline_matches_sequential(monkeypatch):
    sequential = build_corpus(Settings.for_project(ROOT))
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(pipeline, "_CACHE", {})
    monkeypatch.setattr(taxonomy, "_LABEL_CACHE", {})
    forked = build_corpus(Settings.for_project(ROOT))
    assert forked.pages == sequential.pages and forked.assets == sequential.assets


def test_ordered_map_keeps_order():
    items = list(range(50))
    assert parallel.ordered_map(lambda x: x * x, items, min_items=1) == [x * x for x in items]
