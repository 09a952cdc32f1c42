"""Search stage: the site's search index, built by Pagefind over the written site.

    index_site(site_dir, log)   run Pagefind over site_dir; the bundle goes to site_dir/pagefind/
    finish_bundle(bundle_dir)   what index_site does after Pagefind: same bytes for the same
                                site, a smaller metadata file, the browser's warm-up word
    variant_terms(briefing)     other spellings of its places and actors, for the index only

Pagefind (PyPI `pagefind` + `pagefind-bin`, which ships the binary) reads the built HTML:
only elements inside `data-pagefind-body` are indexed (docs/overrides/main.html puts it
on briefing pages only), and the `data-pagefind-filter/meta/sort/weight` attributes that
render.py writes give the facets (topic, place, actor, year, outlet), the date sort and
the weights. The browser side is docs/assets/search.js.

Plain Python: no MkDocs import. A failure is logged as one warning line and the site is
kept (it is still usable without search).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import sys
import time
from pathlib import Path
from typing import Any

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
        from .listing import ALL_URL

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


_BACKGROUND: dict[str, subprocess.Popen] = {}


def _lower_priority() -> None:  # in the child, before Pagefind starts
    os.nice(10)


def index_site_in_background(site_dir: Path, log: Any = None, glob: str | None = None) -> None:
    """For `mkdocs serve`: start Pagefind and return at once, so an edited page shows
    without waiting for the index (search catches up a few seconds later). A run still
    going from the previous rebuild is stopped first. It runs at a lower priority, so the
    next rebuild after an edit does not wait for the index of the last one."""
    log = log or _log
    site_dir = Path(site_dir)
    previous = _BACKGROUND.pop(str(site_dir), None)
    if previous is not None and previous.poll() is None:
        previous.kill()
        previous.wait()
    out = site_dir / BUNDLE_DIR
    if out.exists():
        shutil.rmtree(out, ignore_errors=True)
    try:
        _BACKGROUND[str(site_dir)] = subprocess.Popen(
            command(site_dir, glob), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_lower_priority if hasattr(os, "nice") else None,
        )
    except OSError as exc:
        log.warning("Search index not built: Pagefind could not run (%s); install pagefind-bin", exc)
        return
    log.info("Search index: Pagefind is indexing in the background (search works once it is done)")


def indexed_page(dest_uri: str) -> bool:
    """Whether Pagefind reads this built page (the default ``--glob`` of :func:`command`)."""
    from .listing import ALL_URL

    parts = dest_uri.split("/")
    return len(parts) == 3 and parts[0] == ALL_URL.strip("/") and parts[2] == "index.html"


def start_index(site_dir: Path, log: Any = None, glob: str | None = None) -> tuple[subprocess.Popen, float] | None:
    """Start Pagefind on the site folder and return at once (None when it cannot run).
    The build starts it as soon as the last page it reads is written, so indexing runs on
    the second core while MkDocs writes the remaining pages; :func:`finish_index` waits."""
    log = log or _log
    site_dir = Path(site_dir)
    out = site_dir / BUNDLE_DIR
    if out.exists():  # a previous bundle (mkdocs serve rebuilds into the same folder)
        shutil.rmtree(out, ignore_errors=True)
    output = tempfile.TemporaryFile()  # not a pipe: nobody reads it until Pagefind is done
    try:
        proc = subprocess.Popen(command(site_dir, glob), stdout=output, stderr=subprocess.STDOUT)
    except OSError as exc:
        output.close()
        log.warning("Search index not built: Pagefind could not run (%s); install pagefind-bin", exc)
        return None
    proc.bd_output = output  # type: ignore[attr-defined]
    return proc, time.perf_counter()


def finish_index(started: tuple[subprocess.Popen, float] | None, site_dir: Path, log: Any = None) -> bool:
    """Wait for a Pagefind run from :func:`start_index`; finish its bundle. True when written."""
    log = log or _log
    if started is None:
        return False
    proc, t0 = started
    output = proc.bd_output  # type: ignore[attr-defined]
    waited = time.perf_counter()
    try:
        proc.wait(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        output.close()
        log.warning("Search index not built: Pagefind took longer than %d s", TIMEOUT_S)
        return False
    output.seek(0)
    text = output.read().decode("utf-8", "replace")
    output.close()
    out = Path(site_dir) / BUNDLE_DIR
    if proc.returncode != 0 or not (out / "pagefind.js").exists():
        detail = " ".join((text or "no output").split())[-300:]
        log.warning("Search index not built: Pagefind exited with %s: %s", proc.returncode, detail)
        return False
    waited = time.perf_counter() - waited
    finish_bundle(out)
    log.info("Search index: Pagefind indexed the briefings in %.1f s (%s/); the build waited %.1f s for it",
             time.perf_counter() - t0, BUNDLE_DIR, waited)
    return True


def index_site(site_dir: Path, log: Any = None, glob: str | None = None) -> bool:
    """Index the built site with Pagefind. Returns True when the bundle was written."""
    return finish_index(start_index(site_dir, log, glob), site_dir, log)


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
    """Choose a word for the browser to search as soon as the engine has loaded, before the
    reader's first query, and write it to <bundle>/bd-warmup.json ({"term": word}).

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
    if best is None:
        return None
    (out / WARMUP_FILE).write_text(json.dumps({"term": best[1]}), encoding="utf-8")
    return best[1]


# --------------------------------------------------------------------------- variants


def _vocabulary_for(b) -> Any:
    """The vocabulary the briefing was classified with (taxonomy caches it per editorial folder)."""
    from . import taxonomy

    loaded = [vocab for _digest, vocab in taxonomy._VOCAB.values()]
    if len(loaded) == 1:
        return loaded[0]
    for vocab in reversed(loaded):  # several folders in one process (tests): the one that knows these labels
        if all(
            (entry := vocab.entry(cat, it["id"])) is not None and entry.name == it["name"]
            for cat, items in (("places", b.regions), ("actors", b.actors))
            for it in items
        ):
            return vocab
    return None


def variant_terms(b) -> list[str]:
    """Every spelling in the gazetteer (places.yml, actors.yml) of the briefing's places and
    actors other than the name shown, deduplicated, in label order."""
    if not (b.regions or b.actors):
        return []
    vocab = _vocabulary_for(b)
    if vocab is None:
        return []
    seen: set[str] = set()
    out: list[str] = []
    for cat, items in (("places", b.regions), ("actors", b.actors)):
        for it in items:
            entry = vocab.entry(cat, it["id"])
            if entry is None:
                continue
            seen.add(entry.name.casefold())
            for v in getattr(entry, "variants", ()):
                key = v.casefold()
                if key not in seen:
                    seen.add(key)
                    out.append(v)
    return out
