"""Build benchmark at archive scale: the full MkDocs build against a plain-MkDocs baseline.

    python bench/run_benchmark.py --sizes 100 1000 10000 --pipeline-sizes 100000 --serve-size 1000

For every size in --sizes (full builds), in a temporary copy of the project
(mkdocs.yml, docs/, hooks/; no seed articles, no URL registry):

1. generate a synthetic corpus with bench/generate_corpus.py (seeded: --seed);
2. "cold" build: `mkdocs build` with no registry, so every URL is new (not --strict:
   the refusals are counted instead);
3. "rebuild" (sizes up to --rebuild-max): the same build again, with the registry that
   the cold build wrote, as a realistic rebuild;
4. baseline: the pages the pipeline generated (what `python -m hooks.briefdesk write OUT`
   writes; here written by the cold build's own process after its timing stopped, so the
   pipeline does not run twice) copied into the docs/ of a project with the same
   mkdocs.yml minus the `hooks:` entry, built by the same MkDocs, theme and plugins.
   Headline: full build time / baseline build time.
5. "without index" (sizes from --index-cost-min, 10,000 by default): the cold build again
   from scratch with the search index switched off, so the table shows what indexing adds
   (issue 5); the cold build's own log gives Pagefind's time, CPU, peak memory and how long
   the build waited for it.

Each build runs in a fresh Python process (bench/out/_timed_build.py, written by this
script) that times `mkdocs build` in-process and reads its peak RSS from getrusage;
it wraps briefdesk.pipeline.build_corpus (without editing it) to record
`corpus.timings`, the time of each pipeline stage inside the real build.

The site is then measured: files and bytes, median briefing page, largest page,
largest listing page (All briefings, topics, places, actors, archive), search data
(search/search_index.json and/or pagefind/), and the most links to briefings on one page.

For every size in --pipeline-sizes: generate, then run build_corpus alone (read, clean,
describe, classify, registry, related, render, all in memory; no MkDocs), in a fresh
process with its stage times and peak RSS.

--serve-size N: start `mkdocs serve` on the N-briefing project, wait for the first build,
append a marker sentence to one article and time until the served page shows it.

--peer-sizes N...: the build against the tools a user would pick instead, on the same
generated articles: (a) this project's cold `mkdocs build` (with its Pagefind index);
(b) Material for MkDocs' own `blog` plugin (dates, categories, archive, pagination of 50)
with its `tags` and `search` plugins, one post per article; (c) plain MkDocs + Material,
one page per article, no listings, no search. The posts and pages carry the paragraphs and
headings of the briefings the cold build made (its title, date, topics as categories,
places as tags), as Markdown. The three builds run in turn, --peer-rounds times (the first
build of each round rotates), each in a fresh process; the table gives the median of each.

Results accumulate in bench/out/results.json (one entry per measurement, with the
command that made it); the "## Build" section of BENCHMARKS.md is rewritten from them
(other sections are left alone) and printed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate_corpus  # noqa: E402
import yaml  # noqa: E402

STAGES = ["read", "clean+describe+prices", "classify", "registry", "related", "render"]
LISTING_DIRS = ("briefings", "topics", "places", "actors", "archive")
SITE_URL = "https://briefings.example.org/"

TARGET_RATIO = 1.3
TARGET_RSS_MB = 2048
TARGET_PAGE_GROWTH = 0.10
TARGET_LARGEST_KB = 500
TARGET_SERVE_S = 5.0
TARGET_INDEX_S = 30.0   # issue 5: what search indexing adds to a 10,000-briefing build
TARGET_INDEX_MB = 3072  # issue 5: and its memory
TARGET_GROWTH_SLACK = 0.05  # a stage "grows as n log n" when its exponent is within this of n log n's
TARGET_GROWTH_MIN_SHARE = 0.01  # a stage under this share of the pipeline is timed too briefly to judge
TARGET_PEER_BLOG = 0.7    # the full build against Material's blog + tags + search
TARGET_PEER_PLAIN = 3.0   # and against plain one-page-per-article MkDocs
PEERS_HEADING = "## Build against the tools a user would pick instead"

# Runs one build or one pipeline in a fresh process; argv: mode project site out.json [pages_out]
TIMED_BUILD = r'''
import json, os, resource, sys, time, traceback
from pathlib import Path
mode, project, site, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
pages_out = sys.argv[5] if len(sys.argv) > 5 else ""
info = {"mode": mode}
keep = {}
os.chdir(project)
if mode in ("full", "pipeline"):
    sys.path.insert(0, str((project / "hooks").resolve()))
    import briefdesk.pipeline as P
    original = P.build_corpus
    def build_corpus(settings, **options):
        t = time.perf_counter()
        corpus = original(settings, **options)
        info["pipeline_s"] = time.perf_counter() - t  # with background=True: until MkDocs may start
        info["briefings"] = len(corpus.briefings)
        info["refusals"] = len(corpus.refusals)
        info["refusal_sample"] = [r.message() for r in corpus.refusals[:5]]
        info["files_seen"] = corpus.files_seen
        keep["corpus"] = corpus
        keep["settings"] = settings
        return corpus
    P.build_corpus = build_corpus
    if mode == "full" and os.environ.get("BENCH_NO_INDEX"):  # the same build without the search index
        import briefdesk.built.search as S
        S.PartedIndex.poll = lambda self: None
        S.PartedIndex.finish = lambda self: True
t0 = time.perf_counter()
try:
    if mode == "pipeline":
        # as the build runs it: pages written to the cache folder as they are rendered, not held
        P.build_corpus(P.Settings.for_project(project.resolve(), site_url=os.environ.get("BENCH_SITE_URL"),
                                              pages_dir=project.resolve() / ".cache" / "briefdesk"))
    else:
        from mkdocs.__main__ import cli
        cli.main(["build", "-f", str(project / "mkdocs.yml"), "-d", site], prog_name="mkdocs", standalone_mode=False)
        hooks_for_search = os.environ.get("BENCH_BASELINE_SEARCH_HOOKS")
        if mode == "plain" and hooks_for_search:  # the search index the full build makes, made the same way
            t = time.perf_counter()
            sys.path.insert(0, hooks_for_search)
            from briefdesk.built import search
            info["search_ok"] = bool(search.index_site(Path(site)))
            info["search_s"] = time.perf_counter() - t
    info["ok"] = True
except BaseException as exc:  # record, do not hide
    info["ok"] = False
    info["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
info["wall_s"] = time.perf_counter() - t0
info["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# the largest child process: a pipeline worker or, when the build indexes, Pagefind
info["largest_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if "corpus" in keep:  # after the build: a render in the background has finished by now
    corpus = keep["corpus"]
    info["timings"] = dict(corpus.timings)
    info["generated_pages"] = len(corpus.pages)
    info["generated_assets"] = len(corpus.assets)
if pages_out and "corpus" in keep:
    # the hooks hand the generated pages to MkDocs and drop their own copy, so generate them
    # again (from the in-memory caches) for the baseline, after the measurement
    t = time.perf_counter()
    from briefdesk.rendering import write_pages
    write_pages(original(keep["settings"]), Path(pages_out))
    info["write_pages_s"] = time.perf_counter() - t
Path(out).write_text(json.dumps(info, indent=1))
'''


# ---------------------------------------------------------------------------------------
# projects

def make_project(dest: Path, *, hooks: bool = True) -> Path:
    """A copy of the project like tests/conftest.copy_project(with_seeds=False): no seeds, no registry."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    if hooks:
        shutil.copytree(ROOT / "hooks", dest / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
        (dest / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)
        shutil.rmtree(dest / "hooks" / "registry" / "versions", ignore_errors=True)
    else:
        (dest / "mkdocs.yml").write_text(strip_hooks((ROOT / "mkdocs.yml").read_text(encoding="utf-8")), encoding="utf-8")
    (dest / "source_articles").mkdir(exist_ok=True)
    return dest


def strip_hooks(yml: str) -> str:
    """mkdocs.yml without its `hooks:` entry (the baseline runs no Python of ours)."""
    out = re.sub(r"(?m)^hooks:\s*\n(?:[ \t]+-.*\n?)+", "", yml)
    if re.search(r"(?m)^hooks:", out):
        raise SystemExit("could not remove the hooks: entry from mkdocs.yml")
    return out


def timed(mode: str, project: Path, site: Path, work: Path, pages_out: Path | None = None,
          log_name: str = "build", search_hooks: Path | None = None, extra_env: dict | None = None) -> dict:
    script = work / "_timed_build.py"
    script.write_text(TIMED_BUILD, encoding="utf-8")
    out = work / f"{log_name}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(script), mode, str(project), str(site), str(out)]
    if pages_out:
        cmd.append(str(pages_out))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", BENCH_SITE_URL=SITE_URL)
    if search_hooks:
        env["BENCH_BASELINE_SEARCH_HOOKS"] = str(search_hooks)
    env.update(extra_env or {})
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    (work / f"{log_name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if not out.exists():
        raise SystemExit(f"{log_name}: the timed process failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    info = json.loads(out.read_text())
    info["process_s"] = elapsed
    info["warnings"] = sum(1 for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("WARNING"))
    m = re.search(r"Pagefind indexed \d+ briefings in (\d+) part\(s\) in ([\d.]+) s \(([\d.]+) s of CPU, at most (\d+) MB\)"
                  r".*?the build waited ([\d.]+) s", proc.stdout + proc.stderr)
    if m:
        info.update(search_parts=int(m.group(1)), search_s=float(m.group(2)), search_cpu_s=float(m.group(3)),
                    search_peak_mb=float(m.group(4)), search_waited_s=float(m.group(5)))
    if not info.get("ok"):
        print(f"  ! {log_name}: {info.get('error')}", file=sys.stderr)
    return info


# ---------------------------------------------------------------------------------------
# measuring a site

def is_briefing_page(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] == "briefings" and parts[2] == "index.html" and parts[1] != "page"


def is_listing_page(rel: str) -> bool:
    return rel.endswith(".html") and rel.split("/")[0] in LISTING_DIRS and not is_briefing_page(rel)


_BRIEFING_LINK = re.compile(r'href="(?:\.\./)*(?:briefings/)?([^"#/]+)/"')


def linked_briefings(html: str, rel: str) -> set[str]:
    """Slugs of the briefings a page links to (relative links resolved against the page)."""
    base = rel.split("/")[:-1]
    found = set()
    for href in re.findall(r'href="([^"#?]*)', html):
        if "://" in href or href.startswith(("/", "mailto:")):
            continue
        parts = list(base)
        for seg in href.split("/"):
            if seg in ("", "."):
                continue
            if seg == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(seg)
        if len(parts) >= 2 and parts[0] == "briefings" and parts[1] != "page" and (len(parts) == 2 or parts[2] == "index.html"):
            found.add(parts[1])
    return found


def briefing_links(html: str, rel: str) -> int:
    """How many distinct briefings one page links to."""
    return len(linked_briefings(html, rel))


def measure_site(site: Path) -> dict:
    files = 0
    total = 0
    briefing_sizes: list[int] = []
    largest = (0, "")
    largest_listing = (0, "")
    most_links = (0, "")
    html_pages = 0
    for p in site.rglob("*"):
        if not p.is_file():
            continue
        size = p.stat().st_size
        files += 1
        total += size
        rel = p.relative_to(site).as_posix()
        if not rel.endswith(".html"):
            continue
        html_pages += 1
        if size > largest[0]:
            largest = (size, rel)
        if is_briefing_page(rel):
            briefing_sizes.append(size)
        elif is_listing_page(rel) and size > largest_listing[0]:
            largest_listing = (size, rel)
        if rel.split("/")[0] in LISTING_DIRS or rel == "index.html":
            n = briefing_links(p.read_text(encoding="utf-8", errors="replace"), rel)
            if n > most_links[0]:
                most_links = (n, rel)
    search = 0
    idx = site / "search" / "search_index.json"
    if idx.exists():
        search += idx.stat().st_size
    pf = site / "pagefind"
    if pf.is_dir():
        search += sum(f.stat().st_size for f in pf.rglob("*") if f.is_file())
    return {
        "files": files,
        "bytes": total,
        "html_pages": html_pages,
        "briefing_pages": len(briefing_sizes),
        "briefing_median": statistics.median(briefing_sizes) if briefing_sizes else 0,
        "briefing_max": max(briefing_sizes) if briefing_sizes else 0,
        "largest": largest,
        "largest_listing": largest_listing,
        "search_bytes": search,
        "search_kind": "+".join(k for k, ok in (("search_index.json", idx.exists()), ("pagefind/", pf.is_dir())) if ok) or "none",
        "most_briefing_links": most_links,
    }


# ---------------------------------------------------------------------------------------
# benchmarks

def fresh_project(kind: str, n: int, seed: int, work: Path, next_step: str) -> tuple[Path, Path, float]:
    """An empty work/<kind>-<n>/ with a project copy and a generated corpus of n articles."""
    base = work / f"{kind}-{n}"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    project = make_project(base / "project")
    t0 = time.perf_counter()
    generate_corpus.generate(n, seed, project / "source_articles")
    gen_s = time.perf_counter() - t0
    print(f"[{kind} {n}] corpus generated in {gen_s:.1f} s; {next_step}…", flush=True)
    return base, project, gen_s


def run_full(n: int, seed: int, work: Path, rebuild: bool, index_cost: bool = False, ratio_rounds: int = 0) -> dict:
    base, project, gen_s = fresh_project("full", n, seed, work, "cold build")
    pages = base / "pages"
    cold = timed("full", project, project / "site", base, pages_out=pages, log_name="cold")
    print(f"[full {n}] cold build {cold['wall_s']:.1f} s, {cold['maxrss_mb']:.0f} MB", flush=True)
    result = {"kind": "full", "size": n, "seed": seed, "generate_s": gen_s, "cold": cold}
    if rebuild:
        re_ = timed("full", project, project / "site", base, log_name="rebuild")
        print(f"[full {n}] rebuild {re_['wall_s']:.1f} s, {re_['maxrss_mb']:.0f} MB", flush=True)
        result["rebuild"] = re_
    result["site"] = measure_site(project / "site")
    if index_cost:  # the same cold build without the search index: what indexing adds
        shutil.rmtree(project / "site")
        (project / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)
        shutil.rmtree(project / ".cache", ignore_errors=True)
        bare = timed("full", project, project / "site", base, log_name="no-index", extra_env={"BENCH_NO_INDEX": "1"})
        print(f"[full {n}] cold build without the search index {bare['wall_s']:.1f} s", flush=True)
        result["no_index"] = bare
    # baseline: the same generated pages as plain Markdown, no hooks
    bproj = make_project(base / "baseline", hooks=False)
    shutil.copytree(pages, bproj / "docs", dirs_exist_ok=True)
    shutil.rmtree(pages)
    search_hooks = None
    if (project / "site" / "pagefind").is_dir() and (project / "hooks" / "briefdesk" / "search.py").exists():
        search_hooks = project / "hooks"  # the full build indexes with Pagefind: so does the baseline
    basel = timed("plain", bproj, bproj / "site", base, log_name="baseline", search_hooks=search_hooks)
    print(f"[full {n}] baseline build {basel['wall_s']:.1f} s, {basel['maxrss_mb']:.0f} MB", flush=True)
    result["baseline"] = basel
    result["baseline_site"] = measure_site(bproj / "site")
    shutil.rmtree(bproj / "site", ignore_errors=True)
    if index_cost:
        # more pairs with no search index on either side, alternating which goes first: on a
        # shared machine one pair is one sample of a ratio that moves with the load
        rounds = []
        for i in range(ratio_rounds):
            pair = {}
            for which in (("plain", "full") if i % 2 == 0 else ("full", "plain")):
                if which == "plain":
                    pair["plain_s"] = timed("plain", bproj, bproj / "site", base, log_name=f"round{i}-plain")["wall_s"]
                    shutil.rmtree(bproj / "site", ignore_errors=True)
                else:
                    shutil.rmtree(project / "site", ignore_errors=True)
                    (project / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)
                    shutil.rmtree(project / ".cache", ignore_errors=True)
                    pair["full_s"] = timed("full", project, project / "site", base, log_name=f"round{i}-full",
                                           extra_env={"BENCH_NO_INDEX": "1"})["wall_s"]
            print(f"[full {n}] round {i + 1} without search: {pair['full_s']:.1f} s against plain MkDocs "
                  f"{pair['plain_s']:.1f} s, {pair['full_s'] / pair['plain_s']:.2f}x", flush=True)
            rounds.append(pair)
        result["ratio_rounds"] = rounds
    return result


# --- the peers: what a user would build the same archive with instead --------------------

_PARA = re.compile(r'<p id="p\d+" class="bd-para"><a class="bd-para__num"[^>]*>[^<]*</a> (.*)</p>$')
_TAG = re.compile(r"<[^>]+>")


def peer_articles(pages: Path) -> list[dict]:
    """The briefings of a cold build (the generated pages it wrote), each as a title, a date,
    categories (its topics), tags (its places) and its body as Markdown: its headings and
    paragraphs, the text as the briefing shows it (links to places and actors dropped)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    for page in sorted((pages / "briefings").glob("*/index.md")):
        text = page.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        front, body = text[4:].split("\n---\n", 1)
        rec = (yaml.load(front, Loader=loader) or {}).get("briefing")
        if not rec:
            continue
        lines = []
        for line in body.split("\n"):
            if line.startswith("## ") and line not in ("## Related briefings", "## Cite this briefing"):
                lines.append(line)
            elif m := _PARA.match(line):
                lines.append(_TAG.sub("", m.group(1)))
        date = rec.get("date") or "2000-01-01"
        date = (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10] if len(date) == 7 else date
        out.append({"slug": page.parent.name, "title": rec["title"], "date": date,
                    "categories": [t["name"] for t in rec.get("topics") or []],
                    "tags": [t["name"] for t in rec.get("regions") or []], "body": "\n\n".join(lines)})
    return out


_PEER_THEME = {"name": "material", "font": False, "language": "en"}
_PEER_MARKDOWN = [{"toc": {"permalink": True}}, "attr_list", "admonition", "tables"]


PEER_KINDS = ("blog", "plain", "plain-search")


def make_peer(dest: Path, kind: str, articles: list[dict]) -> Path:
    """A project of the same articles: "blog" (Material's blog, tags and search plugins, one
    post an article), "plain" (Material, one page an article, no listings, no search) or
    "plain-search" (the same as MkDocs and Material come: with the `search` plugin MkDocs
    enables when mkdocs.yml names no plugins)."""
    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Briefings\n\nThe archive's articles.\n", encoding="utf-8")
    cfg: dict = {"site_name": "Briefings", "site_url": SITE_URL, "use_directory_urls": True, "theme": _PEER_THEME,
                 "markdown_extensions": _PEER_MARKDOWN}
    if kind == "blog":
        cfg["plugins"] = [{"blog": {"blog_dir": "blog", "archive": True, "categories": True,
                                    "pagination_per_page": 50, "post_date_format": "long"}},
                          {"tags": {}}, {"search": {}}]
        cfg["nav"] = [{"Home": "index.md"}, {"Blog": "blog/index.md"}, {"Tags": "tags.md"}]
        (docs / "blog" / "posts").mkdir(parents=True)
        (docs / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
        (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
        for a in articles:
            meta = {"date": _dt.date.fromisoformat(a["date"]), "categories": a["categories"], "tags": a["tags"]}
            (docs / "blog" / "posts" / f"{a['slug']}.md").write_text(
                "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"
                + f"# {a['title']}\n\n{a['body']}\n", encoding="utf-8")
    else:
        cfg["plugins"] = [] if kind == "plain" else [{"search": {}}]
        cfg["nav"] = [{"Home": "index.md"}]
        cfg["not_in_nav"] = "/briefings/"
        (docs / "briefings").mkdir()
        for a in articles:
            (docs / "briefings" / f"{a['slug']}.md").write_text(f"# {a['title']}\n\n{a['body']}\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def _cold(project: Path) -> None:
    """Back to a first build: no site, no build cache, no URL registry."""
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    (project / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)
    shutil.rmtree(project / "hooks" / "registry" / "versions", ignore_errors=True)


def run_peers(n: int, seed: int, work: Path, rounds: int = 3, kinds: tuple[str, ...] = PEER_KINDS) -> dict:
    """This project's cold build and the peers (`kinds`: Material's blog + tags + search,
    plain MkDocs, plain MkDocs with its search) on the same articles, `rounds` times in turn
    (the first of each round rotating)."""
    base, project, gen_s = fresh_project("peers", n, seed, work, "cold build (and the peers' articles)")
    pages = base / "pages"
    first = timed("full", project, project / "site", base, pages_out=pages, log_name="ours-0")
    articles = peer_articles(pages)
    shutil.rmtree(pages)
    peers = {kind: make_peer(base / kind, kind, articles) for kind in kinds}
    runs: dict[str, list[dict]] = {"ours": [first], **{kind: [] for kind in kinds}}
    print(f"[peers {n}] ours {first['wall_s']:.1f} s ({len(articles)} articles for the peers)", flush=True)
    order = [*kinds, "ours"]
    for i in range(rounds):
        turn = i % len(order)
        for kind in order[turn:] + order[:turn]:
            if kind == "ours" and i == 0:
                continue  # the first build above
            if kind == "ours":
                _cold(project)
                info = timed("full", project, project / "site", base, log_name=f"ours-{i}")
            else:
                shutil.rmtree(peers[kind] / "site", ignore_errors=True)
                info = timed("plain", peers[kind], peers[kind] / "site", base, log_name=f"{kind}-{i}")
            runs[kind].append(info)
            print(f"[peers {n}] round {i + 1}: {kind} {info['wall_s']:.1f} s, {info['maxrss_mb']:.0f} MB", flush=True)
    sites = {"ours": measure_site(project / "site")}
    for kind, proj in peers.items():
        sites[kind] = measure_site(proj / "site")
        shutil.rmtree(proj / "site", ignore_errors=True)
    return {"kind": "peers", "size": n, "seed": seed, "generate_s": gen_s, "articles": len(articles),
            "runs": runs, "sites": sites}


def _median_run(runs: list[dict]) -> dict:
    ok = sorted((r for r in runs if r.get("ok")), key=lambda r: r["wall_s"])
    return ok[(len(ok) - 1) // 2] if ok else {"wall_s": float("nan"), "maxrss_mb": float("nan")}


_PEER_LABEL = {"ours": "ours", "blog": "blog", "plain": "plain", "plain-search": "plain + search"}
_PEER_TARGET = {"blog": TARGET_PEER_BLOG, "plain": TARGET_PEER_PLAIN, "plain-search": TARGET_PEER_PLAIN}


def render_peers(results: dict) -> str:
    rows = sorted((r for r in results["entries"].values() if r["kind"] == "peers"), key=lambda r: r["size"])
    if not rows:
        return ""
    kinds = [k for k in PEER_KINDS if any(k in r["runs"] for r in rows)]
    m = results.get("machine", {})
    lines = [PEERS_HEADING, "",
             f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gb')} GB RAM, shared and noisy; "
             f"Python {m.get('python')}, MkDocs {m.get('mkdocs')}, Material {m.get('material')}.", "",
             "Commands (date, command):", ""]
    for d, c in sorted({(r["date"], r["command"]) for r in rows}):
        lines.append(f"- {d}: `{c}`")
    lines += ["",
              "The same generated articles built in turn (`run_peers` in `bench/run_benchmark.py`): **ours**, this "
              "project's cold `mkdocs build` (pipeline, every listing, feed, export and redirect, and its Pagefind "
              "index); **blog**, Material for MkDocs' `blog` plugin (dates, categories from the topics, archive, "
              "pagination of 50) with its `tags` (the places) and `search` plugins, one post per article; **plain**, "
              "MkDocs + Material, one page per article, no listings, no search (`plugins: []`); **plain + search**, "
              "the same as MkDocs and Material come, with the `search` plugin MkDocs turns on when mkdocs.yml names "
              "no plugins. Posts and pages hold each briefing's headings and paragraphs as Markdown. Each build runs "
              "in a fresh process; the builds take turns (the first of each round rotates); seconds are the median "
              "run, the other runs in brackets; RSS is that run's peak (the build process); – : not run.", "",
              "| briefings | runs | " + " | ".join(f"{_PEER_LABEL[k]} s" for k in ["ours", *kinds]) + " | "
              + " | ".join(f"**ours / {_PEER_LABEL[k]}**" for k in kinds)
              + " | peak RSS MB (" + " / ".join(_PEER_LABEL[k] for k in ["ours", *kinds]) + ") | HTML files ("
              + " / ".join(_PEER_LABEL[k] for k in ["ours", *kinds]) + ") |",
              "| " + " | ".join(["---:"] * (3 + 2 * len(kinds) + 2)) + " |"]
    targets_out = []
    for r in rows:
        med = {k: _median_run(v) for k, v in r["runs"].items()}
        def cell(k):
            if k not in med:
                return "–"
            others = sorted(x["wall_s"] for x in r["runs"][k] if x.get("ok") and x is not med[k])
            return f"{med[k]['wall_s']:.1f}" + (f" ({', '.join(f'{x:.1f}' for x in others)})" if others else "")
        ratio = {k: med["ours"]["wall_s"] / med[k]["wall_s"] for k in kinds if k in med}
        lines.append(f"| {r['size']:,} | {min(len(v) for v in r['runs'].values())} | "
                     + " | ".join(cell(k) for k in ["ours", *kinds]) + " | "
                     + " | ".join(f"**{ratio[k]:.2f}**" if k in ratio else "–" for k in kinds) + " | "
                     + " / ".join(f"{med[k]['maxrss_mb']:,.0f}" if k in med else "–" for k in ["ours", *kinds]) + " | "
                     + " / ".join(f"{r['sites'][k]['html_pages']:,}" if k in r["sites"] else "–"
                                  for k in ["ours", *kinds]) + " |")
        parts = [f"ours / {_PEER_LABEL[k]} {ratio[k]:.2f} (target {_PEER_TARGET[k]:g}) → "
                 + ("met" if ratio[k] <= _PEER_TARGET[k] else "**missed**") for k in kinds if k in ratio]
        parts.append(f"peak memory {med['ours']['maxrss_mb']:,.0f} MB (target {TARGET_RSS_MB:,}) → "
                     + ("met" if med["ours"]["maxrss_mb"] <= TARGET_RSS_MB else "**missed**"))
        targets_out.append(f"At {r['size']:,}: " + "; ".join(parts))
    lines.append("")
    for r in rows:  # each round's own ratios: the builds of a round ran under much the same load
        peers = [k for k in kinds if k in r["runs"]]
        rounds = zip(r["runs"]["ours"], *(r["runs"][k] for k in peers))
        lines.append(f"Each round at {r['size']:,} (" + ", ".join(f"ours / {_PEER_LABEL[k]}" for k in peers) + "): "
                     + "; ".join(", ".join(f"{o['wall_s'] / x['wall_s']:.2f}" for x in others)
                                 for o, *others in rounds if o.get("ok") and all(x.get("ok") for x in others)) + ".")
    lines += ["", "Targets:", ""] + [f"- {t}" for t in targets_out]
    return "\n".join(lines) + "\n"


def run_pipeline(n: int, seed: int, work: Path) -> dict:
    base, project, gen_s = fresh_project("pipeline", n, seed, work, "build_corpus")
    info = timed("pipeline", project, project / "site", base, log_name="pipeline")
    print(f"[pipeline {n}] {info['wall_s']:.1f} s, {info['maxrss_mb']:.0f} MB", flush=True)
    shutil.rmtree(project / "source_articles", ignore_errors=True)
    return {"kind": "pipeline", "size": n, "seed": seed, "generate_s": gen_s, "pipeline": info}


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a server started with start_new_session=True (Ctrl-C first, then kill)."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
        return 0, ""


def run_serve(n: int, seed: int, work: Path, timeout: float = 1800) -> dict:
    """mkdocs serve on an n-briefing project: time from one article's edit to the served change."""
    base = work / f"full-{n}"
    project = base / "project"
    if not (project / "hooks" / "registry" / "urls.yml").exists():
        project = make_project(work / f"serve-{n}" / "project")
        generate_corpus.generate(n, seed, project / "source_articles")
        timed("full", project, project / "site", project.parent, log_name="serve-prebuild")
    records = json.loads((project / "site" / "data" / "briefings.json").read_text())
    records = records.get("briefings", records) if isinstance(records, dict) else records
    rec = next(r for r in records if r.get("source_file", "").endswith(".txt"))
    src = project / "source_articles" / rec["source_file"]
    url_path = rec["url"]
    if "://" in url_path:
        url_path = url_path.split("://", 1)[1].split("/", 1)[1]
    port = free_port()
    page = f"http://127.0.0.1:{port}/{url_path.lstrip('/')}"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    log = open(base / "serve.log", "w") if base.exists() else open(project.parent / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}", "-f",
                             str(project / "mkdocs.yml")], cwd=project, stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    out: dict = {"kind": "serve", "size": n, "seed": seed, "page": url_path}
    try:
        t0 = time.perf_counter()
        while True:
            status, _ = fetch(page)
            if status == 200:
                break
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("mkdocs serve did not come up; see serve.log")
            time.sleep(0.5)
        out["first_build_s"] = time.perf_counter() - t0
        time.sleep(3)  # let the watcher settle
        marker = f"Benchmark marker {int(time.time())} zq"
        text = src.read_text(encoding="utf-8")
        paras = text.split("\n\n")
        i = max(range(len(paras)), key=lambda j: len(paras[j]))  # the longest paragraph: body text
        paras[i] = paras[i].rstrip() + f" {marker}."
        t0 = time.perf_counter()
        src.write_text("\n\n".join(paras), encoding="utf-8")
        while True:
            status, body = fetch(page)
            if marker in body:
                break
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("the change never showed; see serve.log")
            time.sleep(0.1)
        out["edit_to_page_s"] = time.perf_counter() - t0
        print(f"[serve {n}] first build {out['first_build_s']:.1f} s; edit visible after {out['edit_to_page_s']:.1f} s", flush=True)
    except RuntimeError as exc:
        out["error"] = str(exc)
        print(f"[serve {n}] {exc}", flush=True)
    finally:
        stop_process_group(proc)
        log.close()
    times = re.findall(r"Documentation built in ([\d.]+) seconds", (Path(log.name)).read_text())
    out["mkdocs_reported_builds_s"] = [float(t) for t in times]
    return out


# ---------------------------------------------------------------------------------------
# report

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    import mkdocs
    try:
        from importlib.metadata import version
        mat = version("mkdocs-material")
    except Exception:
        mat = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(ram, 1), "python": platform.python_version(),
            "mkdocs": mkdocs.__version__, "material": mat}


def kb(n: float) -> str:
    return f"{n / 1024:,.1f}"


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f}"


def exponent(t1: float, t2: float, n1: int, n2: int) -> str:
    import math
    if t1 <= 0 or t2 <= 0:
        return "–"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def render_report(results: dict) -> str:
    full = sorted((r for r in results["entries"].values() if r["kind"] == "full"), key=lambda r: r["size"])
    if not full and not any(r["kind"] in ("pipeline", "serve") for r in results["entries"].values()):
        return ""
    pipe = sorted((r for r in results["entries"].values() if r["kind"] == "pipeline"), key=lambda r: r["size"])
    serve = sorted((r for r in results["entries"].values() if r["kind"] == "serve"), key=lambda r: r["size"])
    m = results.get("machine", {})
    lines = ["## Build", ""]
    lines.append(f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gb')} GB RAM, shared and noisy; "
                 f"Python {m.get('python')}, MkDocs {m.get('mkdocs')}, Material {m.get('material')}.")
    lines.append("Only ratios measured in one run mean much here; absolute seconds move with the load of the machine.")
    lines.append("")
    cmds = sorted({(r["date"], r["command"]) for r in results["entries"].values()})
    lines.append("Commands (date, command):")
    lines.append("")
    for d, c in cmds:
        lines.append(f"- {d}: `{c}`")
    lines.append("")
    if full:
        lines += ["### Full builds against plain MkDocs", "",
                  "*Cold*: no URL registry, every URL new. *Rebuild*: the same build again with the registry. "
                  "*Baseline*: the same generated pages as plain Markdown in `docs/`, same theme and plugins, no hooks, "
                  "then the same Pagefind indexing the hooks run (`briefdesk.built.search.index_site`); * marks a baseline run made "
                  "before the runner did that, with the full build's own Pagefind time added. "
                  "Times are of `mkdocs build` inside a fresh process (no interpreter start-up); RSS is the peak of that process.",
                  "",
                  "| briefings | refused | HTML files | cold s | rebuild s | baseline s | **cold / baseline** | peak RSS MB (full / baseline) | files | output MB | median briefing KB | largest page KB | largest listing KB | search data MB | most briefing links on a page |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in full:
            c, b, s = r["cold"], r["baseline"], r["site"]
            b = baseline_with_search(r)
            rb = r.get("rebuild")
            rss = max(c["maxrss_mb"], rb["maxrss_mb"] if rb else 0)
            lines.append(
                f"| {r['size']:,} | {c.get('refusals', '?')} | {s['html_pages']:,} | {c['wall_s']:.1f} | "
                f"{rb['wall_s']:.1f} | " if rb else
                f"| {r['size']:,} | {c.get('refusals', '?')} | {s['html_pages']:,} | {c['wall_s']:.1f} | – | ")
            lines[-1] += (
                f"{b['wall_s']:.1f}{b['note']} | **{c['wall_s'] / b['wall_s']:.2f}**"
                + (f" (rebuild {rb['wall_s'] / b['wall_s']:.2f})" if rb else "")
                + f" | {rss:,.0f} / {b['maxrss_mb']:,.0f} | {s['files']:,} | {mb(s['bytes'])} | {kb(s['briefing_median'])} | "
                f"{kb(s['largest'][0])} (`{s['largest'][1]}`) | {kb(s['largest_listing'][0])} (`{s['largest_listing'][1]}`) | "
                f"{mb(s['search_bytes'])} ({s['search_kind']}) | {s['most_briefing_links'][0]} (`{s['most_briefing_links'][1]}`) |")
        lines.append("")
    if any(r["cold"].get("search_parts") for r in full):
        lines += ["### The search index in the build", "",
                  "Pagefind indexes the briefing pages in parts (`search_part_size`, 4,000), one part at a time, each as "
                  "soon as MkDocs has rendered its briefings (hooks/briefdesk/built/search.py). *Waited*: the build's wait for the "
                  "last parts once every page is written. *Without index*: the same cold build with Pagefind switched "
                  "off, run just after (the build still lays out and stages each briefing's search document, so it is "
                  "slower than a build with no search at all); the difference is what indexing adds (two runs on a "
                  "shared machine: noisy).",
                  "",
                  "| briefings | parts | Pagefind s (wall, from the first part) | Pagefind CPU s | Pagefind peak MB (largest part) | "
                  "waited s | cold s | without index s | indexing adds s |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in full:
            c, bare = r["cold"], r.get("no_index")
            if not c.get("search_parts"):
                continue
            lines.append(f"| {r['size']:,} | {c['search_parts']} | {c['search_s']:.1f} | {c['search_cpu_s']:.1f} | "
                         f"{c['search_peak_mb']:,.0f} | {c['search_waited_s']:.1f} | {c['wall_s']:.1f} | "
                         + (f"{bare['wall_s']:.1f} | {c['wall_s'] - bare['wall_s']:.1f} |" if bare else "– | – |"))
        lines.append("")
    stage_rows = []
    for r in full:
        stage_rows.append((r["size"], "full build (cold)", r["cold"], r["cold"]["wall_s"]))
    for r in pipe:
        stage_rows.append((r["size"], "pipeline only", r["pipeline"], None))
    if stage_rows:
        lines += ["### Pipeline stages", "",
                  "Seconds per stage (`corpus.timings`), measured inside the build; *pipeline* is the time before "
                  "MkDocs can start, *MkDocs* the rest of the build. In a full build the render is only planned "
                  "before MkDocs starts (*render*: the listings' plan, the feeds and redirects); the pages are "
                  "made in the background while MkDocs renders those made already (*render in background*, "
                  "wall time, inside *MkDocs*). The pipeline-only runs render in the foreground.",
                  "",
                  "| briefings | run | " + " | ".join(STAGES) + " | render in background | pipeline | MkDocs | peak RSS MB | pipeline ms / briefing |",
                  "| ---: | --- | " + " | ".join("---:" for _ in STAGES) + " | ---: | ---: | ---: | ---: | ---: |"]
        for n, kind, info, wall in sorted(stage_rows, key=lambda x: (x[0], x[1])):
            t = info.get("timings", {})
            pipe_s = info.get("pipeline_s", 0)
            rest = f"{wall - pipe_s:.1f}" if wall else "–"
            bg = f"{t['render in background']:.2f}" if "render in background" in t else "–"
            lines.append(f"| {n:,} | {kind} | " + " | ".join(f"{t.get(s, 0):.2f}" for s in STAGES)
                         + f" | {bg} | {pipe_s:.1f} | {rest} | {info['maxrss_mb']:,.0f} | {1000 * pipe_s / max(n, 1):.1f} |")
        lines.append("")
        series: dict[str, dict[int, dict]] = {}
        for n, kind, info, _ in stage_rows:
            series.setdefault(kind, {})[n] = info
        cols = STAGES + ["render in background"]
        steps = [(kind, a, b) for kind, by_size in sorted(series.items())
                 for a, b in zip(sorted(by_size), sorted(by_size)[1:])]
        if steps:
            lines += ["Growth exponent k (time ∝ n^k) between consecutive sizes of one kind of run: 1.0 is linear, "
                      "about 1.1 is n log n, 2 is quadratic. In full builds *render* is only the plan (the pages are "
                      "made in the background, next column).", "",
                      "| run | sizes | " + " | ".join(cols) + " | pipeline | full build |",
                      "| --- | --- | " + " | ".join("---:" for _ in cols) + " | ---: | ---: |"]
            for kind, a, b in steps:
                ia, ib = series[kind][a], series[kind][b]
                cells = [exponent(ia["timings"].get(s, 0), ib["timings"].get(s, 0), a, b) for s in cols]
                cells.append(exponent(ia.get("pipeline_s", 0), ib.get("pipeline_s", 0), a, b))
                fa = next((r["cold"]["wall_s"] for r in full if r["size"] == a), 0) if kind.startswith("full") else 0
                fb = next((r["cold"]["wall_s"] for r in full if r["size"] == b), 0) if kind.startswith("full") else 0
                cells.append(exponent(fa, fb, a, b) if fa and fb else "–")
                lines.append(f"| {kind} | {a:,} → {b:,} | " + " | ".join(cells) + " |")
            lines.append("")
    if serve:
        lines += ["### `mkdocs serve`: one article edited", "",
                  "| briefings | first build s | edit → page shows it, s | builds MkDocs reported (s) |", "| ---: | ---: | ---: | --- |"]
        for r in serve:
            lines.append(f"| {r['size']:,} | {r.get('first_build_s', 0):.1f} | "
                         f"{r['edit_to_page_s']:.1f} |" if "edit_to_page_s" in r else
                         f"| {r['size']:,} | {r.get('first_build_s', 0):.1f} | {r.get('error')} |")
            lines[-1] += f" {', '.join(f'{t:.1f}' for t in r.get('mkdocs_reported_builds_s', []))} |"
        lines.append("")
    lines += ["### Targets", ""] + [f"- {t}" for t in targets(full, pipe, serve)] + [""]
    return "\n".join(lines)


def baseline_with_search(r: dict) -> dict:
    """The baseline's figures; when the full build made a Pagefind index and the baseline run
    did not, the full build's own Pagefind time is added (marked *), so both sites have search."""
    b = dict(r["baseline"], note="")
    if r["cold"].get("search_s") and not b.get("search_s"):
        b["wall_s"] = b["wall_s"] + r["cold"]["search_s"]
        b["note"] = "*"
    return b


def targets(full: list, pipe: list, serve: list) -> list[str]:
    out = []
    by = {r["size"]: r for r in full}
    big = by.get(10000) or (full[-1] if full else None)
    if big:
        ratio = big["cold"]["wall_s"] / baseline_with_search(big)["wall_s"]
        rss = max(big["cold"]["maxrss_mb"], big.get("rebuild", {}).get("maxrss_mb", 0))
        out.append(f"Full build at {big['size']:,} within {TARGET_RATIO}x the baseline: {ratio:.2f}x → "
                   + ("met" if ratio <= TARGET_RATIO else "**missed**"))
        bare, plain = big.get("no_index"), big["baseline"]
        if bare and plain.get("search_s"):  # the same comparison with no search index on either side
            plain_s = plain["wall_s"] - plain["search_s"]
            out.append(f"Without a search index on either side at {big['size']:,}: {bare['wall_s']:.1f} s against "
                       f"{plain_s:.1f} s, {bare['wall_s'] / plain_s:.2f}x; the full build (with its search index) against plain "
                       f"MkDocs with none: {big['cold']['wall_s'] / plain_s:.2f}x. The line above compares two sites that "
                       "both have search; these two do not")
            rounds = big.get("ratio_rounds") or []
            if rounds:
                ratios = [bare["wall_s"] / plain_s] + [r["full_s"] / r["plain_s"] for r in rounds]
                mid = sorted(ratios)[len(ratios) // 2] if len(ratios) % 2 else sum(sorted(ratios)[len(ratios) // 2 - 1:len(ratios) // 2 + 1]) / 2
                out.append(f"The same without search, in {len(ratios)} pairs (the one above, then {len(rounds)} more, "
                           f"alternating which build goes first): "
                           + ", ".join(f"{x:.2f}x" for x in ratios) + f"; median {mid:.2f}x → "
                           + ("met" if mid <= TARGET_RATIO else "**missed**"))
        out.append(f"Peak memory at {big['size']:,} within {TARGET_RSS_MB:,} MB: {rss:,.0f} MB → "
                   + ("met" if rss <= TARGET_RSS_MB else "**missed**"))
        c, bare = big["cold"], big.get("no_index")
        if c.get("search_parts"):
            out.append(f"Search indexing at {big['size']:,} within {TARGET_INDEX_MB:,} MB (issue 5): Pagefind's largest part "
                       f"peaked at {c['search_peak_mb']:,.0f} MB → " + ("met" if c["search_peak_mb"] <= TARGET_INDEX_MB else "**missed**"))
            if bare:
                added = c["wall_s"] - bare["wall_s"]
                out.append(f"Indexing adds at most {TARGET_INDEX_S:.0f} s to the build at {big['size']:,} (issue 5): "
                           f"{added:.1f} s (cold build {c['wall_s']:.1f} s, without the index {bare['wall_s']:.1f} s; "
                           f"the build waited {c['search_waited_s']:.1f} s for the last parts) → "
                           + ("met" if added <= TARGET_INDEX_S else "**missed**"))
    if full and len(full) >= 2:
        small, large = full[0], full[-1]
        g = large["site"]["briefing_median"] / small["site"]["briefing_median"] - 1
        out.append(f"Median briefing page at {large['size']:,} within 10% of {small['size']:,}: "
                   f"{kb(small['site']['briefing_median'])} → {kb(large['site']['briefing_median'])} KB ({g:+.1%}) → "
                   + ("met" if abs(g) <= TARGET_PAGE_GROWTH else "**missed**"))
    for r in full:
        size = r["site"]["largest"]
        out.append(f"Largest page at {r['size']:,} under {TARGET_LARGEST_KB} KB: {kb(size[0])} KB (`{size[1]}`) → "
                   + ("met" if size[0] < TARGET_LARGEST_KB * 1024 else "**missed**"))
    out += growth_targets(pipe)
    for r in serve:
        if "edit_to_page_s" in r:
            out.append(f"`mkdocs serve` at {r['size']:,}: edit visible after {r['edit_to_page_s']:.1f} s (target {TARGET_SERVE_S:.0f} s) → "
                       + ("met" if r["edit_to_page_s"] <= TARGET_SERVE_S else "**missed**"))
    return out


def growth_targets(pipe: list) -> list[str]:
    """Each stage's growth over the widest span of pipeline-only runs, against n log n's
    exponent over the same span (plus a little for a shared machine's noise)."""
    import math
    if len(pipe) < 2:
        return []
    a, b = pipe[0], pipe[-1]
    n1, n2 = a["size"], b["size"]
    nlogn = math.log(n2 * math.log(n2) / (n1 * math.log(n1))) / math.log(n2 / n1)
    bound = nlogn + TARGET_GROWTH_SLACK
    ta, tb = a["pipeline"]["timings"], b["pipeline"]["timings"]
    ks = {s: math.log(tb[s] / ta[s]) / math.log(n2 / n1) for s in STAGES if ta.get(s, 0) > 0 and tb.get(s, 0) > 0}
    total = b["pipeline"].get("pipeline_s") or sum(tb.values())
    brief = {s for s in ks if tb[s] < TARGET_GROWTH_MIN_SHARE * total}
    over = [s for s, k in ks.items() if k > bound and s not in brief]
    cells = [f"{s} {k:.2f}" + (f" (not judged: {tb[s]:.2f} s of {total:.0f} s at {n2:,})" if s in brief else "")
             for s, k in ks.items()]
    return [f"Every stage grows linearly or as n log n from {n1:,} to {n2:,} briefings (pipeline only; n log n is "
            f"n^{nlogn:.2f} over this span, allowed up to n^{bound:.2f}; stages under {TARGET_GROWTH_MIN_SHARE:.0%} "
            f"of the pipeline are shown, not judged): " + ", ".join(cells) + " → "
            + ("met" if not over else f"**missed** ({', '.join(over)})")]


def write_section(path: Path, section: str, heading: str = "## Build") -> None:
    """Put `section` in place of the one under `heading` (or at the end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"(?ms)^{re.escape(heading)}\n.*?(?=^## |\Z)")
    build = re.compile(r"(?ms)^## Build\n.*?(?=^## |\Z)")
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text, count=1)
    elif heading != "## Build" and (m := build.search(text)):  # beside the build table
        text = text[:m.end()] + section.rstrip() + "\n\n" + text[m.end():]
    else:
        text = text.rstrip() + "\n\n" + section.rstrip() + "\n"
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def _write_report(path: Path, results: dict) -> None:
    """The "## Build" section and the peers' section, each from the results it has."""
    report = render_report(results)
    if report:
        write_section(path, report)
    peers = render_peers(results)
    if peers:
        write_section(path, peers, PEERS_HEADING)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000], help="full MkDocs builds")
    ap.add_argument("--pipeline-sizes", type=int, nargs="*", default=[], help="build_corpus only, no MkDocs")
    ap.add_argument("--serve-size", type=int, default=0, help="mkdocs serve edit check on this many briefings (0: skip)")
    ap.add_argument("--rebuild-max", type=int, default=1000, help="also time a rebuild (registry in place) up to this size")
    ap.add_argument("--index-cost-min", type=int, default=10000,
                    help="from this size on, also time the cold build without the search index (what indexing adds)")
    ap.add_argument("--ratio-rounds", type=int, default=0,
                    help="at sizes from --index-cost-min: this many more pairs of builds with no search index on "
                         "either side (ours, plain MkDocs), alternating which goes first")
    ap.add_argument("--peer-sizes", type=int, nargs="*", default=[],
                    help="this build against Material's blog + tags + search and plain MkDocs, on the same articles")
    ap.add_argument("--peer-rounds", type=int, default=3, help="runs of each build (median)")
    ap.add_argument("--peers", nargs="*", choices=PEER_KINDS, default=list(PEER_KINDS),
                    help="which peers to build beside ours (default: all)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=HERE / "out", help="scratch folder (default bench/out/, git-ignored)")
    ap.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    ap.add_argument("--fresh", action="store_true", help="forget earlier results in WORK/results.json")
    ap.add_argument("--keep", action="store_true", help="keep the generated projects")
    ap.add_argument("--report-only", action="store_true", help="rewrite the report from WORK/results.json, measure nothing")
    a = ap.parse_args(argv)

    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    store = work / "results.json"
    results = json.loads(store.read_text()) if store.exists() and not a.fresh else {"entries": {}}
    results["machine"] = machine()
    command = "python bench/run_benchmark.py " + " ".join(shlex.quote(x) for x in (argv if argv is not None else sys.argv[1:]))
    date = _dt.date.today().isoformat()

    def save(key: str, entry: dict) -> None:
        entry["command"] = command
        entry["date"] = date
        if store.exists():  # another run may share this folder: keep its entries
            results["entries"] = {**json.loads(store.read_text())["entries"], **results["entries"]}
        results["entries"][key] = entry
        store.write_text(json.dumps(results, indent=1))
        _write_report(a.output, results)

    if a.report_only:
        a.sizes, a.pipeline_sizes, a.serve_size, a.peer_sizes = [], [], 0, []
    for n in a.sizes:
        save(f"full:{n}", run_full(n, a.seed, work, rebuild=n <= a.rebuild_max, index_cost=n >= a.index_cost_min,
                                   ratio_rounds=a.ratio_rounds))
    for n in a.peer_sizes:
        save(f"peers:{n}", run_peers(n, a.seed, work, a.peer_rounds, tuple(a.peers)))
    for n in a.pipeline_sizes:
        save(f"pipeline:{n}", run_pipeline(n, a.seed, work))
    if a.serve_size:
        save(f"serve:{a.serve_size}", run_serve(a.serve_size, a.seed, work))
    if not a.keep:
        for n in a.sizes:
            shutil.rmtree(work / f"full-{n}", ignore_errors=True)
        for n in a.pipeline_sizes:
            shutil.rmtree(work / f"pipeline-{n}", ignore_errors=True)
        for n in a.peer_sizes:
            shutil.rmtree(work / f"peers-{n}", ignore_errors=True)
        if a.serve_size:
            shutil.rmtree(work / f"serve-{a.serve_size}", ignore_errors=True)
    _write_report(a.output, results)
    print(render_report(results) + "\n" + render_peers(results))
    print(f"(written to {a.output})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
