"""Benchmark: assigning topics, places and actors (the classify stage) at archive scale.

    python bench/bench_labels.py --sizes 10000 100000 [--corpus DIR]

Generates (or reuses) a seeded corpus with bench/generate_corpus.py, splits each article
into paragraphs, and times classification of all of them the way the pipeline does it
(`parallel.ordered_map` over `classify.classify`, two processes on this machine). Each
size runs in a fresh process; prints wall time and peak memory (RSS). Reading and
splitting the files is not timed. Together with bench/bench_related.py this gives the
"labels and related briefings" figures in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "bench"))


def run_one(corpus: Path, size: int) -> dict:
    from briefdesk import parallel
    from briefdesk.labels import classify

    files = sorted(corpus.glob("*.txt"))[:size]
    jobs = []
    words = 0
    for f in files:
        paragraphs = [" ".join(p.split()) for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        words += sum(len(p.split()) for p in paragraphs)
        jobs.append(paragraphs)
    vocab = classify.load_vocabulary(ROOT / "hooks" / "editorial")
    t0 = time.perf_counter()
    labels = parallel.ordered_map(lambda ps: classify.classify(vocab, ps), jobs)
    seconds = time.perf_counter() - t0
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"size": len(files), "seconds": round(seconds, 2), "peak_rss_mb": round(rss / 1024),
            "words": words, "ms_per_article": round(1000 * seconds / max(1, len(files)), 3),
            "labelled": sum(1 for x in labels if x.topics or x.places or x.actors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/briefdesk-bench-corpus-seed7"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.corpus, args.one)))
        return 0
    have = len(list(args.corpus.glob("*.txt"))) if args.corpus.exists() else 0
    if have < max(args.sizes):
        from generate_corpus import generate

        generate(max(args.sizes), args.seed, args.corpus)
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--corpus", str(args.corpus), "--one", str(size)],
                             capture_output=True, text=True, check=True)
        print(out.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
