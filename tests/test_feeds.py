"""Feeds (Atom 1.0 and JSON Feed 1.1), robots.txt and the feed links in every page's head.

Feeds are checked with a real parser (feedparser): well-formed (no "bozo"), the right
entries in the right order, ids, links, dates only when the source states them."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
from pathlib import Path

import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup

from briefdesk.built import publish
from briefdesk.pages import feeds
from briefdesk.pages.record import record_of
from briefdesk.pipeline import Settings, build_corpus
from conftest import ROOT, SEEDS

SITE_URL = "https://briefings.example.org/"

# One article, reused with different metadata: a full date, a month only, a title that
# needs escaping in XML and HTML, and an author.
BODY = (SEEDS / "000_e609a567b5bfd582.txt").read_text(encoding="utf-8")
EXTRA = {
    "dated.txt": (BODY, "id: feedday00000001\ntitle: A dated briefing\ndate: 2021-04-15\nauthors: [Jong So Yong]\n"),
    "month.txt": (BODY, "id: feedmonth0000002\ntitle: A briefing from a month\ndate: 2020-11\n"),
    "markup.txt": (BODY, "id: feedmarkup000003\ntitle: 'Tariffs <b>&</b> \"quotas\" ]]> in Sinuiju'\ndate: 2019\n"),
}


# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) has no official schema (and
# feedparser 6 reads only XML feeds): the spec's requirements, written as one.
_AUTHORS = {"type": "array", "items": {"type": "object", "minProperties": 1,
                                       "properties": {"name": {"type": "string"}, "url": {"type": "string"}}}}
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "authors": _AUTHORS,
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string"},
                    "external_url": {"type": "string"},
                    "title": {"type": "string"},
                    "summary": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "date_published": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"},
                    "date_modified": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"},
                    "authors": _AUTHORS,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                },
                # top-level keys are the spec's, or extensions starting with "_"
                "patternProperties": {"^_": {"type": "object"}},
                "additionalProperties": False,
            },
        },
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feeds")
    src = tmp / "source_articles"
    shutil.copytree(SEEDS, src)
    for name, (text, meta) in EXTRA.items():
        (src / name).write_text(text, encoding="utf-8")
        (src / name.replace(".txt", ".yml")).write_text(meta, encoding="utf-8")
    settings = Settings.for_project(ROOT, source_dir=src, registry_path=tmp / "urls.yml",
                                    site_url=SITE_URL, site_name="NK Briefings")
    c = build_corpus(settings)
    assert not c.refusals, c.refusals
    return c, settings


def parse(text: str):
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_archive_atom_is_valid_and_in_archive_order(corpus):
    c, settings = corpus
    text = c.assets[feeds.ARCHIVE_ATOM]
    parsed = parse(text)
    assert parsed.version == "atom10"
    assert parsed.feed.title == "NK Briefings"
    assert parsed.feed.id == SITE_URL + "feeds/atom.xml"
    assert any(l.rel == "self" and l.href == SITE_URL + "feeds/atom.xml" for l in parsed.feed.links)
    assert len(parsed.entries) == len(c.briefings) == 8
    assert [e.link for e in parsed.entries] == [SITE_URL + b.url for b in c.briefings]
    assert [e.id for e in parsed.entries] == [SITE_URL + b.url for b in c.briefings]
    for e, b in zip(parsed.entries, c.briefings):
        assert e.title == b.title
        assert e.summary == b.summary
        assert {t.term for t in e.tags} >= {t["id"] for t in b.topics}
        assert "updated" in e


def test_dates_are_never_invented(corpus):
    c, _ = corpus
    entries = {e.title: e for e in parse(c.assets[feeds.ARCHIVE_ATOM]).entries}
    dated = entries["A dated briefing"]
    assert dated.published == "2021-04-15T00:00:00Z" and dated.updated == "2021-04-15T00:00:00Z"
    assert [a.name for a in dated.authors] == ["Jong So Yong"]
    # a month or a year is not a day: no published date, updated is the "not known" sentinel
    month = entries["A briefing from a month"]
    assert "published" not in month and month.updated == feeds.UNKNOWN_DATE
    assert "November 2020" in month.content[0].value
    undated = [e for e in entries.values() if "published" not in e]
    assert len(undated) == 7 and all(e.updated == feeds.UNKNOWN_DATE for e in undated)
    # the feed was last updated when its newest entry was
    assert parse(c.assets[feeds.ARCHIVE_ATOM]).feed.updated == "2021-04-15T00:00:00Z"
    data = json.loads(c.assets[feeds.ARCHIVE_JSON])
    by_title = {i["title"]: i for i in data["items"]}
    assert by_title["A dated briefing"]["date_published"] == "2021-04-15T00:00:00Z"
    assert sum("date_published" in i for i in data["items"]) == 1


def test_text_is_escaped_not_interpreted(corpus):
    c, _ = corpus
    title = 'Tariffs <b>&</b> "quotas" ]]> in Sinuiju'
    atom = parse(c.assets[feeds.ARCHIVE_ATOM])
    assert title in [e.title for e in atom.entries]
    assert "<b>&</b>" not in c.assets[feeds.ARCHIVE_ATOM]
    data = json.loads(c.assets[feeds.ARCHIVE_JSON])
    item = next(i for i in data["items"] if i["title"] == title)
    assert "&lt;b&gt;" not in item["title"]  # JSON carries the text, not HTML


def test_json_feed_1_1(corpus):
    c, _ = corpus
    data = json.loads(c.assets[feeds.ARCHIVE_JSON])
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == SITE_URL + "feeds/feed.json"
    assert data["home_page_url"] == SITE_URL + "briefings/"
    assert [i["url"] for i in data["items"]] == [SITE_URL + b.url for b in c.briefings]
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")  # one is required
        assert all(not k.startswith("_") or k == "_briefing" for k in item)
    jsonschema.validate(data, JSON_FEED_SCHEMA)


def test_topic_feeds_hold_that_topic_only(corpus):
    c, settings = corpus
    from briefdesk.labels.taxonomy import load_vocabulary

    vocab, _ = load_vocabulary(settings.editorial_dir)
    for tid, topic in vocab.topics.items():
        xml_path, json_path = feeds.topic_feed_paths(tid)
        expected = [SITE_URL + b.url for b in c.briefings if tid in {t["id"] for t in b.topics}]
        atom = parse(c.assets[xml_path])
        assert [e.link for e in atom.entries] == expected, tid
        assert topic.label in atom.feed.title
        assert any(l.rel == "alternate" and l.href == f"{SITE_URL}topics/{tid}/" for l in atom.feed.links)
        data = json.loads(c.assets[json_path])
        assert [i["url"] for i in data["items"]] == expected


def test_feeds_are_bounded_and_deterministic(corpus):
    c, settings = corpus
    many = []
    for n in range(feeds.MAX_ENTRIES + 7):
        many.append(dataclasses.replace(c.briefings[n % len(c.briefings)], id=f"x{n:04d}", url=f"briefings/x{n:04d}/"))
    text = feeds.atom(many, settings, path="feeds/atom.xml", title="t", subtitle="s", page_url="briefings/")
    entries = parse(text).entries
    assert len(entries) == feeds.MAX_ENTRIES
    assert [e.link for e in entries] == [SITE_URL + b.url for b in many[: feeds.MAX_ENTRIES]]
    assert len(json.loads(feeds.json_feed(many, settings, path="f.json", title="t", subtitle="s",
                                          page_url="briefings/"))["items"]) == feeds.MAX_ENTRIES
    assert feeds.feed_files(c.briefings, settings) == feeds.feed_files(c.briefings, settings)


def test_feeds_written_entry_by_entry_equal_the_whole_document_encoded_at_once(corpus):
    """atom() and json_feed() put together entries encoded one by one (kept between
    rebuilds): the bytes are those of serialising the whole tree or document."""
    import xml.etree.ElementTree as ET

    c, settings = corpus
    local = copy.copy(settings)
    local.site_url, local.site_name = None, "Ünïcode <&> \"site\""
    for s in (settings, local):
        for members in (c.briefings, c.briefings[:1], [], c.briefings[::-1]):
            kw = dict(path="feeds/x.xml", title="T <&>", subtitle="s ’", page_url="topics/x/")
            entries = list(members)[: feeds.MAX_ENTRIES]
            feed = feeds._atom_feed(entries, s, **kw)
            for b in entries:
                feed.append(feeds._atom_entry_element(record_of(b), s))
            ET.indent(feed, space=" ")
            whole = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
            assert feeds.atom(members, s, **kw) == whole
            doc = feeds._json_feed_doc(s, **kw)
            doc["items"] = [feeds._json_item(record_of(b), s) for b in entries]
            assert feeds.json_feed(members, s, **kw) == json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def test_without_site_url_ids_are_still_absolute(corpus):
    c, settings = corpus
    local = copy.copy(settings)
    local.site_url = None
    parsed = parse(feeds.atom(c.briefings, local, path="feeds/atom.xml", title="t", subtitle="s",
                              page_url="briefings/"))
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


def test_robots_txt_names_the_sitemap(corpus):
    c, settings = corpus
    assert c.assets["robots.txt"] == publish.robots_txt(settings)
    assert f"Sitemap: {SITE_URL}sitemap.xml" in c.assets["robots.txt"].splitlines()
    local = copy.copy(settings)
    local.site_url = None
    assert "Sitemap" not in publish.robots_txt(local)


# ------------------------------------------------------------------ the built site


def test_built_site_has_valid_feeds(seed_site):
    site: Path = seed_site.site
    records = json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))
    atom = parse((site / "feeds" / "atom.xml").read_text(encoding="utf-8"))
    assert [e.link for e in atom.entries] == [r["url"] for r in records]
    data = json.loads((site / "feeds" / "feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, JSON_FEED_SCHEMA)
    assert len(data["items"]) == len(records)
    topic_feeds = sorted((site / "feeds" / "topics").glob("*.xml"))
    assert topic_feeds
    for path in topic_feeds:
        tid = path.stem
        parsed = parse(path.read_text(encoding="utf-8"))
        assert (site / "topics" / tid / "index.html").is_file()
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        jsonschema.validate(data, JSON_FEED_SCHEMA)
        assert [e.link for e in parsed.entries] == [i["url"] for i in data["items"]]
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://briefings.example.org/sitemap.xml" in robots


def test_every_page_links_the_archive_feeds(seed_site):
    site: Path = seed_site.site
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue  # redirect stubs
        alts = {l["type"]: l["href"] for l in soup.find_all("link", rel="alternate") if l.get("type")}
        assert "application/atom+xml" in alts and "application/feed+json" in alts, page
        for href in alts.values():
            if page.name == "404.html":
                assert href.startswith("/")  # served at any depth
                target = site / href.lstrip("/")
            else:
                target = (page.parent / href).resolve()
            assert target.is_file(), (page, href)
        checked += 1
    assert checked > 20
    topic = BeautifulSoup((site / "topics" / "trade-smuggling" / "index.html").read_text(encoding="utf-8"),
                          "html.parser")
    hrefs = [l["href"] for l in topic.find_all("link", rel="alternate")]
    assert "../../feeds/topics/trade-smuggling.xml" in hrefs
    titles = {l["href"]: l.get("title") for l in topic.find_all("link", rel="alternate")}
    assert titles["../../feeds/topics/trade-smuggling.xml"] == "Trade and smuggling (Atom)"
    assert titles["../../feeds/topics/trade-smuggling.json"] == "Trade and smuggling (JSON Feed)"
