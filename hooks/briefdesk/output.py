"""Where the generated Markdown pages go: a dict in memory, or a folder on disk.

The pipeline hands every page it renders to an output the moment it is rendered
(`out.put(src, markdown)`), so it never has to hold the whole site's Markdown at once.

* :class:`MemoryPages` keeps them in a dict (the default: tests, small corpora,
  ``python -m hooks.briefdesk``).
* :class:`PackPages` writes them one after another into one file of a build-cache folder
  (``<kind>.pack``, with ``<kind>.manifest.json`` saying where each is), which the MkDocs
  hooks read each page from. One file, not one a page: creating some 75,000 small files
  and their folders took a third of the pipeline's time at 10,000 briefings. It
  remembers the last build's content hashes, so ``changed(src)`` tells
  ``mkdocs serve --dirty`` which pages an edit really changed.
* :class:`FolderPages` writes them to a build-cache folder as files (the hooks' pages
  filled in from hand-written ones). Two things follow from either:

  - memory: neither the pipeline nor MkDocs' ``File`` objects keep a copy of every
    page's Markdown; MkDocs reads each page from the folder when it renders it;
  - ``mkdocs serve --dirty``: a page file is rewritten only when its text changed
    (a manifest of content hashes, ``<kind>.manifest.json``, remembers the last build), so its
    modification time tells MkDocs which pages an edit really changed. Pages that are no
    longer generated are removed (a pack holds only this build's).

Both are read-only mappings ``{source path: markdown}`` once the build is done.

:class:`Memo` keeps pieces of pages made from briefings (a listing's entry, a feed) from
one build to the next in one process, so that after an edit only the pieces made from the
changed briefings are made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_FORMAT = 1
_PACK_FORMAT = 1


class MemoryPages(dict):
    """A plain dict, with the output interface."""

    def put(self, src: str, text: str) -> None:
        self[src] = text

    def finish(self) -> None:
        pass


def _read_manifest(path: Path, fmt: int, key: str) -> dict[str, Any] | None:
    """What an output's finish() recorded, or None when it is missing, damaged or of
    another format (the next build then starts afresh)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != fmt or not isinstance(data.get(key), dict):
        return None
    return data[key]


class _Writable:
    """``out[src] = text`` and ``out.update({...})`` for an output that has ``put``."""

    def put(self, src: str, text: str) -> None:
        raise NotImplementedError

    def __setitem__(self, src: str, text: str) -> None:
        self.put(src, text)

    def update(self, items: Mapping[str, str]) -> None:
        for src, text in items.items():
            self.put(src, text)


class FolderPages(_Writable, Mapping[str, str]):
    """Files written to ``root/<kind>/<path>``, each only when its text changed.

    The hooks use it for the hand-written pages whose placeholders they fill in (kind
    ``filled``); the pipeline's pages, heads and exports go to :class:`PackPages`."""

    def __init__(self, root: Path, kind: str = "pages") -> None:
        self.root = Path(root)
        self.kind = kind
        self._made: set[str] = set()
        self.folder = self.root / kind
        self._manifest = self.root / f"{kind}.manifest.json"
        self._hashes: dict[str, str] = {}
        self.written = 0
        self._previous = _read_manifest(self._manifest, _FORMAT, "pages")
        if self._previous is None:  # unknown state: start from an empty folder
            shutil.rmtree(self.folder, ignore_errors=True)
            self._previous = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        # until finish() records this build, the folder's state is unknown to the next one
        self._manifest.unlink(missing_ok=True)

    def put(self, src: str, text: str) -> None:
        data = text.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        self._hashes[src] = digest
        path = self.path(src)
        if self._previous.get(src) == digest and os.path.isfile(path):
            return
        folder = os.path.dirname(path)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        with open(path, "wb") as f:  # no manifest on disk until finish(): a crash leaves none
            f.write(data)
        self.written += 1

    def keep(self, src: str) -> bool:
        """Carry a file over from the last build unchanged (its producer was not run again).
        False when there is nothing to carry over: the caller must produce it."""
        digest = self._previous.get(src)
        if digest is None or not os.path.isfile(self.path(src)):
            return False
        self._hashes[src] = digest
        return True

    def finish(self) -> None:
        """Remove pages no longer generated; remember this build's hashes."""
        for src in self._previous.keys() - self._hashes.keys():
            try:
                os.unlink(self.path(src))
            except FileNotFoundError:
                pass
        manifest = {"format": _FORMAT, "pages": dict(sorted(self._hashes.items()))}
        tmp = self._manifest.with_name(self._manifest.name + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=0), encoding="utf-8")
        os.replace(tmp, self._manifest)
        self._previous = dict(self._hashes)

    def clear(self) -> None:
        """Forget the list of pages (the files stay: MkDocs reads them)."""
        self._hashes = {}

    def path(self, src: str) -> str:
        return f"{self.folder}/{src}"

    def __getitem__(self, src: str) -> str:
        if src not in self._hashes:
            raise KeyError(src)
        with open(self.path(src), "rb") as f:  # byte for byte: no newline translation
            return f.read().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._hashes)

    def __len__(self) -> int:
        return len(self._hashes)


def _pack_entries(files: dict[str, Any] | None) -> dict[str, tuple[int, int, str]]:
    """A pack manifest's files as (offset, length, digest), or nothing when any is damaged."""
    try:
        entries = {src: (int(e[0]), int(e[1]), str(e[2])) for src, e in (files or {}).items() if len(e) == 3}
    except (TypeError, ValueError, IndexError):
        return {}
    return entries if len(entries) == len(files or {}) else {}


def _lock(path: Path) -> Any:
    """An open file holding an exclusive lock on ``path`` (closing it unlocks), or None
    when another holds it. Without fcntl (not POSIX) there is no lock: a file is returned."""
    f = open(path, "ab")
    try:
        import fcntl
    except ImportError:
        return f
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return f


class PackPages(_Writable, Mapping[str, str]):
    """Files of one kind written one after another into ``root/<kind>.pack``; where each is
    (offset, length) and its content hash go to ``root/<kind>.manifest.json`` when the
    build finishes. A crash before that leaves no manifest: the next build starts afresh.

    ``keep(src)`` carries a file over from the last build's pack unchanged (its producer
    was not run again); ``changed(src)`` is True when a file is new or its bytes differ
    from the last build's.

    After a build that finished, the next one appends to the same pack: a file kept, or
    put again with the same bytes, stays where it is (nothing is read or written for it),
    so a rebuild after an edit writes only what changed instead of copying every kept
    page into a new pack (some 130 MB at 1,000 briefings). Once the pack holds more bytes
    no build uses than it holds in use, the next build starts a new one, copying the kept
    files over from the old (``_COMPACT_SLACK``). Given ``locks`` (a build cache's), the
    pack is written only while holding ``<kind>.lock``, kept with the cache (for `mkdocs
    serve`, as long as it runs): a build in another process at the same time (`mkdocs
    build` while `mkdocs serve` runs) writes a pack of its own instead (``_private``).

    One thread may write while others read: a file declared with ``expect`` and not
    written yet is waited for (MkDocs reads the pages while the pipeline still renders
    them, see rendering.Rendering); ``fail`` ends the wait with an error."""

    _BUFFER = 1 << 20
    _COMPACT_SLACK = 1 << 20  # bytes no build uses, besides as many as there are in use

    def __init__(self, root: Path, kind: str = "pages", locks: dict[str, Any] | None = None) -> None:
        self.root = Path(root)
        self.kind = kind
        self.root.mkdir(parents=True, exist_ok=True)
        self.pack = self.root / f"{kind}.pack"
        self._manifest = self.root / f"{kind}.manifest.json"
        self._prev_pack = self.root / f"{kind}.pack.prev"
        self._prev_fd: int | None = None
        self._shared = True
        if locks is not None:
            held = locks.get(str(self.pack))
            if held is None:
                held = _lock(self.root / f"{kind}.lock")
                if held is not None:
                    locks[str(self.pack)] = held  # held for as long as the build cache is
            if held is None:
                self._private()
                return
        self._previous = _pack_entries(_read_manifest(self._manifest, _PACK_FORMAT, "files"))
        shutil.rmtree(self.root / kind, ignore_errors=True)  # a cache from before packs: one file a page
        self._prev_pack.unlink(missing_ok=True)
        size = self.pack.stat().st_size if self._previous and self.pack.is_file() else 0
        live = sum(e[1] for e in self._previous.values())
        end = max((e[0] + e[1] for e in self._previous.values()), default=0)
        # in place: append to the last build's pack, whose files stay where they are
        self._in_place = bool(self._previous) and end <= size and size - live <= live + self._COMPACT_SLACK
        self._manifest.unlink(missing_ok=True)  # until finish(), the state is unknown to the next build
        if self._in_place:
            self._out = open(self.pack, "ab", buffering=self._BUFFER)
        else:
            if self._previous and end <= size:
                os.replace(self.pack, self._prev_pack)  # read by keep() while the new pack is written
                self._prev_fd = os.open(self._prev_pack, os.O_RDONLY)
            else:
                self._previous = {}
                size = 0
                # a new file, not this one emptied: a failed build's writer may still flush into it
                self.pack.unlink(missing_ok=True)
            self._out = open(self.pack, "wb", buffering=self._BUFFER)
        self._fd = os.open(self.pack, os.O_RDONLY)
        self._start(size if self._in_place else 0)

    def _start(self, pos: int) -> None:
        self._pos = pos
        self._flushed = self._pos
        self._index: dict[str, tuple[int, int, str]] = {}
        self._ready = threading.Condition()
        self._expected: set[str] = set()
        self._closed = False  # finish() or fail(): nothing more will come
        self._error: BaseException | None = None

    def _private(self) -> None:
        """Another build (another process: `mkdocs build` while `mkdocs serve` runs) is
        writing this kind's pack: this build writes a pack of its own, which has no name
        (it goes when the build lets it go) and leaves no manifest, and carries nothing over."""
        self._previous, self._in_place, self._shared = {}, False, False
        fd, name = tempfile.mkstemp(prefix=f"{self.kind}.", suffix=".pack", dir=self.root)
        self._out = os.fdopen(fd, "wb", buffering=self._BUFFER)
        self._fd = os.open(name, os.O_RDONLY)
        os.unlink(name)
        self._start(0)

    def _append(self, src: str, data: bytes, digest: str) -> None:
        with self._ready:
            self._out.write(data)
            self._index[src] = (self._pos, len(data), digest)
            self._pos += len(data)
            if src in self._expected:
                self._ready.notify_all()

    def expect(self, srcs) -> None:
        """These files will be written: a read of one waits until it is."""
        with self._ready:
            self._expected.update(srcs)

    def fail(self, error: BaseException) -> None:
        """Nothing more will be written: reads waiting for a file raise instead."""
        with self._ready:
            self._error = error
            self._closed = True
            self._ready.notify_all()

    def put(self, src: str, text: str) -> None:
        data = text.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        entry = self._previous.get(src)
        if self._in_place and entry is not None and entry[2] == digest and entry[1] == len(data):
            self._place(src, entry)  # the same bytes are in the pack already
            return
        self._append(src, data, digest)

    def keep(self, src: str) -> bool:
        """Carry a file over from the last build unchanged. False when there is nothing to
        carry over: the caller must produce it."""
        entry = self._previous.get(src)
        if entry is None:
            return False
        if self._in_place:
            self._place(src, entry)
            return True
        if self._prev_fd is None:
            return False
        offset, length, digest = entry
        data = os.pread(self._prev_fd, length, offset)
        if len(data) != length:
            return False
        self._append(src, data, digest)
        return True

    def _place(self, src: str, entry: tuple[int, int, str]) -> None:
        """A file where the last build left it in this pack (before any of this build's)."""
        with self._ready:
            self._index[src] = entry
            if src in self._expected:
                self._ready.notify_all()

    def unchanged(self, src: str, text: str) -> bool:
        """Is this the text the last build wrote for this file?"""
        entry = self._previous.get(src)
        return entry is not None and entry[2] == hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def changed(self, src: str) -> bool:
        """Is this file new, or different from the last build's?"""
        entry = self._previous.get(src)
        return entry is None or entry[2] != self._entry(src)[2]

    def finish(self) -> None:
        """Record this build's files (the last build's pack is let go)."""
        with self._ready:
            self._out.close()  # flushed: nothing more is written through it
            self._flushed = self._pos
            self._closed = True
            self._ready.notify_all()
        if not self._shared:  # a pack of this build's own (_private): nothing to record
            return
        manifest = {"format": _PACK_FORMAT, "files": {k: list(v) for k, v in sorted(self._index.items())}}
        tmp = self._manifest.with_name(self._manifest.name + ".tmp")
        tmp.write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self._manifest)
        if self._prev_fd is not None:
            os.close(self._prev_fd)
            self._prev_fd = None
            self._prev_pack.unlink(missing_ok=True)

    def _entry(self, src: str) -> tuple[int, int, str]:
        """Where a file is, once it is written (waited for if expected)."""
        with self._ready:
            while src not in self._index and src in self._expected and not self._closed:
                self._ready.wait()
            if src not in self._index:
                if self._error is not None:
                    raise RuntimeError(f"{src} was not made: {self._error}") from self._error
                raise KeyError(src)
            entry = self._index[src]
            if entry[0] + entry[1] > self._flushed:
                self._out.flush()
                self._flushed = self._pos
            return entry

    def read_bytes(self, src: str) -> bytes:
        offset, length, _ = self._entry(src)
        return os.pread(self._fd, length, offset)

    def __getitem__(self, src: str) -> str:
        return self.read_bytes(src).decode("utf-8")

    def get(self, src: str, default: Any = None) -> Any:
        try:
            return self[src]
        except KeyError:
            return default

    def __contains__(self, src: object) -> bool:
        return src in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __del__(self) -> None:
        for fd in (getattr(self, "_fd", None), getattr(self, "_prev_fd", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass


_NONE = object()
_INNER = object()  # kept[(_INNER, key)]: the pieces looked up while the piece of ``key`` was made


class Memo:
    """Pieces made from briefings, kept between the builds of one process (`mkdocs serve`).

    ``memo(what, briefings, make)`` returns ``make()``, or what it returned in the last
    build for the same ``what`` and the same briefings. A briefing is the same when its
    key is: ``keys`` maps each briefing id to a digest of everything the briefing's pages
    are made from, the settings and editorial data included (the pipeline's render key).
    ``what`` (a tuple) names everything else the piece depends on: which piece, for which
    page. ``kept`` is the caller's store; :meth:`finish` leaves in it only what this build
    used. Without keys (a one-off build) nothing is kept and every piece is made.

    Pieces nest (a listing page of its entries): a piece taken from the last build keeps
    the pieces it was made of too, though they are not looked up, so that a later build
    making a page of them again (a briefing moved to the next page) finds them."""

    def __init__(self, keys: Mapping[str, str] | None = None, kept: dict | None = None) -> None:
        self._keys = keys
        self._kept = kept if kept is not None else {}
        self._used: dict[tuple, Any] = {}
        self._making: list[list[tuple]] = []  # the keys looked up by each piece being made

    def __call__(self, what: tuple, briefings: Sequence[Any], make: Callable[[], T]) -> T:
        keys = self._keys
        if keys is None:
            return make()
        key = (what, keys[briefings[0].id]) if len(briefings) == 1 else (what, *[keys[b.id] for b in briefings])
        if self._making:
            self._making[-1].append(key)
        value = self._used.get(key, _NONE)
        if value is _NONE:
            value = self._kept.get(key, _NONE)
            if value is _NONE:
                self._making.append([])
                try:
                    value = make()
                finally:
                    inner = self._making.pop()
                if inner:
                    self._used[(_INNER, key)] = tuple(inner)
            else:
                self._carry_inner(key)
            self._used[key] = value
        return value

    def _carry_inner(self, key: tuple) -> None:
        """Keep the pieces a kept piece was made of (and theirs), as the last build left them."""
        todo = [key]
        while todo:
            outer = todo.pop()
            inner = self._kept.get((_INNER, outer))
            if inner is None:
                continue
            self._used[(_INNER, outer)] = inner
            for k in inner:
                if k not in self._used:
                    value = self._kept.get(k, _NONE)
                    if value is not _NONE:
                        self._used[k] = value
                        todo.append(k)

    def finish(self) -> None:
        if self._keys is not None:
            self._kept.clear()
            self._kept.update(self._used)
            self._used = {}
