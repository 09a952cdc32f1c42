"""Benchmark for hooks/briefdesk/labels/related.py (not a test: run it by hand).

    python bench/bench_related.py                       # 1,000 / 10,000 / 100,000
    python bench/bench_related.py --sizes 1000 10000 --workers 2

Generates (once, cached) a synthetic corpus with bench/generate_corpus.py, then for
each size runs compute_related in a *fresh subprocess* so each peak RSS is its own,
and prints wall times and peak RSS (ru_maxrss of the process, and of its
tokenising worker processes if any). Targets: 10,000 articles <= 15 s,
100,000 articles <= 5 min with peak memory < 4 GB.

Labels are fake but deterministic: 1-3 topics drawn (Zipf-like) from 40 topic slugs
by a hash of the file name; places are the known place names found in the first
1,000 characters of the article.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

TOPICS = [f"topic-{i:02d}" for i in range(40)]
TOPIC_WEIGHTS = [1.0 / (i + 1) for i in range(40)]


def _docs(paths: list[Path]):
    from bench.generate_corpus import PLACES
    from briefdesk.labels.related import RelatedDoc

    place_re = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)) + r")\b")
    docs = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        rng = random.Random(int(hashlib.sha256(path.name.encode()).hexdigest()[:12], 16))
        topics = tuple(sorted(set(rng.choices(TOPICS, TOPIC_WEIGHTS, k=rng.randint(1, 3)))))
        places = tuple(sorted(set(place_re.findall(text[:1000]))))
        docs.append(RelatedDoc(id=path.stem, text=text, topics=topics, places=places))
    return docs


def run_one(corpus: Path, n: int, workers: int, settings_path: Path) -> dict:
    from briefdesk.labels.related import compute_related, load_settings

    settings = load_settings(settings_path)
    if workers is not None:
        settings = settings.__class__(**{**settings.__dict__, "workers": workers})
    paths = sorted(corpus.glob("*.txt"))[:n]
    if len(paths) < n:
        raise SystemExit(f"corpus {corpus} has only {len(paths)} articles")
    t0 = time.perf_counter()
    docs = _docs(paths)
    t1 = time.perf_counter()
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    related = compute_related(docs, settings, k=5)
    t2 = time.perf_counter()
    lengths = [len(v) for v in related.values()]
    return {
        "n": n,
        "workers": settings.workers,
        "load_s": round(t1 - t0, 2),
        "compute_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "peak_rss_mb_after_load": round(rss_load / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "mean_related": round(sum(lengths) / max(1, len(lengths)), 2),
        "chars": sum(len(d.text) for d in docs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", default=None, help="corpus dir (default: a cached dir under the temp dir)")
    ap.add_argument("--workers", type=int, default=None, help="override candidates.workers")
    ap.add_argument("--settings", default=str(ROOT / "hooks" / "editorial" / "related.yml"))
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    corpus = Path(a.corpus or Path(tempfile.gettempdir()) / f"briefdesk-bench-corpus-seed{a.seed}")

    if a.one is not None:
        print(json.dumps(run_one(corpus, a.one, a.workers, Path(a.settings))))
        return 0

    need = max(a.sizes)
    have = len(list(corpus.glob("*.txt"))) if corpus.exists() else 0
    if have < need:
        from bench.generate_corpus import generate

        t0 = time.perf_counter()
        generate(need, a.seed, corpus)
        print(f"generated {need} articles into {corpus} in {time.perf_counter() - t0:.1f} s", flush=True)
    for n in a.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--seed", str(a.seed), "--corpus", str(corpus),
               "--settings", a.settings]
        if a.workers is not None:
            cmd += ["--workers", str(a.workers)]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        res = json.loads(out.strip().splitlines()[-1])
        res["process_wall_s"] = round(time.perf_counter() - t0, 2)
        print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
