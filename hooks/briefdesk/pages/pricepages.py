"""The prices pages: /prices/ (each commodity's latest figures by place), a page per
commodity (/prices/<id>/: a chart drawn here as SVG, the latest figures by place, every
observation in a paginated table, the undated ones apart) and the block of latest prices
on each place's page; data/prices.json and .csv from the same index.

The chart is plain SVG in the page: no script, titles and labels as text, each point a
link to the paragraph it was read from. It aggregates, so its size does not grow with
the archive: at most SERIES places (the ones with most figures), and per place one point
per period, a month or, over a long span, as many months as keep it within MAX_POINTS
points; a point is the period's median figure (the lower one of an even count), and links
to that figure's paragraph. Only figures dated to a month or a day are drawn, in the
commodity's most common currency and unit; every figure is in the table.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from typing import Any, Callable, Sequence

from . import cite, citing
from ..labels import pricedata
from . import price_records
from .listing import page_url, pager_html, url_to_src, _yaml_str
from ..model import Briefing
from ..output import Memo
from ..text import format_date, h, md_inline, rel_url

BASE = "prices/"
SERIES = 6
MAX_POINTS = 120
# colour-blind-safe (Okabe-Ito), readable on light and dark backgrounds
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
W, H, LEFT, RIGHT, TOP, BOTTOM = 720, 320, 72, 16, 16, 40


class PriceIndex:
    """Every observation of the archive with its briefing, in the briefings' order
    (newest first) and the text's; each briefing's citation made once.

    ``memo`` (the build's output.Memo): under `mkdocs serve`, a briefing's citation and
    export lines, and a page or block made from some briefings' figures, are made again
    only when one of those briefings changed (or, for a page, the places that have pages)."""

    def __init__(self, briefings: Sequence[Briefing], settings, site: dict[str, Any] | None = None,
                 memo: Memo | None = None) -> None:
        self.settings = settings
        self.memo = memo if memo is not None else Memo()
        site = site if site is not None else citing.site_info(settings)  # with the build's name lists
        self.items: list[tuple[dict[str, Any], Briefing]] = []
        self.citations: dict[str, str] = {}
        for b in briefings:
            if b.prices:
                self.citations[b.id] = self.memo(("price citation",), [b], lambda b=b: cite.cite_briefing(
                    citing.record(b, settings), site, "chicago"))
                self.items.extend((o, b) for o in b.prices)
        self.by_commodity: dict[str, list[tuple[dict[str, Any], Briefing]]] = defaultdict(list)
        self.by_place: dict[str, list[tuple[dict[str, Any], Briefing]]] = defaultdict(list)
        self.place_pages = {p["id"] for b in briefings for p in b.regions}  # places with a page
        self._place_key = tuple(sorted(self.place_pages))  # in a memo's key: the pages link to these
        for item in self.items:
            self.by_commodity[item[0]["commodity"]].append(item)
            if item[0]["place"]:
                self.by_place[item[0]["place"]["id"]].append(item)
        # commodity id -> (its dated figures newest first, its undated ones): sorted once,
        # not again for each of its pages
        self._ordered: dict[str, tuple[list, list]] = {}

    def ordered(self, cid: str) -> tuple[list[tuple[dict[str, Any], Briefing]], list[tuple[dict[str, Any], Briefing]]]:
        hit = self._ordered.get(cid)
        if hit is None:
            items = self.by_commodity.get(cid, [])
            hit = self._ordered[cid] = (_newest_first([it for it in items if it[0]["date"]]),
                                        [it for it in items if not it[0]["date"]])
        return hit

    def citation(self, o: dict[str, Any], b: Briefing) -> str:
        return price_records.citation(b, self.settings, o["paragraph"], self.citations[b.id])

    def json(self) -> str:
        return price_records.json_export(
            self.memo(("price json",), [b], functools.partial(price_records.json_lines, b, self.settings,
                                                               self.citations.get(b.id)))
            for b in _unique(b for _, b in self.items))

    def csv(self) -> str:
        return price_records.csv_export(
            self.memo(("price csv",), [b], functools.partial(price_records.csv_rows, b, self.settings,
                                                              self.citations.get(b.id)))
            for b in _unique(b for _, b in self.items))

    def made_from(self, what: tuple, items, make: Callable[[], str]) -> str:
        """``make()``, or what it made in the last build from the same briefings' figures
        (``items``, in order), when the places with a page are the same too."""
        briefings = _unique(b for _, b in items)
        return self.memo((*what, self._place_key), briefings, make) if briefings else make()


def _unique(briefings) -> list[Briefing]:
    seen: dict[str, Briefing] = {}
    for b in briefings:
        seen.setdefault(b.id, b)
    return list(seen.values())


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _front(title: str) -> str:
    return f"---\ntitle: {_yaml_str(h(title))}\n---\n"


def _date_key(o: dict[str, Any]) -> str:
    return o["date"] or ""


def _newest_first(items):
    """Dated figures newest first (then by briefing order and position, which is stable)."""
    return sorted(items, key=lambda it: _date_key(it[0]), reverse=True)


def _latest_by(items, key: Callable[[dict[str, Any]], str | None]) -> dict[str | None, tuple[dict, Briefing]]:
    latest: dict[str | None, tuple[dict, Briefing]] = {}
    for it in items:  # in archive order: among equal dates the newer briefing wins
        o = it[0]
        if not o["date"]:
            continue
        k = key(o)
        cur = latest.get(k)
        if cur is None or _date_key(o) > _date_key(cur[0]):
            latest[k] = it
    return latest


def _para_link(o: dict[str, Any], b: Briefing, from_url: str) -> str:
    return f"{rel_url(from_url, b.url)}#p{o['paragraph']}"


def _when(o: dict[str, Any]) -> str:
    if not o["date"]:
        return '<span class="bd-unknown">Date not stated</span>'
    return f'<time datetime="{h(o["date"])}">{h(format_date(o["date"]))}</time>'


def _source_cell(o: dict[str, Any], b: Briefing, from_url: str, index: PriceIndex | None = None) -> str:
    link = (f'<a href="{h(_para_link(o, b, from_url))}">{h(b.title)}, ¶&nbsp;{o["paragraph"]}</a>')
    if index is None:
        return link
    return link + f'<div class="bd-prices__cite">{h(index.citation(o, b))}</div>'


def _value(o: dict[str, Any]) -> str:
    text = h(price_records.format_value(o))
    if o.get("earlier_figure"):
        text += ' <span class="bd-note">(earlier figure)</span>'
    return text


# --------------------------------------------------------------------------- chart


def _month(date: str | None) -> int | None:
    if not date or len(date) < 7:
        return None
    return int(date[:4]) * 12 + int(date[5:7]) - 1


def _nice(x: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten not below x."""
    if x <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * p >= x:
            return m * p
    return 10 * p


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _mid(o: dict[str, Any]) -> float:
    return (o["value"] + o["value_high"]) / 2 if o.get("value_high") is not None else float(o["value"])


def chart(commodity, items, from_url: str) -> tuple[str, str]:
    """(the chart's HTML, a sentence on what it leaves out) for one commodity's figures."""
    combos = Counter((o["currency"], o["unit"]) for o, _ in items)
    if not combos:
        return "", ""
    (currency, unit), _ = min(combos.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))
    drawn = [(o, b) for o, b in items if (o["currency"], o["unit"]) == (currency, unit) and _month(o["date"]) is not None]
    other_units = sum(n for combo, n in combos.items() if combo != (currency, unit))
    if not drawn:
        return "", "No figure is dated to a month, so there is no chart; every figure is in the table."
    place_of = lambda o: o["place"]["id"] if o["place"] else None  # noqa: E731
    counts = Counter(place_of(o) for o, _ in drawn)
    names = {place_of(o): (o["place"]["name"] if o["place"] else "Place not stated") for o, _ in drawn}
    order = sorted(counts, key=lambda p: (-counts[p], p is None, names[p]))
    series = order[:SERIES]
    left_places = order[SERIES:]
    months = [_month(o["date"]) for o, _ in drawn]
    lo, hi = min(months), max(months)
    step = max(1, -(-(hi - lo + 1) // MAX_POINTS))
    buckets: dict[tuple[str | None, int], list[tuple[dict, Briefing]]] = defaultdict(list)
    for o, b in drawn:
        p = place_of(o)
        if p in series:
            buckets[(p, (_month(o["date"]) - lo) // step)].append((o, b))
    top = max(_mid(o) for o, _ in drawn)
    ymax = _nice(top * 1.05) if top > 0 else 1.0
    ystep = _nice(ymax / 5)
    ymax = ystep * math.ceil(ymax / ystep)
    span = max(1, hi - lo + 1)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(month_index: float) -> float:
        return LEFT + pw * (month_index - lo + 0.5) / span

    def y(v: float) -> float:
        return TOP + ph * (1 - v / ymax)

    unit_text = f"{currency} per {unit}" if unit else currency
    title = f"{commodity.name}: {unit_text}, by place, {format_date(_iso_month(lo))} to {format_date(_iso_month(hi))}"
    parts = [f'<svg class="bd-chart" viewBox="0 0 {W} {H}" width="100%" role="group" '
             f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">{h(title)}</title>',
             f'<desc id="chart-desc">Each point is the median figure of a '
             f'{"month" if step == 1 else f"period of {step} months"} in one place, a link to the paragraph it was '
             f'read from.</desc>']
    # axes and grid
    k = 0
    while k * ystep <= ymax + 1e-9:
        v = k * ystep
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#888" '
                     f'stroke-opacity="0.35" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="currentColor">{h(_num(v))}</text>')
        k += 1
    first_year, last_year = lo // 12, hi // 12
    every = max(1, -(-(last_year - first_year + 1) // 12))
    for year in range(first_year, last_year + 1):
        m = year * 12
        if m < lo:
            m = lo
        if (year - first_year) % every:
            continue
        parts.append(f'<line x1="{x(m - 0.5):.1f}" x2="{x(m - 0.5):.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#888" '
                     f'stroke-opacity="0.2"/>')
        parts.append(f'<text x="{x(m - 0.5) + 3:.1f}" y="{H - BOTTOM + 16}" font-size="12" '
                     f'fill="currentColor">{year}</text>')
    parts.append(f'<text x="{LEFT}" y="{H - 6}" font-size="12" fill="currentColor">{h(unit_text)}</text>')
    legend = []
    for i, p in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        points = []
        for (sp, bucket), group in sorted(((key, g) for key, g in buckets.items() if key[0] == p), key=lambda kv: kv[0][1]):
            ranked = sorted(group, key=lambda it: (_mid(it[0]), it[0]["id"]))
            o, b = ranked[(len(ranked) - 1) // 2]
            points.append((x(lo + bucket * step + (step - 1) / 2), y(_mid(o)), o, b, len(group)))
        if len(points) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{px:.1f},{py:.1f}" for px, py, *_ in points) + '"/>')
        for px, py, o, b, n in points:
            label = (f"{names[p]}, {format_date(o['date'])}: {price_records.format_value(o)}"
                     + (f" (median of {n} figures)" if n > 1 else "") + f". {b.title}, ¶ {o['paragraph']}")
            parts.append(f'<a href="{h(_para_link(o, b, from_url))}"><circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" '
                         f'fill="{colour}" stroke="#fff" stroke-width="1"><title>{h(label)}</title></circle></a>')
        legend.append(f'<li><span class="bd-chart__swatch" style="background:{colour}"></span>{h(names[p])} '
                      f'<span class="bd-count">({counts[p]:,})</span></li>')
    parts.append("</svg>")
    notes = []
    if left_places:
        notes.append(f"{_n(sum(counts[p] for p in left_places), 'figure')} from {_n(len(left_places), 'other place')}")
    if other_units:
        notes.append(f"{_n(other_units, 'figure')} in another currency or unit")
    undrawn = sum(1 for o, _ in items if (o["currency"], o["unit"]) == (currency, unit) and _month(o["date"]) is None)
    if undrawn:
        notes.append(f"{_n(undrawn, 'figure')} not dated to a month")
    note = ("Not drawn, but in the table: " + "; ".join(notes) + ".") if notes else ""
    html = (f'<figure class="bd-chart-figure">{"".join(parts)}'
            f'<figcaption><ul class="bd-chart__legend">{"".join(legend)}</ul></figcaption></figure>')
    return html, note


def _iso_month(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


# --------------------------------------------------------------------------- pages


def _latest_table(rows: list[tuple[str, dict, Briefing]], first: str, from_url: str) -> str:
    body = "".join(
        f'<tr><td>{label}</td><td class="bd-num">{_value(o)}</td><td>{_when(o)}</td>'
        f'<td>{_source_cell(o, b, from_url)}</td></tr>' for label, o, b in rows)
    return (f'<div class="bd-prices__scroll"><table class="bd-prices__table"><thead><tr><th scope="col">{h(first)}</th>'
            f'<th scope="col">Latest</th><th scope="col">Date</th><th scope="col">Source</th></tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


def _by_place_rows(items, from_url: str, index: PriceIndex) -> list[tuple[str, dict, Briefing]]:
    latest = _latest_by(items, lambda o: o["place"]["id"] if o["place"] else None)
    rows = []
    for key, (o, b) in sorted(latest.items(), key=lambda kv: (kv[0] is None, kv[1][0]["place"]["name"] if kv[0] else "")):
        if key is None:
            label = '<span class="bd-unknown">Place not stated</span>'
        elif key in index.place_pages:
            label = f'<a href="{h(rel_url(from_url, "places/" + key + "/"))}">{h(o["place"]["name"])}</a>'
        else:
            label = h(o["place"]["name"])
        rows.append((label, o, b))
    return rows


def _observation_rows(chunk, from_url: str, index: PriceIndex) -> str:
    return "".join(
        f'<tr><td>{_when(o)}</td><td>{h(o["place"]["name"]) if o["place"] else "<span class=bd-unknown>Not stated</span>"}</td>'
        f'<td class="bd-num">{_value(o)}</td><td>{_source_cell(o, b, from_url, index)}</td></tr>'
        for o, b in chunk)


def _table(rows: str, caption: str) -> str:
    return (f'<div class="bd-prices__scroll"><table class="bd-prices__table bd-prices__all"><caption>{h(caption)}'
            '</caption><thead><tr><th scope="col">Date</th><th scope="col">Place</th><th scope="col">Price</th>'
            f'<th scope="col">Source and citation</th></tr></thead><tbody>{rows}</tbody></table></div>')


def commodity_page(commodity, items, index: PriceIndex, per_page: int, n: int, pages: int) -> str:
    """Page n of a commodity's figures (``items``: all of them, in the index's order). The
    first page (its chart and latest figures) is made from all of them; a later one from
    its own figures (which figure of which briefing each is) and the counts alone."""
    make = functools.partial(_commodity_page, commodity, items, index, per_page, n, pages)
    what = ("price page", commodity.id, per_page, n, pages)
    if n == 1:
        return index.made_from(what, items, make)
    dated, undated = _dated_undated(commodity, items, index)
    chunk = _chunk(dated, undated, per_page, n)
    place = {id(o): i for _, b in chunk for i, o in enumerate(b.prices)}
    return index.made_from((*what, len(dated), len(undated), tuple((b.id, place[id(o)]) for o, b in chunk)),
                           chunk, make)


def _dated_undated(commodity, items, index: PriceIndex):
    return index.ordered(commodity.id) if items is index.by_commodity.get(commodity.id) else (
        _newest_first([it for it in items if it[0]["date"]]), [it for it in items if not it[0]["date"]])


def _chunk(dated, undated, per_page: int, n: int):
    lo, hi = (n - 1) * per_page, n * per_page
    return dated[lo:hi] + undated[max(0, lo - len(dated)):max(0, hi - len(dated))]


def _commodity_page(commodity, items, index: PriceIndex, per_page: int, n: int, pages: int) -> str:
    base = f"{BASE}{commodity.id}/"
    url = page_url(base, n)
    dated, undated = _dated_undated(commodity, items, index)
    chunk = _chunk(dated, undated, per_page, n)
    title = f"Prices: {commodity.name}" if n == 1 else f"Prices: {commodity.name} (page {n} of {pages})"
    out = [_front(title), f"# {md_inline(title)}\n"]
    kind = "exchange rate" if commodity.kind == "exchange-rate" else "market price"
    if n == 1:
        svg, note = chart(commodity, items, url)
        out.append(f'<p class="bd-count">{_n(len(items), "figure")} of the {kind} of '
                   f'{h(commodity.name.lower() if commodity.kind == "good" else commodity.name)}, read from '
                   f'the briefings ({len(undated):,} whose date is not stated). '
                   f'<a href="{h(rel_url(url, BASE))}">All commodities</a>.</p>\n')
        if svg:
            out.append(svg + "\n")
        if note:
            out.append(f'<p class="bd-note">{h(note)}</p>\n')
        rows = _by_place_rows(items, url, index)
        if rows:
            out.append('## Latest by place\n\n' + _latest_table(rows, "Place", url) + "\n")
        out.append("## Every figure\n")
    first = (n - 1) * per_page
    in_dated = [it for k, it in enumerate(chunk) if first + k < len(dated)]
    in_undated = chunk[len(in_dated):]
    if in_dated:
        out.append(_table(_observation_rows(in_dated, url, index),
                          f"Figures {first + 1:,}–{first + len(in_dated):,} of {len(dated):,} dated, newest first") + "\n")
    if in_undated:
        start = first + len(in_dated) - len(dated)
        out.append('<h3 id="undated">Figures whose date is not stated</h3>\n'
                   '<p class="bd-note">Neither the sentence nor the briefing states when these were the prices, '
                   'and the archive does not guess; they are not in the chart.</p>\n')
        out.append(_table(_observation_rows(in_undated, url, index),
                          f"Undated figures {start + 1:,}–{start + len(in_undated):,} of {len(undated):,}") + "\n")
    if not chunk:
        out.append('<p class="bd-note">No figure yet.</p>\n')
    out.append(pager_html(base, n, pages, url) + "\n")
    return "\n".join(out)


def overview(vocab, index: PriceIndex) -> str:
    return index.made_from(("price overview",), index.items, functools.partial(_overview, vocab, index))


def _overview(vocab, index: PriceIndex) -> str:
    url = BASE
    out = [_front("Prices"), "# Prices\n",
           '<p>The market prices and exchange rates the briefings state, read from their text: each figure with '
           'its commodity, place and date where the text gives them (a place or date it does not give is not '
           'guessed), and a link to the paragraph it was read from. Wages, bribes, fines, fees and official '
           'rates are not market prices and are left out. See <a href="../about/#prices">About</a> for how; '
           f'all figures: <a href="{h(rel_url(url, pricedata.PRICES_JSON))}">prices.json</a>, '
           f'<a href="{h(rel_url(url, pricedata.PRICES_CSV))}">prices.csv</a>.</p>\n']
    any_ = False
    for kind, heading in (("good", "Goods"), ("exchange-rate", "Exchange rates")):
        sections = []
        for com in vocab.commodities.values():
            if com.kind != kind or com.id not in index.by_commodity:
                continue
            items = index.by_commodity[com.id]
            link = h(rel_url(url, f"{BASE}{com.id}/"))
            undated = sum(1 for o, _ in items if not o["date"])
            rows = _by_place_rows(items, url, index)
            table = _latest_table(rows, "Place", url) if rows else '<p class="bd-note">No dated figure.</p>'
            sections.append(f'<h3 id="{h(com.id)}"><a href="{link}">{h(com.name)}</a></h3>\n'
                            f'<p class="bd-count">{_n(len(items), "figure")} ({undated:,} undated): '
                            f'<a href="{link}">chart and every figure</a>.</p>\n{table}\n')
        if sections:
            any_ = True
            out.append(f"## {heading}\n\n" + "\n".join(sections))
    if not any_:
        out.append('<p class="bd-note">No briefing states a price yet.</p>\n')
    return "\n".join(out)


def pages(index: PriceIndex, vocab, per_page: int) -> dict[str, Callable[[], str]]:
    """{source path: maker}: the overview and every commodity with figures."""
    out: dict[str, Callable[[], str]] = {url_to_src(BASE): functools.partial(overview, vocab, index)}
    for com in vocab.commodities.values():
        items = index.by_commodity.get(com.id)
        if not items:
            continue
        count = max(1, -(-len(items) // per_page))
        for n in range(1, count + 1):
            out[url_to_src(page_url(f"{BASE}{com.id}/", n))] = functools.partial(
                commodity_page, com, items, index, per_page, n, count)
    return out


def place_html(index: PriceIndex, vocab, pid: str) -> str:
    """The latest figure of each commodity in one place, for its page."""
    items = index.by_place.get(pid)
    if not items:
        return ""
    return index.made_from(("price place", pid), items, functools.partial(_place_html, index, vocab, pid, items))


def _place_html(index: PriceIndex, vocab, pid: str, items) -> str:
    url = f"places/{pid}/"
    latest = _latest_by(items, lambda o: o["commodity"])
    order = list(vocab.commodities)
    rows = []
    for cid in sorted(latest, key=lambda c: order.index(c) if c in order else len(order)):
        o, b = latest[cid]
        link = f'<a href="{h(rel_url(url, f"{BASE}{cid}/"))}">{h(o["commodity_name"])}</a>'
        rows.append((link, o, b))
    if not rows:
        return ""
    return ('<h2 id="latest-prices">Latest prices here</h2>\n' + _latest_table(rows, "Commodity", url) + "\n")
