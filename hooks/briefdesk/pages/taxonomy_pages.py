"""The pages that tie briefings together: an overview and a paginated page for every
topic, place and actor; the province map; the archive by year and month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..cache import BuildCache
from .listing import _yaml_str, list_html, list_items, page_url, pager_html, url_to_src
from ..model import Briefing
from ..output import Memo
from .provmap import province_map_svg
from .render import mention_pattern
from ..labels.taxonomy import KIND_DIRS, MENTION_SNIPPET, load_vocabulary
from ..text import format_date, h, md_inline, rel_url


def topic_counts(briefings: list[Briefing], editorial_dir: Path,
                 cache: BuildCache | None = None) -> list[tuple[str, str, int]]:
    vocab, _ = load_vocabulary(editorial_dir, cache)
    counts: dict[str, int] = defaultdict(int)
    for b in briefings:
        for t in b.topics:
            counts[t["id"]] += 1
    return [(tid, t.label, counts[tid]) for tid, t in vocab.topics.items()]


def province_map(briefings: list[Briefing], editorial_dir: Path, from_url: str,
                 cache: BuildCache | None = None) -> str:
    vocab, _ = load_vocabulary(editorial_dir, cache)
    counts: dict[str, int] = defaultdict(int)
    for b in briefings:
        for p in b.regions:
            counts[p["id"]] += 1
    return province_map_svg(vocab, counts, lambda pid: rel_url(from_url, f"places/{pid}/"))


def _front(title: str) -> str:
    return f"---\ntitle: {_yaml_str(h(title))}\n---\n"


def _paginated(base: str, heading: str, intro_html: str, items: list[Briefing], per_page: int,
               item_fn=None, memo: Memo | None = None) -> dict[str, Callable[[], str]]:
    """{source path: maker} for a list cut into pages; each maker returns its page's Markdown."""
    pages = max(1, -(-len(items) // per_page))
    return {url_to_src(page_url(base, n)): partial(_paginated_page, base, heading, intro_html, items, per_page,
                                                   item_fn, memo, n, pages)
            for n in range(1, pages + 1)}


def _paginated_page(base: str, heading: str, intro_html: str, items: list[Briefing], per_page: int,
                    item_fn, memo: Memo | None, n: int, pages: int) -> str:
    """Page n of a listing: under `mkdocs serve` (a Memo with keys), made again only when
    one of its briefings, its heading, its introduction (the first page's) or the page
    count changed (the base names the list, and so what item_fn makes of a briefing)."""
    chunk = items[(n - 1) * per_page : n * per_page]
    make = partial(_make_paginated_page, base, heading, intro_html, chunk, item_fn, memo, n, pages)
    if memo is None:
        return make()
    return memo(("listing page", base, heading, intro_html if n == 1 else "", item_fn is None, n, pages), chunk, make)


def _make_paginated_page(base: str, heading: str, intro_html: str, chunk: list[Briefing], item_fn,
                         memo: Memo | None, n: int, pages: int) -> str:
    url = page_url(base, n)
    title = heading if n == 1 else f"{heading} (page {n} of {pages})"
    body = item_fn(chunk, url) if item_fn else list_html(chunk, url, memo)
    return "\n".join([
        _front(title), f"# {md_inline(title)}\n", intro_html if n == 1 else "",
        body + "\n", pager_html(base, n, pages, url) + "\n",
    ])


def _ready(text: str) -> Callable[[], str]:
    """A maker for a page made already."""
    return partial(str, text)


def _mentions_html(category: str, eid: str, memo: Memo):
    def render(chunk: list[Briefing], from_url: str) -> str:
        # an entry depends on its page only through the relative links it holds: key it by
        # the way up to the site's root, so entries moving from page 2 to page 3 are kept
        what = ("mention", category, eid, rel_url(from_url, ""))
        return '<ul class="bd-list">' + "".join(
            memo(what, (b,), lambda b=b: _mention_item(b, category, eid, from_url)) for b in chunk) + "</ul>"

    return render


def _mention_item(b: Briefing, category: str, eid: str, from_url: str) -> str:
    """A briefing in the list of a place's or an actor's mentions: the paragraph of the first one."""
    label = next((x for x in getattr(b, "regions" if category == "places" else category) if x["id"] == eid), None)
    para = label.get("first_paragraph", -1) if label else -1
    paragraphs = b.clean.paragraphs
    snippet = ""
    href = rel_url(from_url, b.url)
    if 0 <= para < len(paragraphs):
        if category == "places":
            patterns = _mention_patterns(label, {x["id"]: x for x in b.regions})
        else:
            patterns = [mention_pattern(label)]
        snippet = (
            f'<blockquote class="bd-mention"><a href="{h(href)}#p{para + 1}">¶ {para + 1}</a> '
            f"{_snippet(paragraphs[para], patterns)}</blockquote>"
        )
    elif label and label.get("implied_by"):
        snippet = '<p class="bd-note">Through a place in this province.</p>'
    date = h(format_date(b.date)) if b.date else "Date not stated"
    return (
        f'<li class="bd-list__item"><a class="bd-list__title" href="{h(href)}">{h(b.title)}</a>'
        f'<div class="bd-list__meta">{date}</div>{snippet}</li>'
    )


def _mention_patterns(label: dict[str, Any], regions: dict[str, dict[str, Any]]) -> list:
    """The patterns of the words that put a place on its page: its own name's, and the
    names of the places in it that the briefing names (a province is listed for a city it
    names; its first paragraph is the first of any of them), down the chain."""
    out, seen, todo = [], set(), [label]
    while todo:
        lb = todo.pop()
        if lb["id"] in seen:
            continue
        seen.add(lb["id"])
        out.append(mention_pattern(lb))
        todo.extend(regions[k.split(":", 1)[1]] for k in sorted(lb.get("evidence", {}))
                    if k.startswith("implied_by:") and k.split(":", 1)[1] in regions)
    return out


def _snippet(text: str, patterns: list) -> str:
    """About MENTION_SNIPPET characters of a paragraph around its first mention (the first
    match of any of the patterns), marked."""
    found = [m for m in (p.search(text) for p in patterns if p is not None) if m is not None]
    m = min(found, key=lambda m: (m.start(), -m.end())) if found else None
    if m is None:
        cut = text if len(text) <= MENTION_SNIPPET else text[:MENTION_SNIPPET].rsplit(" ", 1)[0] + "…"
        return h(cut)
    start = max(0, m.start() - MENTION_SNIPPET // 2)
    end = min(len(text), m.end() + MENTION_SNIPPET // 2)
    if start > 0:
        start = text.find(" ", start, m.start()) + 1 or start
    if end < len(text):
        space = text.rfind(" ", m.end(), end)
        end = space if space > 0 else end
    return (("…" if start > 0 else "") + h(text[start:m.start()]) + f"<mark>{h(m.group())}</mark>"
            + h(text[m.end():end]) + ("…" if end < len(text) else ""))


def taxonomy_pages(briefings: list[Briefing], editorial_dir: Path, per_page: int,
                   memo: Memo | None = None,
                   place_extra: Callable[[str], str] | None = None,
                   cache: BuildCache | None = None) -> dict[str, Callable[[], str]]:
    """Every topic, place and actor page and the archive, as {source path: maker}: which
    pages there are is known at once, and each maker returns its page's Markdown when
    called (the pipeline may call them in another process). ``memo`` keeps list entries
    for the next build; ``place_extra(place id)`` is HTML for the top of a place's page
    (its latest prices)."""
    memo = memo or Memo()
    vocab, _ = load_vocabulary(editorial_dir, cache)
    pages: dict[str, Callable[[], str]] = {}
    members: dict[str, dict[str, list[Briefing]]] = {c: defaultdict(list) for c in KIND_DIRS}
    for b in briefings:  # already newest first
        for cat, labels in (("topics", b.topics), ("places", b.regions), ("actors", b.actors)):
            for lb in labels:
                members[cat][lb["id"]].append(b)

    # topics: a page for every topic in the vocabulary
    rows = []
    for tid, topic in vocab.topics.items():
        items = members["topics"].get(tid, [])
        related = [vocab.topics[r] for r in topic.related if r in vocab.topics]
        see_also = (
            '<p class="bd-see-also">Related topics: '
            + ", ".join(f'<a href="{h(rel_url(f"topics/{tid}/", f"topics/{r.id}/"))}">{h(r.label)}</a>' for r in related)
            + "</p>\n"
            if related else ""
        )
        intro = (f'<p class="bd-description">{h(topic.description)}</p>\n'
                 f'<p class="bd-count">{len(items):,} briefing{"s" if len(items) != 1 else ""}, newest first.</p>\n{see_also}')
        pages.update(_paginated(f"topics/{tid}/", topic.label, intro, items, per_page, memo=memo))
        rows.append(f'<li><a href="{h(tid)}/">{h(topic.label)}</a> <span class="bd-count">({len(items):,})</span>'
                    f'<p class="bd-list__summary">{h(topic.description)}</p></li>')
    pages["topics/index.md"] = _ready(_front("Topics") + "# Topics\n\n"
                                '<p>Every briefing is assigned topics from its text by the terms in the editors’ '
                                'vocabulary; each briefing shows the evidence. See <a href="../about/">About</a>.</p>\n\n'
                                f'<ul class="bd-index">{"".join(rows)}</ul>\n')

    # places: every province-level division, and every place with briefings
    counts = {pid: len(members["places"].get(pid, [])) for pid in vocab.places}
    svg = province_map(briefings, editorial_dir, "places/", cache)
    place_ids = [pid for pid, p in vocab.places.items() if p.is_province_level or counts[pid]]
    for pid in place_ids:
        place = vocab.places[pid]
        items = members["places"].get(pid, [])
        where = ""
        parent = place.city or place.province
        if parent and parent in vocab.places:
            where = (f'<p>{h(place.kind.replace("-", " ").capitalize())} in '
                     f'<a href="{h(rel_url(f"places/{pid}/", f"places/{parent}/"))}">{h(vocab.places[parent].name)}</a>.</p>\n')
        variants = ", ".join(v for v in place.variants if v != place.name)
        also = f'<p class="bd-note">Also written: {h(variants)}</p>\n' if variants else ""
        extra = place_extra(pid) if place_extra else ""
        intro = where + also + extra + f'<p class="bd-count">Mentioned in {len(items):,} briefing{"s" if len(items) != 1 else ""}, newest first, with the paragraph of the first mention.</p>\n'
        pages.update(_paginated(f"places/{pid}/", place.name, intro, items, per_page, _mentions_html("places", pid, memo),
                                memo))
    provinces = [p for p in vocab.places.values() if p.is_province_level]
    prov_rows = "".join(
        f'<li><a href="{h(p.id)}/">{h(p.name)}</a> <span class="bd-count">({counts[p.id]:,})</span>'
        + ("<ul>" + "".join(
            f'<li><a href="{h(c.id)}/">{h(c.name)}</a> <span class="bd-count">({counts[c.id]:,})</span></li>'
            for c in vocab.places.values() if c.province == p.id and counts[c.id]) + "</ul>" if any(
            c.province == p.id and counts[c.id] for c in vocab.places.values()) else "")
        + "</li>"
        for p in provinces
    )
    abroad = [p for p in vocab.places.values() if p.country != "KP" and counts[p.id]]
    abroad_html = ("<h2 id=\"across-the-border\">Across the border</h2>\n<ul class=\"bd-index\">" + "".join(
        f'<li><a href="{h(p.id)}/">{h(p.name)}</a> <span class="bd-count">({counts[p.id]:,})</span></li>' for p in abroad)
        + "</ul>\n") if abroad else ""
    pages["places/index.md"] = _ready(
        _front("Places") + "# Places\n\n"
        '<p>How many briefings concern each province (a city counts for its province). Select a province '
        'for its briefings.</p>\n\n'
        f'<figure class="bd-map">{svg}</figure>\n\n'
        f'<h2 id="provinces">Provinces and cities</h2>\n<ul class="bd-index">{prov_rows}</ul>\n{abroad_html}'
    )

    # actors: every actor with briefings
    rows = []
    for aid, actor in vocab.actors.items():
        items = members["actors"].get(aid, [])
        if not items:
            continue
        variants = ", ".join(v for v in actor.variants if v != actor.name)
        also = f'<p class="bd-note">Also written: {h(variants)}</p>\n' if variants else ""
        intro = also + f'<p class="bd-count">Mentioned in {len(items):,} briefing{"s" if len(items) != 1 else ""}, newest first.</p>\n'
        pages.update(_paginated(f"actors/{aid}/", actor.name, intro, items, per_page, _mentions_html("actors", aid, memo),
                                memo))
        rows.append(f'<li><a href="{h(aid)}/">{h(actor.name)}</a> <span class="bd-count">({len(items):,})</span></li>')
    pages["actors/index.md"] = _ready(_front("Actors") + "# Actors\n\n<p>State and party bodies and people named in the "
                                f'briefings.</p>\n\n<ul class="bd-index">{"".join(rows)}</ul>\n')

    pages.update(archive_pages(briefings, per_page, memo))
    return pages


def archive_pages(briefings: list[Briefing], per_page: int, memo: Memo | None = None) -> dict[str, Callable[[], str]]:
    """By year (each year's page lists its briefings by month, paginated); undated ones
    are listed under their own heading, never given a date. {source path: maker}."""
    years: dict[str, list[Briefing]] = defaultdict(list)
    undated: list[Briefing] = []
    for b in briefings:
        (years[b.date[:4]] if b.date else undated).append(b)
    pages: dict[str, Callable[[], str]] = {}
    rows = []
    for year in sorted(years, reverse=True):
        items = years[year]
        months: dict[str, int] = defaultdict(int)
        for b in items:
            months[b.date[5:7] if len(b.date) >= 7 else ""] += 1
        month_list = ", ".join(
            f"{format_date(f'{year}-{m}')} ({n})" if m else f"month not stated ({n})" for m, n in sorted(months.items(), reverse=True)
        )
        rows.append(f'<li><a href="{year}/">{year}</a> <span class="bd-count">({len(items):,})</span>'
                    f'<p class="bd-list__summary">{h(month_list)}</p></li>')

        def by_month(chunk: list[Briefing], from_url: str) -> str:
            out, current = [], None
            for b in chunk:
                label = format_date(b.date[:7]) if len(b.date) >= 7 else f"{b.date[:4]}, month not stated"
                if label != current:
                    if current is not None:
                        out.append("</ul>")
                    out.append(f'<h2 class="bd-month">{h(label)}</h2><ul class="bd-list">')
                    current = label
                out.append(list_items([b], from_url, memo))
            return "".join(out) + ("</ul>" if current else "")

        pages.update(_paginated(f"archive/{year}/", f"Briefings of {year}", "", items, per_page, by_month, memo))
    pages.update(_paginated("archive/undated/", "Briefings whose date is not stated",
                            '<p>The sources of these briefings do not state when they were published, and the '
                            'archive does not guess.</p>\n', undated, per_page, memo=memo))
    rows.append(f'<li><a href="undated/">Date not stated in the source</a> <span class="bd-count">({len(undated):,})</span></li>')
    pages["archive/index.md"] = _ready(_front("Archive") + "# Archive\n\n<p>Briefings by the year their source was "
                                 f'published.</p>\n\n<ul class="bd-index">{"".join(rows)}</ul>\n')
    return pages
