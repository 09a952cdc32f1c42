"""What the prices stage publishes besides the price pages: the observations as researchers
get them (data/prices.json, .csv), each with its briefing's address, the paragraph's and a
citation with "¶ n"; the "Prices in this briefing" table on a briefing page.

Everything is in the briefings' order (newest first), then the text's: same corpus,
same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence

from . import cite, citing
from .export import json_lines_array
from ..model import Briefing
from ..text import absolute_url, format_date, h, rel_url

FIELDS = ("id", "briefing", "paragraph", "commodity", "commodity_name", "kind", "value", "value_high", "qualifier",
          "currency", "unit", "unit_stated", "place_id", "place_name", "date", "date_source", "previous_value",
          "previous_value_high", "previous_qualifier", "previous_date", "earlier_figure", "figure", "text", "url",
          "briefing_title", "citation")


def citation(b: Briefing, settings, paragraph: int, chicago: str | None = None) -> str:
    """The briefing's citation (Chicago, as its citation box gives it, without the access
    date) pinned to a paragraph: "…, ¶ 4. https://…/#p4."."""
    head, url = _citation_head(b, settings, chicago)
    return f"{head}, ¶ {paragraph}. {url}#p{paragraph}."


def _citation_head(b: Briefing, settings, chicago: str | None) -> tuple[str, str]:
    """(the citation without its URL, the briefing's absolute URL): made once a briefing."""
    if chicago is None:
        chicago = cite.cite_briefing(citing.record(b, settings), citing.site_info(settings), "chicago")
    url = absolute_url(settings.site_url, b.url)
    text = chicago.replace(" Accessed {accessed}.", "")
    at = text.rfind(url)
    return (text[:at] if at >= 0 else text).rstrip(" ."), url


def records(b: Briefing, settings, chicago: str | None = None) -> list[dict[str, Any]]:
    """The briefing's observations as data/prices.json has them (``chicago``: the
    briefing's citation, when made already)."""
    if not b.prices:
        return []
    head, url = _citation_head(b, settings, chicago)
    out = []
    for o in b.prices:
        rec = {"id": o["id"], **{k: v for k, v in o.items() if k != "id"}}
        n = o["paragraph"]
        rec["url"] = f"{url}#p{n}"
        rec["briefing_title"] = b.title
        rec["citation"] = f"{head}, ¶ {n}. {url}#p{n}."
        out.append(rec)
    return out


def json_lines(b: Briefing, settings, chicago: str | None = None) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records(b, settings, chicago)]


def csv_rows(b: Briefing, settings, chicago: str | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in records(b, settings, chicago):  # each record is this call's own: changed in place
        place, prev = row.pop("place"), row.pop("previous")
        row["place_id"], row["place_name"] = (place["id"], place["name"]) if place else ("", "")
        for key in ("value", "value_high", "qualifier", "date"):
            row[f"previous_{key}"] = prev.get(key) if prev else None
        writer.writerow([_csv_cell(row.get(key, "")) for key in FIELDS])
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def json_export(lines: Iterable[Sequence[str]]) -> str:
    return json_lines_array(line for group in lines for line in group)


def csv_export(rows: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n").writeheader()
    return buf.getvalue() + "".join(rows)


def report(briefings: Sequence[Briefing]) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """(observations in the archive, {briefing id: figures left out}) for the build report."""
    count = sum(len(b.prices) for b in briefings)
    left = {b.id: [dict(x) for x in b.prices_left_out] for b in sorted(briefings, key=lambda b: b.id) if b.prices_left_out}
    return count, left


def format_value(o: dict[str, Any]) -> str:
    """"6,500 KPW per kg", "900–1,100 KPW per kg", "more than 7,000 KPW per kg"."""
    def num(x: float | int) -> str:
        return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}".rstrip("0").rstrip(".")

    value = num(o["value"]) + (f"–{num(o['value_high'])}" if o.get("value_high") is not None else "")
    q = f"{o['qualifier']} " if o.get("qualifier") else ""
    return f"{q}{value} {o['currency']} per {o['unit']}" if o.get("unit") else f"{q}{value} {o['currency']}"


def table_html(b: Briefing, from_url: str, prices_url: str = "prices/") -> str:
    """"Prices in this briefing": one row an observation, each linking to its ¶ and to
    the commodity's page. Empty when the briefing states none."""
    if not b.prices:
        return ""
    rows = []
    for o in b.prices:
        place = h(o["place"]["name"]) if o["place"] else '<span class="bd-unknown">not stated</span>'
        date = h(format_date(o["date"])) if o["date"] else '<span class="bd-unknown">not stated</span>'
        prev = ""
        if o.get("previous"):
            p = o["previous"]
            prev = f' <span class="bd-note">(from {h(format_value({**o, **p, "unit": None}))}'
            prev += f", {h(p['date'])})" if p.get("date") else ")"
            prev += "</span>"
        earlier = ' <span class="bd-note">(earlier figure)</span>' if o.get("earlier_figure") else ""
        target = prices_url + o["commodity"] + "/"
        commodity = f'<a href="{h(rel_url(from_url, target))}">{h(o["commodity_name"])}</a>'
        rows.append(
            f'<tr><td>{commodity}</td><td class="bd-num">{h(format_value(o))}{prev}{earlier}</td>'
            f'<td>{place}</td><td>{date}</td>'
            f'<td><a href="#p{o["paragraph"]}" title="{h(o["text"])}">¶&nbsp;{o["paragraph"]}</a></td></tr>')
    n = len(b.prices)
    return (
        "## Prices in this briefing\n\n"
        f'<div class="bd-prices"><p class="bd-note">{n} figure{"s" if n != 1 else ""} read from the text '
        '(see <a href="' + h(rel_url(from_url, prices_url)) + '">all prices</a>). A place or date the text does '
        'not state is not guessed.</p>'
        '<div class="bd-prices__scroll"><table class="bd-prices__table"><thead><tr><th scope="col">Commodity</th><th scope="col">Price</th>'
        '<th scope="col">Place</th><th scope="col">Date</th><th scope="col">Where</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></div>\n'
    )
