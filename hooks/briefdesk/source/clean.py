"""Clean stage: separate the article from the noise around it, losing nothing.

The rules live in `hooks/editorial/boilerplate.yml`. Each line of the decoded text is
one of: body (paragraph or in-text heading), figure caption (kept, with its credit),
credit (becomes metadata), date line (becomes metadata), or boilerplate / keyword line /
recommendation list (removed). Every line that leaves the body is recorded as `Removed`
with the rule that took it, so an editor can audit the cleaner. A line no rule claims
stays in the body.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from dateutil import parser as dateparser

from . import heuristics
from ..model import Block, CleanText, Removed, SourceArticle

CREDIT_ZONE_BLOCKS = 6  # credits are looked for in the first and last blocks only
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_KEYWORD_LINE = re.compile(r"[a-z0-9][a-z0-9 '’-]*")
_TERMINAL = tuple(".!?:;,…\"”’)]")


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern


@dataclass
class CleanRules:
    captions: list[Rule]
    caption_max_length: int
    credits: list[Rule]
    dates: list[Rule]
    boilerplate: list[Rule]
    list_blocks: list[Rule]
    keyword_max_words: int
    keyword_max_length: int
    source: str = ""
    names: list[str] = field(default_factory=list)
    # all boilerplate rules as one pattern (see _any_of); None: test them one by one
    boilerplate_any: re.Pattern | None = None
    # what the page's structure tells (heuristics.py), from the file's `structure` section
    heuristics: heuristics.Settings = field(default_factory=heuristics.Settings)


class RulesError(ValueError):
    """The editorial rules file is broken; the message names the file and the rule."""


def _compile(entries, path: Path, section: str) -> list[Rule]:
    rules = []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, dict) or "pattern" not in entry or "name" not in entry:
            raise RulesError(f"{path.name}: {section} entry {i + 1} needs a 'name' and a 'pattern'")
        flags = 0 if entry.get("case_sensitive") else re.IGNORECASE
        try:
            regex = re.compile(entry["pattern"], flags)
        except re.error as exc:
            raise RulesError(f"{path.name}: {section} rule {entry['name']!r} has a bad pattern: {exc}") from None
        rules.append(Rule(str(entry["name"]), regex))
    return rules


def load_rules(path: Path) -> CleanRules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path.name}: cannot read cleaning rules: {' '.join(str(exc).split())[:200]}") from None
    captions = data.get("captions") or {}
    keywords = data.get("keyword_lines") or {}
    rules = CleanRules(
        captions=_compile(captions.get("patterns"), path, "captions"),
        caption_max_length=int(captions.get("max_length", 300)),
        credits=_compile(data.get("credits"), path, "credits"),
        dates=_compile(data.get("dates"), path, "dates"),
        boilerplate=_compile(data.get("boilerplate"), path, "boilerplate"),
        list_blocks=_compile(data.get("list_blocks"), path, "list_blocks"),
        keyword_max_words=int(keywords.get("max_words", 8)),
        keyword_max_length=int(keywords.get("max_length", 80)),
        source=str(path),
        heuristics=heuristics.load_settings(data.get("structure"), path.name, _compile),
    )
    rules.boilerplate_any = _any_of(rules.boilerplate)
    for r in rules.credits:
        if not set(r.regex.groupindex) & {"authors", "translators", "editors"}:
            raise RulesError(f"{path.name}: credit rule {r.name!r} needs a group named authors, translators or editors")
    for r in rules.captions:
        if "caption" not in r.regex.groupindex:
            raise RulesError(f"{path.name}: caption rule {r.name!r} needs a group named caption")
    return rules


def _any_of(rules: list[Rule]) -> re.Pattern | None:
    """One pattern that matches a whole line exactly when one of the rules does, so that a
    line no rule claims (nearly every line) is tested once, not once per rule. None when
    the rules cannot be joined without changing what they match: capture groups (which
    back-references could name), or flags other than case-insensitivity."""
    if not rules:
        return None
    parts = []
    for r in rules:
        if r.regex.groups or r.regex.flags & ~(re.IGNORECASE | re.UNICODE):
            return None
        parts.append(f"(?{'i' if r.regex.flags & re.IGNORECASE else '-i'}:{r.regex.pattern})")
    try:
        return re.compile("|".join(parts))
    except re.error:
        return None


def _full(rule: Rule, line: str) -> re.Match | None:
    return rule.regex.fullmatch(line)


def split_names(text: str) -> list[str]:
    names = [" ".join(n.split()).strip(" .") for n in _NAME_SPLIT.split(text)]
    return [n for n in names if n]


def parse_stated_date(text: str) -> str | None:
    """A complete calendar date stated in a date line, as ISO; None if not complete."""
    default_a = dateparser.parse("1900-01-01")
    default_b = dateparser.parse("1904-02-02")
    try:
        a = dateparser.parse(text, default=default_a, fuzzy=False)
        b = dateparser.parse(text, default=default_b, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    # a component filled from the defaults differs between the two parses: not stated
    if a != b or not (1900 < a.year < 2200):
        return None
    return a.date().isoformat()


def is_keyword_line(line: str, rules: CleanRules) -> bool:
    """A scraper's keyword list: short, all lower case, no punctuation at all."""
    if len(line) > rules.keyword_max_length or not _KEYWORD_LINE.fullmatch(line):
        return False
    words = line.split()
    return 1 <= len(words) <= rules.keyword_max_words and not line[-1].isdigit()


def looks_like_heading(line: str, following: bool) -> bool:
    """An in-text section heading: a short line, capitalised, no closing punctuation,
    followed by body text in the same block or the next."""
    words = line.split()
    return (
        following
        and 2 <= len(words) <= 14
        and len(line) <= 100
        and line[0].isupper()
        and not line.endswith(_TERMINAL)
        and not line.startswith(("“", '"', "‘", "'"))
    )


def _split_blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())  # trim and fold runs of white space
        if not line:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _hard_wrapped(lines: list[tuple[int, str]]) -> bool:
    """Several lines, none long: one paragraph wrapped by hand (a scraped paragraph is
    one long line; a heading followed by its paragraph ends in a long line)."""
    return len(lines) > 1 and all(len(t) <= 100 for _, t in lines)


def _joined_paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines of one block: hard-wrapped text is joined; one-paragraph-per-line kept apart."""
    if _hard_wrapped(lines):
        return [(lines[0][0], " ".join(t for _, t in lines))]
    return lines


def clean(text: str, rules: CleanRules, keep_lines: frozenset[int] | set[int] = frozenset(),
          source_url: str | None = None, recurring: frozenset[str] = frozenset()) -> CleanText:
    """Separate the article from the noise around it.

    First the editors' rules claim the lines they match (they always win); then the
    structure of the page decides about the rest (see heuristics.py): date and byline
    lines, captions, keyword and alt-text lines, repeated lines, the headline among the
    first blocks, and, by the shape of each block and its neighbours, the navigation
    before the article and the lists and footers after it. ``keep_lines`` (from the
    article's metadata) are line numbers an editor keeps in the body whatever the cleaner
    thinks. ``source_url``: the source's address, whose slug may spell the headline.
    ``recurring``: the folded lines this article shares with many of its outlet's
    (recurring_by_article): the outlet's boilerplate."""
    blocks = _split_blocks(text)
    claims: dict[int, tuple] = {}  # line number -> (what, rule, match-or-None, why)
    for block in blocks:
        if len(block) > 1 and any(_full(r, block[0][1]) for r in rules.list_blocks):
            rule = next(r for r in rules.list_blocks if _full(r, block[0][1]))
            for n, _ in block:
                claims[n] = ("list", rule.name, None, "")
    n_blocks = len(blocks)
    for bi, block in enumerate(blocks):
        in_credit_zone = bi < 3 or bi >= n_blocks - CREDIT_ZONE_BLOCKS
        for number, line in block:
            if number in claims:
                continue
            kind = _classify_line(line, rules, in_credit_zone)
            if kind is not None:
                what, rule, match = kind
                if what == "figure" and heuristics.caption_is_paragraph(match.group("caption")):
                    continue
                claims[number] = (what, rule, match, "")
            elif recurring and line.lower() in recurring:  # lines come with their spaces folded
                claims[number] = ("boilerplate", "recurring-line", None, "a line many of this outlet's articles have")
    found = heuristics.decide(blocks, claims, rules.heuristics, source_url)
    for number in keep_lines:  # the editor's word: back in the body
        if number in claims and claims[number][0] != "headline":
            del claims[number]
        found.claims.pop(number, None)
    claims.update({n: c for n, c in found.claims.items() if n not in claims})

    removed: list[Removed] = []
    out: list[Block] = []
    credits: dict[str, list[str]] = {}
    stated_date: str | None = None
    for name in found.authors:
        if name not in credits.setdefault("authors", []):
            credits["authors"].append(name)
    for bi, block in enumerate(blocks):
        body: list[tuple[int, str]] = []
        for number, line in block:
            claim = claims.get(number)
            if claim is None:
                body.append((number, line))
                continue
            what, rule, match, why = claim
            if what == "figure":
                _flush(body, out, has_more=True)
                body = []
                credit = match.groupdict().get("credit")
                caption = match.group("caption").strip()
                out.append(Block("figure", caption, number, credit.strip() if credit else None, raw=line))
                continue
            if what == "credit" and match is not None:
                for field_name in ("authors", "translators", "editors"):
                    value = match.groupdict().get(field_name)
                    if value:
                        for name in split_names(value):
                            if name not in credits.setdefault(field_name, []):
                                credits[field_name].append(name)
            if what == "date" and match is not None:
                stated_date = stated_date or parse_stated_date(match.group("date"))
            removed.append(Removed(number, line, rule, what, why))
        _flush(body, out, has_more=bi + 1 < n_blocks)
    credits = {k: v for k, v in credits.items() if v}
    stated_date = stated_date or found.date
    return CleanText(blocks=_unwrapped(out, rules.heuristics), removed=removed, headline=found.headline,
                     credits=credits, stated_date=stated_date, standfirst=found.standfirst)


def _unwrapped(blocks: list[Block], s: heuristics.Settings) -> list[Block]:
    """Body text wrapped by hand, a line a block, joined back into its paragraphs: a
    line that goes on in the next (heuristics.goes_on) and the next are one paragraph,
    at the first line's number. A line that ends a sentence ends the paragraph (where
    the source's paragraphs broke cannot be known; its sentences stay whole)."""
    out: list[Block] = []
    last_line = ""  # the last source line of out[-1]
    for b in blocks:
        prev = out[-1] if out else None
        if (prev is not None and b.kind != "figure" and prev.kind != "figure"
                and heuristics.goes_on(last_line, b.text, s)):
            joint = "" if last_line.endswith("-") and b.text[:1].islower() else " "
            out[-1] = Block("paragraph", prev.text + joint + b.text, prev.line)
        else:
            out.append(b)
        last_line = b.text
    return out


def clean_article(article: SourceArticle, rules: CleanRules, recurring: frozenset[str] = frozenset()) -> CleanText:
    """Clean one article with what its metadata says: the lines an editor keeps, and the
    source's address (whose slug may spell the headline); ``recurring`` as for clean()."""
    meta = article.metadata
    return clean(article.text, rules, keep_lines=frozenset(meta.get("keep_lines") or ()),
                 source_url=meta.get("source_url"), recurring=recurring)


def outlet_of(article: SourceArticle) -> str:
    """Which outlet an article is from, as far as its metadata says: its `outlet`, else
    the host of its `source_url` (without "www."), else "" (all such articles together)."""
    meta = article.metadata
    if meta.get("outlet"):
        return "outlet:" + " ".join(str(meta["outlet"]).lower().split())
    host = urllib.parse.urlsplit(str(meta.get("source_url") or "")).hostname or ""
    return "host:" + host.removeprefix("www.") if host else ""


def recurring_by_article(articles: Sequence[SourceArticle], rules: CleanRules,
                         kept: dict | None = None) -> list[frozenset[str]]:
    """For each article, the lines it shares with many articles of its outlet (see
    heuristics.recurring_lines): what clean() removes as the outlet's boilerplate. The
    corpus is read here, before any article is cleaned, so an article's cleaning depends
    on the others only through this (a cache key holds it). ``kept`` (a build cache's
    ``recurring``, `mkdocs serve`): each text's candidate lines from the last call, by the
    text's hash, while the structure settings are the same."""
    s = rules.heuristics
    if kept is None:
        candidates = [heuristics.recurring_candidates(a.text, s) for a in articles]
    else:
        known = kept.get("lines") if kept.get("settings") == s else None
        known = known if known is not None else {}
        hashes = [a.content_hash or hashlib.sha256(a.text.encode("utf-8")).hexdigest() for a in articles]
        found = {k: known[k] if k in known else heuristics.recurring_candidates(a.text, s)
                 for k, a in zip(hashes, articles)}
        kept["settings"], kept["lines"] = s, found
        candidates = [found[k] for k in hashes]
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        groups.setdefault(outlet_of(a), []).append(i)
    out: list[frozenset[str]] = [frozenset()] * len(articles)
    for members in groups.values():
        lines = heuristics.recurring_lines([candidates[i] for i in members], s)
        for i in members:
            out[i] = candidates[i] & lines
    return out


def _classify_line(line: str, rules: CleanRules, in_credit_zone: bool):
    if len(line) <= rules.caption_max_length:
        for r in rules.captions:
            m = _full(r, line)
            if m and m.group("caption").strip():
                return "figure", r.name, m
    if rules.boilerplate_any is None or rules.boilerplate_any.fullmatch(line):
        for r in rules.boilerplate:  # which rule: the first that matches
            if r.regex.fullmatch(line):
                return "boilerplate", r.name, None
    if in_credit_zone and len(line) <= 300:
        for r in rules.credits:
            m = _full(r, line)
            if m:
                return "credit", r.name, m
    for r in rules.dates:
        m = _full(r, line)
        if m and parse_stated_date(m.group("date")):
            return "date", r.name, m
    if is_keyword_line(line, rules):
        return "keywords", "keyword-line", None
    return None


def _flush(body: list[tuple[int, str]], out: list[Block], has_more: bool) -> None:
    """Turn a block's remaining body lines into a heading and/or paragraphs."""
    if not body:
        return
    if len(body) > 1 and not _hard_wrapped(body) and looks_like_heading(body[0][1], True):
        out.append(Block("heading", body[0][1], body[0][0]))
        body = body[1:]
    elif len(body) == 1 and has_more and looks_like_heading(body[0][1], True) and len(body[0][1]) <= 80:
        # a heading standing alone between blank lines: keep as heading only when
        # it reads like one (short, no closing punctuation) and body text follows
        out.append(Block("heading", body[0][1], body[0][0]))
        return
    for number, text in _joined_paragraphs(body):
        out.append(Block("paragraph", text, number))
