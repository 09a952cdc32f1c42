"""Data passed between the pipeline's stages.

Each stage returns what it made as a value (``Labels`` from classify, a URL by id in the
registry's ``Assignment``, ``VersionInfo`` from versions, related lists from related); the
pipeline composes the ``Briefing`` the later stages read from the described one
(``Briefing.evolve``: ``dataclasses.replace``, faster). A ``Briefing`` is frozen: the
described one, kept in the build cache between builds, is never written into."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """A source file that is not published, and why (one line, for editors)."""

    source_file: str
    reason: str

    def message(self) -> str:
        return f"{self.source_file}: {self.reason}"


class RefusedError(Exception):
    """Raised inside a stage to refuse one article; carries the one-line reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class SourceArticle:
    """One article file, decoded, with its metadata merged and validated."""

    source_file: str  # path relative to the source folder, POSIX separators
    path: Path
    text: str
    metadata: dict[str, Any]
    metadata_files: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    normalisations: list[str] = field(default_factory=list)
    content_hash: str = ""
    git_blob: str = ""  # the id git gives the source file's bytes (versions.git_blob_sha)


@dataclass(frozen=True)
class Removed:
    """A line the cleaner took out of the body, and the rule that did it."""

    line: int  # 1-based line number in the decoded source
    text: str
    rule: str
    kind: str  # headline | standfirst | boilerplate | keywords | credit | date | list
    why: str = ""  # for a line the page's structure decided: the reason and its figures


@dataclass(frozen=True)
class Block:
    """A piece of the cleaned body: a paragraph, a heading or a figure caption."""

    kind: str  # paragraph | heading | figure
    text: str
    line: int
    credit: str | None = None
    raw: str | None = None  # a caption's line as it stood in the source


@dataclass
class CleanText:
    blocks: list[Block]
    removed: list[Removed]
    headline: str | None = None  # the first line, when it is the article's own headline
    credits: dict[str, list[str]] = field(default_factory=dict)
    stated_date: str | None = None
    standfirst: str | None = None  # the dek under the headline, when the source has one

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    @property
    def captions(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "figure"]


@dataclass(frozen=True)
class Labels:
    """What classify made of one briefing: its topics, places and actors, each a label dict
    (id, name, score, evidence, its page's URL and, for places and actors, the gazetteer's
    other spellings). The dicts are shared by the builds that share the classify key, and
    only read."""

    topics: tuple[dict[str, Any], ...] = ()
    regions: tuple[dict[str, Any], ...] = ()  # places
    actors: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class VersionInfo:
    """What the versions stage made of one briefing: its version number, the date that
    version replaced the previous one, the earlier versions still readable (number,
    url, recorded, superseded, store: the kept text's path) and, in the same order, each
    one's briefing (described from its kept text, with its version number and the one
    that superseded it; the pipeline composes in the URL and labels)."""

    version: int = 1
    revised: str | None = None
    versions: tuple[dict[str, Any], ...] = ()
    earlier: tuple[Briefing, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """Everything the site knows about one published article. Made by describe; the fields
    after ``credit_sources`` come from later stages' values, composed in by the pipeline
    (``evolve``): labels, URL, versions (and the earlier versions' briefings), neighbours,
    related."""

    id: str
    slug: str
    source_file: str
    title: str
    title_derived: bool
    summary: str
    summary_derived: bool
    date: str | None
    date_source: str | None  # metadata | text | None (not stated)
    authors: list[str]
    translators: list[str]
    editors: list[str]
    outlet: str | None
    source_url: str | None
    language: str
    word_count: int
    reading_minutes: int
    clean: CleanText
    content_hash: str
    metadata: dict[str, Any]
    credit_sources: dict[str, str] = field(default_factory=dict)
    topics: list[dict[str, Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""  # site-relative, e.g. "briefings/some-slug/"
    version: int = 1
    revised: str | None = None  # the date the current version replaced the previous one
    versions: list[dict[str, Any]] = field(default_factory=list)  # earlier versions: number, url, dates
    # each earlier version's briefing, in the order of ``versions`` (VersionInfo.earlier, composed)
    earlier: tuple[Briefing, ...] = ()
    superseded_by: int | None = None  # set on an earlier version's briefing
    neighbours: dict[str, dict[str, str]] = field(default_factory=dict)  # "newer"/"older": {url, title}
    git_blob: str = ""  # the source file's git id as read for this build (SourceArticle.git_blob)
    # the prices and exchange rates the text states (prices.extract), and the figures left out
    prices: list[dict[str, Any]] = field(default_factory=list)
    prices_left_out: list[dict[str, Any]] = field(default_factory=list)

    @property
    def page_path(self) -> str:
        """The Markdown source path MkDocs builds this page from."""
        return self.url + "index.md"

    def evolve(self, **changes: Any) -> "Briefing":
        """``dataclasses.replace(self, **changes)``: a new briefing with those fields
        changed, this one untouched. Made without running ``__init__`` again: a frozen
        dataclass's sets each of its 35 fields through ``object.__setattr__``, and the
        pipeline composes every briefing of a build three times (16 µs a time, this 3 µs)."""
        unknown = changes.keys() - self.__dataclass_fields__.keys()
        if unknown:
            raise TypeError(f"Briefing has no field {', '.join(sorted(unknown))}")
        new = object.__new__(Briefing)
        state = new.__dict__
        state.update(self.__dict__)
        state.update(changes)
        return new

    def sort_key(self) -> tuple:
        """Newest first; undated briefings after dated ones; then by id for stability."""
        return (self.date is None, _neg_date(self.date), self.id)


def _neg_date(date: str | None) -> str:
    if not date:
        return ""
    # invert digits so that an ascending sort puts the newest first
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)
