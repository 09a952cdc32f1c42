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

import datetime as _dt
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
import yaml

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
_SHARED: tuple = ()  # what forked workers read (see _forked_map)
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


def _hash_slice(args: tuple[int, int, int]) -> sp.csr_matrix:
    start, stop, n_features = args
    return _hash_terms(_SHARED[0][start:stop], n_features)


def _forked_map(fn: Any, jobs: list, shared: tuple, workers: int) -> list:
    """[fn(job) for job in jobs] in ``workers`` forked processes that find ``shared`` in
    ``_SHARED``, inherited (copy-on-write), not pickled; only jobs and results travel."""
    global _SHARED
    import multiprocessing

    _SHARED = shared
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(fn, jobs, chunksize=1)
    finally:
        _SHARED = ()


def _counts(texts: Sequence[str], settings: RelatedSettings) -> sp.csr_matrix:
    """Hashed term counts (n x n_features, float32), tokenised in parallel if asked."""
    workers = settings.workers or (os.cpu_count() or 1)
    n = len(texts)
    if workers <= 1 or n < _PARALLEL_MIN_DOCS:
        return _hash_terms(texts, settings.n_features)
    step = max(1, min(2000, -(-n // (workers * 4))))
    jobs = [(s, min(s + step, n), int(settings.n_features)) for s in range(0, n, step)]
    return sp.vstack(_forked_map(_hash_slice, jobs, (texts,), workers), format="csr")


# text digest -> its row of hashed term counts (indices, data), from the last call with
# reuse=True: under `mkdocs serve` an edit re-tokenises only the texts that changed
_KEPT_COUNTS: dict[tuple[int, bytes], tuple[np.ndarray, np.ndarray]] = {}


def _kept_counts(texts: Sequence[str], settings: RelatedSettings) -> sp.csr_matrix:
    """``_counts(texts)``, taking each text's row from the last call when the text is the
    same (the rows of a text do not depend on the other texts), and keeping this call's
    rows, only those, for the next."""
    import hashlib

    keys = [(int(settings.n_features), hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest())
            for t in texts]
    misses = [i for i, key in enumerate(keys) if key not in _KEPT_COUNTS]
    fresh = _counts([texts[i] for i in misses], settings) if misses else None
    rows = {}
    for j, i in enumerate(misses):
        lo, hi = fresh.indptr[j], fresh.indptr[j + 1]
        rows[keys[i]] = (fresh.indices[lo:hi].copy(), fresh.data[lo:hi].copy())
    for key in keys:
        if key not in rows:
            rows[key] = _KEPT_COUNTS[key]
    _KEPT_COUNTS.clear()
    _KEPT_COUNTS.update(rows)
    parts = [rows[key] for key in keys]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(ind) for ind, _ in parts], out=indptr[1:])
    indices = np.concatenate([ind for ind, _ in parts]) if parts else np.empty(0, np.int32)
    data = np.concatenate([d for _, d in parts]) if parts else np.empty(0, np.float32)
    return sp.csr_matrix((data, indices, indptr.astype(indices.dtype)), shape=(len(texts), int(settings.n_features)))


def _tfidf(texts: Sequence[str], settings: RelatedSettings, reuse: bool = False) -> sp.csr_matrix:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

    counts = _kept_counts(texts, settings) if reuse else _counts(texts, settings)
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
                    k: int | None = None, reuse: bool = False) -> dict[str, list[Related]]:
    """For each doc id, up to k related docs, best first (score desc, then id asc).

    ``k`` defaults to ``settings.k`` (``count:`` in related.yml, 5 by default).
    ``reuse`` keeps each text's term counts for the next call with ``reuse`` in this
    process (`mkdocs serve`), keyed by the text: the result is the same either way.
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

    x = _tfidf([d.text or "" for d in ordered], settings, reuse)

    # candidates: text neighbours + docs sharing a rare topic/place
    tr, tc = _text_candidates(x, settings)
    lab = _label_matrix(
        [ts + [len(topic_ids) + p for p in ps] for ts, ps in zip(topic_sets, place_sets)],
        len(topic_ids) + len(place_ids),
    )
    lr, lc = _label_candidates(lab, settings)
    keys = _sorted_unique(np.concatenate([tr * n + tc, lr * n + lc]))
    rows, cols = keys // n, keys % n

    # exact rescoring
    sim = _pair_cosines(x, rows, cols)
    del x
    score = settings.w_text * sim
    if settings.w_topics:
        score += settings.w_topics * _pair_jaccard(topic_sets, rows, cols)
    if settings.w_places:
        score += settings.w_places * _pair_jaccard(place_sets, rows, cols)
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
