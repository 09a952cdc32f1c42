"""One record of a briefing: the facts the site publishes about it, made once per briefing
(``record_of``). The page's front matter (`render.front_matter_record`), the exports
(`export.record`, and through it the citations) and the feeds (`feeds`) each take their
view of it (which facts, in which order, in which form: ``view``) instead of each
reading the briefing field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, make_dataclass
from typing import Any

from ..model import Briefing


# the briefing's fields the record takes as they are (the lists and label dicts are the
# briefing's own: shared, only read; ``url`` is site-relative), in the order it keeps them
TAKEN = (
    "id", "url", "source_file", "title", "title_derived", "summary", "summary_derived", "date", "date_source",
    "authors", "translators", "editors", "credit_sources", "outlet", "source_url", "language", "word_count",
    "reading_minutes", "topics", "regions", "actors", "content_hash", "version", "revised",
)
# and what it counts: the lines cleaning took out (listed on the page and in the build
# report), the prices and exchange rates read from the text (in data/prices.json)
COUNTED = {"removed_line_count": lambda b: len(b.clean.removed), "price_observations": lambda b: len(b.prices)}

_TYPES = {f.name: f.type for f in fields(Briefing)}
# a frozen dataclass with the fields TAKEN (typed as on Briefing), then those COUNTED
Record = make_dataclass("Record", [(name, _TYPES[name]) for name in TAKEN] + [(name, int) for name in COUNTED],
                        frozen=True)
Record.__module__ = __name__  # (make_dataclass's module= is Python 3.12's)
Record.__doc__ = "A briefing's published facts: the fields TAKEN from it, then those COUNTED."


def record_of(b: Briefing) -> Record:
    return Record(*(getattr(b, name) for name in TAKEN), *(count(b) for count in COUNTED.values()))


def view(rec: Record, names: tuple[str, ...],
         forms: Mapping[str, Callable[[Record], Any]] | None = None) -> dict[str, Any]:
    """The facts ``names`` of the record, in that order, each as it stands in the record or
    as its ``forms`` entry makes it (which may also name a fact the record has not as such,
    an absolute URL say)."""
    forms = forms or {}
    return {name: forms[name](rec) if name in forms else getattr(rec, name) for name in names}


LABEL_KINDS = ("topics", "regions", "actors")


def label_forms(form: Callable[[dict[str, Any]], Any]) -> dict[str, Callable[[Record], list[Any]]]:
    """``view`` forms writing each label of the three kinds as ``form`` makes it."""
    return {kind: (lambda rec, kind=kind: [form(x) for x in getattr(rec, kind)]) for kind in LABEL_KINDS}
