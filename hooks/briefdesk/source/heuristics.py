"""What the structure of a scraped page tells the cleaner, beyond the editors' rules.

The editors' rules (`boilerplate.yml`) claim the lines they know; this module looks at
the rest the way paragraph-level boilerplate removers do (jusText: length, stop-word
density, sentence shape; its context rules; and the position of a block between the
top and the end of the page):

1. **Line shapes** anywhere: date and byline lines (a date with filler words and at most
   a name around it: the date and the name become metadata), captions (an image file
   name, a Markdown image, a credit after "Image:", "REUTERS/", "=", or in parentheses),
   keyword and tag lines (comma-separated lower-case words), alt text (a line the next
   one repeats and extends), e-mail and address lines, lines the page repeats.
2. **The article's extent**: each remaining block is *good* (a long sentence-like block,
   dense in stop words), *near-good* (a shorter sentence), *short* or *bad*. The article
   runs from the first good block to the last; before it, only a run of sentences that
   leads straight into it is article (a short lede), the rest is navigation, slogans and
   menus; after it, only a run of sentences that follows straight on is article, and a
   list of headline-like lines, pager words and the like are the page's. A line an
   `end_markers` rule claims (comments, "Read more", copyright) ends the article: nothing
   after it is the article again. Inside the article, a block no shape claims stays,
   whatever its class: a table row or a subhead is not noise, and losing a sentence is
   worse than keeping a stray line.
3. **The headline**, among the single lines before the article: a headline-shaped line
   (2 to 25 words, no closing full stop), scored by the words it shares with the
   article's first paragraphs and with the slug of the source's address, when the
   metadata gives one (Daily NK's slugs spell the headline). Navigation, slogans, dates
   and keyword lines share few words with the article and are never chosen. Copies of
   the headline are removed with it; a sentence between the headline and a byline,
   date or caption line that comes before the article is its standfirst (dek).

Every line this module takes out is returned with the reason and the figures that
decided it, so the Editorial record stays an audit an editor can act on.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable

_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_TERMINAL = re.compile(r"[.!?…](?:[\"”’')\]*]*)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"^(?P<file>\S+\.(?:jpe?g|png|gif|webp|tiff?))\s+(?P<caption>.+)$", re.IGNORECASE)
_MD_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]*)\)\s*(?P<caption>.*)$")
_HANGUL_OR_HAN = re.compile(r"^[\u3131-\u318e\uac00-\ud7a3\u4e00-\u9fff]{2,5}$")
_NAME = re.compile(r"^(?:[A-Z][\w.’'-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w.’'-]*|[A-Z]{2,})){1,3}$")

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_TIME = r"(?:\s*(?:,|at|-|–|/|\|)?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:kst|gmt|utc|et|edt|est|jst|cst)\b)?)?"
# complete calendar dates only: a year, a month and a day all stated
DATE_SHAPES = [
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)\.?" + _TIME, re.I),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME, re.I),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME,
               re.I),
]
_YEAR = re.compile(r"(?:19|20)\d\d")
_TIME_ONLY = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?", re.I)


@dataclass(frozen=True)
class Settings:
    """The `structure` section of boilerplate.yml: thresholds and word lists."""

    good_min_chars: int = 150
    near_min_chars: int = 50
    good_stopwords: float = 0.30
    near_stopwords: float = 0.22
    headline_min_words: int = 2
    headline_max_words: int = 25
    headline_max_chars: int = 200
    headline_zone: int = 15  # the first this many lines and blocks may hold the headline
    date_filler: frozenset[str] = frozenset()
    byline_agencies: frozenset[str] = frozenset()
    caption_cues: tuple[re.Pattern, ...] = ()
    end_markers: frozenset[str] = frozenset()  # names of rules whose line ends the article
    stopwords: frozenset[str] = frozenset()
    wrap_min_chars: int = 30  # a wrapped line is at least this long
    recurring_min_articles: int = 3  # a line in this many of an outlet's articles...
    recurring_share: float = 0.05  # ...and in this share of them is the outlet's boilerplate
    recurring_max_chars: int = 200  # longer lines are not compared
    wrap_continuations: frozenset[str] = frozenset()  # a line ending with one goes on in the next


def load_settings(raw: Any, fname: str, compile_rules: Callable) -> Settings:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # the stop-word list jusText's kind uses

    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{fname}: 'structure' must be a mapping")
    known = {f for f in Settings.__dataclass_fields__}
    unknown = sorted(set(raw) - known - {"extra_stopwords"})
    if unknown:
        raise ValueError(f"{fname}: structure has unknown key {unknown[0]!r}")
    values: dict[str, Any] = {}
    for key in ("good_min_chars", "near_min_chars", "headline_min_words", "headline_max_words",
                "headline_max_chars", "headline_zone", "wrap_min_chars", "recurring_min_articles",
                "recurring_max_chars"):
        if key in raw:
            values[key] = int(raw[key])
    for key in ("good_stopwords", "near_stopwords", "recurring_share"):
        if key in raw:
            values[key] = float(raw[key])
    for key in ("date_filler", "byline_agencies", "end_markers", "wrap_continuations"):
        values[key] = frozenset(str(w).lower() if key != "end_markers" else str(w) for w in raw.get(key) or [])
    cues = compile_rules([{"name": f"cue-{i}", "pattern": p} for i, p in enumerate(raw.get("caption_cues") or [])],
                         type("P", (), {"name": fname})(), "structure.caption_cues")
    values["caption_cues"] = tuple(r.regex for r in cues)
    values["stopwords"] = frozenset(ENGLISH_STOP_WORDS) | frozenset(str(w).lower() for w in
                                                                    raw.get("extra_stopwords") or [])
    return Settings(**values)


@dataclass
class Found:
    claims: dict[int, tuple] = field(default_factory=dict)  # line -> (what, rule, None, why)
    headline: str | None = None
    standfirst: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    lines: list[tuple[int, str]]
    text: str
    single: bool
    pos: int  # order on the page, counting claimed lines too
    words: int = 0
    stop: float = 0.0
    cls: str = ""
    key: str = ""  # the text folded for comparing lines


# --------------------------------------------------------------------------- features


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def stopword_density(words: list[str], stopwords: frozenset[str]) -> float:
    return sum(1 for w in words if w.lower() in stopwords) / len(words) if words else 0.0


_NO_PUNCT = str.maketrans("", "", "\"“”‘()[]{},.;:!?…–—*|")
_SAMPLE_CHARS = 600  # a block's stop-word share is read from its first words: enough to tell its class


def _counts(text: str, s: Settings) -> tuple[int, float]:
    """Words, and the share of stop words among the first of them (this runs on every block,
    so it stays in C: one translate, one split, one map)."""
    n = text.count(" ") + 1 if text else 0
    if not n:
        return 0, 0.0
    sample = text[:_SAMPLE_CHARS].lower().translate(_NO_PUNCT).split()
    if len(text) > _SAMPLE_CHARS and len(sample) > 1:
        sample.pop()  # a word cut in two
    return n, (sum(map(s.stopwords.__contains__, sample)) / len(sample)) if sample else 0.0


def sentence_like(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def table_row(text: str) -> bool:
    return len(text) > 2 and text.startswith("|") and text.endswith("|")


def classify_unit(text: str, words: int, stop: float, s: Settings) -> str:
    """jusText's classes, for news text: good, near (good), short or bad; and table rows."""
    if table_row(text):
        return "table"
    n = len(text)
    terminal = sentence_like(text)
    if stop >= s.good_stopwords and ((n >= s.good_min_chars and terminal) or n >= 2 * s.good_min_chars):
        return "good"
    if stop >= s.near_stopwords and ((n >= s.near_min_chars and terminal) or n >= s.good_min_chars):
        return "near"
    if n < s.near_min_chars:
        return "short"
    return "bad"


def find_date(text: str) -> tuple[str, re.Match] | None:
    """The first complete calendar date stated in a line, as ISO, and where it is."""
    best = None
    for shape in DATE_SHAPES:
        for m in shape.finditer(text):
            iso = _iso(m)
            if iso and (best is None or m.start() < best[1].start()):
                best = (iso, m)
                break
    return best


def _iso(m: re.Match) -> str | None:
    g = m.groupdict()
    try:
        month = int(g["mon"]) if g.get("mon") else MONTHS[g["month"].lower().rstrip(".")]
        return _dt.date(int(g["year"]), month, int(g["day"])).isoformat()
    except (ValueError, KeyError, TypeError):
        return None


def _slug_words(url: str | None) -> set[str]:
    if not url:
        return set()
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", last, flags=re.I)
    parts = [p for p in re.split(r"[-_]+", last.lower()) if p.isalpha() and len(p) > 1]
    return {_stem(p) for p in parts} if len(parts) >= 3 else set()


def _content(words: list[str], s: Settings) -> list[str]:
    return [_stem(w) for w in words if w.lower() not in s.stopwords and not w.isdigit()]


def _stem(word: str) -> str:
    """A word's first five letters: "prices" meets "price", "starvation" "starve"."""
    return word.lower()[:5]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


# --------------------------------------------------------------------------- the corpus


def recurring_candidates(text: str, s: Settings) -> frozenset[str]:
    """The folded lines of an article that may be an outlet's boilerplate: lines of two
    words or more and at most recurring_max_chars that are not a table row and not a
    sentence (one of near_min_chars or more that ends like one): a sentence the outlet
    repeats is still its text (its footers' sentences are the editors' rules' to name)."""
    out = set()
    for raw in text.split("\n"):
        if len(raw) > s.recurring_max_chars + 20:
            continue
        line = " ".join(raw.split())
        if (" " not in line or len(line) > s.recurring_max_chars
                or (len(line) >= s.near_min_chars and sentence_like(line)) or table_row(line)):
            continue
        out.add(line.lower())
    return frozenset(out)


def recurring_lines(candidates: list[frozenset[str]], s: Settings) -> frozenset[str]:
    """Of the candidate lines of one outlet's articles (recurring_candidates, one set an
    article), those in at least recurring_min_articles of them and recurring_share of
    them: the outlet's slogans, menus, notices and footers, whatever their words."""
    counts: dict[str, int] = {}
    for keys in candidates:
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    need = max(s.recurring_min_articles, math.ceil(round(s.recurring_share * len(candidates), 6)))
    return frozenset(k for k, c in counts.items() if c >= need)


# --------------------------------------------------------------------------- line shapes


def date_line(text: str, s: Settings) -> tuple[str, list[str], str] | None:
    """A line that is a date, with filler words and at most a name: (ISO date, authors,
    ""). A headline after a date at the start of a line: (ISO date, [], the headline).
    None when the line says more than that (a sentence that mentions a date)."""
    found = find_date(text)
    if found is None:
        return None
    iso, m = found
    before, after = text[: m.start()], text[m.end():]
    rest = _TIME_ONLY.sub(" ", before + " " + after)
    rest = re.sub(r"\d+\s+(?:years?|months?|weeks?|days?|hours?|minutes?)\s+ago", " ", rest, flags=re.I)
    for other in DATE_SHAPES:  # "Updated: <another date>"
        rest = other.sub(" ", rest)
    tokens = [t for t in re.split(r"[\s|/·•,:;()\[\]–—-]+", rest) if t]
    left = [t for t in tokens if t.lower().rstrip(".") not in s.date_filler and not t.isdigit()]
    leftover = " ".join(left)
    if not left:
        return iso, [], ""
    if len(left) <= 4 and (_NAME.match(leftover) or _HANGUL_OR_HAN.match(leftover)):
        by = re.search(r"\bby\b", rest, flags=re.I)
        return iso, ([leftover] if "|" in text or by else []), ""
    if len(left) <= 2 and not any(c.isalpha() and c.isascii() for c in leftover):
        return iso, [], ""  # a site word in another script, a count
    head = [t for t in re.split(r"[\s|:]+", before) if t]
    if all(t.lower().rstrip(".") in s.date_filler for t in head):
        title = after.strip(" |-–—:")
        if title and _headline_shaped(title, s):
            return iso, [], title
    return None


def byline(text: str, s: Settings) -> list[str] | None:
    """A byline no rule knows: "By" and a name in Hangul or Han, or an agency and a city
    ("AFP, SEOUL")."""
    m = re.match(r"^(?:by|written by|reporter|reported by)\s*:?\s*(?P<name>\S.{0,40})$", text, flags=re.I)
    if m and _HANGUL_OR_HAN.match(m.group("name").strip()):
        return [m.group("name").strip()]
    tokens = [t for t in re.split(r"[\s,/|–—-]+", text) if t]
    if 1 < len(tokens) <= 4 and any(t.lower() in s.byline_agencies for t in tokens) and all(
            t[0].isupper() for t in tokens):
        return []
    return None


_CREDIT_WORD = re.compile(r"(?:image|photo|picture|credit|courtesy)s?\s*(?:credit)?\s*[:：]", re.I)


def image_caption(text: str) -> tuple[str, str | None] | None:
    """A caption by its shape: an image file name or a Markdown image before it, or a
    credit after it ("Image: ...", "REUTERS/...", "Seoul=Yonhap")."""
    if len(text) > 300:
        return None
    first = text.split(" ", 1)[0]
    if "." in first:
        m = _IMAGE_FILE.match(text)
        if m:
            return m.group("caption"), None
    if text.startswith("!["):
        m = _MD_IMAGE.match(text)
        if m:
            return (m.group("caption") or m.group("alt") or text).strip(" *|") or text, None
    if _CREDIT_WORD.search(text):
        m = re.match(r"^(?P<caption>.+?[.!?”\"’)])\s*(?:image|photo|picture|credit|courtesy)s?\s*(?:credit)?\s*[:：]\s*"
                     r"(?P<credit>[^.]{1,60})\.?$", text, flags=re.I)
        if m:
            return m.group("caption"), m.group("credit")
    if "/" in text:
        m = re.match(r"^(?P<caption>.+?)\s+(?P<credit>(?:REUTERS|AFP|AP|EPA|YONHAP|XINHUA|KCNA|GETTY)\s*/\s*[^/]{0,40})$",
                     text)
        if m:
            return m.group("caption"), m.group("credit")
    if "=" in text:
        m = re.match(r"^(?P<caption>.+?)\s*[(（]?(?P<credit>[A-Z][A-Za-z]{1,20}\s?=\s?[A-Z][\w/ ]{1,30})[)）]?\.?$",
                     text)
        if m and not text.rstrip().endswith("--"):
            return m.group("caption"), m.group("credit")
    return None


def paren_credit(text: str) -> tuple[str, str] | None:
    """A caption ending in a credit in parentheses: "(Wikimedia Commons)"."""
    m = re.match(r"^(?P<caption>.+?)\s*\((?P<credit>[A-Z][\w.&'’ -]{1,40})\)\.?$", text)
    if m and len(m.group("credit").split()) <= 4 and all(w[0].isupper() for w in m.group("credit").split()):
        return m.group("caption"), m.group("credit")
    return None


def tag_line(text: str) -> bool:
    """Comma-separated tags: lower-case words, no sentence."""
    if len(text) > 160 or "," not in text or re.search(r"[?!\"“”‘’]|'\w", text) or re.search(r"[.!?]$", text):
        return False
    parts = [p.strip() for p in re.split(r"[,;]|\.\s", text.rstrip(".,")) if p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 4 for p in parts):
        return False
    words = text.replace(",", " ").split()
    lower = sum(1 for w in words if w[0].islower())
    return lower / len(words) >= (0.99 if len(parts) == 2 else 0.75)


_PARAGRAPH_CUES = re.compile(r"\b(?:said|says|told|according to|reported|added)\b", re.I)


def caption_is_paragraph(caption: str) -> bool:
    """A "caption" of 25 words or more that reports what someone said is the article's
    last paragraph with the agency's sign-off ("... homeless. (Yonhap)"), not a caption."""
    return len(caption.split()) >= 25 and bool(_PARAGRAPH_CUES.search(caption))


def _headline_shaped(text: str, s: Settings) -> bool:
    """2 to 25 words, no closing full stop or comma, a capital at the start, no address."""
    words = text.split()
    if not (s.headline_min_words <= len(words) <= s.headline_max_words and len(text) <= s.headline_max_chars):
        return False
    if text.endswith((".", ",", ";", ":", "…")) and not text.endswith(("..", ".”")) or table_row(text):
        return False
    return any(c.isupper() for c in text[:3]) and not _URL.search(text) and not _EMAIL.search(text)


class Caption:
    """A caption the structure found, read like a rule's match (caption, credit)."""

    def __init__(self, caption: str, credit: str | None):
        self._groups = {"caption": caption, "credit": credit}

    def group(self, name: str) -> str:
        return self._groups[name] or ""

    def groupdict(self) -> dict[str, str | None]:
        return dict(self._groups)


# --------------------------------------------------------------------------- the decision


def _why(reason: str, u: _Unit) -> str:
    return f"{reason}: {u.words} words, stop words {u.stop:.2f}, {u.cls}"


def decide(blocks: list[list[tuple[int, str]]], claims: dict[int, tuple], s: Settings,
           source_url: str | None) -> Found:
    """Claims for the lines the rules left, and what they tell (headline, date, authors)."""
    found = Found()
    seq: list[_Unit | tuple[int, str, str]] = []  # units and claimed lines, in page order
    for block in blocks:
        free = [(n, t) for n, t in block if n not in claims]
        hard_wrapped = len(block) > 1 and all(len(t) <= 100 for _, t in block)
        for n, t in block:
            if n in claims:
                seq.append((n, claims[n][0], claims[n][1]))
        if not free:
            continue
        if hard_wrapped:
            units = [free]
        else:
            units = [[line] for line in free]
        for lines in units:
            text = " ".join(t for _, t in lines)
            seq.append(_Unit(lines, text, len(lines) == 1, 0))
    order = {n: i for i, (n, _) in enumerate(ln for b in blocks for ln in b)}
    seq.sort(key=lambda x: order[x.lines[0][0]] if isinstance(x, _Unit) else order[x[0]])
    seq = _joined_continuations(seq, s)
    for i, x in enumerate(seq):
        if isinstance(x, _Unit):
            x.pos = i
            x.words, x.stop = _counts(x.text, s)
            x.cls = classify_unit(x.text, x.words, x.stop, s)
            x.key = _norm(x.text)
    units = [x for x in seq if isinstance(x, _Unit)]

    def claim(u: _Unit, what: str, rule: str, why: str, match: Caption | None = None) -> None:
        for n, _ in u.lines:
            found.claims[n] = (what, rule, match, why)

    def claimed(u: _Unit) -> bool:
        return u.lines[0][0] in found.claims

    # 1. line shapes
    dated_headline: tuple[_Unit, str] | None = None
    counts: dict[str, int] = {}
    for u in units:
        counts[u.key] = counts.get(u.key, 0) + 1
    for k, u in enumerate(units):
        if not u.single:
            continue
        t = u.text
        d = date_line(t, s) if u.words <= 30 and _YEAR.search(t) else None
        if d is not None:
            iso, authors, leftover = d
            if not leftover:
                claim(u, "date", "date-line", f"a date line ({iso}){': by ' + ', '.join(authors) if authors else ''}")
                found.date = found.date or iso
                found.authors.extend(a for a in authors if a not in found.authors)
                continue
            if u.pos < s.headline_zone:
                dated_headline = (u, leftover)
                found.date = found.date or iso
                continue
        names = byline(t, s) if u.words <= 6 else None
        if names is not None:
            claim(u, "credit", "byline-shape", "a byline" + (f": {', '.join(names)}" if names else ""))
            found.authors.extend(n for n in names if n not in found.authors)
            continue
        if "@" in t and u.words <= 40 and _EMAIL.search(t):
            claim(u, "boilerplate", "contact-line", _why("an e-mail address", u))
            continue
        urls = _URL.findall(t) if ("://" in t or "www." in t.lower()) else ()
        if urls and sum(len(x) for x in urls) >= 0.5 * len(t):
            claim(u, "boilerplate", "address-line", _why("a web address", u))
            continue
        cap = image_caption(t)
        if cap is not None:
            claim(u, "figure", "caption-shape", "", Caption(*cap))
            continue
        if t.startswith("[") and t.endswith("]") and "]" not in t[1:-1]:
            claim(u, "keywords", "bracketed-line", _why("a line wholly in brackets (a section label or note)", u))
            continue
        if tag_line(t):
            claim(u, "keywords", "tag-line", _why("comma-separated tags", u))
            continue
        nxt = units[k + 1] if k + 1 < len(units) else None
        if nxt is not None and u.words >= 3 and len(nxt.text) > len(t) and nxt.key.startswith(u.key):
            claim(u, "keywords", "alt-text", _why("alt text: the next line repeats and extends it", u))
            continue

    free = [u for u in units if not claimed(u)]
    goods = [u for u in free if u.cls == "good"] or [u for u in free if u.cls == "near"]
    if not goods:
        return _with_headline(found, seq, units, s, source_url, dated_headline, None, None)
    start, end = goods[0].pos, goods[-1].pos
    # an end marker after the article's first good block ends it
    marker = None
    for i, x in enumerate(seq):
        if start < i and not isinstance(x, _Unit) and x[2] in s.end_markers:
            end = max((u.pos for u in goods if u.pos < i), default=start)
            marker = i
            break
    # 2. the article's extent: a run of sentences leads into it and follows on from it
    lead_from = start
    for x in reversed(seq[:start]):
        if isinstance(x, _Unit):
            if claimed(x):
                if found.claims[x.lines[0][0]][0] == "figure":
                    continue
                break
            if (sentence_like(x.text) and counts[x.key] == 1 and (x.cls in ("good", "near") or x.words >= 4)
                    or x.cls == "table"):
                lead_from = x.pos
                continue
            if x.pos == lead_from - 1 and x.text.endswith(":") and x.words <= 12 and x.stop > 0:
                lead_from = x.pos  # "According to Yonhap:" leads into the article
            break
            break
        if x[1] != "figure":
            break
    follow_to = end
    stop_at = marker if marker is not None else len(seq)
    pending: _Unit | None = None
    for x in seq[end + 1: stop_at]:
        if isinstance(x, _Unit):
            if claimed(x):
                if found.claims[x.lines[0][0]][0] == "figure":
                    continue
                break
            if (x.cls in ("good", "near") and sentence_like(x.text)) or x.cls == "table":
                follow_to, pending = x.pos, None
                continue
            if pending is None and (x.words <= 20 or x.cls in ("good", "near")):
                pending = x  # a subhead or a short line: article, if the article goes on
                continue
            break
        if x[1] != "figure":
            break
    else:
        if pending is not None and all(not isinstance(x, _Unit) for x in seq[pending.pos + 1:]):
            follow_to = pending.pos  # the page's last line: unsure, so it stays
    found = _with_headline(found, seq, units, s, source_url, dated_headline, lead_from, follow_to)
    for u in units:
        if claimed(u):
            continue
        if u.pos < lead_from:
            if paren_credit(u.text) and u.single:
                claim(u, "figure", "caption-shape", "", Caption(*paren_credit(u.text)))
            elif any(c.search(u.text) for c in s.caption_cues) and u.single:
                claim(u, "figure", "caption-cue", "", Caption(u.text, None))
            elif u.pos == lead_from - 1 and _wrapped_lead(u, seq[lead_from:lead_from + 2], s):
                continue  # the first line of text wrapped by hand: the article's
            else:
                claim(u, "boilerplate", "before-article", _why("before the article", u))
        elif u.pos > follow_to:
            if marker is not None and u.pos > marker:
                claim(u, "boilerplate", "after-article-end", _why("after the end of the article", u))
            elif _headline_shaped(u.text, s) or u.text.startswith(("-", "•", "·", "*")):
                claim(u, "list", "headline-list", _why("a headline-like line after the article", u))
            else:
                claim(u, "boilerplate", "after-article", _why("after the article", u))
    return found


_SENTENCE_END = tuple(".!?…:;\"”’)]")


def goes_on(line: str, following: str, s: Settings) -> bool:
    """Whether a body line wrapped by hand goes on in the next block: it does not end a
    sentence, and it ends with a comma, a hyphen or a word that cannot end one
    (wrap_continuations), or the next starts in lower case (a line shorter than
    wrap_min_chars needs both), or the two are lines of about one length, as a wrap makes
    them."""
    if not following or not line or line.endswith(_SENTENCE_END) or table_row(line):
        return False
    open_end = line.endswith((",", "-", "–", "—")) or line.rsplit(None, 1)[-1].lower() in s.wrap_continuations
    if len(line) < s.wrap_min_chars:  # a short line only when both ends say so ("…, which" / "was…")
        return open_end and following[:1].islower()
    if open_end or following[:1].islower():
        return True
    # "…over the Sunam" / "Market in Chongjin, where…": two lines of a wrap's length
    return 40 <= len(line) <= 100 and len(following) <= 100 and 0.75 <= len(line) / len(following) <= 1.33


def _wrapped_lead(u: _Unit, following: list, s: Settings) -> bool:
    """A line just before the article that is the first line of its text wrapped by hand:
    a prose line of a wrapped line's length that does not end a sentence, followed by
    lines of about its length (the article's first lines)."""
    if len(following) < 2 or not all(isinstance(x, _Unit) for x in following):
        return False
    first, then = following[0].lines[0][1], following[1].lines[0][1]
    return (u.single and 40 <= len(u.text) <= 100 and not u.text.endswith(_SENTENCE_END)
            and not first.endswith(_SENTENCE_END) and 0.75 <= len(u.text) / len(first) <= 1.33
            and len(then) <= 100 and u.stop >= s.near_stopwords)


def _joined_continuations(seq: list, s: Settings) -> list:
    """A sentence broken over blocks (a line that does not end a sentence, then one that
    starts in lower case) is judged as one block."""
    out: list = []
    for x in seq:
        prev = out[-1] if out else None
        if (isinstance(x, _Unit) and isinstance(prev, _Unit) and x.text[:1].islower()
                and prev.text[-1:].isalnum()
                and (prev.text.split()[-1][:1].islower() or prev.text.split()[-1].lower() in s.stopwords)
                and not _IMAGE_FILE.match(x.text) and not table_row(prev.text)):
            out[-1] = _Unit(prev.lines + x.lines, f"{prev.text} {x.text}", False, 0)
            continue
        out.append(x)
    return out


def _with_headline(found: Found, seq: list, units: list[_Unit], s: Settings, source_url: str | None,
                   dated: tuple[_Unit, str] | None, lead_from: int | None, follow_to: int | None) -> Found:
    """Choose the headline among the single lines before the article."""
    claimed = found.claims
    top = lead_from if lead_from is not None else min(len(seq), s.headline_zone)
    slug = _slug_words(source_url)
    body_text = " ".join(u.text for u in units if u.pos >= (lead_from or 0) and u.lines[0][0] not in claimed)[:4000]
    body_lower = body_text.lower()
    candidates: list[tuple[float, int, _Unit, str]] = []
    pool = [(u, u.text) for u in units if u.single and u.pos < min(top, s.headline_zone) and u.lines[0][0] not in claimed]
    if dated is not None:
        pool.append(dated)
    for u, text in pool:
        if not _headline_shaped(text, s):
            continue
        content = set(_content(words_of(text), s))
        if not content:
            continue
        body_share = sum(1 for c in content if c in body_lower) / len(content)
        slug_share = len(content & slug) / len(slug) if slug else 0.0
        if not (slug_share >= 0.5 or body_share >= 0.5 or (u.pos == 0 and body_share >= 0.25)):
            continue
        score = 3 * slug_share + 2 * body_share - 0.02 * u.pos
        candidates.append((score, u.pos, u, text))
    if not candidates:
        return found
    _, _, best, text = max(candidates, key=lambda c: (c[0], -c[1]))
    found.headline = text
    keys = (_norm(text), best.key)
    for u in units:
        if u.single and u.key in keys and (follow_to is None or u.pos <= top
                                                                                 or u is best):
            for n, _ in u.lines:
                claimed[n] = ("headline", "headline", None, "the article's headline" if u is best else
                              "a copy of the headline")
    # the standfirst: a sentence after the headline, then a byline, date or caption, then the article
    if lead_from is not None:
        after = [x for x in seq[best.pos + 1: lead_from]]
        if after and isinstance(after[0], _Unit) and after[0].lines[0][0] not in claimed and after[0].single \
                and sentence_like(after[0].text) and after[0].words >= 8 and len(after) > 1:
            rest = after[1:]
            if any((not isinstance(x, _Unit)) or x.lines[0][0] in claimed for x in rest):
                dek = after[0]
                found.standfirst = dek.text
                for n, _ in dek.lines:
                    claimed[n] = ("standfirst", "standfirst", None, "the standfirst under the headline")
    return found
