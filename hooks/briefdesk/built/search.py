"""Search stage: the site's search index, built by Pagefind over the written site.

    plan_parts(briefings, size) the briefing pages in index parts of at most `size`, oldest first
    PartedIndex                 Pagefind over each part as soon as its briefings are rendered,
                                one run at a time; the bundles go to site_dir/pagefind/<n>/ and
                                pagefind/bd-search.json lists them, newest first
    index_site(site_dir, log)   one Pagefind run over the whole site, into site_dir/pagefind/
                                (what a plain site would run: the benchmark's baseline)
    finish_bundle(bundle_dir)   what index_site does after Pagefind: same bytes for the same
                                site, a smaller metadata file, the browser's warm-up word
    variant_terms(briefing)     other spellings of its places and actors, for the index only

Pagefind (PyPI `pagefind` + `pagefind-bin`, which ships the binary) reads the built HTML:
only elements inside `data-pagefind-body` are indexed (docs/overrides/main.html puts it
on briefing pages only), and the `data-pagefind-filter/meta/sort/weight` attributes that
render.py writes give the facets (topic, place, actor, year, outlet), the date sort and
the weights. The browser side is docs/assets/search.js.

Why parts: Pagefind holds every indexed word of every page in memory (about 600 KB a
briefing here), so one run over 10,000 briefings needs 5.7 GB and a minute on one core. In
parts of 4,000 (`extra.briefdesk.search_part_size`) a run needs at most about 2.4 GB, each
part is indexed on the second core while MkDocs renders the next part's briefings, and the
browser answers from the newest part first: what reaches the browser before the first
result does not grow with the archive. A part is a run of briefings by date, oldest first,
so new briefings land in the newest part and older parts keep their members.

Plain Python: no MkDocs import. A failure is logged as one warning line and the site is
kept (it is still usable without search).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Briefing
from ..text import ALL_URL

BUNDLE_DIR = "pagefind"
# Parts of a briefing page that are not the briefing: labels, paragraph numbers, permalink
# marks, the editorial record, related briefings (other briefings' titles), the citation box.
EXCLUDE = ", ".join([
    ".headerlink", ".bd-para__num", ".bd-meta dt", ".bd-note", ".bd-summary__label", ".bd-chips__label",
    ".bd-derived", ".bd-caption__label", ".bd-audit", "#related-briefings", ".bd-related",
    "#cite-this-briefing", ".bd-cite", ".bd-version", ".bd-superseded",
])
TIMEOUT_S = 3600

_log = logging.getLogger(__name__)


def command(site_dir: Path, glob: str | None = None) -> list[str]:
    """The Pagefind command line for a site folder."""
    if glob is None:
        # a briefing is briefings/<slug>/index.html: listing pages (briefings/page/<n>/) and
        # superseded versions (briefings/<slug>/v<n>/) are not results, and are not even read
        glob = f"{ALL_URL.strip('/')}/*/index.html"
    return [
        sys.executable, "-m", "pagefind",
        "--site", str(site_dir),
        "--output-subdir", BUNDLE_DIR,
        "--exclude-selectors", EXCLUDE,
        "--glob", glob,  # briefing pages only: listings, redirects and downloads are not read
        "--force-language", "en",  # one index, whatever a page's lang says
        "--quiet",
    ]


def _lower_priority() -> None:  # in the child, before Pagefind starts
    os.nice(10)


def index_site(site_dir: Path, log: Any = None, glob: str | None = None) -> bool:
    """One Pagefind run over the whole built site, as a plain site would index itself (the
    benchmark's baseline; the build indexes in parts, see :class:`PartedIndex`). The bundle
    goes to site_dir/pagefind/. Returns True when it was written."""
    log = log or _log
    site_dir = Path(site_dir)
    out = site_dir / BUNDLE_DIR
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(command(site_dir, glob), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=TIMEOUT_S)
    except OSError as exc:
        log.warning("Search index not built: Pagefind could not run (%s); install pagefind-bin", exc)
        return False
    except subprocess.TimeoutExpired:
        log.warning("Search index not built: Pagefind took longer than %d s", TIMEOUT_S)
        return False
    if proc.returncode != 0 or not (out / "pagefind.js").exists():
        detail = " ".join((proc.stdout.decode("utf-8", "replace") or "no output").split())[-300:]
        log.warning("Search index not built: Pagefind exited with %s: %s", proc.returncode, detail)
        return False
    finish_bundle(out)
    log.info("Search index: Pagefind indexed the site in %.1f s (%s/)", time.perf_counter() - t0, BUNDLE_DIR)
    return True


# --------------------------------------------------------------------------- the index in parts

PART_SIZE = 4000
MANIFEST = "bd-search.json"
# Pagefind's own user interfaces: the site has its own (docs/assets/search.js)
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


@dataclass
class IndexedPage:
    """What :func:`plan_parts` reads of a briefing (a Briefing has the same fields): its id,
    which breaks ties between dates, its date and its URL."""
    id: str
    date: str | None
    url: str

    sort_key = Briefing.sort_key


_SORT_DATE = re.compile(rb'data-pagefind-sort="date:([^"]*)"')


def pages_of_site(site_dir: Path) -> list[IndexedPage]:
    """The current briefings of a built site with their dates, read from the pages (the date
    Pagefind sorts by; undated pages say 0000), for indexing a site again without its
    sources. The slug stands in for the id."""
    root = Path(site_dir) / ALL_URL.strip("/")
    out = []
    for page in sorted(root.glob("*/index.html")):
        if page.parent.name == "page":  # the All briefings listing's own pages
            continue
        m = _SORT_DATE.search(page.read_bytes())
        date = m.group(1).decode() if m else "0000"
        out.append(IndexedPage(page.parent.name, None if date == "0000" else date, f"{ALL_URL.strip('/')}/{page.parent.name}/"))
    return out


def plan_parts(briefings: Any, size: int = PART_SIZE) -> list[list[str]]:
    """The briefing pages (``briefings/<slug>/index.html``) in parts of at most `size`:
    oldest first (undated ones first of all), so the last part holds the newest briefings
    and a new briefing usually changes only the last part. Deterministic."""
    size = max(1, int(size))
    ordered = sorted(briefings, key=lambda b: b.sort_key(), reverse=True)  # sort_key is newest first
    pages = [b.url + "index.html" for b in ordered]
    return [pages[i:i + size] for i in range(0, len(pages), size)]


def part_command(pages_dir: Path, out: Path) -> list[str]:
    """The Pagefind command line for one part: its pages (a folder laid out like the site) in,
    its bundle out."""
    return [
        sys.executable, "-m", "pagefind",
        "--site", str(pages_dir),
        "--output-path", str(out),
        "--exclude-selectors", EXCLUDE,
        "--force-language", "en",
        "--quiet",
    ]


def search_document(body_html: str, title: str = "") -> str:
    """What Pagefind reads for a briefing handed over by the build: its rendered content in
    `data-pagefind-body`, laid out as the theme's content block does (Material's
    partials/content.html adds an h1 with the page title when the content has none)."""
    heading = "" if "<h1" in body_html else f"<h1>{html.escape(title)}</h1>\n"
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>\n'
            f"<body><div data-pagefind-body>{heading}{body_html}</div></body>\n</html>\n")


class PartedIndex:
    """Pagefind over the briefing pages, part by part (see the module's docstring).

    The build calls :meth:`add_page` with each briefing's content as soon as MkDocs has
    rendered it, :meth:`page_written` for each page as MkDocs is about to write it, and
    :meth:`poll` between pages: a part starts once all its briefings are at hand (handed
    over, or else written) and no other part is being indexed (one Pagefind at a time, so
    memory stays that of one part). Then :meth:`finish` indexes what is left, waits, and
    writes the manifest. `mkdocs serve` calls :meth:`finish_in_background` after its build
    instead, and Pagefind reads the written pages."""

    def __init__(self, site_dir: Path, parts: list[list[str]], log: Any = None, nice: bool = False):
        self.site_dir = Path(site_dir)
        self.out = self.site_dir / BUNDLE_DIR
        self.parts = [list(p) for p in parts if p]
        self.log = log or _log
        self.nice = nice
        self._left = [len(p) for p in self.parts]
        self._part_of = {uri: i for i, p in enumerate(self.parts) for uri in p}
        self._staged = [0 for _ in self.parts]  # briefings handed over by add_page, per part
        self._due: list[int] = []     # parts whose last page MkDocs is writing now
        self._ready: list[int] = []   # parts with every briefing at hand, not started
        self._queued: set[int] = set()  # parts in _ready, started or done
        self._proc: subprocess.Popen | None = None
        self._current = -1
        self._stage: Path | None = None
        self._output: Any = None
        self._failed: str | None = None
        self._killed = False
        self._thread: threading.Thread | None = None  # finish_in_background's
        self._t0: float | None = None
        self._cleared = False
        self.waited = 0.0
        self.cpu_s = 0.0        # Pagefind's CPU time, all parts
        self.peak_rss_mb = 0.0  # the largest part's peak memory

    def part_of(self, dest_uri: str) -> int | None:
        return self._part_of.get(dest_uri)

    def add_page(self, dest_uri: str, body_html: str, title: str = "") -> None:
        """A briefing's content, as MkDocs has just rendered it (long before it writes the
        page): Pagefind reads it as :func:`search_document` lays it out, the same content the
        written page holds in its `data-pagefind-body` (docs/overrides/main.html), so a part
        is indexed while MkDocs renders the next ones."""
        i = self._part_of.get(dest_uri)
        if i is None or i in self._queued:
            return
        self._clear_once()
        path = self.out / f".part-{i}-pages" / dest_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(search_document(body_html, title), encoding="utf-8")
        self._staged[i] += 1
        if self._staged[i] == len(self.parts[i]):
            self._queue(i)

    def page_written(self, dest_uri: str) -> None:
        """MkDocs writes this page when its on_post_page hooks return."""
        i = self._part_of.get(dest_uri)
        if i is None or i in self._queued:
            return
        self._left[i] -= 1
        if self._left[i] == 0:
            self._due.append(i)

    def _queue(self, i: int) -> None:
        if i not in self._queued:
            self._queued.add(i)
            self._ready.append(i)

    def poll(self) -> None:
        """Between two pages: pages announced are on disk; start the next part if none runs."""
        for i in self._due:
            self._queue(i)
        self._due.clear()
        if self._proc is not None and self._reap(block=False) is not None:
            self._end_part()
        if self._proc is None and self._ready and self._failed is None and not self._killed:
            self._start_part(self._ready.pop(0))

    def finish(self) -> bool:
        """Every page is on disk: index the parts not yet indexed, wait, write the manifest.
        True when the whole index was written; otherwise one warning and no bundle."""
        waited = time.perf_counter()
        for i in range(len(self.parts)):
            self._queue(i)
        self._due.clear()
        while not self._killed:
            if self._proc is not None:
                self._end_part(wait=True)
            if self._failed is not None or not self._ready:
                break
            self._start_part(self._ready.pop(0))
        if self._killed:
            return False
        self.waited = time.perf_counter() - waited
        if self._failed is not None:
            self.log.warning("Search index not built: %s", self._failed)
            shutil.rmtree(self.out, ignore_errors=True)
            return False
        self._clear_once()
        self.out.mkdir(parents=True, exist_ok=True)
        newest = len(self.parts) - 1
        manifest = {
            "parts": [f"{i}/" for i in range(newest, -1, -1)],  # newest first: the browser asks them in this order
            "briefings": [len(self.parts[i]) for i in range(newest, -1, -1)],
            "warmup": choose_warmup(self.out / str(newest)) if self.parts else None,
        }
        (self.out / MANIFEST).write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        took = time.perf_counter() - self._t0 if self._t0 is not None else 0.0
        self.log.info("Search index: Pagefind indexed %d briefings in %d part(s) in %.1f s (%.1f s of CPU, at most %.0f MB) "
                      "into %s/; the build waited %.1f s for it", sum(len(p) for p in self.parts), len(self.parts), took,
                      self.cpu_s, self.peak_rss_mb, BUNDLE_DIR, self.waited)
        return True

    def finish_in_background(self, previous: "PartedIndex | None" = None) -> threading.Thread:
        """For `mkdocs serve`: index every part in a thread, at a lower priority, and return at
        once, so an edited page shows without waiting for the index (search catches up a few
        seconds later). ``previous``, the previous build's run (the adapter keeps it), is
        stopped if it is still going."""
        if previous is not None:
            previous.kill(wait=False)  # the build goes on at once: this run's thread waits for it to end
        self.nice = True

        def index() -> None:
            if previous is not None:
                previous.wait_stopped()  # both write the site's pagefind/
            self.finish()

        thread = self._thread = threading.Thread(target=index, name="briefdesk-search", daemon=True)
        thread.start()
        return thread

    def kill(self, wait: bool = True) -> None:
        """Stop indexing (the build failed, or a newer build replaces this one); with
        ``wait``, until Pagefind has exited."""
        self._killed = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            if wait:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass

    def wait_stopped(self) -> None:
        """Once killed: until its background run has ended (its Pagefind reaped)."""
        thread = self._thread
        while thread is not None and thread.is_alive():
            self.kill(wait=False)  # a part started just as it was killed
            thread.join(0.2)
        self.kill()

    # ------------------------------------------------------------------ one part

    def _reap(self, block: bool, timeout: float | None = None) -> int | None:
        """The running part's exit code once it has ended (None while it runs), noting its CPU
        time and peak memory (what os.wait4 reports of the Pagefind process)."""
        proc = self._proc
        assert proc is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while proc.returncode is None:
            try:
                pid, status, usage = os.wait4(proc.pid, 0 if block and deadline is None else os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere
                return proc.poll()
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                self.cpu_s += usage.ru_utime + usage.ru_stime
                self.peak_rss_mb = max(self.peak_rss_mb, usage.ru_maxrss / 1024)
                break
            if not block or (deadline is not None and time.monotonic() > deadline):
                return None
            time.sleep(0.05)
        return proc.returncode

    def _clear_once(self) -> None:
        if not self._cleared:  # a previous bundle (mkdocs serve rebuilds into the same folder)
            self._cleared = True
            shutil.rmtree(self.out, ignore_errors=True)

    def _start_part(self, i: int) -> None:
        if self._t0 is None:
            self._t0 = time.perf_counter()
        self._clear_once()
        # Pagefind reads a folder laid out like the site, so each result's URL is the page's
        # URL in the site: the documents add_page wrote, or else the written pages, linked
        # (or copied) there
        stage = self.out / f".part-{i}-pages"
        staged = self._staged[i] == len(self.parts[i])
        if not staged:
            shutil.rmtree(stage, ignore_errors=True)
        for uri in [] if staged else self.parts[i]:
            src = self.site_dir / uri
            if not src.is_file():
                continue
            dst = stage / uri
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
        stage.mkdir(parents=True, exist_ok=True)
        output = tempfile.TemporaryFile()  # not a pipe: nobody reads it until Pagefind is done
        try:
            proc = subprocess.Popen(part_command(stage, self.out / str(i)), stdout=output, stderr=subprocess.STDOUT,
                                    preexec_fn=_lower_priority if self.nice and hasattr(os, "nice") else None)
        except OSError as exc:
            output.close()
            shutil.rmtree(stage, ignore_errors=True)
            self._failed = f"Pagefind could not run ({exc}); install pagefind-bin"
            return
        self._proc, self._current, self._stage, self._output = proc, i, stage, output

    def _end_part(self, wait: bool = False) -> None:
        proc, i, output = self._proc, self._current, self._output
        assert proc is not None
        if wait and self._reap(block=True, timeout=TIMEOUT_S) is None:
            proc.kill()
            self._reap(block=True)
        self._proc, self._current = None, -1
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
        output.close()
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None
        if self._killed:
            return
        bundle = self.out / str(i)
        if proc.returncode != 0 or not (bundle / "pagefind.js").exists():
            detail = " ".join((text or "no output").split())[-300:]
            self._failed = f"Pagefind exited with {proc.returncode} on part {i}: {detail}"
            return
        normalise_bundle(bundle)
        for name in _UNUSED:
            (bundle / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- reproducible bundle


def finish_bundle(out: Path) -> None:
    """What the build does to Pagefind's output: normalise_bundle, then write_warmup."""
    normalise_bundle(out)
    write_warmup(out)


_SIGNATURE = b"pagefind_dcd"


def _read_chunk(path: Path) -> Any:
    import cbor2

    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind chunk")
    return cbor2.loads(data[len(_SIGNATURE):])


def _chunk_bytes(value: Any) -> bytes:
    import cbor2

    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(_SIGNATURE + cbor2.dumps(value))
    return buf.getvalue()


def normalise_bundle(out: Path) -> None:
    """Make Pagefind's bundle the same bytes for the same site, and its metadata smaller.

    - Pagefind writes each filter's values in hash-map order, which changes from run to run,
      and names the filter chunks, the metadata file and the entry point's reference after
      that content: sort the values, rewrite the chunks (gzip without a timestamp), and
      rename them after their new content. Index chunks are already deterministic.
    - The metadata file, which every search downloads first, lists each page's fragment by a
      7-hex-digit content hash: about 7.5 of its 11 bytes a page once compressed (75 KB of
      107 KB at 10,000 briefings). The fragments move to fragment/<digest>/<n>.pf_fragment,
      n the page's number in hex, <digest> a hash of all the old names: consecutive names
      compress to about 2 bytes a page, and any change to any fragment still gives every
      fragment a new URL, so a cached fragment is never served for another page.
    - Each page's word count (used only to weigh a match by the page's length) is kept to two
      significant digits (1,954 -> 2,000): at most 2.5 % off, under 2 % in a score, and
      12 KB less of metadata at 10,000 briefings."""
    entry_path = out / "pagefind-entry.json"
    if not entry_path.exists():
        return
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry.get("languages", {}).items()):
        meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        filters = meta[3]
        renamed = []
        for name, chunk_hash in filters:
            chunk_path = out / "filter" / f"{chunk_hash}.pf_filter"
            filter_name, values = _read_chunk(chunk_path)
            data = _chunk_bytes([filter_name, sorted(values, key=lambda v: v[0])])
            new_hash = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
            chunk_path.unlink()
            (out / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            renamed.append([name, new_hash])
        meta[3] = sorted(renamed)
        _compact_fragment_names(out / "fragment", meta[1], language)
        for page in meta[1]:
            page[1] = _two_digits(page[1])
        data = _chunk_bytes(meta)
        new_meta = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        meta_path.unlink()
        (out / f"pagefind.{new_meta}.pf_meta").write_bytes(data)
        info["hash"] = new_meta
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _two_digits(n: int) -> int:
    """n rounded to two significant digits (halves up): 1954 -> 2000, 87 -> 87, 1050 -> 1100."""
    if n < 100:
        return n
    unit = 10 ** (len(str(n)) - 2)
    return (n + unit // 2) // unit * unit


def _compact_fragment_names(folder: Path, pages: list, language: str) -> None:
    """Rename the fragments listed in the metadata's pages ([hash, word count] each) to
    <digest>/<page number in hex>, in place. Pages with identical fragments share one hash
    in Pagefind's output, and keep sharing one file."""
    if not pages or any("/" in page[0] for page in pages):
        return  # already renamed
    digest = hashlib.sha256("\n".join(page[0] for page in pages).encode("utf-8")).hexdigest()[:10]
    target = folder / f"{language}_{digest}"
    target.mkdir(exist_ok=True)
    new_names: dict[str, str] = {}
    for number, page in enumerate(pages):
        old = page[0]
        if old not in new_names:
            new_names[old] = f"{language}_{digest}/{number:x}"
            os.replace(folder / f"{old}.pf_fragment", folder / f"{new_names[old]}.pf_fragment")
        page[0] = new_names[old]


# --------------------------------------------------------------------------- warm-up

WARMUP_FILE = "bd-warmup.json"


def write_warmup(out: Path) -> str | None:
    """Write <bundle>/bd-warmup.json ({"term": word}) with :func:`choose_warmup`'s word."""
    term = choose_warmup(out)
    if term is not None:
        (out / WARMUP_FILE).write_text(json.dumps({"term": term}), encoding="utf-8")
    return term


def choose_warmup(out: Path) -> str | None:
    """A word for the browser to search as soon as the engine has loaded, before the
    reader's first query (None when the bundle has none).

    Pagefind's WebAssembly answers its first query about twice as slowly as the next ones
    (measured at 10,000 briefings: 1.5 s, then 0.8 s for the same query), whatever the
    words; one search of any common word removes that. The word is the commonest one
    (in the most briefings) in the smallest index chunks that hold a word found in a
    quarter of the briefings (or 500), so the warm-up costs one small chunk (9 KB at
    10,000). Deterministic: ties go to the chunk's name and the word."""
    entry_path = out / "pagefind-entry.json"
    if not entry_path.exists():
        return None
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    best: tuple[int, str] | None = None
    for _language, info in sorted(entry.get("languages", {}).items()):
        meta = _read_chunk(out / f"pagefind.{info['hash']}.pf_meta")
        enough = min(500, max(1, len(meta[1]) // 4))
        # the browser searches a word as a prefix: one that begins the next chunk's range
        # would fetch that chunk too
        next_from = {h: (meta[2][i + 1][0] if i + 1 < len(meta[2]) else "") for i, (_f, _t, h) in enumerate(meta[2])}
        chunks = sorted(((out / "index" / f"{h}.pf_index").stat().st_size, h) for _from, _to, h in meta[2])
        for _size, chunk_hash in chunks[:50]:
            for word, pages, *_rest in _read_chunk(out / "index" / f"{chunk_hash}.pf_index")[0]:
                if (len(word) >= 4 and word.isascii() and word.isalpha()
                        and not next_from[chunk_hash].startswith(word)):
                    if best is None or len(pages) > best[0]:
                        best = (len(pages), word)
            if best is not None and best[0] >= enough:
                break
        break  # one language: the site's
    return None if best is None else best[1]


# --------------------------------------------------------------------------- variants
