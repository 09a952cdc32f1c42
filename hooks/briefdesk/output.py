"""Where the generated Markdown pages go: a dict in memory, or a folder on disk.

The pipeline hands every page it renders to an output the moment it is rendered
(`out.put(src, markdown)`), so it never has to hold the whole site's Markdown at once.

* :class:`MemoryPages` keeps them in a dict (the default: tests, small corpora,
  ``python -m hooks.briefdesk``).
* :class:`FolderPages` writes them to a build-cache folder, which the MkDocs hooks give
  to MkDocs as the pages' source folder. Two things follow from it:

  - memory: neither the pipeline nor MkDocs' ``File`` objects keep a copy of every
    page's Markdown; MkDocs reads each page from the folder when it renders it;
  - ``mkdocs serve --dirty``: a page file is rewritten only when its text changed
    (a manifest of content hashes, ``<kind>.manifest.json``, remembers the last build), so its
    modification time tells MkDocs which pages an edit really changed. Pages that are no
    longer generated are removed.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_FORMAT = 1


class MemoryPages(dict):
    """A plain dict, with the output interface."""

    def put(self, src: str, text: str) -> None:
        self[src] = text

    def finish(self) -> None:
        pass


class FolderPages(Mapping[str, str]):
    """Files written to ``root/<kind>/<path>``, each only when its text changed.

    The pipeline uses three kinds: ``pages`` (Markdown for MkDocs), ``assets`` (exports,
    citation files, feeds, redirects: copied into the site as they are) and ``heads``
    (each page's extra ``<head>`` tags)."""

    def __init__(self, root: Path, kind: str = "pages", flat: bool = False) -> None:
        self.root = Path(root)
        self.kind = kind
        self.flat = flat  # one folder, no subfolders (for files nothing else reads by path)
        self._made: set[str] = set()
        self.folder = self.root / kind
        self._manifest = self.root / f"{kind}.manifest.json"
        self._hashes: dict[str, str] = {}
        self.written = 0
        self._previous = self._load_manifest()
        if self._previous is None:  # unknown state: start from an empty folder
            shutil.rmtree(self.folder, ignore_errors=True)
            self._previous = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        # until finish() records this build, the folder's state is unknown to the next one
        self._manifest.unlink(missing_ok=True)

    def _load_manifest(self) -> dict[str, str] | None:
        try:
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("pages"), dict):
            return None
        return data["pages"]

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
        return f"{self.folder}/{src.replace('/', '~')}" if self.flat else f"{self.folder}/{src}"

    def __setitem__(self, src: str, text: str) -> None:
        self.put(src, text)

    def update(self, items: Mapping[str, str]) -> None:
        for src, text in items.items():
            self.put(src, text)

    def __getitem__(self, src: str) -> str:
        if src not in self._hashes:
            raise KeyError(src)
        with open(self.path(src), "rb") as f:  # byte for byte: no newline translation
            return f.read().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._hashes)

    def __len__(self) -> int:
        return len(self._hashes)


_NONE = object()


class Memo:
    """Pieces made from briefings, kept between the builds of one process (`mkdocs serve`).

    ``memo(what, briefings, make)`` returns ``make()``, or what it returned in the last
    build for the same ``what`` and the same briefings. A briefing is the same when its
    key is: ``keys`` maps each briefing id to a digest of everything the briefing's pages
    are made from, the settings and editorial data included (the pipeline's render key).
    ``what`` (a tuple) names everything else the piece depends on: which piece, for which
    page. ``kept`` is the caller's store; :meth:`finish` leaves in it only what this build
    used. Without keys (a one-off build) nothing is kept and every piece is made."""

    def __init__(self, keys: Mapping[str, str] | None = None, kept: dict | None = None) -> None:
        self._keys = keys
        self._kept = kept if kept is not None else {}
        self._used: dict[tuple, Any] = {}

    def __call__(self, what: tuple, briefings: Sequence[Any], make: Callable[[], T]) -> T:
        keys = self._keys
        if keys is None:
            return make()
        key = (what, keys[briefings[0].id]) if len(briefings) == 1 else (what, *[keys[b.id] for b in briefings])
        value = self._used.get(key, _NONE)
        if value is _NONE:
            value = self._kept.get(key, _NONE)
            if value is _NONE:
                value = make()
            self._used[key] = value
        return value

    def finish(self) -> None:
        if self._keys is not None:
            self._kept.clear()
            self._kept.update(self._used)
            self._used = {}
