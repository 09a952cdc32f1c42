"""Benchmark for the Pagefind search (not a test: run it by hand).

    python bench/bench_search.py                          # 1,000 and 10,000 articles
    python bench/bench_search.py --sizes 1000 --no-lunr
    python bench/bench_search.py --sizes 10000 --no-lunr --reuse   # the site built last time

For each size: generates (once, cached) a synthetic corpus with bench/generate_corpus.py,
copies the project with those articles (no seeds), builds the site with MkDocs (or, with
--reuse, takes the site built by an earlier run and copies in the current docs/assets/search.*),
then
  - indexes the built site again as the build does (search.PartedIndex, all parts one
    after another here): wall time, Pagefind's CPU time, its largest part's peak memory;
  - serves the site with http.server and drives Debian's Chromium (Playwright):
      * a briefing page view that does not search: bytes of search code/data fetched;
      * focus the header box and type a query at 40 ms a key: bytes fetched from the first
        keystroke to the first result of the whole query, the time from the first keystroke
        (the page's own keydown clock) and from before the click (as measured before
        2026-11-24) to that result, and from the last keystroke;
      * the same query typed at 150 ms a key (a person's pace: a search at each pause);
      * the fixed set of QUERIES, each in a fresh page: bytes (by kind of file) and time to
        its first result; their worst and median (`summary`), and a table of them;
  - builds the same site again with Material's `search` plugin on and measures its lunr
    search_index.json (what Material sends to every page view that opens search);
  - for 100,000 articles (a full build takes hours here): the index is in parts of
    --part-size briefings and the browser's first result needs only the newest part (and
    a manifest with one entry a part), so `--sizes 10000 --part-size 5000`, whose newest
    part holds 5,000 briefings, measures more than the first result costs at any size with
    the default parts of 4,000.
Byte figures are "compressed": each fetched file's gzip -6 size, or its raw size when
smaller (Pagefind's chunks and WebAssembly are already gzip-compressed).

Targets (docs: BENCHMARKS.md "## Search"): non-searching view <= 50 KB of search code and
data; first keystroke -> first result <= 300 KB and < 1 s at 10,000, <= 1 MB at 100,000;
indexing <= 30 s and <= 3 GB at 10,000.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from briefdesk.built import search  # noqa: E402
from tests.conftest import copy_project, mkdocs_build  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
QUERY = "rice prices"  # the query of the warm-page and typed-at-150-ms measurements
# The fixed set of queries each measured in a fresh page (issue 20, item 4): the worst and the
# median are what BENCHMARKS.md reports. Kinds: common single words (each on most generated
# briefings), rarer words, two-word queries, place spellings only the gazetteer's variants
# hold, people's names.
QUERIES = [
    ("factory", "common word"),
    ("smuggling", "common word"),
    ("rice", "common word"),
    ("dental", "rarer word"),
    ("Sandoksan", "rare word (a name)"),
    ("import disease", "two words"),
    ("rice prices", "two words"),
    ("Pyongsong leather", "two words"),
    ("border trade", "two words"),
    ("Ryangkang", "place variant"),
    ("Hoeryeong", "place variant"),
    ("Kim Jong Un", "person"),
    ("Mun Dong Hui", "person"),
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def corpus(n: int, seed: int, cache: Path) -> Path:
    out = cache / f"corpus-{n}-{seed}"
    if not (out / ".done").exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate_corpus.py"), "--count", str(n),
                        "--seed", str(seed), "--out", str(out)], check=True)
        (out / ".done").write_text("ok")
    return out


def project_with(articles: Path, dest: Path, lunr: bool = False) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    copy_project(dest, with_seeds=False)
    src = dest / "source_articles"
    for f in articles.iterdir():
        if f.name != ".done":
            os.link(f, src / f.name) if os.stat(articles).st_dev == os.stat(src).st_dev else shutil.copy2(f, src / f.name)
    if lunr:
        cfg = dest / "mkdocs.yml"
        cfg.write_text(re.sub(r"(?m)^plugins: \[\]$", "plugins:\n  - search", cfg.read_text()))
    return dest


def compressed(path: Path) -> int:
    raw = path.read_bytes()
    return min(len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0)))


def pagefind_run(site: Path, part_size: int) -> dict:
    """The search index over the built site, as the build makes it (search.PartedIndex, parts
    of part_size briefings), all at once here rather than while MkDocs writes pages: wall
    time, Pagefind's CPU time and its largest part's peak memory."""
    bundle = site / search.BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    index = search.PartedIndex(site, search.plan_parts(search.pages_of_site(site), part_size))
    t0 = time.perf_counter()
    ok = index.finish()
    secs = time.perf_counter() - t0
    files = [p for p in bundle.rglob("*") if p.is_file()]
    manifest = json.loads((bundle / search.MANIFEST).read_text(encoding="utf-8"))
    return {"ok": ok, "seconds": round(secs, 2), "parts": manifest["briefings"], "part_size": part_size,
            "pagefind_cpu_s": round(index.cpu_s, 1), "peak_rss_mb": round(index.peak_rss_mb, 1),
            "load_average": os.getloadavg()[0], "bundle_files": len(files),
            "bundle_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
            "meta": meta_parts(bundle / manifest["parts"][0], manifest.get("warmup"))}


def meta_parts(bundle: Path, term: str | None = None) -> dict:
    """Compressed sizes of the metadata file every search loads first (the newest part's),
    and of its parts."""
    import cbor2

    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = next(iter(entry["languages"].values()))
    path = bundle / f"pagefind.{info['hash']}.pf_meta"
    meta = search._read_chunk(path)

    def kb(value) -> float:
        return round(len(gzip.compress(cbor2.dumps(value), compresslevel=9, mtime=0)) / 1000, 1)

    warmup = None  # the index chunk holding the word the browser searches to warm up (search.choose_warmup)
    if term:
        for _size, h in sorted(((bundle / "index" / f"{h}.pf_index").stat().st_size, h) for _f, _t, h in meta[2]):
            if any(w[0] == term for w in search._read_chunk(bundle / "index" / f"{h}.pf_index")[0]):
                warmup = f"index/{h}.pf_index"
                break
    return {"meta_kb": round(path.stat().st_size / 1000, 1), "pages": len(meta[1]), "pages_kb": kb(meta[1]),
            "sorts_kb": kb(meta[4]), "chunk_list_kb": kb(meta[2]), "index_chunks": len(meta[2]), "warmup_chunk": warmup}


# In the page: the time of the first and the last keydown (the page's own clock), and of the
# moment the header box lists its first result.
_CLOCK = """
window.__bd = {keys: [], shown: []};
document.addEventListener('keydown', () => window.__bd.keys.push(performance.now()), true);
document.addEventListener('DOMContentLoaded', () => {
  const list = document.querySelector('[data-bd-search-list]');
  if (list) new MutationObserver(() => {
    if (list.querySelector('a.bd-sr__link')) window.__bd.shown.push(performance.now());
  }).observe(list, {childList: true, subtree: true});
});
"""
# the first result listed after the last keystroke: the whole query's (the box drops the
# answers to earlier prefixes once a key is pressed)
_FIRST_FOR_QUERY = "() => { const c = window.__bd; const last = c.keys[c.keys.length - 1];" \
                   " return c.shown.find(t => t >= last) || null; }"


def _type_query(pg, query: str, delay: int, fetched: list, size_of) -> dict:
    """Click the header box, type the query, wait for its first result; what it cost."""
    box = pg.locator("[data-bd-search-input]")
    t0 = time.perf_counter()
    box.click()
    box.press_sequentially(query, delay=delay)
    pg.wait_for_function(_FIRST_FOR_QUERY, timeout=60000, polling=5)
    first = time.perf_counter() - t0
    pg.wait_for_function(  # every part of the index has answered
        "(q) => document.querySelector('[data-bd-search-input]').value === q"
        " && /matching/.test(document.querySelector('[data-bd-search-meta]').textContent)"
        " && !/so far/.test(document.querySelector('[data-bd-search-meta]').textContent)", arg=query, timeout=60000)
    clock = pg.evaluate("window.__bd")
    shown = pg.evaluate(_FIRST_FOR_QUERY)
    shown_epoch_ms = pg.evaluate("performance.timeOrigin") + shown
    pg.wait_for_load_state("networkidle")
    # what the browser asked for before the first result was shown (by each request's start
    # time: the older parts of the index are asked right after it)
    pf = [r.url for r in fetched if "/pagefind/" in r.url and r.timing["startTime"] <= shown_epoch_ms]
    return {"first_result_s": round((shown - clock["keys"][0]) / 1000, 3),
            "first_result_from_click_s": round(first, 3),
            "after_last_key_s": round((shown - clock["keys"][-1]) / 1000, 3),
            "to_first_result_bytes": sum(size_of(u) for u in pf),
            "to_first_result_by_kind": by_kind(pf, size_of),
            "to_first_result_files": [f"{urlparse(u).path.split('/pagefind/')[-1]} {size_of(u)}" for u in pf],
            "whole_query_bytes": sum(size_of(r.url) for r in fetched if "/pagefind/" in r.url),
            "whole_query_requests": sum(1 for r in fetched if "/pagefind/" in r.url),
            "results_shown": pg.locator("[data-bd-search-list] a.bd-sr__link").count(),
            "results_count": pg.locator("[data-bd-search-meta]").inner_text()}


def by_kind(urls: list[str], size_of) -> dict:
    """Bytes fetched by kind of file: the engine (pagefind.js, its WebAssembly, the entry
    file), the list of parts, each part's metadata, index chunks, filter chunks, fragments."""
    out: dict = {}
    for u in urls:
        path = urlparse(u).path
        kind = ("index" if "/index/" in path else "filter" if "/filter/" in path else "fragment" if "/fragment/" in path
                else "meta" if path.endswith(".pf_meta") else "manifest" if path.endswith(search.MANIFEST) else "engine")
        entry = out.setdefault(kind, [0, 0])
        entry[0] += size_of(u)
        entry[1] += 1
    return {k: {"bytes": v[0], "files": v[1]} for k, v in sorted(out.items())}


def summary(per_query: dict) -> dict:
    """The worst and the median over the fixed queries: bytes before the first result and the
    time from the first keystroke to it."""
    def median(values):
        v = sorted(values)
        return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2

    kb = {q: r["to_first_result_bytes"] / 1000 for q, r in per_query.items()}
    ms = {q: r["first_result_s"] * 1000 for q, r in per_query.items()}
    worst_kb, worst_ms = max(kb, key=kb.get), max(ms, key=ms.get)
    return {"queries": len(per_query),
            "worst_kb": round(kb[worst_kb], 1), "worst_kb_query": worst_kb, "median_kb": round(median(kb.values()), 1),
            "worst_ms": round(ms[worst_ms]), "worst_ms_query": worst_ms, "median_ms": round(median(ms.values()))}


def browser_run(site: Path, briefing_url: str, queries: list[tuple[str, str]] | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    def size_of(url: str) -> int:
        path = site / urlparse(url).path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        return compressed(path) if path.is_file() else 0

    def fresh_page(b):
        ctx = b.new_context(viewport={"width": 1280, "height": 720})
        pg = ctx.new_page()
        pg.add_init_script(_CLOCK)
        fetched: list = []  # the requests, in order (Playwright's Request: url, timing)
        pg.on("request", lambda r: fetched.append(r))
        return ctx, pg, fetched

    out: dict = {}
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            ctx, pg, fetched = fresh_page(b)
            pg.goto(base + briefing_url, wait_until="networkidle")
            search_code = [r.url for r in fetched if "/pagefind/" in r.url or r.url.endswith("/assets/search.js")
                           or "search_index" in r.url or "/workers/search" in r.url]
            out["view_search_bytes"] = sum(size_of(u) for u in search_code)
            out["view_search_files"] = [urlparse(u).path for u in search_code]
            out["view_total_bytes"] = sum(size_of(r.url) for r in fetched)
            fetched.clear()
            out.update(_type_query(pg, QUERY, 40, fetched, size_of))
            # a warm query in the same page: the engine is loaded
            box = pg.locator("[data-bd-search-input]")
            box.fill("")
            t1 = time.perf_counter()
            box.press_sequentially("factory", delay=40)
            pg.wait_for_function("() => /factory/i.test(document.querySelector('[data-bd-search-list]').textContent)",
                                 timeout=60000)
            out["second_query_s"] = round(time.perf_counter() - t1, 3)
            ctx.close()
            # a person's pace: a key every 150 ms, so the box searches at each pause
            ctx, pg, fetched = fresh_page(b)
            pg.goto(base + briefing_url, wait_until="networkidle")
            fetched.clear()
            slow = _type_query(pg, QUERY, 150, fetched, size_of)
            out["typed_at_150ms"] = {k: slow[k] for k in ("after_last_key_s", "whole_query_bytes", "whole_query_requests")}
            ctx.close()
            out["queries"] = {}
            for q, kind in queries or []:
                ctx, pg, fetched = fresh_page(b)
                pg.goto(base + briefing_url, wait_until="networkidle")
                fetched.clear()
                r = _type_query(pg, q, 40, fetched, size_of)
                out["queries"][q] = {"kind": kind, **{k: r[k] for k in (
                    "first_result_s", "after_last_key_s", "to_first_result_bytes", "to_first_result_by_kind",
                    "to_first_result_files", "whole_query_bytes", "results_count")}}
                ctx.close()
            if out["queries"]:
                out["summary"] = summary(out["queries"])
            b.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def table(browser: dict) -> str:
    """The queries as a Markdown table (BENCHMARKS.md "## Search")."""
    kinds = ["engine", "manifest", "meta", "index", "filter", "fragment"]
    lines = ["| query | kind | KB before the first result | " + " | ".join(kinds) + " | ms from the first key | results |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in kinds) + " | ---: | --- |"]
    for q, r in browser.get("queries", {}).items():
        parts = r["to_first_result_by_kind"]
        lines.append(f"| {q} | {r['kind']} | {r['to_first_result_bytes'] / 1000:.1f} | " + " | ".join(
            f"{parts[k]['bytes'] / 1000:.1f} ({parts[k]['files']})" if k in parts else "–" for k in kinds)
            + f" | {r['first_result_s'] * 1000:.0f} | {r['results_count']} |")
    s = browser.get("summary")
    if s:
        lines.append(f"\nworst {s['worst_kb']} KB ({s['worst_kb_query']}), median {s['median_kb']} KB; "
                     f"worst {s['worst_ms']} ms ({s['worst_ms_query']}), median {s['median_ms']} ms")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "bd-bench-search"))
    ap.add_argument("--no-lunr", action="store_true", help="skip the comparison build with Material's search plugin")
    ap.add_argument("--reuse", action="store_true",
                    help="take the site an earlier run built (with the current search.js/css); rerun Pagefind only")
    ap.add_argument("--keep-index", action="store_true",
                    help="with --reuse: keep the search index the earlier run left (only search.js/css change)")
    ap.add_argument("--part-size", type=int, default=search.PART_SIZE,
                    help="briefings in a part of the index (the build's search_part_size); the first result costs "
                         "the newest part's files, so a run whose newest part is full bounds that cost at any size")
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        row: dict = {"articles": n}
        site = work / f"project-{n}" / "site"
        if args.reuse and (site / "data" / "build-report.json").exists():
            for name in ("search.js", "search.css"):
                shutil.copy2(ROOT / "docs" / "assets" / name, site / "assets" / name)
            row["mkdocs_build_s"] = None
        else:
            arts = corpus(n, args.seed, work)
            proj = project_with(arts, work / f"project-{n}")
            t0 = time.perf_counter()
            built = mkdocs_build(proj, strict=False)
            row["mkdocs_build_s"] = round(time.perf_counter() - t0, 1)
            if built.returncode != 0:
                raise SystemExit(built.output[-3000:])
            site = built.site
        report = json.loads((site / "data" / "build-report.json").read_text())
        row["briefings"] = report["published_count"]
        if not (args.reuse and args.keep_index):
            row["pagefind"] = pagefind_run(site, args.part_size)
        row["browser"] = browser_run(site, report["published"][len(report["published"]) // 2]["url"], QUERIES)
        if not args.no_lunr:
            lproj = project_with(corpus(n, args.seed, work), work / f"project-{n}-lunr", lunr=True)
            t0 = time.perf_counter()
            lb = mkdocs_build(lproj, strict=False)
            idx = lb.site / "search" / "search_index.json"
            row["lunr"] = {"build_s": round(time.perf_counter() - t0, 1), "returncode": lb.returncode,
                           "search_index_mb": round(idx.stat().st_size / 1e6, 2) if idx.exists() else None,
                           "search_index_gzip_mb": round(compressed(idx) / 1e6, 2) if idx.exists() else None}
            shutil.rmtree(lproj, ignore_errors=True)
        results.append(row)
        print(json.dumps(row, indent=1), flush=True)
        print(table(row["browser"]), flush=True)
    meta = {"machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"), "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
            "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
