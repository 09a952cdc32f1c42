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
- Entry ids are the briefing's absolute canonical URL (which never changes: see the URL
  registry), or a name-based UUID of its id when the site has no `site_url`.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from .model import Briefing
from .output import Memo
from .render import format_date

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


def _entry_id(b: Briefing, settings) -> str:
    if settings.site_url:
        return _abs(settings, b.url)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{b.id}"))


def _feed_id(settings, path: str) -> str:
    if settings.site_url:
        return _abs(settings, path)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"briefing-feed:{path}"))


def _published(b: Briefing) -> str | None:
    return _day(b.date)


def _updated(b: Briefing) -> str:
    return _day(b.revised) or _published(b) or UNKNOWN_DATE


def _x(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _content_html(b: Briefing, settings) -> str:
    from .text import h

    when = f"Date: {format_date(b.date)}" if b.date else "Date not stated in the source"
    parts = [f"<p>{h(b.summary)}</p>", f"<p>{h(when)}"]
    if b.outlet:
        parts.append(f" · Source: {h(b.outlet)}")
    if b.source_url:
        parts.append(f' · <a href="{h(b.source_url)}">original report</a>')
    parts.append(f" · {b.word_count:,} words</p>")
    parts.append(f'<p><a href="{h(_abs(settings, b.url))}">Read the briefing</a></p>')
    return "".join(parts)


# ---------------------------------------------------------------------------- Atom


def atom(
    briefings: Sequence[Briefing], settings, *, path: str, title: str, subtitle: str, page_url: str
) -> str:
    """An Atom 1.0 document. `path` is the feed's own site path; `page_url` the HTML page
    it mirrors (site-relative)."""
    entries = list(briefings)[:MAX_ENTRIES]
    ET.register_namespace("", ATOM_NS)
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    feed = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": settings.default_language})

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, q(tag), {k: _x(v) for k, v in attrs.items()})
        if text is not None:
            el.text = _x(text)
        return el

    sub(feed, "id", _feed_id(settings, path))
    sub(feed, "title", title)
    sub(feed, "subtitle", subtitle)
    sub(feed, "updated", max((_updated(b) for b in entries), default=UNKNOWN_DATE))
    sub(feed, "link", rel="self", type="application/atom+xml", href=_abs(settings, path))
    sub(feed, "link", rel="alternate", type="text/html", href=_abs(settings, page_url))
    author = sub(feed, "author")
    sub(author, "name", settings.site_name)
    if settings.site_url:
        sub(author, "uri", settings.site_url)
    sub(feed, "generator", "briefdesk")
    for b in entries:
        e = sub(feed, "entry")
        sub(e, "id", _entry_id(b, settings))
        sub(e, "title", b.title, type="text")
        sub(e, "link", rel="alternate", type="text/html", href=_abs(settings, b.url))
        if b.source_url:
            sub(e, "link", rel="related", type="text/html", href=b.source_url, title="Original report")
        if _published(b):
            sub(e, "published", _published(b))
        sub(e, "updated", _updated(b))
        for name in b.authors:
            sub(sub(e, "author"), "name", name)
        for name in b.translators:
            sub(sub(e, "contributor"), "name", name)
        for name in b.editors:
            sub(sub(e, "contributor"), "name", name)
        for t in b.topics:
            sub(e, "category", term=t["id"], label=t["name"], scheme=_abs(settings, "topics/"))
        for r in b.regions:
            sub(e, "category", term=r["id"], label=r["name"], scheme=_abs(settings, "places/"))
        sub(e, "summary", b.summary, type="text")
        sub(e, "content", _content_html(b, settings), type="html")
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


# ---------------------------------------------------------------------------- JSON Feed


def json_feed(
    briefings: Sequence[Briefing], settings, *, path: str, title: str, subtitle: str, page_url: str
) -> str:
    entries = list(briefings)[:MAX_ENTRIES]
    items: list[dict[str, Any]] = []
    for b in entries:
        item: dict[str, Any] = {
            "id": _entry_id(b, settings),
            "url": _abs(settings, b.url),
            "title": b.title,
            "summary": b.summary,
            "content_html": _content_html(b, settings),
        }
        if b.source_url:
            item["external_url"] = b.source_url
        if _published(b):
            item["date_published"] = _published(b)
        if _day(b.revised):
            item["date_modified"] = _day(b.revised)
        if b.authors:
            item["authors"] = [{"name": n} for n in b.authors]
        tags = [t["name"] for t in b.topics] + [r["name"] for r in b.regions]
        if tags:
            item["tags"] = tags
        item["language"] = b.language
        item["_briefing"] = {
            "id": b.id,
            "date": b.date,
            "title_derived": b.title_derived,
            "outlet": b.outlet,
            "translators": b.translators,
            "editors": b.editors,
            "topics": [t["id"] for t in b.topics],
            "places": [r["id"] for r in b.regions],
        }
        items.append(item)
    doc: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": subtitle,
        "home_page_url": _abs(settings, page_url),
        "feed_url": _abs(settings, path),
        "language": settings.default_language,
        "authors": [{"name": settings.site_name, **({"url": settings.site_url} if settings.site_url else {})}],
        "items": items,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------- all feeds


def feed_files(briefings: Sequence[Briefing], settings, memo: Memo | None = None) -> dict[str, str]:
    """{site path: text} for the archive's feeds and every topic's feeds; ``memo`` keeps
    each feed for the next build, made again only when one of its entries changed."""
    from .taxonomy import load_vocabulary

    memo = memo or Memo()
    site = (settings.site_url, settings.site_name, settings.default_language)
    out: dict[str, str] = {}

    def add(members: Sequence[Briefing], xml_path: str, json_path: str, **common: str) -> None:
        entries = list(members)[:MAX_ENTRIES]
        what = (*site, *common.values())
        out[xml_path] = memo(("atom", xml_path, *what), entries,
                             lambda: atom(entries, settings, path=xml_path, **common))
        out[json_path] = memo(("json feed", json_path, *what), entries,
                              lambda: json_feed(entries, settings, path=json_path, **common))

    desc = f"The latest briefings in {settings.site_name}, newest first."
    add(briefings, ARCHIVE_ATOM, ARCHIVE_JSON, title=settings.site_name, subtitle=desc, page_url="briefings/")
    vocab, _ = load_vocabulary(settings.editorial_dir)
    for tid, topic in vocab.topics.items():
        members = [b for b in briefings if any(t["id"] == tid for t in b.topics)]
        add(members, *topic_feed_paths(tid),
            title=f"{topic.label}: {settings.site_name}",
            subtitle=f"The latest briefings on the topic “{topic.label}”, newest first.",
            page_url=f"topics/{tid}/")
    return out
