"""Export stage: the corpus for researchers (JSON and CSV) and the build report.

Both are deterministic: same corpus, same bytes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from ..model import Briefing
from ..text import absolute_url

CSV_LIST_SEPARATOR = "; "
FIELDS = (
    "id", "url", "path", "title", "title_derived", "date", "date_source", "authors", "translators",
    "editors", "outlet", "source_url", "summary", "summary_derived", "language", "word_count",
    "reading_minutes", "regions", "topics", "actors", "source_file", "content_hash", "version", "revised",
    "price_observations",
)


def record(b: Briefing, site_url: str | None) -> dict[str, Any]:
    """One briefing as researchers get it in briefings.json (and, flattened, the CSV)."""
    return {
        "id": b.id,
        "url": absolute_url(site_url, b.url),
        "path": b.url,
        "title": b.title,
        "title_derived": b.title_derived,
        "date": b.date,
        "date_source": b.date_source,
        "authors": b.authors,
        "translators": b.translators,
        "editors": b.editors,
        "outlet": b.outlet,
        "source_url": b.source_url,
        "summary": b.summary,
        "summary_derived": b.summary_derived,
        "language": b.language,
        "word_count": b.word_count,
        "reading_minutes": b.reading_minutes,
        "regions": [r["name"] for r in b.regions],
        "topics": [t["name"] for t in b.topics],
        "actors": [a["name"] for a in b.actors],
        "source_file": b.source_file,
        "content_hash": b.content_hash,
        "version": b.version,
        "revised": b.revised,
        "price_observations": len(b.prices),  # its prices and exchange rates in data/prices.json
        # why each label was assigned: the terms that matched and how often
        "label_evidence": {
            kind: [{"id": x["id"], "score": x.get("score"), "evidence": x.get("evidence", {})} for x in labels]
            for kind, labels in (("topics", b.topics), ("regions", b.regions), ("actors", b.actors))
        },
    }


def json_array(items: Iterable[Any]) -> str:
    """A JSON array with one item per line: easy to diff (a changed briefing is a changed
    line) and encoded by the json module's C encoder (an ``indent`` makes it encode in
    Python, which for the whole archive took longer than rendering the pages)."""
    return json_lines_array(json.dumps(x, ensure_ascii=False) for x in items)


def json_lines_array(lines: Iterable[str]) -> str:
    """The JSON array of ``json_array`` from its items, each already encoded on one line."""
    parts = list(lines)
    return "[\n" + ",\n".join(parts) + "\n]\n" if parts else "[]\n"


def json_object_lines(obj: dict[str, Any]) -> str:
    """A JSON object with a line for each key and, for list values, for each item."""
    lines = []
    for key, value in obj.items():
        k = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            lines.append(f"{k}: [\n  " + ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in value) + "\n ]")
        elif isinstance(value, dict) and value:
            lines.append(f"{k}: {{\n  " + ",\n  ".join(
                f"{json.dumps(kk, ensure_ascii=False)}: {json.dumps(vv, ensure_ascii=False)}" for kk, vv in value.items())
                + "\n }")
        else:
            lines.append(f"{k}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n" if lines else "{}\n"


def json_line(b: Briefing, site_url: str | None) -> str:
    """A briefing's line in briefings.json."""
    return json.dumps(record(b, site_url), ensure_ascii=False)


def briefings_json(briefings: list[Briefing], site_url: str | None) -> str:
    return json_lines_array(json_line(b, site_url) for b in briefings)


def csv_row(b: Briefing, site_url: str | None) -> str:
    """A briefing's row in briefings.csv (lists joined, booleans as true/false, None empty)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
    row = record(b, site_url)
    for key, value in row.items():
        if isinstance(value, list):
            row[key] = CSV_LIST_SEPARATOR.join(value)
        elif isinstance(value, bool):
            row[key] = "true" if value else "false"
        elif value is None:
            row[key] = ""
    writer.writerow(row)
    return buf.getvalue()


def briefings_csv(briefings: list[Briefing], site_url: str | None) -> str:
    return csv_table(csv_row(b, site_url) for b in briefings)


def csv_table(rows: Iterable[str]) -> str:
    """briefings.csv from the briefings' ``csv_row``s."""
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n").writeheader()
    return buf.getvalue() + "".join(rows)


def report_json(report: dict[str, Any]) -> str:
    return json_object_lines(report)
