"""Benchmark for the Pagefind search (not a test: run it by hand).

    python bench/bench_search.py                          # 1,000 and 10,000 articles
    python bench/bench_search.py --sizes 1000 --no-lunr

For each size: generates (once, cached) a synthetic corpus with bench/generate_corpus.py,
copies the project with those articles (no seeds), builds the site with MkDocs, then
  - runs Pagefind again on the built site under /usr/bin/time -v: wall time, peak RSS;
  - serves the site with http.server and drives Debian's Chromium (Playwright):
      * a briefing page view that does not search: bytes of search code/data fetched;
      * focus the header box and type a query: bytes fetched from the first keystroke to
        the first result, and the time from the first keystroke to the first result;
  - builds the same site again with Material's `search` plugin on and measures its lunr
    search_index.json (what Material sends to every page view that opens search).
Byte figures are "compressed": each fetched file's gzip -6 size, or its raw size when
smaller (Pagefind's chunks and WebAssembly are already gzip-compressed).

Targets (docs: BENCHMARKS.md "## Search"): non-searching view <= 50 KB of search code and
data; first keystroke -> first result <= 300 KB and < 1 s at 10,000; indexing <= 30 s and
<= 3 GB at 10,000.
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

from briefdesk import search  # noqa: E402
from tests.conftest import copy_project, mkdocs_build  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
QUERY = "rice prices"


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


def pagefind_run(site: Path) -> dict:
    proc = subprocess.run(["/usr/bin/time", "-v", *search.command(site)], capture_output=True, text=True)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", proc.stderr).group(1)
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    bundle = site / search.BUNDLE_DIR
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return {"returncode": proc.returncode, "seconds": round(secs, 2), "peak_rss_mb": round(rss_kb / 1024, 1),
            "bundle_files": len(files), "bundle_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1)}


def browser_run(site: Path, briefing_url: str) -> dict:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    def size_of(url: str) -> int:
        path = site / urlparse(url).path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        return compressed(path) if path.is_file() else 0

    out: dict = {}
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            ctx = b.new_context()
            pg = ctx.new_page()
            fetched: list[str] = []
            pg.on("request", lambda r: fetched.append(r.url))
            pg.goto(base + briefing_url, wait_until="networkidle")
            search_code = [u for u in fetched if "/pagefind/" in u or u.endswith("/assets/search.js")
                           or "search_index" in u or "/workers/search" in u]
            out["view_search_bytes"] = sum(size_of(u) for u in search_code)
            out["view_search_files"] = [urlparse(u).path for u in search_code]
            out["view_total_bytes"] = sum(size_of(u) for u in fetched)
            fetched.clear()
            box = pg.locator("[data-bd-search-input]")
            t0 = time.perf_counter()
            box.click()
            box.press_sequentially(QUERY, delay=40)
            pg.wait_for_selector("[data-bd-search-list] a.bd-sr__link", timeout=60000)
            first = time.perf_counter() - t0
            at_first = list(fetched)
            pg.wait_for_function(
                "(q) => document.querySelector('[data-bd-search-input]').value === q"
                " && /matching/.test(document.querySelector('[data-bd-search-meta]').textContent)", arg=QUERY)
            pg.wait_for_load_state("networkidle")
            out["first_result_s"] = round(first, 3)
            out["to_first_result_bytes"] = sum(size_of(u) for u in at_first if "/pagefind/" in u)
            out["whole_query_bytes"] = sum(size_of(u) for u in fetched if "/pagefind/" in u)
            out["whole_query_requests"] = sum(1 for u in fetched if "/pagefind/" in u)
            out["results_shown"] = pg.locator("[data-bd-search-list] a.bd-sr__link").count()
            # a warm query in the same page: the engine is loaded
            box.fill("")
            t1 = time.perf_counter()
            box.press_sequentially("factory", delay=40)
            pg.wait_for_function("() => /factory/i.test(document.querySelector('[data-bd-search-list]').textContent)",
                                 timeout=60000)
            out["second_query_s"] = round(time.perf_counter() - t1, 3)
            ctx.close()
            b.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "bd-bench-search"))
    ap.add_argument("--no-lunr", action="store_true", help="skip the comparison build with Material's search plugin")
    ap.add_argument("--json", help="write the results here as JSON")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        row: dict = {"articles": n}
        arts = corpus(n, args.seed, work)
        proj = project_with(arts, work / f"project-{n}")
        t0 = time.perf_counter()
        built = mkdocs_build(proj, strict=False)
        row["mkdocs_build_s"] = round(time.perf_counter() - t0, 1)
        if built.returncode != 0:
            raise SystemExit(built.output[-3000:])
        report = json.loads((built.site / "data" / "build-report.json").read_text())
        row["briefings"] = report["published_count"]
        row["pagefind"] = pagefind_run(built.site)
        row["browser"] = browser_run(built.site, report["published"][len(report["published"]) // 2]["url"])
        if not args.no_lunr:
            lproj = project_with(arts, work / f"project-{n}-lunr", lunr=True)
            t0 = time.perf_counter()
            lb = mkdocs_build(lproj, strict=False)
            idx = lb.site / "search" / "search_index.json"
            row["lunr"] = {"build_s": round(time.perf_counter() - t0, 1), "returncode": lb.returncode,
                           "search_index_mb": round(idx.stat().st_size / 1e6, 2) if idx.exists() else None,
                           "search_index_gzip_mb": round(compressed(idx) / 1e6, 2) if idx.exists() else None}
            shutil.rmtree(lproj, ignore_errors=True)
        results.append(row)
        print(json.dumps(row, indent=1), flush=True)
    meta = {"machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"), "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
            "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
