"""Price extraction's cost: a generated corpus (bench/generate_corpus.py) through the
pipeline in memory, cold, with and without extraction (interleaved pairs): what it adds
to the pipeline, and what was found and left out.

    python bench/bench_prices.py --count 1000 [--seed 1]

Not a test: it prints one line per measure (for BENCHMARKS.md)."""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from briefdesk import pricedata, prices, taxonomy  # noqa: E402
from briefdesk.pipeline import Settings, build_corpus  # noqa: E402


def _pipeline(settings: Settings) -> tuple[float, object]:
    # a cold build each time: no build cache is passed, so nothing read, cleaned, labelled or
    # rendered by an earlier build is reused
    t0 = time.perf_counter()
    corpus = build_corpus(settings)
    return time.perf_counter() - t0, corpus


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=2, help="pairs of builds, with and without extraction, interleaved")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        generate(args.count, args.seed, src)
        settings = Settings.for_project(ROOT, source_dir=src, registry_path=Path(tmp) / "urls.yml",
                                        site_url="https://briefings.example.org/")
        real = pricedata.extract_for
        with_, without = [], []
        corpus = None
        for _ in range(args.runs):  # what extraction adds: the same pipeline without it, interleaved
            pricedata.extract_for = real
            t, corpus = _pipeline(settings)
            with_.append(t)
            pricedata.extract_for = lambda b, p: ([], [])
            t_without, bare = _pipeline(settings)
            without.append(t_without)
        pricedata.extract_for = real
        t = corpus.timings
        # the extraction alone, in this process, every briefing again (no cache)
        p = pricedata.pricing(settings.editorial_dir, *taxonomy.load_vocabulary(settings.editorial_dir))
        t1 = time.perf_counter()
        found = [prices.extract(b.id, b.clean.paragraphs, b.date, p.vocab, p.gazetteer) for b in corpus.briefings]
        alone = time.perf_counter() - t1
        n = len(corpus.briefings)
        obs = sum(len(f.observations) for f in found)
        left = collections.Counter(x["reason"].split(":")[0] for f in found for x in f.left_out)
        pages = {k: len(v.encode()) for k, v in corpus.pages.items() if k.startswith("prices/")}
        a, b = min(with_), min(without)
        print(f"briefings: {n:,}; pipeline with extraction {', '.join(f'{x:.2f}' for x in with_)} s, without "
              f"{', '.join(f'{x:.2f}' for x in without)} s (stages of the last: "
              + ", ".join(f"{k} {v:.2f}" for k, v in t.items()) + ")")
        print("stages without extraction (the last): " + ", ".join(f"{k} {v:.2f}" for k, v in bare.timings.items()))
        print(f"extraction adds {100 * (a - b) / b:.1f} % to the pipeline (best of each); "
              f"extraction alone, one process, no cache: {alone:.3f} s, {alone / n * 1000:.2f} s per 1,000 briefings "
              f"= {100 * alone / b:.1f} % of the pipeline's time if it ran on one core beside it")
        print(f"observations: {obs:,} ({obs / n:.2f} a briefing); left out: {dict(sorted(left.items()))}")
        print(f"largest price page: {max(pages.values()) / 1024:.0f} KB ({max(pages, key=pages.get)}); "
              f"price pages: {len(pages):,}; prices.json {len(corpus.assets[pricedata.PRICES_JSON].encode()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
