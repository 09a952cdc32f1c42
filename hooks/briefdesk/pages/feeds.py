"""Feeds: Atom 1.0 and JSON Feed 1.1 for the whole archive and for each topic.

    feeds/atom.xml, feeds/feed.json               the archive
    feeds/topics/<topic id>.xml, .json            one topic (every topic in the vocabulary)

Each feed lists the latest `MAX_ENTRIES` briefings in the archive's order (newest first,
undated ones last). Plain Python (xml.etree escapes the XML, json the JSON): no MkDocs.

Dates, honestly and deterministically (a build never reads the clock, so the same corpus
gives the same bytes):

- `published` (Atom) / `date_published` (JSON Feed) is given only when the source states
  the full day (YYYY-MM-DD), as midnight UTC of that day. A month or a year only is shown in
  the entry's text, never turned into an invented day.
- Atom requires an `updated` instant on every entry and on the feed. An entry's is the day
  it was revised, else the day it was published; when neither day is known it is
  `1970-01-01T00:00:00Z` (`UNKNOWN_DATE`), which stands for "not known", never for a real
  date. The feed's `updated` is the latest of its entries'. JSON Feed makes dates optional,
  so there an unknown date is simply left out.
- An entry is made from the briefing's record (`record.record_of`), made once per briefing
  for all the feeds of a build.
- Entry ids are the briefing's absolute canonical URL (which never changes: see the URL
  registry), or a name-based UUID of its id when the site has no `site_url`.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

from ..model import Briefing
from .record import Record, record_of
from ..output import Memo
from ..labels.taxonomy import load_vocabulary
from ..text import format_date, h

MAX_ENTRIES = 50
UNKNOWN_DATE = "1970-01-01T00:00:00Z"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ARCHIVE_ATOM = "feeds/atom.xml"
ARCHIVE_JSON = "feeds/feed.json"

_FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters XML 1.0 cannot carry at all (the reader already strips most control characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def topic_feed_paths(topic_id: str) -> tuple[str, str]:
    return f"feeds/topics/{topic_id}.xml", f"feeds/topics/{topic_id}.json"


def _abs(settings, url: str) -> str:
    return (settings.site_url.rstrip("/") + "/" + url) if settings.site_url else "/" + url


def _day(date: str | None) -> str | None:
    """RFC 3339 instant for a full stated day, else None."""
    return f"{date}T00:00:00Z" if date and _FULL_DAY.match(date) else None


def _entry_id(rec: Record, settings) -> str:
    if settings.site_url:
        return _abs(settings, rec.url)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{rec.id}"))


def _feed_id(settings, path: str) -> str:
    if settings.site_url:
        return _abs(settings, path)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"briefing-feed:{path}"))


def _published(b: Briefing | Record) -> str | None:
    return _day(b.date)


def _updated(b: Briefing | Record) -> str:
    return _day(b.revised) or _published(b) or UNKNOWN_DATE


def _x(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _content_html(rec: Record, settings) -> str:
    when = f"Date: {format_date(rec.date)}" if rec.date else "Date not stated in the source"
    parts = [f"<p>{h(rec.summary)}</p>", f"<p>{h(when)}"]
    if rec.outlet:
        parts.append(f" · Source: {h(rec.outlet)}")
    if rec.source_url:
        parts.append(f' · <a href="{h(rec.source_url)}">original report</a>')
    parts.append(f" · {rec.word_count:,} words</p>")
    parts.append(f'<p><a href="{h(_abs(settings, rec.url))}">Read the briefing</a></p>')
    return "".join(parts)


# ---------------------------------------------------------------------------- Atom


def _q(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), {k: _x(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _x(text)
    return el


def atom(
    briefings: Sequence[Briefing], settings, *, path: str, title: str, subtitle: str, page_url: str,
    memo: Memo | None = None, records: Callable[[Briefing], Record] = record_of,
) -> str:
    """An Atom 1.0 document. `path` is the feed's own site path; `page_url` the HTML page
    it mirrors (site-relative). ``memo`` keeps each entry's XML for the next build;
    ``records`` gives a briefing's record (by default made now).

    The entries are serialised one by one (``_atom_entry``) into the place an empty
    ``<entry />`` takes in the feed's own serialisation: ElementTree writes the same
    bytes as for the whole tree (tests/test_feeds.py)."""
    memo = memo or Memo()
    entries = list(briefings)[:MAX_ENTRIES]
    feed = _atom_feed(entries, settings, path=path, title=title, subtitle=subtitle, page_url=page_url)
    if entries:
        ET.SubElement(feed, _q("entry"))  # where the entries go
    ET.indent(feed, space=" ")
    xml = ET.tostring(feed, encoding="unicode")
    if entries:
        before, after = xml.rsplit("<entry />", 1)
        xml = before + "\n ".join(memo(("atom entry",), (b,), lambda b=b: _atom_entry(records(b), settings)) for b in entries) + after
    return '<?xml version="1.0" encoding="utf-8"?>\n' + xml + "\n"


def _atom_feed(entries: list[Briefing], settings, *, path: str, title: str, subtitle: str, page_url: str) -> ET.Element:
    """The feed element with everything but its entries."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(_q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": settings.default_language})
    _sub(feed, "id", _feed_id(settings, path))
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle)
    _sub(feed, "updated", max((_updated(b) for b in entries), default=UNKNOWN_DATE))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_abs(settings, path))
    _sub(feed, "link", rel="alternate", type="text/html", href=_abs(settings, page_url))
    author = _sub(feed, "author")
    _sub(author, "name", settings.site_name)
    if settings.site_url:
        _sub(author, "uri", settings.site_url)
    _sub(feed, "generator", "briefdesk")
    return feed


def _atom_entry_element(rec: Record, settings) -> ET.Element:
    e = ET.Element(_q("entry"))
    _sub(e, "id", _entry_id(rec, settings))
    _sub(e, "title", rec.title, type="text")
    _sub(e, "link", rel="alternate", type="text/html", href=_abs(settings, rec.url))
    if rec.source_url:
        _sub(e, "link", rel="related", type="text/html", href=rec.source_url, title="Original report")
    if _published(rec):
        _sub(e, "published", _published(rec))
    _sub(e, "updated", _updated(rec))
    for name in rec.authors:
        _sub(_sub(e, "author"), "name", name)
    for name in rec.translators:
        _sub(_sub(e, "contributor"), "name", name)
    for name in rec.editors:
        _sub(_sub(e, "contributor"), "name", name)
    for t in rec.topics:
        _sub(e, "category", term=t["id"], label=t["name"], scheme=_abs(settings, "topics/"))
    for r in rec.regions:
        _sub(e, "category", term=r["id"], label=r["name"], scheme=_abs(settings, "places/"))
    _sub(e, "summary", rec.summary, type="text")
    _sub(e, "content", _content_html(rec, settings), type="html")
    return e


def _atom_entry(rec: Record, settings) -> str:
    """An entry's XML as it stands in a feed: indented one level, in the feed's default
    namespace (declared once, on the feed)."""
    ET.register_namespace("", ATOM_NS)
    e = _atom_entry_element(rec, settings)
    ET.indent(e, space=" ", level=1)
    return ET.tostring(e, encoding="unicode").replace(f'<entry xmlns="{ATOM_NS}">', "<entry>", 1)


# ---------------------------------------------------------------------------- JSON Feed


def json_feed(
    briefings: Sequence[Briefing], settings, *, path: str, title: str, subtitle: str, page_url: str,
    memo: Memo | None = None, records: Callable[[Briefing], Record] = record_of,
) -> str:
    """A JSON Feed 1.1 document, one member a line (indent 1). ``records`` gives a
    briefing's record (by default made now). ``memo`` keeps each item's text for the next
    build: the items come last, each encoded alone and indented to its
    depth, which gives the bytes of encoding the whole document (tests/test_feeds.py)."""
    memo = memo or Memo()
    entries = list(briefings)[:MAX_ENTRIES]
    doc = _json_feed_doc(settings, path=path, title=title, subtitle=subtitle, page_url=page_url)
    head = json.dumps(doc, ensure_ascii=False, indent=1)[: -len("\n}")]
    items = ",\n  ".join(memo(("json feed item",), (b,), lambda b=b: _json_item_text(records(b), settings)) for b in entries)
    return head + ',\n "items": ' + (f"[\n  {items}\n ]" if entries else "[]") + "\n}\n"


def _json_feed_doc(settings, *, path: str, title: str, subtitle: str, page_url: str) -> dict[str, Any]:
    """The feed's members but its items (which follow them)."""
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": subtitle,
        "home_page_url": _abs(settings, page_url),
        "feed_url": _abs(settings, path),
        "language": settings.default_language,
        "authors": [{"name": settings.site_name, **({"url": settings.site_url} if settings.site_url else {})}],
    }


def _json_item_text(rec: Record, settings) -> str:
    """An item's JSON as it stands in the feed, two levels deep (JSON strings hold no newline)."""
    return json.dumps(_json_item(rec, settings), ensure_ascii=False, indent=1).replace("\n", "\n  ")


def _json_item(rec: Record, settings) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": _entry_id(rec, settings),
        "url": _abs(settings, rec.url),
        "title": rec.title,
        "summary": rec.summary,
        "content_html": _content_html(rec, settings),
    }
    if rec.source_url:
        item["external_url"] = rec.source_url
    if _published(rec):
        item["date_published"] = _published(rec)
    if _day(rec.revised):
        item["date_modified"] = _day(rec.revised)
    if rec.authors:
        item["authors"] = [{"name": n} for n in rec.authors]
    tags = [t["name"] for t in rec.topics] + [r["name"] for r in rec.regions]
    if tags:
        item["tags"] = tags
    item["language"] = rec.language
    item["_briefing"] = {
        "id": rec.id,
        "date": rec.date,
        "title_derived": rec.title_derived,
        "outlet": rec.outlet,
        "translators": rec.translators,
        "editors": rec.editors,
        "topics": [t["id"] for t in rec.topics],
        "places": [r["id"] for r in rec.regions],
    }
    return item


# ---------------------------------------------------------------------------- all feeds


def feed_files(briefings: Sequence[Briefing], settings, memo: Memo | None = None, cache=None) -> dict[str, str]:
    """{site path: text} for the archive's feeds and every topic's feeds; ``memo`` keeps
    each feed, and each entry, for the next build; ``cache``: the build cache (the topics)."""
    memo = memo or Memo()
    site = (settings.site_url, settings.site_name, settings.default_language)
    out: dict[str, str] = {}
    made: dict[str, Record] = {}  # each briefing's record, made once for all the feeds

    def records(b: Briefing) -> Record:
        rec = made.get(b.id)
        if rec is None:
            rec = made[b.id] = record_of(b)
        return rec

    def add(members: Sequence[Briefing], xml_path: str, json_path: str, **common: str) -> None:
        entries = list(members)[:MAX_ENTRIES]
        what = (*site, *common.values())
        out[xml_path] = memo(("atom", xml_path, *what), entries,
                             lambda: atom(entries, settings, path=xml_path, memo=memo, records=records, **common))
        out[json_path] = memo(("json feed", json_path, *what), entries,
                              lambda: json_feed(entries, settings, path=json_path, memo=memo, records=records,
                                                **common))

    desc = f"The latest briefings in {settings.site_name}, newest first."
    add(briefings, ARCHIVE_ATOM, ARCHIVE_JSON, title=settings.site_name, subtitle=desc, page_url="briefings/")
    vocab, _ = load_vocabulary(settings.editorial_dir, cache)
    members: dict[str, list[Briefing]] = {tid: [] for tid in vocab.topics}
    for b in briefings:
        for tid in dict.fromkeys(t["id"] for t in b.topics):
            if tid in members:
                members[tid].append(b)
    for tid, topic in vocab.topics.items():
        add(members[tid], *topic_feed_paths(tid),
            title=f"{topic.label}: {settings.site_name}",
            subtitle=f"The latest briefings on the topic “{topic.label}”, newest first.",
            page_url=f"topics/{tid}/")
    return out
