"""Citations and citation exports for briefings.

Pure, deterministic, standard library only: nothing here touches the network
or the clock (the access date is always passed in).

A briefing *record* is a plain dict (see ``_EXAMPLE`` in the tests), ``site``
is ``{"name": ..., "publisher": ..., "url": ...}``.

Two works can be cited for every briefing:

* the briefing page itself (publisher = this site) -- ``cite_briefing`` and the
  ``chicago`` / ``apa`` / ``mla`` shortcuts;
* the original report it is based on (outlet, original URL, author when known)
  -- ``cite_original``.

Access dates: every text citation takes ``accessed`` (a ``datetime.date`` or
``None``).  With ``None`` the literal token ``{accessed}`` (``ACCESSED_TOKEN``)
is written exactly where the style-formatted access date goes, e.g.
``Accessed {accessed}.`` (Chicago), ``Retrieved {accessed}, from URL`` (APA),
``Accessed {accessed}.`` (MLA); the page replaces it with JavaScript (using
``format_access_date`` rules: Chicago/APA "November 23, 2026", MLA
"23 Nov. 2026") or with "[date accessed]".

The exports (BibTeX, RIS, CSL-JSON) write no access date when ``accessed`` is
``None``.

Names: ``split_name`` knows Korean "Family Given Given" order and organisations from the
name lists editors keep in the editorial folder's ``names.yml`` (``load_names``: a
``Names``, which ``site["names"]`` carries to every function given ``site``; without it
no name is read as Korean or as an organisation).
Korean-order names are written without inversion or comma in Chicago and MLA
("Jong So Yong", as CMOS 8.14 / MLA handle East Asian names), and as
"Jong, S. Y." in APA.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html as _html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

__all__ = [
    "ACCESSED_TOKEN",
    "Names",
    "load_names",
    "is_organisation",
    "split_name",
    "parse_date",
    "format_access_date",
    "cite_url",
    "chicago",
    "chicago_html",
    "apa",
    "apa_html",
    "mla",
    "mla_html",
    "cite_briefing",
    "cite_original",
    "citations",
    "citation_key",
    "latex_escape",
    "bibtex",
    "bibtex_classic",
    "ris",
    "csl_json",
    "highwire_tags",
    "dublin_core_tags",
    "meta_tags_html",
    "json_ld",
    "json_ld_script",
]

ACCESSED_TOKEN = "{accessed}"


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Common Korean surnames (romanised), read family-name first, and the words or phrases
    that mark an organisation rather than a person (matched as whole words, any case):
    editorial data, the editorial folder's names.yml (``load_names``)."""

    korean_surnames: frozenset[str] = frozenset()
    organisation_markers: tuple[str, ...] = ()
    organisation_re: re.Pattern | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.organisation_markers:  # one pattern for all markers, longest first
            alternatives = "|".join(re.escape(m) for m in sorted(self.organisation_markers, key=len, reverse=True))
            object.__setattr__(self, "organisation_re",
                               re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE))


NO_NAMES = Names()


def load_names(editorial_dir: Path) -> Names:
    """The name lists in ``editorial_dir``/names.yml (none if it is missing)."""
    try:
        data = yaml.safe_load((Path(editorial_dir) / "names.yml").read_text(encoding="utf-8")) or {}
    except OSError:
        data = {}
    return Names(frozenset(str(n) for n in data.get("korean_surnames") or ()),
                 tuple(str(m) for m in data.get("organisation_markers") or ()))


def _names(site: Mapping | None) -> Names:
    """The name lists a ``site`` mapping carries (``site["names"]``)."""
    return (site.get("names") if site else None) or NO_NAMES


#: Two-syllable Korean family names written in Hangul.
_HANGUL_DOUBLE_SURNAMES = {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}

_PARTICLES = {"van", "von", "de", "der", "den", "du", "da", "di", "la", "le",
              "del", "della", "dos", "das", "bin", "ibn", "al", "ter", "ten"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def _clean(text: Any) -> str:
    """Collapse all whitespace to single spaces and drop control characters."""
    if text is None:
        return ""
    s = _CONTROL_OR_SURROGATE.sub("", str(text))
    return " ".join(s.split())


# Unicode categories Cc (control) and Cs (surrogate), less the white space that split() folds.
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def is_organisation(name: str, names: Names = NO_NAMES) -> bool:
    """True if ``name`` looks like an organisation (see Names.organisation_markers)."""
    n = _clean(name)
    if not n or names.organisation_re is None:
        return False
    return bool(names.organisation_re.search(n))


def _is_hangul(s: str) -> bool:
    return bool(s) and all("\uac00" <= ch <= "\ud7a3" for ch in s)


def _name_info(name: str, names: Names) -> tuple[dict, bool]:
    """CSL name dict plus whether the name is written family-name first."""
    n = _clean(name)
    if not n:
        return {"literal": ""}, False
    if is_organisation(n, names):
        return {"literal": n}, False
    if "," in n and not re.match(r"[^,]*\w", n):
        # stray leading comma(s): not "Family, Given"; read it without them
        n = _clean(n.replace(",", " ")) or n
    if "," in n and re.match(r"[^,]*\w", n):  # "Family, Given[, Suffix]"
        parts = [p.strip() for p in n.split(",")]
        out = {"family": parts[0]}
        if len(parts) > 1 and parts[1]:
            out["given"] = parts[1]
        if len(parts) > 2 and parts[2]:
            out["suffix"] = ", ".join(p for p in parts[2:] if p)
        return out, False
    tokens = n.split(" ")
    if len(tokens) == 1:
        tok = tokens[0]
        if _is_hangul(tok) and 2 <= len(tok) <= 5:
            fam_len = 2 if (len(tok) >= 4 and tok[:2] in _HANGUL_DOUBLE_SURNAMES) else 1
            return {"family": tok[:fam_len], "given": tok[fam_len:]}, True
        return {"family": tok}, False
    first = tokens[0].rstrip(".")
    if first in names.korean_surnames and (
            len(tokens) == 3 or (len(tokens) == 2 and "-" in tokens[1])):
        return {"family": tokens[0], "given": " ".join(tokens[1:])}, True
    suffix = None
    if len(tokens) > 2 and tokens[-1].lower() in _SUFFIXES:
        suffix = tokens[-1]
        tokens = tokens[:-1]
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1].lower() in _PARTICLES:
        i -= 1
    out = {"family": " ".join(tokens[i:]), "given": " ".join(tokens[:i])}
    if suffix:
        out["suffix"] = suffix
    return out, False


def split_name(name: str, names: Names = NO_NAMES) -> dict:
    """CSL-style name: ``{"family", "given"}`` for persons, ``{"literal"}`` for
    organisations.  Korean "Family Given Given" (3 tokens, or 2 tokens with a
    hyphenated given name) when the first token is in ``names.korean_surnames``;
    otherwise the last token is the family name.  A mononym gives only
    ``{"family": name}``; "Family, Given" input is taken as written."""
    return dict(_name_info(name, names)[0])


class _Person:
    __slots__ = ("raw", "csl", "family_first")

    def __init__(self, raw: str, names: Names):
        self.raw = _clean(raw)
        self.csl, self.family_first = _name_info(self.raw, names)

    @property
    def is_org(self) -> bool:
        return "literal" in self.csl

    def inverted(self) -> str:
        """'Family, Given' (persons) or the literal (organisations)."""
        c = self.csl
        if "literal" in c:
            return c["literal"]
        if not c.get("given"):
            return c["family"]
        s = f"{c['family']}, {c['given']}"
        if c.get("suffix"):
            s += f", {c['suffix']}"
        return s

    def chicago_first(self) -> str:
        if self.is_org or self.family_first or not self.csl.get("given"):
            return self.display()
        return self.inverted()

    def display(self) -> str:
        c = self.csl
        if "literal" in c:
            return c["literal"]
        if self.family_first:
            return f"{c['family']} {c.get('given', '')}".strip()
        s = " ".join(p for p in (c.get("given"), c["family"]) if p)
        if c.get("suffix"):
            s += f", {c['suffix']}" if not c["suffix"].lower().startswith(("ii", "iv")) else f" {c['suffix']}"
        return s

    def apa(self) -> str:
        c = self.csl
        if "literal" in c:
            return c["literal"]
        given = c.get("given", "")
        if not given:
            return c["family"]
        inits = []
        for word in given.split(" "):
            parts = [p for p in word.split("-") if p]
            inits.append("-".join(p[0].upper() + "." for p in parts))
        s = f"{c['family']}, {' '.join(inits)}"
        if c.get("suffix"):
            s += f", {c['suffix']}"
        return s


def _people(names: Any, site: Mapping | None) -> list[_Person]:
    """The credited names, read with the name lists ``site`` carries."""
    if not names:
        return []
    if isinstance(names, str):
        names = [names]
    lists = _names(site)
    return [p for p in (_Person(n, lists) for n in names) if p.raw]


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"]
_MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.",
               "Sept.", "Oct.", "Nov.", "Dec."]


def parse_date(value: Any) -> tuple[int, ...] | None:
    """'2021-03-05' -> (2021, 3, 5); '2021-03' -> (2021, 3); '2021' -> (2021,);
    a ``date`` works too; anything empty or invalid -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return (value.year, value.month, value.day)
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", str(value))
    if not m:
        return None
    parts = tuple(int(p) for p in m.groups() if p is not None)
    try:
        if len(parts) == 3:
            _dt.date(*parts)
        elif len(parts) == 2 and not 1 <= parts[1] <= 12:
            return None
    except ValueError:
        return None
    return parts


def _to_date(value: Any) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    p = parse_date(value)
    if p and len(p) == 3:
        return _dt.date(*p)
    raise ValueError(f"accessed must be a date, got {value!r}")


def _iso(parts: tuple[int, ...]) -> str:
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


def _mdy(parts: tuple[int, ...]) -> str:
    """Chicago/APA: 'March 5, 2021', 'March 2021', '2021'."""
    if len(parts) == 3:
        return f"{_MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _dmy_mla(parts: tuple[int, ...]) -> str:
    """MLA: '5 Mar. 2021', 'Mar. 2021', '2021'."""
    if len(parts) == 3:
        return f"{parts[2]} {_MLA_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MLA_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def format_access_date(accessed: Any, style: str) -> str:
    """The access date as the style writes it, or ACCESSED_TOKEN for None."""
    d = _to_date(accessed)
    if d is None:
        return ACCESSED_TOKEN
    parts = (d.year, d.month, d.day)
    return _dmy_mla(parts) if style == "mla" else _mdy(parts)


# --------------------------------------------------------------------------
# The cited work
# --------------------------------------------------------------------------

def _version(record: Mapping) -> int | None:
    """The version to name: any version cited at its own URL, else a revised one (> 1)."""
    try:
        v = int(record.get("version") or 1)
    except (TypeError, ValueError):
        return None
    return v if v > 1 or record.get("version_url") else None


def cite_url(record: Mapping) -> str:
    """URL cited for the briefing: the version's permalink when the record has
    one (so the citation keeps pointing at the text that was read), else the
    page URL."""
    return _clean(record.get("version_url") or record.get("url") or "")


def _title(record: Mapping) -> str:
    t = _clean(record.get("title")) or "Untitled briefing"
    if record.get("title_derived") and not (t.startswith("[") and t.endswith("]")):
        t = f"[{t}]"
    return t


def _site_publisher(site: Mapping) -> str:
    return _clean(site.get("publisher") or site.get("name") or "")


class _Work:
    def __init__(self, *, authors, title, derived, date, container, publisher,
                 url, version=None, revised=None):
        self.authors: list[_Person] = authors
        self.title: str = title
        self.derived: bool = derived
        self.date = date
        self.container: str = container
        self.publisher: str = publisher
        self.url: str = url
        self.version: int | None = version
        self.revised = revised


def _briefing_work(record: Mapping, site: Mapping) -> _Work:
    return _Work(
        authors=_people(record.get("authors"), site),
        title=_title(record),
        derived=bool(record.get("title_derived")),
        date=parse_date(record.get("date")),
        container=_clean(site.get("name")),
        publisher=_site_publisher(site),
        url=cite_url(record),
        version=_version(record),
        revised=parse_date(record.get("revised")),
    )


def _original_work(record: Mapping, site: Mapping | None) -> _Work | None:
    outlet = _clean(record.get("outlet"))
    src = _clean(record.get("source_url"))
    if not outlet and not src:
        return None
    if record.get("source_title"):
        title, derived = _clean(record["source_title"]), False
    else:
        title, derived = _title(record), bool(record.get("title_derived"))
    return _Work(
        authors=_people(record.get("authors"), site),
        title=title,
        derived=derived,
        date=parse_date(record.get("date")),
        container=outlet,
        publisher=outlet,
        url=src,
    )


# --------------------------------------------------------------------------
# Text styles.  Segments are (text, italic) pairs so one builder gives both
# the plain and the HTML form.
# --------------------------------------------------------------------------

def _render(segments: list[tuple[str, bool]], html_out: bool) -> str:
    if not html_out:
        return "".join(t for t, _ in segments)
    out = []
    for text, italic in segments:
        esc = _html.escape(text, quote=True)
        out.append(f"<i>{esc}</i>" if italic and text else esc)
    return "".join(out)


def _ends_terminal(s: str) -> bool:
    return s.rstrip("”’\"'").endswith((".", "?", "!"))


def _period(s: str) -> str:
    return s if _ends_terminal(s) else s + "."


def _quoted(title: str) -> str:
    """“Title.” with the period inside, nested double quotes made single."""
    inner = title.replace("“", "‘").replace("”", "’")
    return f"“{_period(inner)}”"


def _join_and(items: list[str], serial: bool = True, conj: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]}, {conj} {items[1]}" if serial and conj == "&" else f"{items[0]} {conj} {items[1]}"
    return ", ".join(items[:-1]) + f", {conj} {items[-1]}"


def _chicago_authors(people: list[_Person]) -> str:
    if len(people) > 10:
        names = [people[0].chicago_first()] + [p.display() for p in people[1:7]]
        return ", ".join(names) + ", et al."
    names = [people[0].chicago_first()] + [p.display() for p in people[1:]]
    if len(names) == 2:
        return f"{names[0]}, and {names[1]}" if "," in names[0] else f"{names[0]} and {names[1]}"
    return _join_and(names)


def _chicago(work: _Work, accessed, html_out: bool) -> str:
    seg: list[tuple[str, bool]] = []
    year = str(work.date[0]) if work.date else "n.d."
    title_txt = work.title if work.derived else _quoted(work.title)
    if work.authors:
        seg.append((_period(_chicago_authors(work.authors)) + " ", False))
        seg.append((_period(year) + " ", False))
        seg.append((title_txt + (". " if work.derived else " "), False))
    else:
        seg.append((title_txt + (". " if work.derived else " "), False))
        seg.append((_period(year) + " ", False))
    if work.container:
        if work.date and len(work.date) > 1:
            seg.append((f"{work.container}, {_mdy(work.date)}. ", False))
        else:
            seg.append((_period(work.container) + " ", False))
    if work.version:
        seg.append((f"Version {work.version}. ", False))
    if work.revised:
        seg.append((f"Last modified {_mdy(work.revised)}. ", False))
    seg.append((f"Accessed {format_access_date(accessed, 'chicago')}.", False))
    if work.url:
        seg.append((" " + _period(work.url), False))
    return _render(seg, html_out)


def _apa_authors(people: list[_Person]) -> str:
    names = [p.apa() for p in people]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}, & {names[1]}"
    if len(names) <= 20:
        return ", ".join(names[:-1]) + f", & {names[-1]}"
    return ", ".join(names[:19]) + f", . . . {names[-1]}"


def _apa_date(parts) -> str:
    if not parts:
        return "(n.d.)"
    if len(parts) == 3:
        return f"({parts[0]}, {_MONTHS[parts[1] - 1]} {parts[2]})"
    if len(parts) == 2:
        return f"({parts[0]}, {_MONTHS[parts[1] - 1]})"
    return f"({parts[0]})"


def _apa(work: _Work, accessed, html_out: bool) -> str:
    seg: list[tuple[str, bool]] = []
    version = f" (Version {work.version})" if work.version else ""
    title_italic = not work.derived

    def title_segments():
        if title_italic:
            seg.append((work.title, True))
            seg.append((_period(version) if version else
                        ("" if _ends_terminal(work.title) else "."), False))
        else:
            seg.append((_period(work.title + version), False))

    if work.authors:
        seg.append((_period(_apa_authors(work.authors)) + " ", False))
        seg.append((_apa_date(work.date) + ". ", False))
        title_segments()
    else:
        title_segments()
        seg.append((" " + _apa_date(work.date) + ".", False))
    if work.container:
        seg.append((" " + _period(work.container), False))
    if work.url:
        seg.append((f" Retrieved {format_access_date(accessed, 'apa')}, from {work.url}", False))
    return _render(seg, html_out)


def _mla_authors(people: list[_Person]) -> str:
    if len(people) == 1:
        return people[0].chicago_first()
    if len(people) == 2:
        return f"{people[0].chicago_first()}, and {people[1].display()}"
    return f"{people[0].chicago_first()}, et al."


def _mla_url(url: str) -> str:
    return re.sub(r"^https?://", "", url)


def _mla(work: _Work, accessed, html_out: bool) -> str:
    seg: list[tuple[str, bool]] = []
    if work.authors:
        seg.append((_period(_mla_authors(work.authors)) + " ", False))
    seg.append((work.title + ". " if work.derived else _quoted(work.title) + " ", False))
    container_bits: list[str] = []
    if work.version:
        container_bits.append(f"version {work.version}")
    if work.publisher and work.publisher != work.container:
        container_bits.append(work.publisher)
    if work.date:
        container_bits.append(_dmy_mla(work.date))
    if work.url:
        container_bits.append(_mla_url(work.url))
    if work.container:
        seg.append((work.container, True))
        seg.append(("".join(", " + b for b in container_bits) + ". ", False))
    elif container_bits:
        bits = ", ".join(container_bits)
        seg.append((bits[0].upper() + bits[1:] + ". ", False))
    seg.append((f"Accessed {format_access_date(accessed, 'mla')}.", False))
    return _render(seg, html_out)


_STYLES = {"chicago": _chicago, "apa": _apa, "mla": _mla}


def _style_fn(style: str):
    try:
        return _STYLES[style.lower()]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; use one of {sorted(_STYLES)}") from None


def cite_briefing(record: Mapping, site: Mapping, style: str = "chicago",
                  accessed: _dt.date | None = None, html: bool = False) -> str:
    """Citation of the briefing page (publisher = the site)."""
    return _style_fn(style)(_briefing_work(record, site), accessed, html)


def cite_original(record: Mapping, site: Mapping | None = None, style: str = "chicago",
                  accessed: _dt.date | None = None, html: bool = False) -> str | None:
    """Citation of the original report (outlet, source URL, authors), or None
    when the record names neither an outlet nor a source URL.  The title is
    ``record["source_title"]`` if present, else the briefing's title."""
    work = _original_work(record, site)
    if work is None:
        return None
    return _style_fn(style)(work, accessed, html)


def chicago(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    """Chicago 17th ed. author-date reference for the briefing (plain text)."""
    return cite_briefing(record, site, "chicago", accessed)


def chicago_html(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    return cite_briefing(record, site, "chicago", accessed, html=True)


def apa(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    """APA 7 reference for the briefing (plain text)."""
    return cite_briefing(record, site, "apa", accessed)


def apa_html(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    return cite_briefing(record, site, "apa", accessed, html=True)


def mla(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    """MLA 9 works-cited entry for the briefing (plain text)."""
    return cite_briefing(record, site, "mla", accessed)


def mla_html(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> str:
    return cite_briefing(record, site, "mla", accessed, html=True)


def citations(record: Mapping, site: Mapping, accessed: _dt.date | None = None) -> dict:
    """Everything a page template needs: ``{style: {"briefing", "briefing_html",
    "original", "original_html"}}`` for chicago, apa and mla (original* are
    None when there is no original to cite)."""
    out = {}
    for style in _STYLES:
        out[style] = {
            "briefing": cite_briefing(record, site, style, accessed),
            "briefing_html": cite_briefing(record, site, style, accessed, html=True),
            "original": cite_original(record, site, style, accessed),
            "original_html": cite_original(record, site, style, accessed, html=True),
        }
    return out


# --------------------------------------------------------------------------
# Shared export helpers
# --------------------------------------------------------------------------

def _records(records: Any) -> list[Mapping]:
    if isinstance(records, Mapping):
        return [records]
    return list(records)


def citation_key(record: Mapping) -> str:
    """Stable ASCII key: ``briefing-<id>`` (+ ``-v<N>`` for version N > 1)."""
    rid = str(record.get("id") or "")
    rid = re.sub(r"[^A-Za-z0-9_-]+", "-", rid).strip("-")
    if not rid:
        basis = str(record.get("url") or record.get("title") or "")
        rid = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
    key = f"briefing-{rid}"
    v = _version(record)
    if v:
        key += f"-v{v}"
    return key


def _based_on(record: Mapping) -> str:
    """'Jong So Yong, Daily NK, https://...' (parts that are known)."""
    outlet = _clean(record.get("outlet"))
    src = _clean(record.get("source_url"))
    bits = [b for b in (outlet, src) if b]
    return ", ".join(bits)


_LANGIDS = {"en": "english", "ko": "korean", "zh": "chinese", "ja": "japanese",
            "ru": "russian", "fr": "french", "de": "german", "es": "spanish"}


# --------------------------------------------------------------------------
# BibTeX / biblatex
# --------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",   # never an unbalanced brace, even for BibTeX
    "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    "`": r"\textasciigrave{}",
}


def latex_escape(text: Any) -> str:
    """Escape LaTeX specials (& % $ # _ { } ~ ^ \\ and < > | `) and break the
    TeX ligatures -- '' ,, ?` !` so the text prints as written.  Unicode is
    kept (biber / Unicode engines).  Braces are written as
    \\textbraceleft{} / \\textbraceright{} so a field's braces always balance."""
    s = _clean(text)
    out = []
    prev = ""
    for ch in s:
        if ch in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[ch])
        else:
            if (ch == "-" and prev == "-") or (ch == "'" and prev == "'") or \
               (ch == "," and prev == ","):
                out.append("{}")
            out.append(ch)
        prev = ch
    return "".join(out)


def _bib_url(url: str) -> str:
    """A URL safe inside a braced BibTeX field: braces, backslash and spaces
    percent-encoded (they are not valid in a URL anyway)."""
    return (_clean(url).replace("\\", "%5C").replace("{", "%7B")
            .replace("}", "%7D").replace(" ", "%20"))


def _url_macro(url: str) -> str:
    """\\url{...} usable inside another field/argument: % and # escaped."""
    return r"\url{" + _bib_url(url).replace("%", r"\%").replace("#", r"\#") + "}"


def _bib_name(p: _Person) -> str:
    if p.is_org:
        return "{" + latex_escape(p.csl["literal"]) + "}"

    def part(s: str) -> str:
        e = latex_escape(s)
        if "," in s or re.search(r"(?<!\S)and(?!\S)", s, re.IGNORECASE):
            e = "{" + e + "}"
        return e

    c = p.csl
    if not c.get("given") and not c.get("suffix"):
        return part(c["family"])
    bits = [part(c["family"])]
    if c.get("suffix"):
        bits.append(part(c["suffix"]))
    bits.append(part(c.get("given", "")))
    return ", ".join(bits)


def _bib_names(people: list[_Person]) -> str:
    return " and ".join(_bib_name(p) for p in people)


def _bib_entry(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{key},\n{body},\n}}\n"


def bibtex(records: Any, site: Mapping, accessed: _dt.date | None = None) -> str:
    """biblatex ``@online`` entries (one per record, a dict or a list)."""
    acc = _to_date(accessed)
    out = []
    for rec in _records(records):
        fields: list[tuple[str, str]] = []
        authors = _people(rec.get("authors"), site)
        if authors:
            fields.append(("author", _bib_names(authors)))
        editors = _people(rec.get("editors"), site)
        if editors:
            fields.append(("editor", _bib_names(editors)))
        translators = _people(rec.get("translators"), site)
        if translators:
            fields.append(("translator", _bib_names(translators)))
        fields.append(("title", "{" + latex_escape(_title(rec)) + "}"))
        date = parse_date(rec.get("date"))
        if date:
            fields.append(("date", _iso(date)))
        v = _version(rec)
        if v:
            fields.append(("version", str(v)))
        fields.append(("organization", latex_escape(site.get("name"))))
        fields.append(("publisher", latex_escape(_site_publisher(site))))
        url = cite_url(rec)
        if url:
            fields.append(("url", _bib_url(url)))
        if acc:
            fields.append(("urldate", acc.isoformat()))
        lang = _clean(rec.get("language"))
        if lang:
            langid = _LANGIDS.get(lang.split("-")[0].lower())
            if langid:
                fields.append(("langid", langid))
        if rec.get("summary"):
            fields.append(("abstract", latex_escape(rec["summary"])))
        topics = [_clean(t) for t in rec.get("topics") or [] if _clean(t)]
        if topics:
            fields.append(("keywords", ", ".join(latex_escape(t) for t in topics)))
        note = _bib_note(rec)
        if note:
            fields.append(("note", note))
        out.append(_bib_entry("online", citation_key(rec), fields))
    return "\n".join(out)


def _bib_note(rec: Mapping) -> str:
    outlet = _clean(rec.get("outlet"))
    src = _clean(rec.get("source_url"))
    if not outlet and not src:
        return ""
    bits = [latex_escape(outlet)] if outlet else []
    if src:
        bits.append(_url_macro(src))
    return "Based on: " + ", ".join(bits)


def bibtex_classic(records: Any, site: Mapping, accessed: _dt.date | None = None) -> str:
    """Classic BibTeX ``@misc`` entries (for natbib/plain styles)."""
    acc = _to_date(accessed)
    out = []
    for rec in _records(records):
        fields: list[tuple[str, str]] = []
        authors = _people(rec.get("authors"), site)
        if authors:
            fields.append(("author", _bib_names(authors)))
        fields.append(("title", "{" + latex_escape(_title(rec)) + "}"))
        url = cite_url(rec)
        if url:
            fields.append(("howpublished", _url_macro(url)))
        date = parse_date(rec.get("date"))
        if date:
            fields.append(("year", str(date[0])))
        fields.append(("publisher", latex_escape(_site_publisher(site))))
        notes = []
        v = _version(rec)
        if v:
            notes.append(f"Version {v}.")
        if acc:
            notes.append(f"Accessed {acc.isoformat()}.")
        based = _bib_note(rec)
        if based:
            notes.append(based)
        if notes:
            fields.append(("note", " ".join(notes)))
        out.append(_bib_entry("misc", citation_key(rec), fields))
    return "\n".join(out)


# --------------------------------------------------------------------------
# RIS
# --------------------------------------------------------------------------

def _ris_date(parts: tuple[int, ...]) -> str:
    return "/".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


def ris(records: Any, site: Mapping, accessed: _dt.date | None = None,
        newline: str = "\r\n") -> str:
    """RIS (``TAG  - value``), CRLF line ends by default as the spec says."""
    acc = _to_date(accessed)
    lines: list[str] = []

    def add(tag: str, value: Any):
        v = _clean(value)
        if v:
            lines.append(f"{tag}  - {v}")

    for rec in _records(records):
        lines.append("TY  - ELEC")
        add("ID", citation_key(rec))
        add("TI", _title(rec))
        for p in _people(rec.get("authors"), site):
            add("AU", p.inverted())
        for p in _people(rec.get("editors"), site):
            add("A2", p.inverted())
        for p in _people(rec.get("translators"), site):
            add("A4", p.inverted())
        date = parse_date(rec.get("date"))
        if date:
            add("PY", f"{date[0]:04d}")
            add("DA", _ris_date(date))
        v = _version(rec)
        if v:
            add("ET", f"Version {v}")
        add("T2", site.get("name"))
        add("PB", _site_publisher(site))
        add("UR", cite_url(rec))
        if acc:
            add("Y2", _ris_date((acc.year, acc.month, acc.day)))
        add("AB", rec.get("summary"))
        add("LA", rec.get("language"))
        for t in rec.get("topics") or []:
            add("KW", t)
        based = _based_on(rec)
        if based:
            add("N1", f"Based on: {based}")
        if v:
            add("N1", f"Version {v}")
        lines.append("ER  - ")
        lines.append("")
    return newline.join(lines)


# --------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------

def _date_var(parts: tuple[int, ...]) -> dict:
    return {"date-parts": [list(parts)]}


def csl_json(records: Any, site: Mapping, accessed: _dt.date | None = None) -> list[dict]:
    """CSL-JSON items (type "webpage"), valid against csl-data.json."""
    acc = _to_date(accessed)
    items = []
    for rec in _records(records):
        item: dict[str, Any] = {"id": citation_key(rec), "type": "webpage",
                                "title": _title(rec)}
        for var, key in (("author", "authors"), ("editor", "editors"),
                         ("translator", "translators")):
            people = _people(rec.get(key), site)
            if people:
                item[var] = [dict(p.csl) for p in people]
        date = parse_date(rec.get("date"))
        if date:
            item["issued"] = _date_var(date)
        if acc:
            item["accessed"] = _date_var((acc.year, acc.month, acc.day))
        url = cite_url(rec)
        if url:
            item["URL"] = url
        if site.get("name"):
            item["container-title"] = _clean(site["name"])
        if _site_publisher(site):
            item["publisher"] = _site_publisher(site)
        if rec.get("summary"):
            item["abstract"] = _clean(rec["summary"])
        if rec.get("language"):
            item["language"] = _clean(rec["language"])
        v = _version(rec)
        if v:
            item["version"] = str(v)
        topics = [_clean(t) for t in rec.get("topics") or [] if _clean(t)]
        if topics:
            item["keyword"] = ", ".join(topics)
        based = _based_on(rec)
        notes = []
        if based:
            notes.append(f"Based on: {based}")
        if v:
            notes.append(f"Version {v}")
        if notes:
            item["note"] = ". ".join(notes)
        items.append(item)
    return items


# --------------------------------------------------------------------------
# Embedded metadata
# --------------------------------------------------------------------------

def highwire_tags(record: Mapping, site: Mapping) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` meta (name, content) pairs, as read by
    Zotero's "Embedded Metadata" translator and Google Scholar.  Persons are
    written "Family, Given" so Zotero splits them correctly; an organisation
    is one citation_author as written.  No citation_journal_title (it would
    make Zotero import a journal article)."""
    tags: list[tuple[str, str]] = [("citation_title", _title(record))]
    for p in _people(record.get("authors"), site):
        tags.append(("citation_author", p.inverted()))
    date = parse_date(record.get("date"))
    if date:
        tags.append(("citation_publication_date", _ris_date(date)))
    if _site_publisher(site):
        tags.append(("citation_publisher", _site_publisher(site)))
    url = cite_url(record)
    if url:
        tags.append(("citation_public_url", url))
    if record.get("language"):
        tags.append(("citation_language", _clean(record["language"])))
    if record.get("summary"):
        tags.append(("citation_abstract", _clean(record["summary"])))
    for t in record.get("topics") or []:
        if _clean(t):
            tags.append(("citation_keywords", _clean(t)))
    return tags


def dublin_core_tags(record: Mapping, site: Mapping) -> list[tuple[str, str]]:
    """Dublin Core ``DC.*`` meta (name, content) pairs."""
    tags: list[tuple[str, str]] = [("DC.title", _title(record))]
    for p in _people(record.get("authors"), site):
        tags.append(("DC.creator", p.inverted()))
    date = parse_date(record.get("date"))
    if date:
        tags.append(("DC.date", _iso(date)))
    url = cite_url(record)
    if url:
        tags.append(("DC.identifier", url))
    if record.get("language"):
        tags.append(("DC.language", _clean(record["language"])))
    if _site_publisher(site):
        tags.append(("DC.publisher", _site_publisher(site)))
    if record.get("source_url"):
        tags.append(("DC.source", _clean(record["source_url"])))
    if record.get("summary"):
        tags.append(("DC.description", _clean(record["summary"])))
    for t in record.get("topics") or []:
        if _clean(t):
            tags.append(("DC.subject", _clean(t)))
    for r in record.get("regions") or []:
        if _clean(r):
            tags.append(("DC.coverage", _clean(r)))
    tags.append(("DC.type", "Text"))
    return tags


def meta_tags_html(tags: Iterable[tuple[str, str]]) -> str:
    """``<meta name=".." content="..">`` lines, attribute values escaped."""
    return "\n".join(
        f'<meta name="{_html.escape(n, quote=True)}" content="{_html.escape(c, quote=True)}">'
        for n, c in tags)


def _ld_person(p: _Person) -> dict:
    if p.is_org:
        return {"@type": "Organization", "name": p.csl["literal"]}
    d = {"@type": "Person", "name": p.raw, "familyName": p.csl["family"]}
    if p.csl.get("given"):
        d["givenName"] = p.csl["given"]
    return d


def json_ld(record: Mapping, site: Mapping) -> dict:
    """schema.org ``Report`` (an Article subtype) describing the briefing."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report",
        "headline": _title(record),
        "name": _title(record),
    }
    if record.get("id"):
        data["identifier"] = str(record["id"])
    url = _clean(record.get("url"))
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    date = parse_date(record.get("date"))
    if date:
        data["datePublished"] = _iso(date)
    revised = parse_date(record.get("revised"))
    if revised:
        data["dateModified"] = _iso(revised)
    for var, key in (("author", "authors"), ("editor", "editors"),
                     ("translator", "translators")):
        people = _people(record.get(key), site)
        if people:
            data[var] = [_ld_person(p) for p in people]
    publisher = {"@type": "Organization", "name": _site_publisher(site)}
    if site.get("url"):
        publisher["url"] = _clean(site["url"])
    data["publisher"] = publisher
    if site.get("name"):
        part = {"@type": "WebSite", "name": _clean(site["name"])}
        if site.get("url"):
            part["url"] = _clean(site["url"])
        data["isPartOf"] = part
    outlet = _clean(record.get("outlet"))
    src = _clean(record.get("source_url"))
    if outlet or src:
        based: dict[str, Any] = {"@type": "CreativeWork"}
        if src:
            based["url"] = src
        if outlet:
            based["publisher"] = {"@type": "Organization", "name": outlet}
        authors = _people(record.get("authors"), site)
        if authors:
            based["author"] = [_ld_person(p) for p in authors]
        if date:
            based["datePublished"] = _iso(date)
        data["isBasedOn"] = based
    topics = [_clean(t) for t in record.get("topics") or [] if _clean(t)]
    if topics:
        data["about"] = [{"@type": "Thing", "name": t} for t in topics]
    regions = [_clean(r) for r in record.get("regions") or [] if _clean(r)]
    if regions:
        data["spatialCoverage"] = [{"@type": "Place", "name": r} for r in regions]
    if record.get("language"):
        data["inLanguage"] = _clean(record["language"])
    if record.get("summary"):
        data["abstract"] = _clean(record["summary"])
        data["description"] = _clean(record["summary"])
    if record.get("version") is not None:
        data["version"] = str(record["version"])
    return data


def json_ld_script(record: Mapping, site: Mapping) -> str:
    """The whole ``<script type="application/ld+json">`` element.  "<", ">",
    "&" (and U+2028/U+2029) are written as JSON \\u escapes, so no title can
    close the script element or open a comment."""
    body = json.dumps(json_ld(record, site), ensure_ascii=False, indent=2, sort_keys=False)
    body = (body.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))
    return f'<script type="application/ld+json">\n{body}\n</script>'
