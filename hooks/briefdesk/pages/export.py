"""Export stage: the corpus for researchers (JSON and CSV) and the build report.

Both are deterministic: same corpus, same bytes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from ..model import Briefing
from .record import LABEL_KINDS, Record, label_forms, record_of, view
from ..text import absolute_url

CSV_LIST_SEPARATOR = "; "
FIELDS = (
    "id", "url", "path", "title", "title_derived", "date", "date_source", "authors", "translators",
    "editors", "outlet", "source_url", "summary", "summary_derived", "language", "word_count",
    "reading_minutes", "regions", "topics", "actors", "source_file", "content_hash", "version", "revised",
    "price_observations",
)


# how the exports write the facts of a briefing's record (record.Record) that they do not take
# as they are: the site path as `path` (`url` is the absolute URL), each label by its name
_FORMS: dict[str, Any] = {
    "path": lambda rec: rec.url,
    **label_forms(lambda x: x["name"]),
    # why each label was assigned: the terms that matched and how often
    "label_evidence": lambda rec: {
        kind: [{"id": x["id"], "score": x.get("score"), "evidence": x.get("evidence", {})} for x in getattr(rec, kind)]
        for kind in LABEL_KINDS
    },
}


def record(b: Briefing, site_url: str | None, rec: Record | None = None) -> dict[str, Any]:
    """One briefing as researchers get it in briefings.json (and, flattened, the CSV): its
    record's view (``rec``: the briefing's record, when the caller has made it)."""
    rec = rec or record_of(b)
    return view(rec, (*FIELDS, "label_evidence"),
                {**_FORMS, "url": lambda r: absolute_url(site_url, r.url)})


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


def json_line(b: Briefing, site_url: str | None, rec: Record | None = None) -> str:
    """A briefing's line in briefings.json."""
    return json.dumps(record(b, site_url, rec), ensure_ascii=False)


def briefings_json(briefings: list[Briefing], site_url: str | None) -> str:
    return json_lines_array(json_line(b, site_url) for b in briefings)


def csv_row(b: Briefing, site_url: str | None, rec: Record | None = None) -> str:
    """A briefing's row in briefings.csv (lists joined, booleans as true/false, None empty)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
    row = record(b, site_url, rec)
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
