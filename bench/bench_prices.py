"""Price extraction's cost: a generated corpus (bench/generate_corpus.py) through the
pipeline in memory, cold, three ways, interleaved: with prices; with extraction run in the
per-article map but its observations dropped (what extraction itself adds, the issue's
measure; extraction's processor time there is also timed where it runs); without extraction (no observations, so no price figures on any page). Then
extraction alone and the price pages alone, in this process; and what was found and left
out. Every percentage compares processor time with processor time (this process and its
finished workers), except the lines that say wall clock.

    python bench/bench_prices.py --count 1000 [--seed 1]

Not a test: it prints one line per measure (for BENCHMARKS.md)."""

from __future__ import annotations

import argparse
import collections
import gc
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from briefdesk.labels import pricedata, prices, taxonomy  # noqa: E402
from briefdesk.pages import pricepages
from briefdesk.pages import price_records
from briefdesk.pipeline import Settings, build_corpus  # noqa: E402


def _pipeline(settings: Settings) -> tuple[float, object]:
    # a cold build each time: no build cache is passed, so nothing read, cleaned, labelled or
    # rendered by an earlier build is reused
    t0, c0 = time.perf_counter(), os.times()
    corpus = build_corpus(settings)
    c1 = os.times()
    # processor time of this process and its finished workers: less moved than the wall
    # clock by the other jobs of a shared machine
    corpus.cpu = sum(c1[:4]) - sum(c0[:4])
    return time.perf_counter() - t0, corpus


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=2,
                    help="rounds of three builds (with prices, extraction only, without), interleaved")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        generate(args.count, args.seed, src)
        settings = Settings.for_project(ROOT, source_dir=src, registry_path=Path(tmp) / "urls.yml",
                                        site_url="https://briefings.example.org/")
        real = pricedata.extract_for
        # a small build first, not counted: what the first build of a process pays once (imports,
        # compiled patterns, the allocator's arenas) would otherwise go to whichever way runs first
        warm = Path(tmp) / "warm"
        generate(min(args.count, 100), args.seed + 1, warm)
        _pipeline(Settings.for_project(ROOT, source_dir=warm, registry_path=Path(tmp) / "warm.yml",
                                       site_url="https://briefings.example.org/"))
        with_, without, cpu_with, cpu_without, cpu_only, cpu_in_map = [], [], [], [], [], []
        corpus = None

        # extraction's own processor time in the map (in the pool's workers, which inherit this
        # counter through fork, or here below parallel.MIN_ITEMS): what it costs where the
        # pipeline runs it, between the cleaning and describing of other articles, not back to
        # back as "extraction alone" below
        in_map = multiprocessing.Value("d", 0.0)

        def dropped(b, p):  # extraction made in the map as in a real build, its results not kept
            c = time.process_time()
            real(b, p)
            spent = time.process_time() - c
            with in_map.get_lock():
                in_map.value += spent
            return [], []

        for _ in range(args.runs):  # what extraction adds: the same pipeline without it, interleaved
            pricedata.extract_for = real
            t, corpus = _pipeline(settings)
            with_.append(t)
            cpu_with.append(corpus.cpu)
            pricedata.extract_for = dropped
            in_map.value = 0.0
            cpu_only.append(_pipeline(settings)[1].cpu)
            cpu_in_map.append(in_map.value)
            pricedata.extract_for = lambda b, p: ([], [])
            t_without, bare = _pipeline(settings)
            without.append(t_without)
            cpu_without.append(bare.cpu)
        pricedata.extract_for = real
        t = corpus.timings
        # the extraction alone, in this process, every briefing again (no cache); what is alive
        # (the builds' corpora) out of the garbage collector's view, as the pipeline has it when
        # its workers extract (pipeline._settle before the map): else every full collection
        # would walk the corpora, a cost that grows with the archive and is not extraction's
        p = pricedata.pricing(settings.editorial_dir, *taxonomy.load_vocabulary(settings.editorial_dir))
        gc.collect()
        gc.freeze()
        t1, c1 = time.perf_counter(), time.process_time()
        found = [prices.extract(b.id, b.clean.paragraphs, b.date, p.vocab, p.gazetteer) for b in corpus.briefings]
        alone, alone_cpu = time.perf_counter() - t1, time.process_time() - c1
        # what the prices add to the render, in this process: the index, the price pages,
        # the places' blocks, the briefings' tables and data/prices.json and .csv
        t1, c1 = time.perf_counter(), time.process_time()
        index = pricepages.PriceIndex(corpus.briefings, settings)
        made = [f() for f in pricepages.pages(index, p.vocab, settings.per_page).values()]
        made += [pricepages.place_html(index, p.vocab, pid) for pid in sorted(index.by_place)]
        made += [price_records.table_html(b, b.url) for b in corpus.briefings]
        made += [index.json(), index.csv()]
        rendering, rendering_cpu = time.perf_counter() - t1, time.process_time() - c1
        gc.unfreeze()
        n = len(corpus.briefings)
        obs = sum(len(f.observations) for f in found)
        left = collections.Counter(x["reason"].split(":")[0] for f in found for x in f.left_out)
        pages = {k: len(v.encode()) for k, v in corpus.pages.items() if k.startswith("prices/")}
        a, b = min(with_), min(without)
        print(f"briefings: {n:,}; pipeline with extraction {', '.join(f'{x:.2f}' for x in with_)} s, without "
              f"{', '.join(f'{x:.2f}' for x in without)} s (stages of the last: "
              + ", ".join(f"{k} {v:.2f}" for k, v in t.items()) + ")")
        print("stages without extraction (the last): " + ", ".join(f"{k} {v:.2f}" for k, v in bare.timings.items()))
        ca, co, cb = min(cpu_with), min(cpu_only), min(cpu_without)
        print(f"processor time (this process and its workers): with prices {', '.join(f'{x:.2f}' for x in cpu_with)} s, "
              f"extraction only (its results dropped) {', '.join(f'{x:.2f}' for x in cpu_only)} s, "
              f"without extraction {', '.join(f'{x:.2f}' for x in cpu_without)} s (best of each)")
        print(f"extraction adds {100 * (co - cb) / cb:+.1f} % to the pipeline's processor time; "
              f"prices as a whole (extraction, price pages, tables, exports) {100 * (ca - cb) / cb:+.1f} %")
        print(f"extraction in the map (the build with extraction only, timed where it runs): processor "
              f"{', '.join(f'{x:.2f}' for x in cpu_in_map)} s ({min(cpu_in_map) / n * 1000:.3f} ms a briefing) = "
              f"{100 * min(cpu_in_map) / cb:.1f} % of the pipeline's processor time without it")
        print(f"extraction alone, one process, no cache: processor {alone_cpu:.3f} s "
              f"({alone_cpu / n * 1000:.3f} ms a briefing) = {100 * alone_cpu / cb:.1f} % of the pipeline's processor "
              f"time without it (wall clock {alone:.3f} s)")
        print(f"price pages, place blocks, briefing tables and exports alone, one process: processor "
              f"{rendering_cpu:.3f} s ({rendering_cpu / n * 1000:.3f} ms a briefing) = "
              f"{100 * rendering_cpu / cb:.1f} % of the pipeline's processor time without prices; extraction and these "
              f"together {100 * (alone_cpu + rendering_cpu) / cb:.1f} %")
        print(f"wall clock (moved by the machine's other jobs): prices add {100 * (a - b) / b:+.1f} % (best of each)")
        print(f"observations: {obs:,} ({obs / n:.2f} a briefing); left out: {dict(sorted(left.items()))}")
        print(f"largest price page: {max(pages.values()) / 1024:.0f} KB ({max(pages, key=pages.get)}); "
              f"price pages: {len(pages):,}; prices.json {len(corpus.assets[pricedata.PRICES_JSON].encode()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
