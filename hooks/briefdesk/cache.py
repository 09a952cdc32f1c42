"""The build cache: what one build keeps for the next in the same process.

One object, created by the adapter (`hooks/briefings.py` keeps one across the rebuilds of
`mkdocs serve`; the CLI passes none) and handed to ``pipeline.build_corpus``, which hands
each stage its part. A build given no cache makes a fresh one and drops it at the end:
"incremental" means a cache was passed. Nothing here is module-level state, so two
caches (two sites, two tests) never see each other's entries (as Pelican's cache objects,
one per reader or generator, are passed in rather than kept in the modules).

Every entry is keyed by what it is made from (file stamps, content digests, the
editorial data's digest), so a build with a warm cache gives the bytes of a build from
nothing. Each stage forgets what its build did not use, so the cache does not grow with
edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class BuildCache:
    """What a build reuses from the last build given the same cache.

    files        read: (path, stamps of the file and its metadata file) -> SourceArticle | Refusal
    recurring    clean: each text's candidate lines for its outlet's boilerplate (by the text's hash)
    described    clean + describe + prices: describe key -> Briefing (frozen: each build composes its own)
    labels       classify: label key -> model.Labels (topics, places, actors label dicts)
    earlier      versions: earlier-version key (kept text, metadata, rules, language) -> described Briefing
    registry     registry: the URL registry's text as last read or written, what it says, each entry's YAML
    related_texts  related: id of a cleaned text -> (it, the text related briefings read, its digest)
    term_counts  related: (n_features, text digest) -> the text's row of hashed term counts
    related      related: the last exact candidate search, label candidates and pair cosines
    rendered     render: render key -> (archive entries, page, head and asset paths)
    pieces       listing and feed entries (output.Memo)
    listings     render: each listing page's text as the last build made it (the object: the same one
                 again, from output.Memo, is carried over without hashing it)
    digests      render keys: ids of shared objects -> (objects, digest of their pickle)
    editorial    (file or files, folder) -> (digest, what was parsed from them): see ``editorial_data``
    locks        output.PackPages: pack path -> the open file locking it for the builds given this cache
    """

    def __init__(self) -> None:
        self.files: dict[tuple, Any] = {}
        self.recurring: dict[str, Any] = {}  # source/clean.recurring_by_article(kept=...)
        self.described: dict[str, Any] = {}
        self.labels: dict[str, Any] = {}  # model.Labels
        self.earlier: dict[str, Any] = {}  # model.Briefing of an earlier version (publishing/versions.track)
        self.registry: dict[str, Any] = {}  # publishing/registry.Registry.load(kept=...)
        self.related_texts: dict[int, tuple] = {}
        self.term_counts: dict[tuple, tuple] = {}
        self.related: dict[str, Any] = {}
        self.rendered: dict[str, tuple] = {}
        self.pieces: dict = {}
        self.listings: dict[str, str] = {}
        self.digests: dict[tuple, tuple] = {}
        self.editorial: dict[tuple, tuple[Any, Any]] = {}
        self.locks: dict[str, Any] = {}

    def editorial_data(self, what: tuple, stamp: Any, load: Callable[[], T]) -> T:
        """Editorial data parsed once while its files stay the same: ``load()`` only when
        ``stamp`` (a digest or modification time of the files ``what`` names) changed."""
        hit = self.editorial.get(what)
        if hit is None or hit[0] != stamp:
            hit = self.editorial[what] = (stamp, load())
        return hit[1]


def editorial_data(cache: BuildCache | None, what: tuple, stamp: Any, load: Callable[[], T]) -> T:
    """``cache.editorial_data``, or ``load()`` when there is no cache."""
    return load() if cache is None else cache.editorial_data(what, stamp, load)
