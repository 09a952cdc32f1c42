"""Measure the cleaner and the describe and classify stages on a labelled corpus.

    python -m hooks.briefdesk evaluate ../shared/devset [--json]

A labelled corpus is a folder with ``articles/NNN.txt`` (blocks separated by blank lines),
``labels.jsonl`` (one line per block: file, index, label) and ``truth.jsonl`` (one line
per article: title, date, author, regions, outlet, ...), as `../shared/devset/README.md`
describes. Nothing is built: each article goes through read -> clean -> describe ->
classify exactly as a build would take it, and the result is compared with the labels:

- body kept: of the blocks labelled body, subhead or table, the share still in the body;
- noise removed: of the blocks labelled anything else (headline, dek, byline, caption,
  keyword, footer, other), the share no longer in the body (overall and per label);
- headlines right: a stated headline found exactly and not marked derived, or "derived"
  where the text has none;
- dates and authors found where the text states them, and dates given where it does not;
- places: precision, recall and F1 of the places named in the text against the truth.

A block counts as kept when any of its lines is still in the body (a paragraph or a
heading); a caption moved to a figure or a dek moved to the standfirst is not body.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .labels import classify as cls
from .source.clean import CleanRules, clean_article, load_rules, recurring_by_article
from .source.describe import describe
from .model import RefusedError
from .source.read import read_article

BODY_LABELS = frozenset({"body", "subhead", "table"})
NOISE_LABELS = ("headline", "dek", "byline", "caption", "keyword", "footer", "other")
_BLOCK_SPLIT = re.compile(r"\n\s*\n")


class CorpusError(ValueError):
    """The labelled folder is not in the expected format; the message says what is wrong."""


@dataclass
class ArticleResult:
    file: str
    outlet: str
    body_total: int = 0
    body_kept: int = 0
    noise: Counter = field(default_factory=Counter)  # label -> blocks
    noise_removed: Counter = field(default_factory=Counter)
    headline_right: bool = False
    title: str = ""
    title_derived: bool = False
    true_title: str | None = None
    date: str | None = None
    true_date: str | None = None
    authors: list[str] = field(default_factory=list)
    true_author: str | None = None
    places: list[str] = field(default_factory=list)
    true_places: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # body blocks removed, their first words
    left: list[str] = field(default_factory=list)  # noise blocks kept: "label: first words"
    refused: str | None = None


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


_PLACE_SUFFIXES = ("province", "county", "city", "district", "specialcity")


def _place_keys(name: str) -> set[str]:
    key = _fold(name)
    keys = {key}
    for suffix in _PLACE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            keys.add(key[: -len(suffix)])
    return keys


def place_index(vocab: cls.Vocabulary) -> dict[str, str]:
    """Folded place names and spellings -> gazetteer id, for reading the truth's names."""
    index: dict[str, str] = {}
    for place in vocab.places.values():
        for name in (place.name, *place.variants):
            for key in _place_keys(name):
                index.setdefault(key, place.id)
    return index


def _true_place_ids(names: list[str], index: dict[str, str]) -> list[str]:
    out = []
    for name in names:
        ids = {index[k] for k in _place_keys(name) if k in index}
        out.append(sorted(ids)[0] if ids else f"?{name}")  # not in the gazetteer: a miss
    return sorted(set(out))


def _name_key(name: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFKC", name).casefold())


def _author_found(true: str, found: list[str]) -> bool:
    """One of the names found is (part of) the stated author line, or the other way round."""
    true_k = _name_key(true)
    return any(_name_key(a) and (_name_key(a) in true_k or true_k in _name_key(a)) for a in found)


def _load_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise CorpusError(f"{path}: missing (a labelled corpus has articles/, labels.jsonl, truth.jsonl)")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path.name} line {n}: not JSON ({exc.msg})") from None
    return rows


def _block_lines(text: str) -> list[set[int]]:
    """The 1-based line numbers of each block, split as the labels were
    (``re.split(r"\\n\\s*\\n")``, empty blocks dropped)."""
    out: list[set[int]] = []
    pos = 0
    for part in _BLOCK_SPLIT.split(text):
        start = text.index(part, pos) if part else pos
        pos = start + len(part)
        if not part.strip():
            continue
        first = text.count("\n", 0, start) + 1
        lines = {first + i for i, line in enumerate(part.split("\n")) if line.strip()}
        out.append(lines)
    return out


def _read(path: Path, truth: dict[str, Any]):
    article = read_article(path, path.name, None, None)
    if truth.get("url"):
        article.metadata.setdefault("source_url", truth["url"])  # what an editor's sidecar would say
    return article


def evaluate_article(path: Path, labels: dict[int, str], truth: dict[str, Any], rules: CleanRules,
                     vocab: cls.Vocabulary, index: dict[str, str],
                     recurring: frozenset[str] = frozenset()) -> ArticleResult:
    """One article through read, clean, describe and classify, against its labels and
    truth; ``recurring``: its lines that its outlet's other articles make boilerplate."""
    res = ArticleResult(file=path.name, outlet=truth.get("outlet") or truth.get("host") or "?")
    res.true_title, res.true_date, res.true_author = truth.get("title"), truth.get("date"), truth.get("author")
    res.true_places = _true_place_ids(list(truth.get("regions") or []), index)
    try:
        article = _read(path, truth)
    except RefusedError as exc:  # unreadable: every block is lost
        res.refused = exc.reason
        res.body_total = sum(1 for lb in labels.values() if lb in BODY_LABELS)
        return res
    text = clean_article(article, rules, recurring)
    try:
        briefing = describe(article, text)
    except RefusedError as exc:
        res.refused, briefing = exc.reason, None
    not_body = {r.line for r in text.removed} | {b.line for b in text.blocks if b.kind == "figure"}
    if briefing is None:
        not_body |= {b.line for b in text.blocks}
    raw_blocks = [p for p in _BLOCK_SPLIT.split(article.text) if p.strip()]
    for i, lines in enumerate(_block_lines(article.text)):
        label = labels.get(i)
        if label is None:
            continue
        kept = bool(lines - not_body)
        first_words = " ".join(raw_blocks[i].split())[:60]
        if label in BODY_LABELS:
            res.body_total += 1
            res.body_kept += kept
            if not kept:
                res.lost.append(f"{label}: {first_words}")
        else:
            res.noise[label] += 1
            res.noise_removed[label] += not kept
            if kept:
                res.left.append(f"{label}: {first_words}")
    if briefing is None:
        res.headline_right = False
        return res
    res.title, res.title_derived = briefing.title, briefing.title_derived
    if res.true_title:
        res.headline_right = not briefing.title_derived and " ".join(briefing.title.split()) == " ".join(
            res.true_title.split())
    else:
        res.headline_right = briefing.title_derived
    res.date = briefing.date
    res.authors = list(briefing.authors)
    labels_found = cls.classify(vocab, text.paragraphs, text.captions, briefing.title)
    res.places = sorted(_as_truth_names(vocab, labels_found.places))
    return res


_TRUTH_KINDS = ("province", "special-city", "city", "county")


def _as_truth_names(vocab: cls.Vocabulary, labels) -> set[str]:
    """The North Korean places the text names, as the truth lists them: provinces,
    cities and counties (a market or a complex stands for its city); places implied by
    another (a city's province) are not named."""
    out = set()
    for lb in labels:
        place = vocab.places.get(lb.id)
        if lb.implied_by or place is None or place.country != "KP":
            continue
        while place.kind not in _TRUTH_KINDS and place.parent and place.parent in vocab.places:
            place = vocab.places[place.parent]
        out.add(place.id)
    return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _prf(results: list[ArticleResult]) -> dict[str, float | None]:
    tp = sum(len(set(r.places) & set(r.true_places)) for r in results)
    fp = sum(len(set(r.places) - set(r.true_places)) for r in results)
    fn = sum(len(set(r.true_places) - set(r.places)) for r in results)
    p = tp / (tp + fp) if tp + fp else None
    rc = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * rc / (p + rc) if p and rc else None
    return {"precision": _round(p), "recall": _round(rc), "f1": _round(f1)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def summarise(results: list[ArticleResult]) -> dict[str, Any]:
    noise = Counter()
    removed = Counter()
    for r in results:
        noise.update(r.noise)
        removed.update(r.noise_removed)
    dated = [r for r in results if r.true_date]
    authored = [r for r in results if r.true_author]
    return {
        "articles": len(results),
        "refused": sum(1 for r in results if r.refused),
        "body_kept": _ratio(sum(r.body_kept for r in results), sum(r.body_total for r in results)),
        "noise_removed": _ratio(sum(removed.values()), sum(noise.values())),
        "noise_removed_by_label": {
            label: {"removed": removed[label], "of": noise[label], "share": _ratio(removed[label], noise[label])}
            for label in NOISE_LABELS if noise[label]
        },
        "headlines_right": _ratio(sum(r.headline_right for r in results), len(results)),
        "dates_found": _ratio(sum(1 for r in dated if r.date == r.true_date), len(dated)),
        "dates_stated": len(dated),
        "dates_given_unstated": sum(1 for r in results if not r.true_date and r.date),
        "authors_found": _ratio(sum(1 for r in authored if _author_found(r.true_author, r.authors)), len(authored)),
        "authors_stated": len(authored),
        "places": _prf(results),
    }


def evaluate(folder: Path, editorial_dir: Path) -> dict[str, Any]:
    """Run the stages over a labelled folder; the summary, per outlet and per article."""
    folder = Path(folder)
    labels_rows = _load_jsonl(folder / "labels.jsonl")
    truth_rows = _load_jsonl(folder / "truth.jsonl")
    labels: dict[str, dict[int, str]] = defaultdict(dict)
    for row in labels_rows:
        labels[row["file"]][int(row["index"])] = row["label"]
    rules = load_rules(editorial_dir / "boilerplate.yml")
    vocab = cls.load_vocabulary(editorial_dir)
    index = place_index(vocab)
    truths = sorted(truth_rows, key=lambda t: t["file"])
    readable = {}
    for truth in truths:
        path = folder / "articles" / truth["file"]
        if not path.is_file():
            raise CorpusError(f"{truth['file']}: named in truth.jsonl but not in {folder / 'articles'}")
        try:
            readable[truth["file"]] = _read(path, truth)
        except RefusedError:
            pass  # evaluate_article says why
    # the corpus as the pipeline sees it: lines recurring in an outlet's articles
    recurring = dict(zip(readable, recurring_by_article(list(readable.values()), rules)))
    results = [evaluate_article(folder / "articles" / t["file"], labels.get(t["file"], {}), t, rules, vocab, index,
                                recurring.get(t["file"], frozenset())) for t in truths]
    by_outlet: dict[str, list[ArticleResult]] = defaultdict(list)
    for r in results:
        by_outlet[r.outlet].append(r)
    return {
        "overall": summarise(results),
        "by_outlet": {o: summarise(rs) for o, rs in sorted(by_outlet.items())},
        "articles": [
            {
                "file": r.file, "outlet": r.outlet, "refused": r.refused,
                "body_kept": f"{r.body_kept}/{r.body_total}",
                "noise_removed": f"{sum(r.noise_removed.values())}/{sum(r.noise.values())}",
                "title": r.title, "title_derived": r.title_derived, "true_title": r.true_title,
                "headline_right": r.headline_right, "date": r.date, "true_date": r.true_date,
                "authors": r.authors, "true_author": r.true_author,
                "places": r.places, "true_places": r.true_places,
                "body_lost": r.lost, "noise_left": r.left,
            }
            for r in results
        ],
    }


def format_report(report: dict[str, Any], verbose: bool = False) -> str:
    o = report["overall"]
    lines = [
        f"{o['articles']} articles, {o['refused']} refused",
        f"body kept       {o['body_kept']}",
        f"noise removed   {o['noise_removed']}",
    ]
    for label, d in o["noise_removed_by_label"].items():
        lines.append(f"  {label:<13} {d['removed']}/{d['of']}")
    p = o["places"]
    lines += [
        f"headlines right {o['headlines_right']}",
        f"dates found     {o['dates_found']} (of {o['dates_stated']} stated; "
        f"{o['dates_given_unstated']} given where none is stated)",
        f"authors found   {o['authors_found']} (of {o['authors_stated']} stated)",
        f"places          precision {p['precision']} recall {p['recall']} F1 {p['f1']}",
        "",
        f"{'outlet':<44} {'n':>3} {'body':>5} {'noise':>5} {'head':>5} {'date':>5} {'F1':>5}",
    ]
    for outlet, s in report["by_outlet"].items():
        lines.append(
            f"{outlet[:44]:<44} {s['articles']:>3} {_cell(s['body_kept'])} {_cell(s['noise_removed'])} "
            f"{_cell(s['headlines_right'])} {_cell(s['dates_found'])} {_cell(s['places']['f1'])}"
        )
    if verbose:
        lines.append("")
        for a in report["articles"]:
            mark = "" if a["headline_right"] else "  <- headline"
            lines.append(f"{a['file']}: body {a['body_kept']} noise {a['noise_removed']} title {a['title']!r}"
                         f"{' (derived)' if a['title_derived'] else ''}{mark}")
            if not a["headline_right"] and a["true_title"]:
                lines.append(f"    true title {a['true_title']!r}")
            if a["date"] != a["true_date"]:
                lines.append(f"    date {a['date']} (true {a['true_date']})")
            for t in a["body_lost"]:
                lines.append(f"    LOST  {t}")
            for t in a["noise_left"]:
                lines.append(f"    LEFT  {t}")
    return "\n".join(lines)


def _cell(x: float | None) -> str:
    return f"{'-' if x is None else f'{x:.2f}':>5}"
