"""Prices stage: the market prices and exchange rates a briefing states, as observations.

    vocab = load_vocabulary(editorial_dir)          # hooks/editorial/prices.yml
    found = extract(briefing_id, paragraphs, date, vocab, gazetteer)
    found.observations -> [{briefing, paragraph, text, commodity, value, ...}, ...]
    found.left_out     -> [{paragraph, figure, reason, text}, ...]  (for the build report)

``extract`` is a pure function of its arguments: the cleaned body paragraphs (numbered
1.. as the briefing page numbers them), the briefing's stated date, the price vocabulary
and the gazetteer (classify.Vocabulary: places are matched exactly as classify matches
them). Nothing is guessed:

- money is a figure with a currency written next to it ("6,200 won", "US$20", "3.8
  yuan"); a bare figure is money only when it is joined to one ("between 900 and 1,100
  won", "3,120 and 3,200 won respectively");
- its commodity is the good named just after it ("850 won for rice"), else the nearest
  good named before it in the sentence, else the currency a unit names ("3,400 won per
  US dollar"); when the nearest word before it marks something else (a wage, a bribe, a
  fine, a fee, an official rate: prices.yml's not_prices) or a good that is not tracked
  (a house), the figure is left out, and so is a figure with no commodity;
- changes ("up 40 won", "a rise of 350 KPW", "200 won lower") and conversions
  ("2,400 won (US$17.18)") are not prices;
- "from A to B" and "B, up from A" make A the earlier figure of B (``previous``), its
  own observation only when its date is stated;
- places are the gazetteer's places in the figure's clause (a clause without one takes
  the previous clause's), one observation per place; "respectively" pairs figures
  and places in order; a city's province is not counted again;
- the date is the one the sentence states for the figure, resolved against the
  briefing's date only where the sentence needs it ("on the 14th", "last month", "in
  March"); a stated date that cannot be resolved leaves the date null; with no date in
  the sentence, the briefing's own date (or null).

Every figure left out is returned with the reason, so the build report lists it.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from . import classify as cls

__all__ = ["PriceVocabulary", "Commodity", "Extraction", "load_vocabulary", "extract", "sentence_spans"]

KINDS = ("good", "exchange-rate")
ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Commodity:
    id: str
    name: str
    kind: str
    unit: str | None
    currency: str | None  # exchange rates: the currency being priced
    names: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    id: str
    names: tuple[str, ...]
    implies: str | None = None


@dataclass
class PriceVocabulary:
    """prices.yml, loaded and validated, with its matchers (built once, read only)."""

    commodities: dict[str, Commodity]
    currencies: dict[str, str]  # ISO code -> name
    units: dict[str, Unit]
    digest: str = ""
    _anchors: Any = field(default=None, repr=False)  # classify phrase matcher: goods, not-prices, other goods
    _cur_after: re.Pattern | None = field(default=None, repr=False)
    _cur_names: dict[str, str] = field(default_factory=dict, repr=False)  # folded name -> ISO
    _cur_before: re.Pattern | None = field(default=None, repr=False)
    _sym: dict[str, str] = field(default_factory=dict, repr=False)
    _sym_ends: frozenset = field(default_factory=frozenset, repr=False)  # the last signs of symbols
    _unit_after: re.Pattern | None = field(default=None, repr=False)
    _unit_before: re.Pattern | None = field(default=None, repr=False)
    _unit_names: dict[str, str] = field(default_factory=dict, repr=False)
    _period_after: re.Pattern | None = field(default=None, repr=False)
    _prefilter: re.Pattern | None = field(default=None, repr=False)
    _prefilter_ascii: re.Pattern | None = field(default=None, repr=False)  # the same for ASCII text
    _prefilter_zeros: re.Pattern | None = field(default=None, repr=False)  # the same for bytes, digits as 0


@dataclass
class Extraction:
    observations: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)


class PriceVocabularyError(cls.VocabularyError):
    """Bad data in prices.yml; one-line message naming the file and the entry."""


# --------------------------------------------------------------------------- vocabulary

_FNAME = "prices.yml"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PriceVocabularyError(f"{_FNAME}: {where} must be a list of words or phrases")
    return [" ".join(v.split()) for v in value]


def _phrase_re(phrase: str) -> str:
    """A phrase as a regular expression: spaces and hyphens between its words are any
    run of spaces or hyphens, periods optional-free (as written)."""
    words = re.split(r"[\s\-]+", phrase.strip())
    return r"[\s\-]*".join(re.escape(w) for w in words if w)


def _alternation(phrases: Sequence[str]) -> str:
    return "|".join(_phrase_re(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


def _fold_name(text: str) -> str:
    if text.isalnum():  # one word (nearly always: "won", "kg"): nothing to split or strip
        return text.lower()
    return " ".join(re.split(r"[\s\-]+", text.strip().lower()))


def load_vocabulary(editorial_dir: Path) -> PriceVocabulary:
    """Read and validate prices.yml from the editorial folder."""
    path = Path(editorial_dir) / _FNAME
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PriceVocabularyError(f"{_FNAME}: cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise PriceVocabularyError(f"{_FNAME}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise PriceVocabularyError(f"{_FNAME}: expected a mapping with 'commodities', 'currencies' and 'units'")
    known = {"commodities", "currencies", "units", "not_prices", "other_goods", "ignore"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PriceVocabularyError(f"{_FNAME}: unknown section '{unknown[0]}' (known: {', '.join(sorted(known))})")

    # currencies
    currencies: dict[str, str] = {}
    cur_names: dict[str, str] = {}
    symbols: dict[str, str] = {}
    for i, item in enumerate(data.get("currencies") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not ISO_CURRENCY.match(item["id"]):
            raise PriceVocabularyError(f"{_FNAME}: currency #{i + 1}: 'id' must be an ISO 4217 code such as KPW")
        cid = item["id"]
        if cid in currencies:
            raise PriceVocabularyError(f"{_FNAME}: currency '{cid}': duplicate id")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise PriceVocabularyError(f"{_FNAME}: currency '{cid}': 'name' must be a non-empty string")
        currencies[cid] = item["name"].strip()
        for n in _strings(item.get("names") or [], f"currency '{cid}': 'names'"):
            key = _fold_name(n)
            if cur_names.get(key, cid) != cid:
                raise PriceVocabularyError(f"{_FNAME}: currency '{cid}': {n!r} is already used by '{cur_names[key]}'")
            cur_names[key] = cid
        for s in _strings(item.get("symbols") or [], f"currency '{cid}': 'symbols'"):
            key = s.replace(" ", "").lower()
            if symbols.get(key, cid) != cid:
                raise PriceVocabularyError(f"{_FNAME}: currency '{cid}': symbol {s!r} is already used by '{symbols[key]}'")
            symbols[key] = cid
    if not currencies:
        raise PriceVocabularyError(f"{_FNAME}: 'currencies' must be a non-empty list")

    # units
    units: dict[str, Unit] = {}
    unit_names: dict[str, str] = {}
    raw_units = data.get("units") or []
    if not isinstance(raw_units, list) or not raw_units:
        raise PriceVocabularyError(f"{_FNAME}: 'units' must be a non-empty list")

    # commodities (before units' `implies` is checked)
    commodities: dict[str, Commodity] = {}
    raw_commodities = data.get("commodities")
    if not isinstance(raw_commodities, list) or not raw_commodities:
        raise PriceVocabularyError(f"{_FNAME}: 'commodities' must be a non-empty list")
    for i, item in enumerate(raw_commodities):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not _SLUG.match(item["id"]):
            raise PriceVocabularyError(f"{_FNAME}: commodity #{i + 1}: 'id' must be a lower-case slug like 'corn-rice'")
        eid = item["id"]
        if eid in commodities:
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': duplicate id")
        unknown = sorted(set(item) - {"id", "name", "kind", "unit", "currency", "names"})
        if unknown:
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': unknown field '{unknown[0]}'")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': 'name' must be a non-empty string")
        kind = item.get("kind", "good")
        if kind not in KINDS:
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        currency = item.get("currency")
        if kind == "exchange-rate" and currency not in currencies:
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': an exchange rate needs 'currency', one of "
                                       f"{', '.join(currencies)}")
        if kind == "good" and currency is not None:
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': only an exchange rate has a 'currency'")
        unit = item.get("unit")
        if unit is not None and (not isinstance(unit, str) or unit not in {u.get("id") for u in raw_units if isinstance(u, dict)}):
            raise PriceVocabularyError(f"{_FNAME}: commodity '{eid}': unknown unit {unit!r} (add it to 'units')")
        names = _strings(item.get("names") or [], f"commodity '{eid}': 'names'")
        if name not in names:
            names.insert(0, name)
        commodities[eid] = Commodity(eid, " ".join(name.split()), kind, unit, currency, tuple(names))

    for i, item in enumerate(raw_units):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
            raise PriceVocabularyError(f"{_FNAME}: unit #{i + 1}: 'id' must be a non-empty string")
        uid = item["id"]
        if uid in units:
            raise PriceVocabularyError(f"{_FNAME}: unit '{uid}': duplicate id")
        implies = item.get("implies")
        if implies is not None and (implies not in commodities or commodities[implies].kind != "exchange-rate"):
            raise PriceVocabularyError(f"{_FNAME}: unit '{uid}': 'implies' must name an exchange-rate commodity")
        names = _strings(item.get("names") or [uid], f"unit '{uid}': 'names'")
        for n in names:
            key = _fold_name(n)
            if unit_names.get(key, uid) != uid:
                raise PriceVocabularyError(f"{_FNAME}: unit '{uid}': {n!r} is already used by '{unit_names[key]}'")
            unit_names[key] = uid
        units[uid] = Unit(uid, tuple(names), implies)

    not_prices = data.get("not_prices") or {}
    if not isinstance(not_prices, dict):
        raise PriceVocabularyError(f"{_FNAME}: 'not_prices' must be a mapping with 'terms' and 'periods'")
    terms = _strings(not_prices.get("terms") or [], "not_prices: 'terms'")
    periods = _strings(not_prices.get("periods") or [], "not_prices: 'periods'")
    other = _strings(data.get("other_goods") or [], "'other_goods'")
    ignore = _strings(data.get("ignore") or [], "'ignore'")

    phrases = [(n, ("c", c.id), c.id) for c in commodities.values() for n in c.names]
    phrases += [(t, ("x", t), "not_prices") for t in terms]
    phrases += [(t, ("o", t), "other_goods") for t in other]
    try:
        anchors = cls.phrase_matcher(_FNAME, phrases, ignore)
    except cls.VocabularyError as exc:
        raise PriceVocabularyError(str(exc)) from None

    vocab = PriceVocabulary(commodities=commodities, currencies=currencies, units=units,
                            digest=hashlib.sha256(raw).hexdigest())
    vocab._anchors = anchors
    vocab._cur_names = cur_names
    vocab._sym = symbols
    vocab._unit_names = unit_names
    cur_alt = _alternation(list(cur_names))
    vocab._cur_after = re.compile(
        rf"[ \t]?(?:(?P<mult>thousand|million|billion)\s+)?(?P<cur>{cur_alt})(?![^\W_])", re.IGNORECASE)
    sym_alt = "|".join(r"\s?".join(re.escape(ch) for ch in s) for s in
                       sorted({s.replace(" ", "") for s in symbols}, key=lambda s: (-len(s), s)))
    vocab._cur_before = re.compile(rf"(?<![^\W_])(?P<sym>{sym_alt})\s?\Z", re.IGNORECASE)
    vocab._sym_ends = frozenset(s.replace(" ", "")[-1].lower() for s in symbols)
    unit_alt = _alternation(list(unit_names))
    vocab._unit_after = re.compile(
        rf"\s*(?:per|a|an|/|each|for|to)\s*(?:(?:a|an|one|each|every|the|1)\s*)?(?P<unit>{unit_alt})(?![^\W_])",
        re.IGNORECASE)
    vocab._unit_before = re.compile(
        rf"(?:(?<![^\W_])(?:a|an|one|per|1)\s*(?P<u1>{unit_alt})(?![^\W_])(?:\s+of)?|\(\s*(?:1|one)\s*(?P<u2>{unit_alt})\s*\))",
        re.IGNORECASE)
    vocab._period_after = re.compile(rf"\s*,?\s*(?:{_alternation(periods)})(?![^\W_])", re.IGNORECASE) if periods else None
    # which paragraphs and sentences can hold money, cheaply (see _hints)
    vocab._prefilter = re.compile(_money_pattern(list(cur_names), list(symbols), r"\d"))
    # for an ASCII text the same with [0-9] for \d: the same matches there, and the engine
    # tells an ASCII digit from a letter faster than a Unicode one
    vocab._prefilter_ascii = re.compile(_money_pattern(list(cur_names), list(symbols), "[0-9]"))
    # and for an ASCII text whose digits are all written 0 (see _hints), as bytes: the
    # engine looks for a pattern's first character as fast as for a substring, not a
    # class tested at every position; names and symbols beyond ASCII cannot be there
    ascii_names = [n.translate(_ZEROS_STR) for n in cur_names if n.isascii()]
    ascii_symbols = [s.translate(_ZEROS_STR) for s in symbols if s.isascii()]
    vocab._prefilter_zeros = re.compile(_money_pattern(ascii_names, ascii_symbols, "0").encode("ascii")) \
        if ascii_names or ascii_symbols else None
    return vocab


def _money_pattern(names: list[str], symbols: list[str], digit: str) -> str:
    """Where money may be: a digit then a currency's name (``names``, folded), or a symbol
    then a digit (a symbol of letters as written, KPW; else its last sign, $). Every
    alternative starts at a digit. ``digit``: the pattern of one digit."""
    words = {s for s in symbols if s.isalpha()}
    signs = sorted({s.replace(" ", "")[-1] for s in symbols if not s.replace(" ", "").isalpha()})
    before = ["[" + "".join(re.escape(c) for c in signs) + "]"] if signs else []
    for size in sorted({len(w) for w in words}):  # a look-behind has one width
        before.append("(?i:" + "|".join(re.escape(w) for w in sorted(words) if len(w) == size) + ")")
    # Most digits are in no money (years, dates, the digits inside a number), and each
    # alternative tried at one costs: so each group of alternatives is guarded by the one
    # sign it needs next to the digit (the first letter of a currency's name or of a
    # multiplier after it, the last sign of a symbol before it), a class the engine
    # tests at once. A guard is implied by what it guards: the matches are the same.
    alternatives = []
    if names:
        firsts = _letters([*names, "thousand", "million", "billion"], 0)
        alternatives.append(rf"(?=\s?{firsts})\s?(?i:(?:(?:thousand|million|billion)\s+)?(?:{_alternation(names)}))"
                            r"(?![^\W_])")
    if before:
        last = "(?:" + "|".join(([_letters(words, -1)] if words else [])
                                + (["[" + "".join(re.escape(c) for c in signs) + "]"] if signs else [])) + ")"
        alternatives.append(rf"(?<={last}{digit})(?:" + "|".join(rf"(?<={b}{digit})" for b in before) + ")")
        alternatives.append(rf"(?<={last}\s{digit})(?:" + "|".join(rf"(?<={b}\s{digit})" for b in before) + ")")
    return digit + "(?:" + "|".join(alternatives) + ")"


def _letters(names, at: int) -> str:
    """A class of the signs at ``at`` (0: first, -1: last) of ``names``, of any case."""
    return "(?i:[" + "".join(re.escape(c) for c in sorted({n.strip()[at].lower() for n in names})) + "])"


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n e.g i.e approx vs etc gov gen "
    "lt col sgt prof inc corp co ltd jr sr".split())
_BOUNDARY = re.compile(r"[.!?]+[\"”’)\]]*(\s+)(?=[\"“‘(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([^\s(\[\"“‘]+?)[.!?]+[\"”’)\]]*$")  # what _last_word finds, by a scan
_STOPS, _CLOSERS, _OPENERS = ".!?", "\"”’)]", "(\"[“‘"


def _last_word(text: str, lo: int, end: int) -> str | None:
    """``_LAST_WORD.search(text, lo, end).group(1)`` (or None), found by walking back from
    ``end`` instead: the pattern's lazy group tried at every position of the window was
    a search of some 3 µs a sentence. Its leftmost match starts after the last space or
    opening sign before the stops, and ends at the first stop; when the stops are all
    that is there, it is the first stop, if another one follows it."""
    if end > lo and text[end - 1] == "\n":  # "$" matches before it too (never so in a paragraph's stop)
        m = _LAST_WORD.search(text, lo, end)
        return m.group(1) if m else None
    j1 = end
    while j1 > lo and text[j1 - 1] in _CLOSERS:
        j1 -= 1
    j0 = j1
    while j0 > lo and text[j0 - 1] in _STOPS:
        j0 -= 1
    if j0 == j1:
        return None  # no stop before the closing signs
    p = j0
    while p > lo and not (text[p - 1].isspace() or text[p - 1] in _OPENERS):
        p -= 1
    if p < j0:
        return text[p:j0]
    return text[j0] if j1 - j0 >= 2 else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph; a period after an abbreviation
    ("Oct. 13", "U.S.") or an initial ("N. Korean") does not end one."""
    return list(_sentences(text))


def _sentences(text: str):
    """sentence_spans, one at a time."""
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start(1)
        if _ends_sentence(text, end):
            yield start, end
            start = m.end()
    if start < len(text):
        yield start, len(text)


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the stop before ``end`` (a match of _BOUNDARY) ends a sentence: not after an
    abbreviation or an initial. It depends on the word before it, read back to a space,
    never on where the sentence began (a sentence starts after a space), so a stop can be
    told without reading the paragraph's earlier stops (see _hinted_sentences)."""
    word = _last_word(text, max(0, end - 40), end)  # the word before the stop, not a scan of the sentence
    if word:
        w = word.lower()
        if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()) or w.rstrip(".") in _ABBREVIATIONS:
            return False
    return True


def _hinted_sentences(text: str, hints: Sequence[int]) -> list[tuple[int, int]]:
    """The sentences of sentence_spans(text) that hold one of ``hints`` (offsets, in
    order), told by the stops next to them only: in a generated report most of a
    paragraph's stops are between sentences without money."""
    stops = [(m.start(1), m.end()) for m in _BOUNDARY.finditer(text)]
    out: list[tuple[int, int]] = []
    start, low, j = 0, 0, 0  # the start after the last stop known to end a sentence; the stops not yet read
    for h in hints:
        if out and h < out[-1][1]:
            continue  # in the sentence just found
        while j < len(stops) and stops[j][1] <= h:
            j += 1
        k = j - 1  # the last stop before h that ends a sentence starts h's
        while k >= low and not _ends_sentence(text, stops[k][0]):
            k -= 1
        if k >= low:
            start = stops[k][1]
        k = j  # and the first after it ends it
        while k < len(stops) and not _ends_sentence(text, stops[k][0]):
            k += 1
        end = stops[k][0] if k < len(stops) else len(text)
        if k < len(stops):
            low, j = k + 1, max(j, k + 1)
        else:
            low = j = len(stops)
        if start <= h < end:
            out.append((start, end))
        if k < len(stops):
            start = stops[k][1]
    return out


# --------------------------------------------------------------------------- figures

# "(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])(?!,\d{3})", written to start with
# the digit (the look-behind after it): a pattern that starts with a class is looked for
# by that class, one that starts with a look-behind is tried at every position
_NUMBER = re.compile(r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(\d+))?(?![\d])(?!,\d{3})")
_MULT = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_QUALIFIERS = [
    ("more than", "more than|over|above|exceeding|in excess of|just over|upwards of"),
    ("at least", "at least|no less than"),
    ("up to", "up to|as much as|as high as"),
    ("as low as", "as low as|as little as"),
    ("less than", "less than|under|below|just under|no more than"),
    ("nearly", "nearly|almost|close to|just short of"),
    ("around", "around|about|approximately|approx.|roughly|some|an estimated|estimated at"),
]
# The words just before a figure say what it is. They are compared as words (lower case,
# the first word of a phrase may follow punctuation: "(a rise of"), not by regular
# expressions anchored at the figure, which would try every position before it.
_QUALIFIER_PHRASES = {tuple(p.split()): label for label, alts in _QUALIFIERS for p in alts.split("|")}
_DELTA_PHRASES = {tuple(p.split()) for p in (
    "up|down|by|rise of|increase of|jump of|drop of|fall of|decline of|decrease of|gain of|loss of|hike of|rose|"
    "risen|rises|rising|fell|fallen|falls|falling|dropped|drops|dropping|climbed|jumped|increased|decreased|"
    "declined|gained|lost|soared|surged|plunged|plummeted|added|shed").split("|")}
_DELTA_SKIP = {tuple(p.split()) for p in
               "about|around|some|nearly|almost|approximately|roughly|over|more than|less than|just over|just under".split("|")}
_FROM_SKIP = {(w,) for w in "about around some roughly approximately over nearly almost".split()}
_PREV_PHRASES = {("from",), ("compared", "to"), ("compared", "with")}
_LEAD = 60


def _words_before(text: str, end: int, start: int = 0) -> list[str]:
    """The last words of ``text[start:end]``, lower-cased, when it ends in a space (else none)."""
    lo = max(start, end - _LEAD)
    lead = text[lo:end]
    if not lead[-1:].isspace():
        return []
    words = lead.lower().split()
    return words[1:] if lo > start and words and not text[lo - 1].isspace() else words


def _ends_with(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether the words end with the phrase, its first word whole or after punctuation."""
    k = len(phrase)
    if len(words) < k or tuple(words[len(words) - k + 1:]) != phrase[1:]:
        return False
    w, p = words[-k], phrase[0]
    return w == p or (w.endswith(p) and not (w[-len(p) - 1].isalnum() or w[-len(p) - 1] == "_"))


_NON_WORD = re.compile(r"[\W_]")


def _by_last(phrases) -> dict[str, list[tuple[str, ...]]]:
    """Phrases by their last word, longest first: a lookup, not a loop over them all."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=lambda p: (-len(p), p)):
        out.setdefault(phrase[-1], []).append(phrase)
    return out


def _candidates(index: dict[str, list[tuple[str, ...]]], words: list[str]) -> list[tuple[str, ...]]:
    """The phrases ``words`` may end with, longest first."""
    if not words:
        return []
    w = words[-1]
    if w.isalnum():  # nearly always: then the three keys below are the word itself ([\W_] is not alnum)
        return index.get(w, ())
    found: list[tuple[str, ...]] = []
    for key in dict.fromkeys((w, w.lstrip("([{\"'“‘-—–"), _NON_WORD.split(w)[-1])):
        found.extend(index.get(key, ()))
    return sorted(found, key=len, reverse=True) if len(found) > 1 else found


def _strip(words: list[str], index) -> list[str]:
    """The words without one of the phrases at their end (the longest), if they end with one."""
    for phrase in _candidates(index, words):
        if _ends_with(words, phrase):
            return words[:-len(phrase)]
    return words


def _ends_with_any(words: list[str], index) -> bool:
    return any(_ends_with(words, p) for p in _candidates(index, words))


def _qualifier(words: list[str]) -> str | None:
    if words and words[-1] == "the":
        words = words[:-1]
    for phrase in _candidates(_QUALIFIER_INDEX, words):
        if _ends_with(words, phrase):
            return _QUALIFIER_PHRASES[phrase]
    return None


_QUALIFIER_INDEX, _DELTA_INDEX = _by_last(_QUALIFIER_PHRASES), _by_last(_DELTA_PHRASES)
_DELTA_SKIP_INDEX, _FROM_SKIP_INDEX, _PREV_INDEX = _by_last(_DELTA_SKIP), _by_last(_FROM_SKIP), _by_last(_PREV_PHRASES)


def _is_delta(words: list[str]) -> bool:
    return _ends_with_any(_strip(words, _DELTA_SKIP_INDEX), _DELTA_INDEX)


def _after_from(words: list[str]) -> bool:
    return _ends_with(_strip(words, _FROM_SKIP_INDEX), ("from",))


_DELTA_AFTER = re.compile(
    r"\s*(?:less|more|lower|higher|cheaper|dearer|increase|decrease|rise|drop|jump|gain|fall|hike|up|down)(?![^\W_])",
    re.IGNORECASE)
_CONVERSION = re.compile(r"\A\s*[(\[]\s*(?:about|around|approximately|approx\.|roughly|some|or|equivalent to|=|~)?\s*\Z",
                         re.IGNORECASE)
_JOIN = re.compile(r"\A\s*(?P<j>-|–|—|~|to|and|or)\s*\Z", re.IGNORECASE)
_PAREN = re.compile(r"\s*[(\[][^)\]]{0,60}[)\]]")
_FOR_X = re.compile(r"\A[\s,]*(?:for|of)\s+(?:[\w.]+\s+){0,4}\Z", re.IGNORECASE)
_AFTER_X = re.compile(r"\A\s*(?:in|as|of|as a|in the form of)?\s*\Z", re.IGNORECASE)
_AND_BEFORE = re.compile(r"\A[^.;]{0,40}?(?:,\s*|\s+)(?:and|or)\s+\Z", re.IGNORECASE)
_FOR_ANY = re.compile(r"[\s,]*for\s+(?P<what>[^,;.()]{1,60})", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"(?<![^\W_])respectively(?![^\W_])", re.IGNORECASE)
# Words one of which every match of _CLAUSE holds, besides ";" (in lower case: for an
# ASCII text, IGNORECASE is lower-case equality; beyond ASCII it is not, "ı" is an "i"):
# an ASCII sentence without any (nearly nine in ten) has one clause, found without a search
_CLAUSE_WORDS = ("and", "but", "while", "whereas", "though")
# ";", or ",?\s+(while|whereas|although|though)\s+", ",\s+but\s+", ",\s+and\s+(?=(in|at|from|on)\s)",
# written to start with one of the signs they can start with (a class the engine scans
# for in C) and to tell them apart by it
_CLAUSE = re.compile(r"[;,\s](?:(?<=;)|(?<=,)(?:\s+(?:while|whereas|although|though)\s+|\s+but\s+"
                     r"|\s+and\s+(?=(?:in|at|from|on)\s))|(?<=\s)\s*(?:while|whereas|although|though)\s+)",
                     re.IGNORECASE)


@dataclass
class _Figure:
    start: int  # where the figure's words start (a symbol, the first number)
    end: int  # after the currency (or the last number)
    value: float
    currency: str
    value_high: float | None = None
    unit_from: int = 0  # where to look for its unit: after its currency
    role: str = "price"  # price | delta | conversion | previous | earlier
    prev: "_Figure | None" = None
    qualifier: str | None = None
    unit: str | None = None
    unit_end: int = 0
    date: tuple[str | None, str | None, str | None] | None = None  # (iso, source, words)
    lead: list[str] | None = None  # _words_before its start

    def words(self, text: str) -> str:
        return text[self.start:self.end]


def _num(m: re.Match) -> float:
    whole = int(m.group(1).replace(",", ""))
    return whole + float("0." + m.group(2)) if m.group(2) else float(whole)


def _figures(v: PriceVocabulary, s: str) -> list[_Figure]:
    """Every amount of money in a sentence, in order, ranges and lists joined."""
    numbers = list(_NUMBER.finditer(s))
    money: list[_Figure | None] = []
    for m in numbers:
        after = v._cur_after.match(s, m.end())
        at = m.start()
        last = s[at - 1:at] if s[at - 1:at] != " " else s[at - 2:at - 1]  # a symbol ends there, or none
        before = v._cur_before.search(s, max(0, at - 8), at) if last.lower() in v._sym_ends else None
        value = _num(m)
        if after:
            mult = _MULT.get((after.group("mult") or "").lower(), 1)
            cur = v._cur_names[_fold_name(after.group("cur"))]
            money.append(_Figure(before.start() if before and v._sym[before.group("sym").replace(" ", "").lower()] == cur
                                 else m.start(), after.end(), value * mult, cur, unit_from=after.end()))
        elif before:
            cur = v._sym[before.group("sym").replace(" ", "").lower()]
            mult_m = re.match(r"\s(thousand|million|billion)(?![^\W_])", s[m.end():], re.IGNORECASE)
            mult = _MULT[mult_m.group(1).lower()] if mult_m else 1
            end = m.end() + (mult_m.end() if mult_m else 0)
            money.append(_Figure(before.start(), end, value * mult, cur, unit_from=end))
        else:
            money.append(None)
    out: list[_Figure] = []
    i = 0
    while i < len(numbers):
        fig = money[i]
        if fig is None and i + 1 < len(numbers) and money[i + 1] is not None:
            nxt = money[i + 1]
            join = _JOIN.match(s[numbers[i].end():nxt.start])
            if join:
                j = join.group("j").lower()
                scale = nxt.value / _num(numbers[i + 1]) if _num(numbers[i + 1]) else 1  # "2 to 3 million won"
                low = _num(numbers[i]) * scale
                lead = _words_before(s, numbers[i].start())
                between = _ends_with(lead, ("between",))
                if j in ("-", "–", "—", "~") or between or (j == "to" and not _after_from(lead)):
                    out.append(_Figure(numbers[i].start(), nxt.end, low, nxt.currency, value_high=nxt.value,
                                       unit_from=nxt.unit_from))
                    i += 2
                    continue
                # a list ("3,120 and 3,200 won") or "from 340 to 370 won": the first borrows the currency
                out.append(_Figure(numbers[i].start(), numbers[i].end(), low, nxt.currency, unit_from=nxt.unit_from))
                i += 1
                continue
        if fig is not None:
            if (out and out[-1].currency == fig.currency and out[-1].value_high is None
                    and _ends_with(_words_before(s, out[-1].start), ("between",))
                    and re.match(r"\A\s*(?:and|to|-|–)\s*\Z", s[out[-1].end:fig.start], re.IGNORECASE)):
                out[-1].value_high, out[-1].end, out[-1].unit_from = fig.value, fig.end, fig.unit_from
            else:
                out.append(fig)
        i += 1
    return out


# --------------------------------------------------------------------------- dates

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![^\W_])\.?"  # a whole word: not "Market"
_PART = r"(?:early|mid|late|the\s+(?:beginning|start|end|middle|first\s+half|second\s+half|latter\s+half)\s+of)[\s-]+"
_DATE = re.compile(
    rf"(?<![^\W_])(?=[^\W_])(?:(?P<md>(?P<md_m>{_MON})\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]\d)(?:,?\s+(?P<md_y>\d{{4}}))?)"
    rf"|(?P<dm>(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{_MON})(?:,?\s+(?P<dm_y>\d{{4}}))?)"
    rf"|(?P<mo>(?:{_PART})?(?P<mo_m>{_MON})(?:,?\s+(?P<mo_y>\d{{4}})|\s+(?:of\s+)?(?P<mo_rel>this|last)\s+year)?)"
    rf"|(?P<nth>(?i:the)\s+(?P<nth_d>\d{{1,2}})(?:st|nd|rd|th))"
    rf"|(?P<rel>(?i:(?:(?:earlier|later)\s+)?(?:{_PART})?(?P<rel_w>this|last|the\s+previous|the\s+past)\s+(?P<rel_u>month|year)))"
    rf"|(?P<part>(?i:(?:{_PART})the\s+(?P<part_u>month|year)))"
    rf"|(?P<yr>(?<=in\s)(?P<yr_y>(?:19|20)\d\d)(?!\d))"
    rf"|(?P<now>(?<![^\W_])(?i:now|currently|at present|these days|today)(?![^\W_]))"
    rf"|(?P<vague>(?<![^\W_])(?i:yesterday|earlier\s+in\s+the\s+(?:year|month)|(?:a|one|two|three|four|"
    rf"five|six|\d+)\s+(?:days?|weeks?|months?)\s+(?:ago|earlier|before|prior)|the\s+previous\s+week|last\s+week)(?![^\W_])))"
)


def _pub(date: str | None) -> tuple[int | None, int | None, int | None]:
    if not date:
        return None, None, None
    parts = [int(p) for p in date.split("-")]
    return (parts + [None, None])[:3]  # type: ignore[return-value]


def _valid(y: int, m: int, d: int | None = None) -> bool:
    return 1 <= m <= 12 and (d is None or 1 <= d <= calendar.monthrange(y, m)[1])


def _resolve(m: re.Match, pub: tuple[int | None, int | None, int | None]) -> tuple[str | None, str | None]:
    """(ISO date or None, source) of a date phrase; source is "sentence" when the words
    give it (with the briefing's date where they need it), "briefing" for "now"."""
    py, pm, pd = pub
    kind = m.lastgroup if m.lastgroup in ("md", "dm", "mo", "nth", "rel", "part", "yr", "now", "vague") else None
    for k in ("md", "dm", "mo", "nth", "rel", "part", "yr", "now", "vague"):
        if m.group(k) is not None:
            kind = k
            break
    if kind == "vague":
        return None, None
    if kind == "now":
        return None, "briefing"
    if kind in ("md", "dm"):
        mon = _MONTHS[m.group(f"{kind}_m").rstrip(".").lower()]
        day = int(m.group(f"{kind}_d"))
        year = m.group(f"{kind}_y")
        if year:
            y = int(year)
        elif py is not None and pm is not None:
            y = py if (mon, day) <= (pm, pd or 31) else py - 1
        else:
            return None, None
        return (f"{y:04d}-{mon:02d}-{day:02d}", "sentence") if _valid(y, mon, day) else (None, None)
    if kind == "mo":
        mon = _MONTHS[m.group("mo_m").rstrip(".").lower()]
        if m.group("mo_y"):
            y = int(m.group("mo_y"))
        elif m.group("mo_rel") and py is not None:
            y = py if m.group("mo_rel").lower() == "this" else py - 1
        elif py is not None and pm is not None:
            y = py if mon <= pm else py - 1
        else:
            return None, None
        return f"{y:04d}-{mon:02d}", "sentence"
    if kind == "nth":
        day = int(m.group("nth_d"))
        if py is None or pm is None or pd is None:
            return None, None
        y, mo = (py, pm) if day <= pd else ((py, pm - 1) if pm > 1 else (py - 1, 12))
        return (f"{y:04d}-{mo:02d}-{day:02d}", "sentence") if _valid(y, mo, day) else (None, None)
    if kind in ("rel", "part"):
        unit = m.group("rel_u" if kind == "rel" else "part_u").lower()
        last = kind == "rel" and m.group("rel_w").lower() != "this"
        if unit == "year":
            return (f"{py - 1 if last else py:04d}", "sentence") if py is not None else (None, None)
        if py is None or pm is None:
            return None, None
        y, mo = (py, pm) if not last else ((py, pm - 1) if pm > 1 else (py - 1, 12))
        return f"{y:04d}-{mo:02d}", "sentence"
    if kind == "yr":
        return m.group("yr_y"), "sentence"
    return None, None


# The words a date phrase can start with (lower case): every alternative of _DATE starts at
# the start of a word (a run of letters and digits), with a month's name, a digit, or one of
# these. A search of _DATE tries every position of a sentence; trying it only at the words
# that can start a phrase finds the same phrases (see _date_matches).
_DATE_FIRST = frozenset(
    [m for m in _MONTHS] + "early mid late the this last earlier later now currently at these today yesterday "
    "a one two three four five six".split())


def _date_matches(s: str, offsets: Sequence[tuple[int, int]] | None, lows: Sequence[str] | None = None):
    """_DATE.finditer(s); with the sentence's words (``offsets`` and ``lows``: classify.span_tokens),
    tried only where a word can start a phrase: a digit, a word of _DATE_FIRST in any case,
    or a word with a letter beyond ASCII (which may match a word of it case-insensitively
    otherwise than by str.lower: "laſt")."""
    if offsets is None:
        yield from _DATE.finditer(s)
        return
    done, match, first = 0, _DATE.match, _DATE_FIRST
    if lows is not None and s.isascii():  # then each word is s[a:b] as it is, and lows its lower case
        for (a, b), low in zip(offsets, lows):
            if (low in first or low[0].isdigit()) and a >= done:
                m = match(s, a)
                if m is not None:
                    done = m.end()
                    yield m
        return
    for a, b in offsets:
        if a < done:
            continue
        w = s[a:b]
        if w[0].isdigit() or w.lower() in first or not w.isascii():
            m = match(s, a)
            if m is not None:
                done = m.end()
                yield m


def _date_phrases(s: str, pub, offsets: Sequence[tuple[int, int]] | None = None,
                  lows: Sequence[str] | None = None) -> list[tuple[int, int, str | None, str | None, str]]:
    out = []
    for m in _date_matches(s, offsets, lows):
        words = m.group()
        if m.group("mo") is not None and m.group("mo_m") == "May" and not (m.group("mo_y") or m.group("mo_rel")):
            if not re.search(r"(?:in|of|since|early|late|mid|end of)[\s-]+\Z", s[:m.start()], re.IGNORECASE):
                continue  # "may" the verb
        iso, source = _resolve(m, pub)
        out.append((m.start(), m.end(), iso, source, words))
    return out


# --------------------------------------------------------------------------- extraction


def _value(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 6)


def _narrow(pids: list[str], gazetteer: cls.Vocabulary) -> list[str]:
    """Places in order, once each, without a place another one in the list lies in."""
    seen = list(dict.fromkeys(pids))
    ancestors: set[str] = set()
    for pid in seen:
        up = gazetteer.places[pid].parent
        while up is not None:
            ancestors.add(up)
            up = gazetteer.places[up].parent
    return [p for p in seen if p not in ancestors]


def _sentence(v: PriceVocabulary, g: cls.Vocabulary, s: str, pub, briefing_date: str | None,
              para: int, briefing_id: str, out: Extraction) -> None:
    figures = _figures(v, s)
    if not figures:
        return

    def leave(fig: _Figure, reason: str) -> None:
        out.left_out.append({"paragraph": para, "figure": fig.words(s), "reason": reason, "text": s})

    # qualifier, unit
    for fig in figures:
        fig.lead = _words_before(s, fig.start)  # read by its qualifier, its role (not changed)
        fig.qualifier = _qualifier(fig.lead)
        tail = fig.unit_from
        paren = _PAREN.match(s, tail)
        um = v._unit_after.match(s, paren.end() if paren else tail)
        if um:
            fig.unit, fig.unit_end = v._unit_names[_fold_name(um.group("unit"))], um.end()
        else:
            fig.unit_end = tail
    # a unit written before the figure, since the last one: "1kg of rice ... 5,900 won", "Gasoline (1 kg)"
    since = 0
    for fig in figures:
        if fig.unit is None:
            found = list(v._unit_before.finditer(s, since, fig.start))
            if found:
                fig.unit = v._unit_names[_fold_name(found[-1].group("u1") or found[-1].group("u2"))]
        since = fig.unit_end

    kept: list[_Figure] = []
    for fig in figures:  # "850,000 won per 100 dollars": the second figure is the first's unit
        if not (kept and kept[-1].unit_from <= fig.start < kept[-1].unit_end):
            kept.append(fig)
    figures = kept

    # roles: conversions, changes, earlier figures
    for k, fig in enumerate(figures):
        if k and _CONVERSION.match(s[figures[k - 1].end:fig.start]):
            fig.role = "conversion"
        elif _is_delta(fig.lead) or _DELTA_AFTER.match(s, fig.end):
            fig.role = "delta"
    prices = [f for f in figures if f.role == "price"]
    chain = False  # in "from A to B and C to D", C to D is a pair too
    for k, fig in enumerate(prices):
        if fig.role != "price" or fig.prev is not None:
            continue  # a pair's second figure: the chain goes on
        lead = fig.lead
        nxt = prices[k + 1] if k + 1 < len(prices) else None
        joined = chain and k and _AND_BEFORE.match(s[prices[k - 1].end:fig.start])
        if ((_after_from(lead) or joined) and nxt is not None and nxt.role == "price"
                and _ends_with(_strip(_words_before(s, nxt.start, fig.end), _FROM_SKIP_INDEX), ("to",))):
            fig.role, nxt.prev = "previous", fig  # no link back: no reference cycle
            chain = True
            continue
        chain = False
        if k and prices[k - 1].role == "earlier" and _AND_BEFORE.match(s[prices[k - 1].end:fig.start]):
            fig.role = "earlier"  # "down from 8,000 won for rice and 2,000 won for corn"
        elif _ends_with_any(_strip(lead, _FROM_SKIP_INDEX), _PREV_INDEX):
            cur = next((p for p in reversed(prices[:k]) if p.role == "price" and p.prev is None), None)
            if cur is not None:
                fig.role, cur.prev = "previous", fig
            else:
                fig.role = "earlier"

    if not any(f.role in ("price", "earlier") for f in figures):
        return  # changes and conversions only
    words = cls.span_tokens(s)
    anchors = cls.spans(v._anchors, s, words)
    covered = [(f.start, f.unit_end) for f in figures]
    anchors = [a for a in anchors if not any(a[0] < e and st < a[1] for st, e in covered)]

    # dates: a figure claims the date phrase just after it, else the nearest before it
    # (not claimed), else the sentence's opening one
    # (made only when a figure is kept: most sentences with money give no observation)
    done: dict[str, Any] = {}

    def assign_dates() -> None:
        if "dates" in done:
            return
        done["dates"] = True
        phrases = _date_phrases(s, pub, words[0], words[2])
        claimed: set[int] = set()
        dated = [f for f in figures if f.role != "conversion"]
        for k, fig in enumerate(dated):
            limit = dated[k + 1].start if k + 1 < len(dated) else len(s)
            for n, (ps, pe, *_rest) in enumerate(phrases):
                if (fig.unit_end <= ps < limit and ps - fig.unit_end <= 45
                        and not (clauses and _CLAUSE.search(s, fig.unit_end, ps))):
                    fig.date = phrases[n][2:]
                    claimed.add(n)
                    break
        opening = next((phrases[n][2:] for n, p in enumerate(phrases)
                        if n not in claimed and p[1] <= dated[0].start), None) if dated else None
        for k, fig in enumerate(dated):
            if fig.date is not None:
                continue
            since = dated[k - 1].unit_end if k else 0
            before = [n for n, p in enumerate(phrases) if n not in claimed and since <= p[0] and p[1] <= fig.start]
            if before:
                fig.date = phrases[before[-1]][2:]
                claimed.add(before[-1])
            elif opening is not None and fig.role not in ("previous", "earlier"):
                fig.date = opening

    def date_of(fig: _Figure) -> tuple[str | None, str | None]:
        assign_dates()
        if fig.date is None and fig.role in ("previous", "earlier"):
            return None, None  # an earlier figure has a date only when the sentence gives it one
        if fig.date is None:
            return (briefing_date, "briefing") if briefing_date else (None, None)
        iso, source, _ = fig.date
        if source == "briefing":
            return (briefing_date, "briefing") if briefing_date else (None, None)
        return iso, source if iso else None

    # clauses and their places
    if s.isascii():
        low = s.lower()
        clauses = ";" in s or any(w in low for w in _CLAUSE_WORDS)
        says_respectively = "respectively" in low
    else:
        clauses = says_respectively = True
    bounds = [0] + ([m.end() for m in _CLAUSE.finditer(s)] if clauses else []) + [len(s) + 1]

    def clause_places() -> tuple[list[list[str]], list[list[str]], list[bool]]:
        """Per clause: its places, else the previous clause's; its own; whether it says "respectively"."""
        if "places" not in done:
            spans = cls.place_spans(g, s, words)
            inherited: list[list[str]] = []
            own: list[list[str]] = []
            for a, b in zip(bounds, bounds[1:]):
                found = _narrow([pid for ps, pe, pid in spans if a <= ps < b], g)
                own.append(found)
                inherited.append(found if found else (inherited[-1] if inherited else []))
            done["places"] = (inherited, own, [says_respectively and bool(_RESPECTIVELY.search(s, a, b))
                                                   for a, b in zip(bounds, bounds[1:])])
        return done["places"]

    def clause_of(pos: int) -> int:
        for c in range(len(bounds) - 1):
            if bounds[c] <= pos < bounds[c + 1]:
                return c
        return len(bounds) - 2

    commodities = v.commodities
    currents = [f for f in figures if f.role in ("price", "earlier")]
    by_clause: dict[int, list[_Figure]] = {}
    for f in figures:
        if f.role == "price":
            by_clause.setdefault(clause_of(f.start), []).append(f)

    for fig in currents:
        # what it is the price of
        after = [a for a in anchors if a[0] >= fig.unit_end]
        first_after = after[0] if after else None
        before = [a for a in anchors if a[1] <= fig.start]
        nearest = before[-1] if before else None
        what: tuple[str, str] | None = None
        for_any = _FOR_ANY.match(s, fig.unit_end)
        if first_after and _FOR_X.match(s[fig.unit_end:first_after[0]]):
            what = first_after[2]
        elif for_any and not any(for_any.start("what") <= a[0] < for_any.end("what") for a in anchors):
            leave(fig, f"not a tracked good: for {for_any.group('what').strip()}")  # "850 won for South Korean rice"
            continue
        elif first_after and first_after[2][0] == "x" and _AFTER_X.match(s[fig.unit_end:first_after[0]]):
            what = first_after[2]  # "1,000 won bills", "500 dollars in bribes"
        elif v._period_after is not None and v._period_after.match(s, fig.unit_end):
            leave(fig, "not a market price: " + v._period_after.match(s, fig.unit_end).group().strip(" ,"))
            continue
        elif nearest is not None and nearest[2][0] in ("x", "o"):
            what = nearest[2]
        elif fig.unit and v.units[fig.unit].implies:
            what = ("c", v.units[fig.unit].implies)
        elif nearest is not None:
            what = nearest[2]
        if what is None:
            leave(fig, "no commodity named")
            continue
        if what[0] == "x":
            leave(fig, f"not a market price: {what[1]}")
            continue
        if what[0] == "o":
            leave(fig, f"not a tracked good: {what[1]}")
            continue
        com = commodities[what[1]]
        if com.kind == "exchange-rate" and com.currency == fig.currency:
            leave(fig, f"{com.name} priced in itself")
            continue
        if fig.role == "earlier" and date_of(fig)[0] is None:
            leave(fig, "an earlier figure whose date is not stated")
            continue
        unit = fig.unit or (fig.prev.unit if fig.prev else None)
        if unit is not None and v.units[unit].implies and com.kind != "exchange-rate":
            leave(fig, f"a price of {com.name} per {unit}")
            continue
        stated = unit is not None
        unit = unit or com.unit
        c = clause_of(fig.start)
        inherited, own_places, respectively = clause_places()
        places = inherited[c]
        group = by_clause.get(c, [])
        if respectively[c]:  # figures and places in order, or no place when they do not pair up
            own = own_places[c]
            places = [own[group.index(fig)]] if fig in group and len(group) == len(own) else []
        iso, source = date_of(fig)
        base = {
            "commodity": com.id,
            "commodity_name": com.name,
            "kind": com.kind,
            "currency": fig.currency,
            "unit": unit,
            "unit_stated": stated,
        }
        prev = None
        prev_obs = None
        if fig.prev is not None:
            p_iso, p_source = date_of(fig.prev)
            prev = {"value": _value(fig.prev.value),
                    "value_high": _value(fig.prev.value_high) if fig.prev.value_high is not None else None,
                    "qualifier": fig.prev.qualifier, "date": p_iso}
            if p_iso is not None:
                prev_obs = {"value": prev["value"], "value_high": prev["value_high"], "qualifier": prev["qualifier"],
                            "date": p_iso, "date_source": p_source}
        for pid in places or [None]:
            place = {"id": pid, "name": g.places[pid].name} if pid else None
            if prev_obs is not None:
                out.observations.append(_observation(briefing_id, para, s, fig.prev.words(s), base, prev_obs, place,
                                                     None, earlier=True))
            out.observations.append(_observation(
                briefing_id, para, s, fig.words(s), base,
                {"value": _value(fig.value),
                 "value_high": _value(fig.value_high) if fig.value_high is not None else None,
                 "qualifier": fig.qualifier, "date": iso, "date_source": source},
                place, prev, earlier=fig.role == "earlier"))


def _observation(briefing_id: str, para: int, sentence: str, figure: str, base: dict, figures: dict,
                 place: dict | None, previous: dict | None, earlier: bool) -> dict[str, Any]:
    return {
        "briefing": briefing_id,
        "paragraph": para,
        "text": sentence,
        "figure": figure,
        "commodity": base["commodity"],
        "commodity_name": base["commodity_name"],
        "kind": base["kind"],
        "value": figures["value"],
        "value_high": figures["value_high"],
        "qualifier": figures["qualifier"],
        "currency": base["currency"],
        "unit": base["unit"],
        "unit_stated": base["unit_stated"],
        "place": place,
        "date": figures["date"],
        "date_source": figures["date_source"],
        "previous": previous,
        "earlier_figure": earlier,
    }


# digits as 0, and the ASCII signs that are whitespace to str patterns but not to bytes ones as spaces
_ZEROS = bytes.maketrans(b"0123456789\x1c\x1d\x1e\x1f", b"0000000000    ")
_ZEROS_STR = str.maketrans("0123456789", "0000000000")


def _hints(v: PriceVocabulary, text: str) -> list[int]:
    """Where in ``text`` money may be (``v._prefilter``'s matches), or more places: the
    sentences there are searched again. A text that is ASCII once the usual separators
    (curly quotes, dashes) are spaces is searched as bytes with every digit a 0
    (``_prefilter_zeros``): the same text but for those signs, positions unchanged, and a
    match of ``_prefilter`` is one there too (a space where a quote was only adds some;
    no quote or dash is in a name, a symbol or a number)."""
    plain = text if text.isascii() or v._prefilter_zeros is None else cls.without_separators(text)
    if plain.isascii() and v._prefilter_zeros is not None:
        return [m.start() for m in v._prefilter_zeros.finditer(plain.encode("ascii").translate(_ZEROS))]
    return [m.start() for m in v._prefilter.finditer(text)]


def _hints_by_paragraph(v: PriceVocabulary, paragraphs: Sequence[str]) -> list[tuple[int, list[int]]]:
    """(n, hints) of each paragraph (numbered from 1) with a place where money may be
    (_hints), found in one pass over them all: joined by a sign that is neither a space
    nor part of a word, which ends a match as the end of a paragraph does and starts none."""
    joined = "\0".join(paragraphs)
    found = _hints(v, joined)
    out: list[tuple[int, list[int]]] = []
    n, start, end = 0, 0, -1
    for at in found:
        if at >= end:  # in a later paragraph (never on a joining sign: a hint is a digit)
            while at >= end:
                start = end + 1
                n += 1
                end = start + len(paragraphs[n - 1])
            out.append((n, []))
        out[-1][1].append(at - start)
    return out


def extract(briefing_id: str, paragraphs: Sequence[str], stated_date: str | None, vocab: PriceVocabulary,
            gazetteer: cls.Vocabulary) -> Extraction:
    """Every price and exchange rate the paragraphs state (see the module's docstring).
    ``paragraphs`` are the body's paragraph blocks; observation ``paragraph`` n is the
    page's ¶ n (``#pn``)."""
    out = Extraction()
    pub = _pub(stated_date)
    pre_any, pre_ascii = vocab._prefilter, vocab._prefilter_ascii
    for n, hints in _hints_by_paragraph(vocab, paragraphs):
        text = paragraphs[n - 1]
        pre = pre_ascii if text.isascii() else pre_any  # a sentence of an ASCII paragraph is ASCII
        # a sentence without one of the paragraph's hints is not searched again (one that
        # has one is: a look-behind at its first sign sees nothing before it there, so the
        # paragraph's pass may find more)
        for a, b in _hinted_sentences(text, hints):
            s = text[a:b].strip()
            if s and pre.search(s):
                _sentence(vocab, gazetteer, s, pub, stated_date, n, briefing_id, out)
    for k, obs in enumerate(out.observations, start=1):
        obs["id"] = f"{briefing_id}-{k}"
    return out
