"""Classify and link stages over the corpus (their pages: `pages/taxonomy_pages.py`).

classify  each briefing's topics, places and actors from its cleaned text (with the
          evidence), editors' metadata adding or removing labels (`classify.py`):
          returns ``model.Labels`` by briefing id
link      related briefings with their reasons (`related.py`): returns a list by id

Neither writes into the briefings it is given: the pipeline composes the values in.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import classify as cls
from .. import parallel
from . import related as rel
from ..cache import BuildCache, editorial_data
from ..model import Briefing, Labels, Refusal

KIND_DIRS = {"topics": "topics/", "places": "places/", "actors": "actors/"}
MENTION_SNIPPET = 240


def editorial_digest(editorial_dir: Path, names: tuple[str, ...]) -> str:
    h_ = hashlib.sha256()
    for name in names:
        p = editorial_dir / name
        h_.update(p.read_bytes() if p.exists() else b"")
    return h_.hexdigest()


def load_vocabulary(editorial_dir: Path, cache: BuildCache | None = None) -> tuple[cls.Vocabulary, str]:
    """The topics, places and actors (and their digest); with a build cache, parsed again
    only when one of the three files changed."""
    digest = editorial_digest(editorial_dir, ("topics.yml", "places.yml", "actors.yml"))
    vocab = editorial_data(cache, ("vocabulary", str(editorial_dir)), digest,
                           lambda: cls.load_vocabulary(editorial_dir))
    return vocab, digest


def _label_dict(label: cls.Label, category: str, vocab: cls.Vocabulary) -> dict[str, Any]:
    """A label as the pages use it: with its page's URL and, for places and actors, the
    gazetteer's other spellings of its name (for the search index)."""
    d = label.as_dict()
    d["url"] = f"{KIND_DIRS[category]}{label.id}/"
    if category != "topics":
        entry = vocab.entry(category, label.id)
        d["variants"] = tuple(entry.variants) if entry is not None else ()
    return d


PARALLEL_MIN: int | None = None  # None: parallel.MIN_ITEMS


def _classify_job(job: tuple[cls.Vocabulary, list[str], list[str], str]) -> cls.Labels:
    vocab, paragraphs, captions, title = job
    return cls.classify(vocab, paragraphs, captions, title=title)


def classify_all(briefings: list[Briefing], editorial_dir: Path, refusals: list[Refusal],
                 cache: BuildCache | None = None) -> dict[str, Labels]:
    """Each briefing's labels, by id (ids are unique here); an editor's label that the
    vocabulary lacks refuses the article (appended to ``refusals``; no labels for its id).
    With a build cache, a briefing whose key (text, title, overrides, vocabulary) is in
    ``cache.labels`` takes the ``Labels`` made for it before: the builds (and the briefings)
    with that key share them and only read them."""
    vocab, digest = load_vocabulary(editorial_dir, cache)
    known = cache.labels if cache is not None else {}
    keys, overrides = [], []
    for b in briefings:
        add = {c: b.metadata.get(k, []) for c, k in (("topics", "topics"), ("places", "regions"), ("actors", "actors"))}
        remove = {c: b.metadata.get(k, []) for c, k in
                  (("topics", "exclude_topics"), ("places", "exclude_regions"), ("actors", "exclude_actors"))}
        overrides.append(({k: v for k, v in add.items() if v}, {k: v for k, v in remove.items() if v}))
        keys.append(hashlib.sha256("\0".join([b.content_hash, digest, json.dumps([add, remove], sort_keys=True),
                                              b.title]).encode()).hexdigest())
    misses = [i for i, key in enumerate(keys) if key not in known]
    fresh = parallel.ordered_map(
        _classify_job,
        [(vocab, briefings[i].clean.paragraphs, briefings[i].clean.captions, briefings[i].title) for i in misses],
        PARALLEL_MIN,
    )
    computed = dict(zip(misses, fresh))
    made: dict[str, Labels] = {}
    for i, b in enumerate(briefings):
        labels = known.get(keys[i])
        if labels is None:
            try:
                found = cls.apply_overrides(computed[i], overrides[i][0], overrides[i][1], vocab)
            except cls.VocabularyError as exc:
                refusals.append(Refusal(b.source_file, f"{exc} (add it to hooks/editorial or fix the id)"))
                continue
            labels = known[keys[i]] = Labels(
                tuple(_label_dict(lb, "topics", vocab) for lb in found.topics),
                tuple(_label_dict(lb, "places", vocab) for lb in found.places),
                tuple(_label_dict(lb, "actors", vocab) for lb in found.actors),
            )
        made[b.id] = labels
    return made


def _texts(briefings: list[Briefing], kept: dict | None) -> list[tuple[str, bytes | None]]:
    """Each briefing's text for related briefings (its paragraphs) and, with ``kept`` (a build
    cache's ``related_texts``: id of a cleaned text -> (it, its text, the text's digest)),
    the digest its term counts are kept by: under `mkdocs serve` an unchanged article's
    cleaned text is the same object build after build, and neither joined nor hashed again."""
    if kept is None:
        return [(" ".join(b.clean.paragraphs), None) for b in briefings]
    used = {}
    out = []
    for b in briefings:
        hit = kept.get(id(b.clean))
        if hit is None or hit[0] is not b.clean:
            text = " ".join(b.clean.paragraphs)
            hit = (b.clean, text, rel.text_digest(text))
        used[id(b.clean)] = hit
        out.append(hit[1:])
    kept.clear()
    kept.update(used)
    return out


def link_related(briefings: list[Briefing], editorial_dir: Path,
                 cache: BuildCache | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each briefing's related briefings (id, url, title, score, reason), by id, from the
    briefings with their labels and URLs; with a build cache, the texts' term counts are
    kept in ``cache.term_counts`` and the last search in ``cache.related`` (see
    ``related.compute_related``)."""
    settings = rel.load_settings(editorial_dir / "related.yml")
    texts = _texts(briefings, cache.related_texts if cache is not None else None)
    docs = [
        rel.RelatedDoc(
            id=b.id,
            text=text,
            topics=tuple(t["id"] for t in b.topics),
            places=tuple(p["id"] for p in b.regions),
            date=b.date,
            digest=digest,
        )
        for b, (text, digest) in zip(briefings, texts)
    ]
    result = rel.compute_related(docs, settings, k=settings.k,
                                 kept=cache.term_counts if cache is not None else None,
                                 memory=cache.related if cache is not None else None)
    by_id = {b.id: b for b in briefings}
    topic_names = {t["id"]: t["name"] for b in briefings for t in b.topics}
    place_names = {p["id"]: p["name"] for b in briefings for p in b.regions}
    return {
        b.id: [
            {
                "id": r.id,
                "url": by_id[r.id].url,
                "title": by_id[r.id].title,
                "score": r.score,
                "reason": rel.reason(r, topic_names, place_names),
            }
            for r in result.get(b.id, [])
            if r.id in by_id
        ]
        for b in briefings
    }
