"""Related briefings: for each article, the k most related other articles, and why.

Score of a pair (a, b), like Hugo's related-content "indices" with weights::

    score = w_text   * cosine(TF-IDF(a), TF-IDF(b))
          + w_topics * Jaccard(topics(a), topics(b))
          + w_places * Jaccard(places(a), places(b))
          + w_date   * 2 ** (-|date(a) - date(b)| / half_life_days)     (0 unless configured)

Weights and options live in ``hooks/editorial/related.yml`` (see ``load_settings``).

How it scales (no pure-Python all-pairs loop):

1. Text -> sparse TF-IDF rows: tokens as scikit-learn's default pattern, hashed like
   ``HashingVectorizer`` (``FeatureHasher``, bounded ``n_features``, no
   vocabulary to hold) + document-frequency filtering (min_df / max_df) + English
   stop words + ``TfidfTransformer`` (sublinear tf, L2 norm).
2. Candidates per article, computed in row chunks (chunk x all) and keeping only the
   top ``candidates.text`` per row (block-max pruning + ``numpy.argpartition``):
   exact sparse cosine when the corpus has at most ``candidates.exact_max_docs``
   articles, otherwise the cosine of a fixed sparse random projection (count-sketch,
   ``projection_dims`` dense columns, dense BLAS products). Articles sharing a *rare*
   topic or place (carried by at most ``rare_label_max_docs`` articles) are added as
   candidates through an inverted index (sparse label matrix product).
   From ``candidates.clustered_min_docs`` articles on, the projection is not compared
   pair by pair but searched by clusters (spherical k-means, then each article against
   the articles of its ``cluster_probes`` nearest clusters), so the cost grows with the
   number of articles, not with its square; see ``_clustered_candidates``.
3. Every candidate pair is rescored exactly (true TF-IDF cosine, Jaccards; a pair that
   is a candidate both ways round is computed once); the top k per article are kept,
   ordered by score (rounded to 4 places) then by id.

Stable and deterministic: documents are ordered by id before anything else, so the
input order does not matter; the projection uses a fixed seed; ties go to the
smaller id. An article is never related to itself; exact duplicates (different ids,
same text) are kept and rank among themselves by id. Fewer than k are returned when
fewer other articles reach ``min_score``.
"""

from __future__ import annotations

import hashlib

import datetime as _dt
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
import yaml

from .. import parallel

__all__ = [
    "RelatedDoc",
    "Related",
    "RelatedSettings",
    "load_settings",
    "compute_related",
    "reason",
]


@dataclass(frozen=True)
class RelatedDoc:
    """One article as seen by the related-content stage."""

    id: str
    text: str
    topics: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    date: str | None = None  # ISO date (YYYY-MM-DD...), optional
    digest: bytes | None = None  # text_digest(text), when the caller has it (else it is computed)


def text_digest(text: str) -> bytes:
    """What a text's kept term counts are found by (compute_related's ``kept``)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class Related:
    """One related article: its id, the combined score, and what explains it."""

    id: str
    score: float  # rounded to 4 places
    shared_topics: tuple[str, ...]
    shared_places: tuple[str, ...]
    similarity: float  # text cosine, rounded to 4 places


@dataclass(frozen=True)
class RelatedSettings:
    k: int = 5
    min_score: float = 0.05
    # weights ("indices")
    w_text: float = 0.6
    w_topics: float = 0.25
    w_places: float = 0.15
    w_date: float = 0.0
    date_half_life_days: float = 365.0
    # text model
    sublinear_tf: bool = True
    stop_words: str | None = "english"
    min_df: float = 1  # int >= 1: documents; float < 1: share of documents
    max_df: float = 0.5  # float <= 1: share of documents; int > 1: documents
    max_df_min_docs: int = 50  # max_df only applies from this many documents on
    n_features: int = 2**18
    # candidate search
    text_candidates: int = 30
    label_candidates: int = 20
    rare_label_max_docs: int = 500
    exact_max_docs: int = 5000
    projection_dims: int = 256
    projection_seed: int = 0
    chunk_cells: int = 40_000_000  # rows per chunk = chunk_cells // number of docs
    # from this many docs on, the projection's neighbours are searched by clusters
    clustered_min_docs: int = 30_000
    cluster_size: int = 250  # docs per cluster (k-means on the projection)
    cluster_probes: int = 32  # clusters searched per doc, its own among them
    cluster_iterations: int = 10  # k-means rounds
    workers: int = 1  # processes for tokenising; 0 = all CPUs


# ---------------------------------------------------------------------------
# settings

_INDEX_KEYS = {"text": "w_text", "topics": "w_topics", "places": "w_places", "date": "w_date"}
_TEXT_KEYS = {
    "sublinear_tf": "sublinear_tf", "stop_words": "stop_words", "min_df": "min_df",
    "max_df": "max_df", "max_df_min_docs": "max_df_min_docs", "n_features": "n_features",
}
_CAND_KEYS = {
    "text": "text_candidates", "labels": "label_candidates",
    "rare_label_max_docs": "rare_label_max_docs", "exact_max_docs": "exact_max_docs",
    "projection_dims": "projection_dims", "projection_seed": "projection_seed",
    "chunk_cells": "chunk_cells", "workers": "workers",
    "clustered_min_docs": "clustered_min_docs", "cluster_size": "cluster_size",
    "cluster_probes": "cluster_probes", "cluster_iterations": "cluster_iterations",
}


def settings_from_mapping(data: Mapping[str, Any] | None) -> RelatedSettings:
    """Build settings from the parsed YAML (the mapping under ``related:`` or the whole file)."""
    data = dict(data or {})
    if "related" in data and isinstance(data["related"], Mapping):
        data = dict(data["related"])
    values: dict[str, Any] = {}

    def unknown(section: str, keys: Iterable[str], allowed: Iterable[str]) -> None:
        bad = sorted(set(keys) - set(allowed))
        if bad:
            raise ValueError(f"related.yml: unknown key(s) in {section}: {', '.join(bad)}")

    unknown("related", data, ["count", "min_score", "indices", "text", "candidates"])
    if "count" in data:
        values["k"] = int(data["count"])
    if "min_score" in data:
        values["min_score"] = float(data["min_score"])
    indices = data.get("indices")
    if indices is not None:
        # every index not listed gets weight 0, like Hugo
        for key in _INDEX_KEYS.values():
            values[key] = 0.0
        for item in indices:
            unknown("indices", item, ["name", "weight", "half_life_days"])
            name = item.get("name")
            if name not in _INDEX_KEYS:
                raise ValueError(f"related.yml: unknown index {name!r} (known: {', '.join(_INDEX_KEYS)})")
            weight = float(item.get("weight", 1.0))
            if weight < 0 or math.isnan(weight):
                raise ValueError(f"related.yml: weight of {name!r} must be >= 0")
            values[_INDEX_KEYS[name]] = weight
            if "half_life_days" in item:
                values["date_half_life_days"] = float(item["half_life_days"])
    for section, mapping in (("text", _TEXT_KEYS), ("candidates", _CAND_KEYS)):
        sub = data.get(section) or {}
        unknown(section, sub, mapping)
        for key, attr in mapping.items():
            if key in sub:
                values[attr] = sub[key]
    s = RelatedSettings(**values)
    if s.k < 0 or s.text_candidates < 1 or s.projection_dims < 8 or s.n_features < 16:
        raise ValueError("related.yml: count >= 0, candidates.text >= 1, projection_dims >= 8, n_features >= 16")
    if s.cluster_size < 2 or s.cluster_probes < 1 or s.cluster_iterations < 0:
        raise ValueError("related.yml: candidates.cluster_size >= 2, cluster_probes >= 1, cluster_iterations >= 0")
    return s


def load_settings(path: str | os.PathLike | None) -> RelatedSettings:
    """Read ``hooks/editorial/related.yml``; a missing file gives the defaults."""
    if path is None or not Path(path).exists():
        return RelatedSettings()
    with open(path, encoding="utf-8") as fh:
        return settings_from_mapping(yaml.safe_load(fh))


# ---------------------------------------------------------------------------
# reason text

def reason(related: Related, topic_labels: Mapping[str, str] | None = None,
           place_labels: Mapping[str, str] | None = None) -> str:
    """Human explanation: ``"shares: Border closure and COVID-19; Yanggang Province"``."""
    topic_labels = topic_labels or {}
    place_labels = place_labels or {}
    parts = [topic_labels.get(t, t) for t in related.shared_topics]
    parts += [place_labels.get(p, p) for p in related.shared_places]
    if parts:
        return "shares: " + "; ".join(parts)
    return "similar wording"


# ---------------------------------------------------------------------------
# text model

# sklearn's default token pattern is r"(?u)\b\w\w+\b"; r"\w\w+" finds the same tokens
# (matches are greedy runs of word characters) and is faster.
_TOKEN_RE = re.compile(r"\w\w+")
# For ASCII text the same tokens come faster from str.translate + str.split (word
# characters kept, everything else a space), less the one-character runs.
_ASCII_WORDS = {c: chr(c) if _TOKEN_RE.match(chr(c) * 2) else " " for c in range(128)}
_ONE_CHAR = frozenset(ch for ch in _ASCII_WORDS.values() if ch != " ")
# Punctuation common in reporting that stops a text from being ASCII; not word
# characters, so a space in their place changes no token.
_PUNCTUATION = "".join(ch for ch in "\u201c\u201d\u2019\u2018\u2013\u2014" if not _TOKEN_RE.match(ch * 2))
_PARALLEL_MIN_DOCS = 4000  # below this, tokenising in one process is faster


def _term_counts(text: str) -> Counter:
    """How often each token (``_TOKEN_RE`` in the lower-cased text) occurs."""
    low = text.lower()
    if not low.isascii():
        for ch in _PUNCTUATION:
            if ch in low:
                low = low.replace(ch, " ")
        if not low.isascii():
            return Counter(_TOKEN_RE.findall(low))
    counts = Counter(low.translate(_ASCII_WORDS).split())
    for ch in _ONE_CHAR.intersection(counts):
        del counts[ch]
    return counts


def _hash_terms(texts: Sequence[str], n_features: int) -> sp.csr_matrix:
    """Term counts of each text, hashed (murmurhash3, as HashingVectorizer) into n_features columns."""
    from sklearn.feature_extraction import FeatureHasher

    counts = map(_term_counts, texts)
    hasher = FeatureHasher(n_features=int(n_features), input_type="dict", alternate_sign=False, dtype=np.float32)
    return hasher.transform(counts).tocsr()


def _hash_slice(texts: Sequence[str], job: tuple[int, int, int]) -> sp.csr_matrix:
    start, stop, n_features = job
    return _hash_terms(texts[start:stop], n_features)


def _counts(texts: Sequence[str], settings: RelatedSettings) -> sp.csr_matrix:
    """Hashed term counts (n x n_features, float32), tokenised in parallel if asked."""
    workers = settings.workers or (os.cpu_count() or 1)
    n = len(texts)
    if workers <= 1 or n < _PARALLEL_MIN_DOCS:
        return _hash_terms(texts, settings.n_features)
    step = max(1, min(2000, -(-n // (workers * 4))))
    jobs = [(s, min(s + step, n), int(settings.n_features)) for s in range(0, n, step)]
    # forked workers find the texts in the function they inherit (copy-on-write), not pickled:
    # only the slices' bounds and the rows travel
    return sp.vstack(parallel.ordered_map(partial(_hash_slice, texts), jobs, min_items=1, workers=workers),
                     format="csr")


def _kept_counts(texts: Sequence[str], settings: RelatedSettings,
                 kept: dict[tuple[int, bytes], tuple[np.ndarray, np.ndarray]],
                 digests: Sequence[bytes | None] = ()) -> sp.csr_matrix:
    """``_counts(texts)``, taking each text's row from ``kept`` (text digest -> its row of
    hashed term counts, from the last call) when the text is the same (the rows of a text do
    not depend on the other texts), and leaving this call's rows, only those, in ``kept``
    for the next: under `mkdocs serve` an edit re-tokenises only the texts that changed.
    ``digests``: each text's text_digest where the caller knows it."""
    given = list(digests) or [None] * len(texts)
    keys = [(int(settings.n_features), d if d is not None else text_digest(t)) for t, d in zip(texts, given)]
    misses = [i for i, key in enumerate(keys) if key not in kept]
    fresh = _counts([texts[i] for i in misses], settings) if misses else None
    rows = {}
    for j, i in enumerate(misses):
        lo, hi = fresh.indptr[j], fresh.indptr[j + 1]
        rows[keys[i]] = (fresh.indices[lo:hi].copy(), fresh.data[lo:hi].copy())
    for key in keys:
        if key not in rows:
            rows[key] = kept[key]
    kept.clear()
    kept.update(rows)
    parts = [rows[key] for key in keys]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(ind) for ind, _ in parts], out=indptr[1:])
    indices = np.concatenate([ind for ind, _ in parts]) if parts else np.empty(0, np.int32)
    data = np.concatenate([d for _, d in parts]) if parts else np.empty(0, np.float32)
    return sp.csr_matrix((data, indices, indptr.astype(indices.dtype)), shape=(len(texts), int(settings.n_features)))


def _tfidf(texts: Sequence[str], settings: RelatedSettings, kept: dict | None = None,
           digests: Sequence[bytes | None] = ()) -> sp.csr_matrix:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

    counts = _kept_counts(texts, settings, kept, digests) if kept is not None else _counts(texts, settings)
    n = counts.shape[0]
    keep = np.ones(counts.shape[1], dtype=bool)
    if settings.stop_words == "english":
        # hashed columns of the stop words (a term colliding with one is dropped too: ~0.1%)
        cols = _hash_terms([" ".join(sorted(ENGLISH_STOP_WORDS))], settings.n_features).indices
        keep[cols] = False
    elif settings.stop_words not in (None, "", "none"):
        raise ValueError(f"related.yml: text.stop_words must be 'english' or none, not {settings.stop_words!r}")
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    min_df = settings.min_df if settings.min_df >= 1 else math.ceil(settings.min_df * n)
    keep &= df >= min_df
    if n >= settings.max_df_min_docs:
        max_df = settings.max_df * n if settings.max_df <= 1 else settings.max_df
        keep &= df <= max_df
    if not keep.all():
        counts.data[~keep[counts.indices]] = 0
        counts.eliminate_zeros()
    tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=bool(settings.sublinear_tf))
    x = tfidf.fit_transform(counts).astype(np.float32)
    x = sp.csr_matrix(x)
    x.sort_indices()
    return x


# ---------------------------------------------------------------------------
# candidate search

def _top_per_row(s: np.ndarray, m: int, block: int = 64) -> np.ndarray:
    """Column indices of (at most) the m largest entries of each row of s (any order).

    Block-max pruning: the m largest entries of a row lie in the m blocks with the
    largest maxima, so only m * block entries per row go through argpartition.
    """
    r, n = s.shape
    if n <= m:
        return np.broadcast_to(np.arange(n), (r, n))
    if n % block or n < 4 * m * block:
        return np.argpartition(s, n - m, axis=1)[:, n - m:]
    nb = n // block
    bmax = s.reshape(r, nb, block).max(axis=2)
    top_blocks = np.argpartition(bmax, nb - m, axis=1)[:, nb - m:]
    cols = (top_blocks[:, :, None] * block + np.arange(block)).reshape(r, -1)
    vals = np.take_along_axis(s, cols, axis=1)
    pick = np.argpartition(vals, vals.shape[1] - m, axis=1)[:, vals.shape[1] - m:]
    return np.take_along_axis(cols, pick, axis=1)


def _projection(x: sp.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """Row-normalised count-sketch projection (n x dims, float32) of L2-normalised rows."""
    v = x.shape[1]
    c = 4  # non-zeros per feature
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(v), c)
    cols = rng.integers(0, dims, size=v * c)
    vals = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=v * c) / np.float32(math.sqrt(c))
    r = sp.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(v, dims))
    p = np.asarray((x @ r).todense(), dtype=np.float32)
    norms = np.linalg.norm(p, axis=1)
    norms[norms == 0] = 1.0
    p /= norms[:, None]
    return p


def _text_candidates(x: sp.csr_matrix, settings: RelatedSettings) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[0]
    m = min(settings.text_candidates, n - 1)
    if m <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    block = 64
    npad = -(-n // block) * block
    exact = n <= settings.exact_max_docs
    if exact:
        xt = sp.csr_matrix(sp.vstack([x, sp.csr_matrix((npad - n, x.shape[1]), dtype=np.float32)])).T.tocsr()
    else:
        p = _projection(x, settings.projection_dims, settings.projection_seed)
        if n >= settings.clustered_min_docs:
            return _clustered_candidates(p, m, settings)
        ppad = np.zeros((npad, p.shape[1]), dtype=np.float32)
        ppad[:n] = p
        del p
        ppadt = np.ascontiguousarray(ppad.T)
    rows_per_chunk = max(16, min(4096, settings.chunk_cells // max(npad, 1)))
    out_r, out_c = [], []
    for c0 in range(0, n, rows_per_chunk):
        c1 = min(n, c0 + rows_per_chunk)
        if exact:
            s = (x[c0:c1] @ xt).toarray()
        else:
            s = ppad[c0:c1] @ ppadt
        local = np.arange(c1 - c0)
        s[local, c0 + local] = -np.inf
        s[:, n:] = -np.inf
        cols = _top_per_row(s, m, block)
        vals = np.take_along_axis(s, cols, axis=1)
        ok = vals > 0 if exact else np.isfinite(vals)
        rr = np.broadcast_to((c0 + local)[:, None], cols.shape)
        out_r.append(rr[ok])
        out_c.append(cols[ok])
    return np.concatenate(out_r).astype(np.int64), np.concatenate(out_c).astype(np.int64)


# ---------------------------------------------------------------------------
# the exact candidate search again after an edit (`mkdocs serve`)
#
# With the same documents, labels and settings, a row of the exact cosines changes only
# where a changed text is (its row and its column). A row's candidates (the m largest
# entries, any order) are then the last search's when that choice was unambiguous and
# stays so: every chosen entry above every other (the m-th chosen, ``low``, above an upper
# bound of the rest, ``above``, and above zero), no changed text among them, and each
# changed text's new cosine with it below ``low``. Any other row is searched again as a
# build from nothing searches it (the same products, row by row): the result is the same.

_KEPT_MAX_CHANGED = 0.05  # more changed texts than this share: search every row again


def _exact_rows(x: sp.csr_matrix, xt: sp.csr_matrix, rows: np.ndarray, m: int, block: int,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The exact search (_text_candidates) of some rows: each row's m chosen columns and
    their cosines, the m-th of them and the largest cosine not chosen."""
    n = x.shape[0]
    s = (x[rows] @ xt).toarray()
    local = np.arange(len(rows))
    s[local, rows] = -np.inf
    s[:, n:] = -np.inf
    cols = _top_per_row(s, m, block)
    vals = np.take_along_axis(s, cols, axis=1)
    np.put_along_axis(s, cols, -np.inf, axis=1)
    return cols, vals, vals.min(axis=1), s.max(axis=1)


def _same_rows(x: sp.csr_matrix, old: sp.csr_matrix) -> np.ndarray:
    """Which rows of two matrices of one shape hold the same entries."""
    same = np.diff(x.indptr) == np.diff(old.indptr)
    for i in np.flatnonzero(same).tolist():
        a0, a1, b0 = x.indptr[i], x.indptr[i + 1], old.indptr[i]
        same[i] = (np.array_equal(x.indices[a0:a1], old.indices[b0:b0 + a1 - a0])
                   and np.array_equal(x.data[a0:a1], old.data[b0:b0 + a1 - a0]))
    return same


def _kept_text_candidates(x: sp.csr_matrix, settings: RelatedSettings, memory: dict,
                          same_docs: bool) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray | None]:
    """_text_candidates(x) for an exact search, from ``memory`` (what the last call left)
    where that gives the same; also which rows changed since (None: all were searched)."""
    n = x.shape[0]
    m = min(settings.text_candidates, n - 1)
    block = 64
    npad = -(-n // block) * block
    xt = sp.csr_matrix(sp.vstack([x, sp.csr_matrix((npad - n, x.shape[1]), dtype=np.float32)])).T.tocsr()
    step = max(16, min(4096, settings.chunk_cells // max(npad, 1)))
    last = memory.get("text")
    changed = None
    if same_docs and last is not None and last["x"].shape == x.shape:
        changed = np.flatnonzero(~_same_rows(x, last["x"]))
        if len(changed) > max(1, int(_KEPT_MAX_CHANGED * n)):
            changed = None
    if changed is None:
        parts = [_exact_rows(x, xt, np.arange(c0, min(n, c0 + step)), m, block) for c0 in range(0, n, step)]
        cols, vals, low, above = (np.concatenate([p[i] for p in parts]) for i in range(4))
    else:
        cols, vals, low, above = (last[k].copy() for k in ("cols", "vals", "low", "above"))
        redo = np.zeros(n, dtype=bool)
        redo[changed] = True
        if len(changed):
            now = (x @ x[changed].T).toarray()  # each text's new cosines with the changed ones
            now[changed, np.arange(len(changed))] = -np.inf
            is_changed = np.zeros(npad, dtype=bool)
            is_changed[changed] = True
            keep = ((low > 0) & (low > above) & ~is_changed[cols].any(axis=1) & (now.max(axis=1) < low))
            redo |= ~keep
            above = np.maximum(above, now.max(axis=1))  # still at least every entry not chosen
        again = np.flatnonzero(redo)
        for c0 in range(0, len(again), step):
            rows = again[c0:c0 + step]
            cols[rows], vals[rows], low[rows], above[rows] = _exact_rows(x, xt, rows, m, block)
    memory["text"] = {"x": x, "cols": cols, "vals": vals, "low": low, "above": above}
    ok = vals > 0
    rr = np.broadcast_to(np.arange(n)[:, None], cols.shape)
    return (rr[ok].astype(np.int64), cols[ok].astype(np.int64)), changed


def _kept_by_pair(keys: np.ndarray, last: tuple[np.ndarray, np.ndarray] | None, compute) -> np.ndarray:
    """``compute(keys)`` (a value per pair, each pair's alone), the value in ``last`` (keys,
    values) kept for a pair found there."""
    out = np.empty(len(keys), dtype=np.float64)
    fresh = np.ones(len(keys), dtype=bool)
    if last is not None and len(last[0]):
        at = np.minimum(np.searchsorted(last[0], keys), len(last[0]) - 1)
        fresh = last[0][at] != keys
        out[~fresh] = last[1][at[~fresh]]
    if fresh.any():
        out[fresh] = compute(keys[fresh])
    return out


def _kept_pair_cosines(x: sp.csr_matrix, keys: np.ndarray, changed: np.ndarray | None, memory: dict) -> np.ndarray:
    """_pair_cosines of the pairs ``keys`` (row * n + column, sorted), the last call's
    value kept for a pair of two texts that did not change."""
    n = x.shape[0]
    last = memory.get("pairs")
    sim = np.empty(len(keys), dtype=np.float64)
    fresh = np.ones(len(keys), dtype=bool)
    if changed is not None and last is not None and len(last[0]):
        old_keys, old_sim = last
        at = np.minimum(np.searchsorted(old_keys, keys), len(old_keys) - 1)
        is_changed = np.zeros(n, dtype=bool)
        is_changed[changed] = True
        fresh = (old_keys[at] != keys) | is_changed[keys // n] | is_changed[keys % n]
        sim[~fresh] = old_sim[at[~fresh]]
    sub = keys[fresh]
    sim[fresh] = _pair_cosines(x, sub // n, sub % n)
    memory["pairs"] = (keys, sim)
    return sim


# ---------------------------------------------------------------------------
# clustered search of the projection (large archives)
#
# Every pair's dot product costs n^2 * dims: most of the stage at 100,000 articles, and
# four times that at twice the size. From ``clustered_min_docs`` on, the projection is
# searched like an inverted-file index instead: spherical k-means groups the articles
# in clusters of about ``cluster_size`` (C = n / cluster_size of them); each article is
# compared with the articles of the ``cluster_probes`` clusters whose centres are
# nearest it. Cost: n * probes * cluster_size * dims for the search, which is linear.
# Finding the nearest centres (n * C * dims) and learning them on 64 rows a cluster
# (64 * C * C * dims a round) still grow with n^2, but with cluster_size 250 both
# together are about 1/70 of the all-pairs products (BENCHMARKS.md has the figures).

def _nearest_centres(p: np.ndarray, centres: np.ndarray, count: int, chunk_cells: int) -> np.ndarray:
    """Indices of the ``count`` centres nearest each row (best first), in row chunks."""
    n, c = len(p), len(centres)
    count = min(count, c)
    out = np.empty((n, count), dtype=np.int64)
    step = max(1, chunk_cells // max(c, 1))
    for r0 in range(0, n, step):
        s = p[r0:r0 + step] @ centres.T
        if count == 1:
            out[r0:r0 + step, 0] = np.argmax(s, axis=1)
            continue
        top = np.argpartition(-s, count - 1, axis=1)[:, :count] if count < c else np.broadcast_to(np.arange(c), s.shape)
        top = np.sort(top, axis=1)  # ties go to the lower centre
        vals = np.take_along_axis(s, top, axis=1)
        out[r0:r0 + step] = np.take_along_axis(top, np.argsort(-vals, axis=1, kind="stable"), axis=1)
    return out


def _centres(p: np.ndarray, assign: np.ndarray, clusters: int, previous: np.ndarray | None = None) -> np.ndarray:
    """Normalised mean of each cluster's rows; an empty cluster keeps its previous centre."""
    n = len(p)
    member = sp.csr_matrix((np.ones(n, np.float32), (assign, np.arange(n))), shape=(clusters, n))
    sums = np.asarray(member @ p, dtype=np.float32)
    norms = np.linalg.norm(sums, axis=1)
    live = norms > 0
    out = np.zeros_like(sums) if previous is None else previous.copy()
    out[live] = sums[live] / norms[live, None]
    return out


_TRAIN_PER_CLUSTER = 64  # k-means learns its centres from this many rows per cluster


def _kmeans(p: np.ndarray, clusters: int, iterations: int, seed: int, chunk_cells: int) -> np.ndarray:
    """Spherical k-means (Lloyd, cosine) from ``clusters`` distinct rows picked by
    ``seed``, learnt on at most ``_TRAIN_PER_CLUSTER`` rows a cluster: the centres."""
    rng = np.random.default_rng(seed)
    n = len(p)
    train = p if n <= _TRAIN_PER_CLUSTER * clusters else p[np.sort(rng.choice(n, _TRAIN_PER_CLUSTER * clusters, replace=False))]
    centres = train[np.sort(rng.choice(len(train), clusters, replace=False))].copy()
    assign = _nearest_centres(train, centres, 1, chunk_cells)[:, 0]
    for _ in range(iterations):
        centres = _centres(train, assign, clusters, centres)
        new = _nearest_centres(train, centres, 1, chunk_cells)[:, 0]
        if np.array_equal(new, assign):
            break
        assign = new
    return centres


def _clusters(p: np.ndarray, settings: RelatedSettings) -> tuple[np.ndarray, np.ndarray, int]:
    """(cluster of each row, the clusters each row searches, nearest first, number of
    clusters). No cluster holds more than twice ``cluster_size`` rows: an oversized
    k-means cluster is clustered again, and what is still too big (near-identical
    rows) is cut in runs of ``cluster_size``."""
    n, size = len(p), settings.cluster_size
    clusters = -(-n // size)
    centres = _kmeans(p, clusters, settings.cluster_iterations, settings.projection_seed, settings.chunk_cells)
    probes = _nearest_centres(p, centres, settings.cluster_probes, settings.chunk_cells)
    assign = probes[:, 0].copy()
    counts = np.bincount(assign, minlength=clusters)
    if counts.max() <= 2 * size:
        return assign, probes, clusters
    out = np.empty(n, dtype=np.int64)
    clusters = 0
    order = np.argsort(assign, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)))
    for c in range(len(counts)):
        members = order[starts[c]:starts[c + 1]]
        if len(members) <= 2 * size:
            out[members] = clusters
            clusters += int(len(members) > 0)
            continue
        sub_centres = _kmeans(p[members], -(-len(members) // size), settings.cluster_iterations,
                              settings.projection_seed + 1 + c, settings.chunk_cells)
        sub = _nearest_centres(p[members], sub_centres, 1, settings.chunk_cells)[:, 0]
        for s in np.unique(sub).tolist():
            part = members[sub == s]
            run = size if len(part) > 2 * size else len(part)
            for r0 in range(0, len(part), run):
                out[part[r0:r0 + run]] = clusters
                clusters += 1
    probes = _nearest_centres(p, _centres(p, out, clusters), settings.cluster_probes, settings.chunk_cells)
    return out, probes, clusters


def _clustered_candidates(p: np.ndarray, m: int, settings: RelatedSettings) -> tuple[np.ndarray, np.ndarray]:
    """The (about) m nearest rows of each row of p by dot product, searched cluster by
    cluster: first within its own cluster, then in the other probed clusters, where
    only a row beating the m-th best found so far is kept."""
    n = len(p)
    assign, probes, clusters = _clusters(p, settings)
    order = np.argsort(assign, kind="stable")
    starts = np.concatenate(([0], np.cumsum(np.bincount(assign, minlength=clusters))))
    members = [order[starts[c]:starts[c + 1]] for c in range(clusters)]

    # 1. within its own cluster: the m best of each row, and the m-th as a bar
    rows, cols, vals = [], [], []
    bar = np.full(n, -np.inf, dtype=np.float32)
    for mem in members:
        if len(mem) < 2:
            continue
        s = p[mem] @ p[mem].T
        np.fill_diagonal(s, -np.inf)
        k = min(m, len(mem) - 1)
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        v = np.take_along_axis(s, top, axis=1)
        if k == m:
            bar[mem] = v.min(axis=1)
        rows.append(np.repeat(mem, k))
        cols.append(mem[top].ravel())
        vals.append(v.ravel())

    # 2. the other probed clusters: whatever beats the bar
    q = np.repeat(np.arange(n), probes.shape[1])
    c = probes.ravel()
    away = c != assign[q]
    q, c = q[away], c[away]
    by = np.argsort(c, kind="stable")
    q, c = q[by], c[by]
    bounds = np.searchsorted(c, np.arange(clusters + 1))
    for ci in range(clusters):
        qs = q[bounds[ci]:bounds[ci + 1]]
        mem = members[ci]
        if not len(qs) or not len(mem):
            continue
        s = p[qs] @ p[mem].T
        qbar = bar[qs]
        live = np.flatnonzero(s.max(axis=1) > qbar)  # most rows have no hit: skip them
        hit_r, hit_c = np.nonzero(s[live] > qbar[live, None])
        hit_r = live[hit_r]
        rows.append(qs[hit_r])
        cols.append(mem[hit_c])
        vals.append(s[hit_r, hit_c])

    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rows_a = np.concatenate(rows).astype(np.int64)
    cols_a = np.concatenate(cols).astype(np.int64)
    vals_a = np.concatenate(vals)
    ok = np.isfinite(vals_a)
    rows_a, cols_a, vals_a = rows_a[ok], cols_a[ok], vals_a[ok]
    pick = np.lexsort((cols_a, -vals_a, rows_a))
    rows_a, cols_a = rows_a[pick], cols_a[pick]
    first = np.searchsorted(rows_a, rows_a, side="left")
    keep = (np.arange(len(rows_a)) - first) < m
    return rows_a[keep], cols_a[keep]


def _label_matrix(label_sets: Sequence[Sequence[int]], n_labels: int) -> sp.csr_matrix:
    indptr = np.zeros(len(label_sets) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(s) for s in label_sets])
    indices = np.fromiter((i for s in label_sets for i in s), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(label_sets), n_labels))


def _label_candidates(lab: sp.csr_matrix, settings: RelatedSettings) -> tuple[np.ndarray, np.ndarray]:
    n = lab.shape[0]
    lc = settings.label_candidates
    if lc <= 0 or lab.nnz == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    df = np.bincount(lab.indices, minlength=lab.shape[1])
    rare = (df >= 2) & (df <= settings.rare_label_max_docs)
    if not rare.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    lr = lab[:, np.flatnonzero(rare)].tocsr()
    lrt = lr.T.tocsr()
    out_r, out_c = [], []
    step = 2000
    for c0 in range(0, n, step):
        c1 = min(n, c0 + step)
        prod = (lr[c0:c1] @ lrt).tocoo()
        r = prod.row.astype(np.int64)
        c = prod.col.astype(np.int64)
        v = prod.data.astype(np.int64)  # how many rare labels the pair shares
        ok = r + c0 != c
        r, c, v = r[ok], c[ok], v[ok]
        if not len(r):
            continue
        # by row, then most labels shared, then column: one integer key per pair (each
        # pair occurs once), sorted some three times faster than a lexsort of the three
        top = int(v.max())
        key = np.sort((r * (top + 1) + (top - v)) * n + c)
        r, c = key // ((top + 1) * n) + c0, key % n
        starts = np.flatnonzero(np.concatenate(([True], r[1:] != r[:-1])))
        rank = np.arange(len(r)) - np.repeat(starts, np.diff(np.append(starts, len(r))))
        keep = rank < lc
        out_r.append(r[keep])
        out_c.append(c[keep])
    if not out_r:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(out_r), np.concatenate(out_c)


# ---------------------------------------------------------------------------
# exact rescoring of candidate pairs

def _pair_cosines(x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Exact x[a] . x[b] for sorted-by-row pairs.

    Half the candidate pairs come both ways round (a, b) and (b, a); each is computed
    once.  That gives the same value to the bit: the products x[a, t] * x[b, t] are
    the same and are summed in column order either way (the zeros between add nothing).
    """
    n = x.shape[0]
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    keys = lo * n + hi
    once = _sorted_unique(keys)
    return _row_cosines(x, once // n, once % n)[np.searchsorted(once, keys)]


def _row_cosines(x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Exact x[a] . x[b] for sorted-by-row pairs, one dense scratch row at a time."""
    out = np.zeros(len(rows), dtype=np.float64)
    if not len(rows):
        return out
    indptr, indices, data = x.indptr, x.indices, x.data
    scratch = np.zeros(x.shape[1], dtype=np.float32)
    bounds = np.flatnonzero(np.diff(rows)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(rows)]))
    for s0, e0 in zip(starts.tolist(), ends.tolist()):
        a = int(rows[s0])
        a0, a1 = indptr[a], indptr[a + 1]
        if a0 == a1:
            continue
        ai = indices[a0:a1]
        scratch[ai] = data[a0:a1]
        b = cols[s0:e0]
        bs = indptr[b]
        lens = indptr[b + 1] - bs
        total = int(lens.sum())
        if total:
            seg = np.repeat(np.arange(len(b)), lens)
            offs = np.cumsum(lens) - lens
            pos = np.arange(total) - np.repeat(offs - bs, lens)
            prod = data[pos] * scratch[indices[pos]]
            out[s0:e0] = np.bincount(seg, weights=prod, minlength=len(b))
        scratch[ai] = 0.0
    return out


def _padded(label_sets: Sequence[Sequence[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
    lens = np.array([len(s) for s in label_sets], dtype=np.int64)
    width = max(1, int(lens.max()) if len(lens) else 1)
    arr = np.full((len(label_sets), width), pad, dtype=np.int64)
    for i, s in enumerate(label_sets):
        if s:
            arr[i, : len(s)] = s
    return arr, lens


def _pair_jaccard(label_sets: Sequence[Sequence[int]], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    out = np.zeros(len(rows), dtype=np.float64)
    if not len(rows) or not any(label_sets):
        return out
    pa, lens = _padded(label_sets, -1)
    pb = np.where(pa < 0, -2, pa)
    step = max(1, 4_000_000 // (pa.shape[1] ** 2))
    for s0 in range(0, len(rows), step):
        a, b = rows[s0:s0 + step], cols[s0:s0 + step]
        inter = (pa[a][:, :, None] == pb[b][:, None, :]).sum(axis=(1, 2))
        union = lens[a] + lens[b] - inter
        out[s0:s0 + step] = np.divide(inter, union, out=np.zeros(len(a)), where=union > 0)
    return out


def _ordinal(date: str | None) -> float:
    if not date:
        return math.nan
    try:
        return float(_dt.date.fromisoformat(str(date)[:10]).toordinal())
    except ValueError:
        return math.nan


# ---------------------------------------------------------------------------
# entry point

def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by a sort: numpy 2's hash-based unique is some 40x slower on
    half a million pair keys."""
    a = np.sort(a)
    keep = np.empty(len(a), dtype=bool)
    keep[:1] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def compute_related(docs: Sequence[RelatedDoc], settings: RelatedSettings | None = None,
                    k: int | None = None, kept: dict | None = None,
                    memory: dict | None = None) -> dict[str, list[Related]]:
    """For each doc id, up to k related docs, best first (score desc, then id asc).

    ``k`` defaults to ``settings.k`` (``count:`` in related.yml, 5 by default).
    ``kept`` (a build cache's ``term_counts``, `mkdocs serve`) keeps each text's term
    counts for the next call given it, keyed by the text; ``memory`` (its ``related``)
    keeps the exact candidate search, the label candidates and the pairs' cosines, so that
    after an edit of a few texts only what they change is computed again (see
    _kept_text_candidates). The result is the same either way.
    """
    settings = settings or RelatedSettings()
    k = settings.k if k is None else int(k)
    ordered = sorted(docs, key=lambda d: d.id)
    ids = [d.id for d in ordered]
    for a, b in zip(ids, ids[1:]):
        if a == b:
            raise ValueError(f"duplicate related-content id: {a!r}")
    n = len(ordered)
    result: dict[str, list[Related]] = {i: [] for i in ids}
    if n < 2 or k <= 0:
        return result

    topics = [_unique(d.topics) for d in ordered]
    places = [_unique(d.places) for d in ordered]
    topic_ids = {t: i for i, t in enumerate(sorted({t for ts in topics for t in ts}))}
    place_ids = {p: i for i, p in enumerate(sorted({p for ps in places for p in ps}))}
    topic_sets = [sorted(topic_ids[t] for t in ts) for ts in topics]
    place_sets = [sorted(place_ids[p] for p in ps) for ps in places]

    x = _tfidf([d.text or "" for d in ordered], settings, kept, [d.digest if d.text else None for d in ordered])

    # candidates: text neighbours + docs sharing a rare topic/place
    docs_key = (settings, tuple(ids), tuple(map(tuple, topic_sets)), tuple(map(tuple, place_sets)))
    incremental = memory is not None and n <= settings.exact_max_docs and min(settings.text_candidates, n - 1) > 0
    same_docs = incremental and memory.get("docs") == docs_key
    changed = None
    if incremental:
        (tr, tc), changed = _kept_text_candidates(x, settings, memory, same_docs)
    else:
        tr, tc = _text_candidates(x, settings)
    if same_docs and "labels" in memory:
        lr, lc = memory["labels"]  # made from the labels alone, which are the same
    else:
        lab = _label_matrix(
            [ts + [len(topic_ids) + p for p in ps] for ts, ps in zip(topic_sets, place_sets)],
            len(topic_ids) + len(place_ids),
        )
        lr, lc = _label_candidates(lab, settings)
    keys = _sorted_unique(np.concatenate([tr * n + tc, lr * n + lc]))
    rows, cols = keys // n, keys % n

    # exact rescoring
    sim = _kept_pair_cosines(x, keys, changed, memory) if incremental else _pair_cosines(x, rows, cols)
    if incremental:
        memory["docs"], memory["labels"] = docs_key, (lr, lc)
    elif memory is not None:
        memory.clear()
    del x
    score = settings.w_text * sim
    last = memory.get("jaccard") if same_docs else None  # the labels are the same: so is a pair's Jaccard
    if settings.w_topics:
        topic_j = _kept_by_pair(keys, last and last[:2], lambda sub: _pair_jaccard(topic_sets, sub // n, sub % n))
        score += settings.w_topics * topic_j
    if settings.w_places:
        place_j = _kept_by_pair(keys, last and (last[0], last[2]), lambda sub: _pair_jaccard(place_sets, sub // n, sub % n))
        score += settings.w_places * place_j
    if incremental and settings.w_topics and settings.w_places:
        memory["jaccard"] = (keys, topic_j, place_j)
    if settings.w_date:
        days = np.array([_ordinal(d.date) for d in ordered])
        gap = np.abs(days[rows] - days[cols])
        decay = np.exp2(-gap / max(settings.date_half_life_days, 1e-9))
        score += settings.w_date * np.nan_to_num(decay, nan=0.0)
    score4 = np.round(score, 4)
    ok = (score4 >= settings.min_score) & (score4 > 0)
    rows, cols, score4, sim = rows[ok], cols[ok], score4[ok], sim[ok]

    order = np.lexsort((cols, -score4, rows))  # cols are in id order
    rows, cols, score4, sim = rows[order], cols[order], score4[order], sim[order]
    first = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(len(rows)) - first) < k
    rows, cols, score4, sim = rows[keep], cols[keep], score4[keep], sim[keep]

    topic_sets_s = [frozenset(t) for t in topics]
    place_sets_s = [frozenset(p) for p in places]
    for a, b, sc, si in zip(rows.tolist(), cols.tolist(), score4.tolist(), np.round(sim, 4).tolist()):
        tb, pb = topic_sets_s[b], place_sets_s[b]
        result[ids[a]].append(Related(
            id=ids[b],
            score=sc,
            shared_topics=tuple(t for t in topics[a] if t in tb),
            shared_places=tuple(p for p in places[a] if p in pb),
            similarity=si,
        ))
    return result
