"""Render stage: a Briefing becomes a Markdown page with YAML front matter.

Article text never becomes markup: body paragraphs and captions are written as HTML
blocks whose text is HTML-escaped (Python-Markdown passes HTML blocks through without
parsing their content), and headings and link texts are written with every Markdown
and HTML special character as a character reference (`text.md_inline`).

The front matter's `title` and `description` are HTML-escaped because MkDocs themes
print them into HTML without escaping; the unescaped metadata is under `briefing:`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import markdown
import yaml

from ..model import Briefing
from .price_records import table_html
from .record import TAKEN, Record, label_forms, record_of, view

from ..text import DATE_UNKNOWN, format_date, h, md_inline, rel_url

# libyaml's emitter when PyYAML has it (about 10 times faster), the same output otherwise
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)




def version_note(b: Briefing) -> str:
    if b.version <= 1:
        return ""
    earlier = ", ".join(
        f'<a href="{h(rel_url(b.url, v["url"]))}">version {v["version"]}</a>' for v in b.versions
    )
    older = f" Earlier versions: {earlier}." if earlier else ""
    return (f'<p class="bd-version">Version {b.version}, revised on '
            f'<time datetime="{h(b.revised)}">{h(format_date(b.revised))}</time>.{older}</p>\n')


def superseded_note(current: Briefing, old: dict) -> str:
    return (
        f'<div class="bd-superseded" role="note"><p><strong>This is version {old["version"]} of this briefing, '
        f'kept so that citations of it stay valid.</strong> It was superseded on '
        f'<time datetime="{h(old["superseded"])}">{h(format_date(old["superseded"]))}</time>. '
        f'<a href="{h(rel_url(old["url"], current.url))}">Read the current version (version {current.version})</a>.</p></div>\n'
    )


def _label_summary(label: dict[str, Any]) -> dict[str, Any]:
    """A label as the front matter keeps it: why it was assigned, in one line
    ("import disease×3; self-reliance×1"); data/briefings.json has it as data (label_evidence)."""
    evidence = "; ".join(f"{term}×{n}" for term, n in sorted(label.get("evidence", {}).items()))
    return {"id": label["id"], "name": label["name"], "score": label.get("score"), "evidence": evidence}


# the briefing's record (record.Record) as the front matter keeps it: all it takes from the
# briefing, in its order, and how many lines were removed (each is listed on the page, as
# an editorial record, and in data/build-report.json); the labels in one line each
FRONT_MATTER_RECORD = (*TAKEN, "removed_line_count")
_FRONT_MATTER_FORMS = label_forms(_label_summary)


def front_matter_record(b: Briefing, rec: Record | None = None) -> dict[str, Any]:
    """Everything known about the briefing, unescaped, for the page's front matter: its
    record's view (``rec``: the briefing's record, when the caller has made it)."""
    return view(rec or record_of(b), FRONT_MATTER_RECORD, _FRONT_MATTER_FORMS)


# the front matter the site's templates (docs/overrides) and hooks read; of `briefing`,
# only that it is one (and which)
MKDOCS_META = ("title", "description", "superseded")
BRIEFING_META = ("id", "url")


def front_matter(b: Briefing, rec: Record | None = None) -> str:
    return "---\n" + yaml_dump(front_matter_data(b, rec=rec)) + "---\n"


def front_matter_data(b: Briefing, record: bool = True, rec: Record | None = None) -> dict[str, Any]:
    """The page's front matter; without ``record``, of `briefing` only its id and url (what
    MkDocs is handed: see for_mkdocs). ``rec``: the briefing's record, when made already."""
    data: dict[str, Any] = {
        "title": h(b.title) + (f" (version {b.version})" if b.superseded_by else ""),
        "description": h(b.summary),
        "briefing": front_matter_record(b, rec) if record else {k: getattr(b, k) for k in BRIEFING_META},
    }
    if b.superseded_by:
        data["superseded"] = True
    return data


def yaml_dump(data: dict[str, Any]) -> str:
    """``yaml.dump(data, sort_keys=False, allow_unicode=True, width=100)``, byte for byte.

    PyYAML spends most of a page's front matter in its Python representer and resolver,
    even with libyaml's emitter. The front matter is block mappings and sequences of
    plain values, so `_FastYaml` writes it directly, following libyaml's rules for that
    shape (plain or single-quoted style, folding at width 100, indentation); whatever it
    is not sure of (characters libyaml escapes or treats as line breaks, shared objects,
    other types...) goes to PyYAML as before. tests/test_fast_paths.py compares the two."""
    text = _FastYaml().document(data)
    if text is None:
        text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return text


# Characters libyaml writes as they are in plain and single-quoted scalars: printable,
# not a line break (U+2028, U+2029, U+0085), not the BOM, within the Basic Multilingual
# Plane (libyaml escapes the others), no tab. A string with any other is left to PyYAML.
_YAML_SAFE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
# first characters that stop a plain scalar
_YAML_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_YAML_WIDTH = 100
_YAML_RESOLVERS = _DUMPER.yaml_implicit_resolvers
_YAML_STR = "tag:yaml.org,2002:str"


def _implicit_tag(value: str) -> str:
    """The tag a plain scalar would be read as (PyYAML's Resolver.resolve)."""
    resolvers = _YAML_RESOLVERS.get(value[0] if value else "", []) + _YAML_RESOLVERS.get(None, [])
    for tag, regexp in resolvers:
        if regexp.match(value):
            return tag
    return _YAML_STR


def _plain_allowed(s: str) -> bool:
    """libyaml's test for a plain scalar in block context (yaml_emitter_analyze_scalar),
    for a non-empty string of `_YAML_SAFE` characters."""
    first = s[0]
    return not (
        first in _YAML_INDICATORS
        or (first in "?:-" and (len(s) == 1 or s[1] == " "))
        or s.startswith(("---", "..."))
        or ": " in s or s.endswith(":") or " #" in s
        or first == " " or s.endswith(" ")
    )


def _quoted(value: str) -> bool:
    """Whether libyaml writes the string single-quoted (else plain); _Unsure when it would
    do anything else."""
    return _quoted_short(value) if len(value) <= 60 else _decide_quoted(value)


# the short strings that recur on every page (label ids and names, keys, languages, outlets)
# are decided once: a pure function of the string, so the memo holds nothing of a build
@functools.lru_cache(maxsize=20000)
def _quoted_short(value: str) -> bool:
    return _decide_quoted(value)


def _decide_quoted(value: str) -> bool:
    if not _YAML_SAFE.fullmatch(value):
        raise _Unsure
    # quoted when a plain scalar would need quoting, or would read back as another type
    return not (value and _plain_allowed(value) and _implicit_tag(value) == _YAML_STR)


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


def _other_scalar(value: Any) -> str:
    """None, a bool, an int or a float as PyYAML's SafeRepresenter writes it (plain)."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        text, tag = str(value), _INT_TAG
    elif kind is float:
        text, tag = repr(value).lower(), _FLOAT_TAG
        if "." not in text and "e" in text:  # as SafeRepresenter.represent_float
            text = text.replace("e", ".0e", 1)
    else:
        raise _Unsure
    if _implicit_tag(text) != tag:  # nan, inf...: PyYAML decides
        raise _Unsure
    return text


class _Unsure(Exception):
    """The fast writer does not handle this value: PyYAML writes the document."""


class _FastYaml:
    """Block-style YAML as libyaml's emitter writes it, for mappings whose values are
    scalars, mappings, and sequences of scalars or of mappings of scalars."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.seen: set[int] = set()  # PyYAML writes anchors and aliases for a shared list or dict

    def document(self, data: Any) -> str | None:
        if type(data) is not dict or not data:
            return None
        try:
            self.mapping(data, 0, True, True)
        except _Unsure:
            return None
        self.out.append("\n")
        return "".join(self.out)

    def container(self, value: Any) -> None:
        if id(value) in self.seen:
            raise _Unsure
        self.seen.add(id(value))

    def mapping(self, data: dict, indent: int, first_inline: bool, nested: bool) -> None:
        """Entries at `indent`; with first_inline the first one goes on the current line
        (the document's start, or after a sequence's "- "). Without `nested`, values
        must be scalars."""
        self.container(data)
        out = self.out
        pad = "\n" + " " * indent
        for key, value in data.items():
            if type(key) is not str or _quoted(key) or len(key) > 60:
                raise _Unsure  # a key libyaml would quote, or write as a complex key
            if first_inline:
                out.append(key + ":")
                first_inline = False
            else:
                out.append(pad + key + ":")
            kind = type(value)
            if kind is str:
                out.append(_scalar_text(value, indent + len(key) + 2, indent + 2))
            elif kind is dict or kind is list:
                if not nested:
                    raise _Unsure
                if not value:
                    self.container(value)
                    out.append(" {}" if kind is dict else " []")
                elif kind is dict:
                    self.mapping(value, indent + 2, False, True)
                else:
                    self.container(value)
                    for item in value:  # a sequence in a mapping is not indented ("indentless")
                        out.append(pad + "-")
                        if type(item) is str:
                            out.append(_scalar_text(item, indent + 2, indent + 2))
                        elif type(item) is dict and item:
                            out.append(" ")
                            self.mapping(item, indent + 2, True, False)
                        elif type(item) is dict or type(item) is list:
                            raise _Unsure
                        else:
                            out.append(" " + _other_scalar(item))
            else:
                out.append(" " + _other_scalar(value))


def _scalar_text(value: str, column: int, indent: int) -> str:
    """" value" after a key's ":" or a "-": `column` is where the value starts (after the
    space), `indent` where its continuation lines start."""
    if _quoted(value):
        return " '" + _folded(value.replace("'", "''"), column + 1, indent, True) + "'"
    return " " + _folded(value, column, indent, False)


def _folded(s: str, column: int, indent: int, quoted: bool) -> str:
    """The text of a plain or single-quoted scalar starting at `column`: libyaml breaks the
    line at a single space (not at the first or last character when quoted) once the
    column is past the width, and goes on at `indent`."""
    if column + len(s) <= _YAML_WIDTH:
        return s
    parts = s.split(" ")
    out = [parts[0]]
    column += len(parts[0])
    last = len(parts) - 1
    for k in range(1, last + 1):
        part = parts[k]
        # a break only at a space between two non-spaces
        single = (k == 1 or parts[k - 1] != "") and (k == last or part != "")
        if quoted:
            single = single and not (k == 1 and parts[0] == "") and not (k == last and part == "")
        if single and column > _YAML_WIDTH:
            out.append("\n" + " " * indent)
            column = indent
        else:
            out.append(" ")
            column += 1
        out.append(part)
        column += len(part)
    return "".join(out)


def _people(label: str, names: list[str], source: str | None) -> str:
    if not names:
        return ""
    note = ' <span class="bd-note">(from the article’s credits)</span>' if source == "text" else ""
    return f'<div class="bd-meta__row"><dt>{h(label)}</dt><dd>{h(", ".join(names))}{note}</dd></div>'


def header_html(b: Briefing) -> str:
    rows = []
    if b.date:
        when = (f'<time datetime="{h(b.date)}" data-pagefind-meta="date:{h(b.date)}" '
                f'data-pagefind-sort="date:{h(b.date)}" data-pagefind-filter="year:{h(b.date[:4])}">'
                f'{h(format_date(b.date))}</time>')
        if b.date_source == "text":
            when += ' <span class="bd-note">(stated in the text)</span>'
    else:
        when = (f'<span class="bd-unknown" data-pagefind-sort="date:0000" '
                f'data-pagefind-filter="year:Undated">{DATE_UNKNOWN}</span>')
    rows.append(f'<div class="bd-meta__row"><dt>Date</dt><dd>{when}</dd></div>')
    if b.outlet or b.source_url:
        outlet = (f'<span data-pagefind-filter="outlet" data-pagefind-meta="outlet" data-pagefind-weight="4">{h(b.outlet)}</span>'
                  if b.outlet else '<span class="bd-unknown">Outlet not stated</span>')
        if b.source_url:
            outlet += f' · <a class="bd-source" href="{h(b.source_url)}" rel="nofollow noopener">original report</a>'
        rows.append(f'<div class="bd-meta__row"><dt>Source</dt><dd>{outlet}</dd></div>')
    else:
        rows.append('<div class="bd-meta__row"><dt>Source</dt><dd><span class="bd-unknown">Outlet not stated</span></dd></div>')
    rows.append(_people("Author" if len(b.authors) == 1 else "Authors", b.authors, b.credit_sources.get("authors")))
    rows.append(_people("Translated by", b.translators, b.credit_sources.get("translators")))
    rows.append(_people("Edited by", b.editors, b.credit_sources.get("editors")))
    rows.append(
        f'<div class="bd-meta__row"><dt>Length</dt><dd>{b.word_count:,} words · {b.reading_minutes} min read</dd></div>'
    )
    meta = "".join(r for r in rows if r)
    notes = []
    if b.title_derived:
        notes.append(
            '<p class="bd-derived">The source gives no headline: this title is taken from the article’s first sentence.</p>'
        )
    summary_label = "Summary (the article’s opening sentences)" if b.summary_derived else "Summary"
    summary = (
        f'<div class="bd-summary" role="note"><p class="bd-summary__label">{h(summary_label)}</p>'
        f"<p>{h(b.summary)}</p></div>"
    )
    return f'<dl class="bd-meta">{meta}</dl>\n\n' + "".join(n + "\n\n" for n in notes) + summary + "\n"


def chips_html(b: Briefing, from_url: str) -> str:
    groups = []
    for label, items, facet in (("Topics", b.topics, "topic"), ("Places", b.regions, "place"), ("Actors", b.actors, "actor")):
        search = f' data-pagefind-filter="{facet}" data-pagefind-weight="5"'  # search facets, weighted above the body
        links = [
            f'<a class="bd-chip" href="{h(rel_url(from_url, it["url"]))}"{search}>{h(it["name"])}</a>'
            if it.get("url")
            else f'<span class="bd-chip"{search}>{h(it["name"])}</span>'
            for it in items
        ]
        if links:
            groups.append(f'<li><span class="bd-chips__label">{label}:</span> {" ".join(links)}</li>')
    return f'<ul class="bd-chips">{"".join(groups)}</ul>\n' if groups else ""


def search_terms_html(b: Briefing) -> str:
    """Other spellings of the briefing's places and actors (the gazetteer's variants), for
    the search index only: hidden from view, indexed by Pagefind (hooks/briefdesk/built/search.py)."""
    terms = variant_terms(b)
    if not terms:
        return ""
    return f'<div class="bd-search-terms" hidden data-pagefind-weight="3">{h(" · ".join(terms))}</div>\n'


def mention_pattern(label: dict[str, Any]) -> re.Pattern | None:
    """A pattern for the words that mentioned a label in the text (its evidence terms),
    tolerant of the spaces, hyphens and apostrophes the matcher ignores."""
    terms = sorted((t for t in label.get("evidence", {}) if t != "metadata" and ":" not in t), key=len, reverse=True)
    return _terms_pattern(tuple(terms)) if terms else None


@functools.lru_cache(maxsize=8192)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern:
    # the same few hundred term sets recur across the archive: build each pattern once
    alternatives = "|".join(
        r"[\s\-‐‑’'`]*".join(re.escape(w) for w in re.split(r"[\s\-‐‑’'`]+", t.rstrip("*")) if w)
        for t in terms
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _first_mentions(b: Briefing) -> dict[int, list[tuple[re.Pattern, str, str]]]:
    """Per paragraph index: the places and actors first mentioned there, with a pattern
    for the words that mentioned them and the page to link to."""
    out: dict[int, list[tuple[re.Pattern, str, str]]] = {}
    for label in [*b.regions, *b.actors]:
        para = label.get("first_paragraph", -1)
        pattern = mention_pattern(label)
        if para < 0 or pattern is None or label.get("implied_by"):
            continue
        out.setdefault(para, []).append((pattern, label["url"], label["name"]))
    return out


def _linked(text: str, mentions: list[tuple[re.Pattern, str, str]], from_url: str) -> str:
    """Escape a paragraph, linking the first match of each mention (non-overlapping)."""
    spans: list[tuple[int, int, str, str]] = []
    for pattern, url, name in mentions:
        for m in pattern.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, _, _ in spans):
                spans.append((m.start(), m.end(), url, name))
                break
    out, pos = [], 0
    for start, end, url, name in sorted(spans):
        out.append(h(text[pos:start]))
        out.append(f'<a class="bd-mention-link" href="{h(rel_url(from_url, url))}" title="{h(name)}">{h(text[start:end])}</a>')
        pos = end
    out.append(h(text[pos:]))
    return "".join(out)


def body_markdown(b: Briefing, page_url: str | None = None) -> str:
    """The article body: numbered paragraphs, headings, captions; the first mention of a
    known place or actor links to its page."""
    out: list[str] = []
    n = 0
    mentions = _first_mentions(b)
    for block in b.clean.blocks:
        if block.kind == "heading":
            out.append(f"## {md_inline(block.text)}")
        elif block.kind == "figure":
            credit = f' <span class="bd-caption__credit">Image: {h(block.credit)}</span>' if block.credit else ""
            out.append(
                f'<figure class="bd-caption"><figcaption><span class="bd-caption__label">Image caption:</span> '
                f"{h(block.text)}{credit}</figcaption></figure>"
            )
        else:
            n += 1
            out.append(
                f'<p id="p{n}" class="bd-para"><a class="bd-para__num" href="#p{n}" '
                f'title="Link to paragraph {n}" aria-label="Link to paragraph {n}">¶&nbsp;{n}</a> '
                f"{_linked(block.text, mentions.get(n - 1, []), page_url or b.url)}</p>"
            )
    return "\n\n".join(out) + "\n"


def audit_html(b: Briefing) -> str:
    if not b.clean.removed:
        return ""
    items = "".join(
        f'<li><span class="bd-audit__rule">{h(r.kind)} · {h(r.rule)} · line {r.line}</span> '
        f"<q>{h(r.text if len(r.text) <= 300 else r.text[:300] + '…')}</q>"
        + (f' <span class="bd-audit__why">{h(r.why)}</span>' if r.why else "") + "</li>"
        for r in b.clean.removed
    )
    count = len(b.clean.removed)
    return (
        f'<details class="bd-audit"><summary>Editorial record: {count} line{"s" if count != 1 else ""} '
        f"of the source not shown in the text</summary><ul>{items}</ul></details>\n"
    )


def related_html(b: Briefing, from_url: str) -> str:
    if not b.related:
        return ""
    items = "".join(
        f'<li><a href="{h(rel_url(from_url, r["url"]))}">{h(r["title"])}</a>'
        f' <span class="bd-related__reason">{h(r["reason"])}</span></li>'
        for r in b.related
    )
    return f'## Related briefings\n\n<ul class="bd-related">{items}</ul>\n'


def neighbours_html(b: Briefing, from_url: str) -> str:
    """Previous and next briefing in the archive's order (newest first)."""
    links = []
    for key, label, rel in (("newer", "Newer briefing", "prev"), ("older", "Older briefing", "next")):
        n = b.neighbours.get(key)
        if n:
            links.append(f'<a class="bd-prevnext__{key}" rel="{rel}" href="{h(rel_url(from_url, n["url"]))}">'
                         f'<span class="bd-prevnext__label">{label}</span> {h(n["title"])}</a>')
    return f'<nav class="bd-prevnext" aria-label="Archive">{"".join(links)}</nav>\n' if links else ""


def prices_html(b: Briefing, from_url: str) -> str:
    """The "Prices in this briefing" table (pricedata.table_html)."""
    return table_html(b, from_url)


def render_page(b: Briefing, citation_box: str = "", version_note: str = "", page_url: str | None = None,
                canonical: str = "", rec: Record | None = None) -> str:
    url = page_url or b.url
    print_url = f'<p class="bd-print-url" data-pagefind-ignore>{h(canonical)}</p>\n' if canonical else ""  # shown in print only
    parts = [
        front_matter(b, rec),
        f"# {md_inline(b.title)}\n",
        print_url,
        version_note,
        header_html(b),
        chips_html(b, url),
        search_terms_html(b),
        body_markdown(b, url),
        prices_html(b, url),
        audit_html(b),
        related_html(b, url),
        citation_box,
        neighbours_html(b, url) if not b.superseded_by else "",
    ]
    return "\n".join(p for p in parts if p)


# --- the page as MkDocs is handed it -----------------------------------------------------
#
# A generated page is mostly HTML blocks, which Python-Markdown would parse back tag by tag
# (its raw-HTML handling runs Python's html.parser over every one) only to put them into the
# page unchanged. `for_mkdocs` splits a page the pipeline made into what MkDocs must still
# convert (the headings, which get their ids, permalinks and table-of-contents entries, and
# any other Markdown) and the HTML blocks, each run of them left as one placeholder
# paragraph; `fill_blocks` puts the blocks back into the HTML MkDocs made of the rest, as
# Python-Markdown would have put them (tests/test_fast_paths.py compares the two). The front
# matter MkDocs is given is the part its templates and hooks read (`MKDOCS_META`). The page
# itself (full front matter, real Markdown) stays what `python -m hooks.briefdesk write` and
# `export-site` write for other engines.

# what mkdocs.utils.meta.get_data takes for front matter
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# block-level tags whose raw blocks Python-Markdown copies through as they are (not those
# it reads as CDATA, nor the void ones)
_RAW_TAGS = frozenset(markdown.util.BLOCK_LEVEL_ELEMENTS) - {"pre", "script", "style", "textarea", "hr", "math"}
_RAW_START = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_PLACEHOLDER = "bdhtmlblock{}z"
_PLACEHOLDER_P = re.compile(r"<p>bdhtmlblock(\d+)z</p>")


@functools.lru_cache(maxsize=64)
def _tag_re(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}[\s>]")


def _raw_line(line: str) -> bool:
    """One block-level element that fills the line: Python-Markdown keeps such a line as it
    is (a second element on the line, or text after it, it would move to a line of its own)."""
    m = _RAW_START.match(line)
    if m is None or m.group(1) not in _RAW_TAGS or not line.endswith(f"</{m.group(1)}>"):
        return False
    depth = 0
    end = len(line) - len(m.group(1)) - 3
    for t in _tag_re(m.group(1)).finditer(line):
        depth += -1 if t.group(1) else 1
        if depth == 0:
            return t.start() == end
    return False


def for_mkdocs(page: str, meta: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The page as the MkDocs hooks hand it over: ``meta`` (the front matter MkDocs uses),
    ``markdown`` (the Markdown, each run of HTML blocks a placeholder paragraph) and
    ``blocks`` (each placeholder's HTML). None when the page has anything this split is not
    sure of (MkDocs then reads the page as it is). ``meta``: the page's front matter when
    the caller has it (``front_matter_data(b, record=False)``), not read again."""
    m = _FRONT_MATTER.match(page)
    if m is None:
        return None
    if meta is None:
        meta = yaml.load(m.group(1), Loader=_LOADER)
    body = page[m.end():].lstrip("\n")
    if not isinstance(meta, dict) or "\t" in body or "\r" in body or "\x02" in body or "\x03" in body or \
            "```" in body or "~~~" in body or ("\n " in body and re.search(r"(?m)^[ ]+$", body)) or body.startswith(" "):
        return None
    out: list[str] = []
    blocks: list[str] = []
    run: list[str] = []
    for block in re.split(r"\n{2,}", body.strip("\n")):
        if block.startswith("<") and all(_raw_line(line) for line in block.split("\n")):
            run.append(block)
            continue
        if run:
            out.append(_PLACEHOLDER.format(len(blocks)))
            blocks.append("\n\n".join(run) + "\n")  # a raw block followed by a blank line keeps one "\n"
            run = []
        if "<" in block or "bdhtmlblock" in block:
            return None  # HTML left to MkDocs (an unclosed block would swallow what follows), or a placeholder's look-alike
        out.append(block)
    if run:
        out.append(_PLACEHOLDER.format(len(blocks)))
        blocks.append("\n\n".join(run))  # the end of the page: Python-Markdown strips what follows
    if not blocks:
        return None
    kept = {k: meta[k] for k in MKDOCS_META if k in meta}
    if "briefing" in meta:
        record = meta["briefing"]
        kept["briefing"] = {k: record[k] for k in BRIEFING_META if k in record} if isinstance(record, dict) else record
    return {"meta": kept, "markdown": "\n\n".join(out) + "\n", "blocks": blocks}


_PLAIN_BLOCK = re.compile(r"#{1,6} [^\[\]<>\n]*|bdhtmlblock\d+z")


def plain_headings(markdown: str) -> bool:
    """Is ``for_mkdocs``'s Markdown only headings and placeholders, with no link, image or
    HTML: what an engine converts without looking at any other page (no link to check)?"""
    return all(_PLAIN_BLOCK.fullmatch(block) for block in markdown.strip("\n").split("\n\n"))


def fill_blocks(html: str, blocks: list[str]) -> str:
    """The HTML MkDocs made of ``for_mkdocs``'s Markdown, with the blocks in their places."""
    used = 0

    def put(m: re.Match) -> str:
        nonlocal used
        used += 1
        return blocks[int(m.group(1))]

    filled = _PLACEHOLDER_P.sub(put, html)
    if used != len(blocks):
        raise ValueError(f"{len(blocks)} HTML blocks, {used} placeholders found")
    return filled


def variant_terms(b) -> list[str]:
    """Every spelling in the gazetteer (places.yml, actors.yml) of the briefing's places and
    actors other than the name shown, deduplicated, in label order."""
    seen: set[str] = set()
    out: list[str] = []
    for items in (b.regions, b.actors):
        for it in items:
            seen.add(it["name"].casefold())
            for v in it.get("variants", ()):  # the label carries its spellings (taxonomy.classify_all)
                key = v.casefold()
                if key not in seen:
                    seen.add(key)
                    out.append(v)
    return out
