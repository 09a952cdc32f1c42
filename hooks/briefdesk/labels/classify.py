"""Assign topics, places and actors to an article from the editors' controlled vocabulary.

Plain Python, no MkDocs.  The vocabulary lives in three YAML files that data editors
own (``hooks/editorial/topics.yml``, ``places.yml``, ``actors.yml``); their headers say
how to add entries.  This module reads and validates them (:func:`load_vocabulary`),
classifies one article (:func:`classify`) and applies editors' per-article metadata
(:func:`apply_overrides`).

How matching works
------------------
Text and vocabulary go through the same folding: Unicode NFKD with combining marks
removed (``ŏ`` -> ``o``), then split into *tokens*, the maximal runs of letters and
digits.  Apostrophes (straight or typographic), hyphens, dashes and spaces are all just
separators, so ``Kim Jong-un`` = ``Kim Jong Un`` and ``Workers’ Party`` = ``Workers'
Party``.  Because only whole tokens are compared, words inside other words never count
(``Rason`` is not found in ``reasonable``).  Matching is case-insensitive unless a
variant is marked ``case: exact``.

Each vocabulary file becomes a token trie.  A scan walks the tokens once; at every
position where some entry can start it takes the *longest* entry that matches there and
consumes its tokens, so ``South Pyongan`` never also yields a shorter ``Pyongan`` and
``Kim Jong Suk`` cannot yield ``Kim Jong Un``.  The three files are scanned
independently: a phrase can be a place and an actor at once.  ``ignore`` phrases in a
file are matched (and so consume their tokens) but produce no label.

A term token ending in ``*`` matches any token starting with the rest (``smuggl*``).

How it stays fast (about 0.6 ms for a 1,600-word article, one process): the body's
paragraphs are scanned as one token list with a break token between paragraphs (no
entry runs across it), and so are the captions.  Text that is ASCII but for common
typographic punctuation, nearly all reporting, is tokenised by ``str.translate`` and
``str.split`` instead of a regular expression.  A memo, keyed by the token as written,
says what to do at each token: nothing for five tokens in six, which
``itertools.compress`` skips in C; for the rest, which tries the token enters and
whether a single-path walk settles the longest match (a token's own case-exact entries
are resolved in the memo), else a search over the wildcard branches.  Matches are then
counted with ``Counter`` and each label's first paragraph found by bisecting the breaks.

Scoring is documented in the headers of the YAML files; in short: body paragraphs and the
title assign labels, captions only add weight to labels the body or title already has.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from itertools import chain, compress
from operator import itemgetter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

__all__ = [
    "VocabularyError",
    "Topic",
    "Place",
    "Actor",
    "Vocabulary",
    "Label",
    "Labels",
    "load_vocabulary",
    "classify",
    "apply_overrides",
    "tokens",
]

PLACE_KINDS = ("province", "special-city", "city", "county", "market", "zone")
ACTOR_KINDS = ("organisation", "person")
COUNTRIES = ("KP", "CN")
CATEGORIES = ("topics", "places", "actors")
_MEMO_LIMIT = 200_000  # distinct tokens remembered per vocabulary (a cache; cleared when full)

DEFAULT_TOPIC_SETTINGS = {
    "threshold": 6.0,
    "title_weight": 2.0,
    "caption_weight": 0.5,
}
DEFAULT_MENTION_SETTINGS = {
    "title_weight": 2.0,
    "caption_weight": 0.5,
}


class VocabularyError(ValueError):
    """Bad vocabulary data (or an unknown id in editors' metadata); one-line message."""


# --------------------------------------------------------------------------- folding

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_TOKEN = re.compile(r"[^\W_]+")
_SEP = "\x00"


_is_normalized = unicodedata.is_normalized


def _fold(text: str) -> str:
    """Strip accents (NFKD, drop combining marks); cheap when there is nothing to strip."""
    if text.isascii() or (_is_normalized("NFKD", text) and _is_normalized("NFC", text)):
        # no precomposed accented letters and no free combining marks that would compose
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def tokens(text: str) -> tuple[list[str], list[str]]:
    """Return (original-case tokens, lower-case tokens) of ``text``."""
    orig = _TOKEN.findall(_fold(text))
    if not orig:
        return [], []
    low = _SEP.join(orig).lower().split(_SEP)
    if len(low) != len(orig):  # pragma: no cover - exotic case mappings
        low = [t.lower() for t in orig]
    return orig, low


# Several texts are scanned as one token list with a _PARA token between two texts: a
# separator character in the text, so never a token of it, and in no trie, so no entry
# runs across it.  It is ASCII and not whitespace (str.split keeps it as a token).
_PARA = "\x01"
_PARA_PLAN = ("paragraph break",)
_PARA_JOIN = f" {_PARA} "
# Punctuation common in reporting that stops a text from being ASCII: separators that
# folding leaves as they are (no decomposition, not combining), so replacing them with
# spaces leaves the folded text's tokens as they were.
_SEPARATORS = "".join(ch for ch in "\u201c\u201d\u2019\u2018\u2013\u2014\u2022\u00b7\u00ab\u00bb\u2039\u203a\u201e\u201a"
                      if not _TOKEN.search(ch) and unicodedata.normalize("NFKD", ch) == ch
                      and not unicodedata.combining(ch))
# For ASCII text, str.translate + str.split give exactly the tokens of _TOKEN.findall
# (runs of ASCII letters and digits).
_ASCII_CASE = {c: chr(c) if _TOKEN.fullmatch(chr(c)) else " " for c in range(128)}
_ASCII_CASE[ord(_PARA)] = _PARA


def _without_separators(text: str) -> str:
    if text.isascii():  # no separator there (each is beyond ASCII): no search for each
        return text
    for ch in _SEPARATORS:
        if ch in text:
            text = text.replace(ch, " ")
            if text.isascii():  # (known without a scan) then no other separator is there
                return text
    return text


def _token_list(texts: Sequence[str]) -> list[str]:
    """The original-case tokens of ``texts`` (as :func:`tokens` finds them), one list
    with a _PARA token between two texts.

    When the folded texts are ASCII but for _SEPARATORS (nearly always) the list comes
    from whole-text C operations; otherwise text by text, through ``_TOKEN`` where a
    text has other letters.  Scans
    lower-case a token on its own (``tok.lower()``), which gives what :func:`tokens`
    gives: lower-casing depends on context only for a final sigma, and the separator
    there stops the look-around just as the end of a token does.
    """
    joined = _PARA_JOIN.join(texts)
    if not joined.isascii():
        joined = _without_separators(joined)  # if ASCII now, there was nothing to fold
        if not joined.isascii():
            joined = _without_separators(_PARA_JOIN.join(map(_fold, texts)))
    if joined.isascii() and joined.count(_PARA) == len(texts) - 1:
        return joined.translate(_ASCII_CASE).split()
    toks: list[str] = []
    for k, text in enumerate(texts):  # one text with other letters need not slow the rest
        if k:
            toks.append(_PARA)
        text = _without_separators(_fold(text))
        if text.isascii() and _PARA not in text:
            toks += text.translate(_ASCII_CASE).split()
        else:
            toks += _TOKEN.findall(text)
    return toks


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    description: str
    terms: tuple[tuple[str, float], ...]
    related: tuple[str, ...]
    threshold: float


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    province: str | None
    country: str
    lat: float
    lon: float
    variants: tuple[str, ...]
    city: str | None = None
    outline: tuple[tuple[float, float], ...] | None = None

    @property
    def parent(self) -> str | None:
        """The place this one implies: a market's city, else the province."""
        return self.city or self.province

    @property
    def is_province_level(self) -> bool:
        return self.kind in ("province", "special-city") and self.province is None and self.country == "KP"


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    variants: tuple[str, ...]
    note: str | None = None


class _Node:
    __slots__ = ("children", "prefixes", "payload", "clean", "exact", "simple")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.prefixes: list[tuple[str, _Node]] = []
        self.payload: Any = None  # case-insensitive terminal (a list of payloads)
        self.clean: tuple | None = None  # the payloads less ``ignore`` (None), or None if no terminal
        self.exact: list[tuple[tuple[str, ...], Any]] = []  # case-exact terminals
        self.simple = True  # no wildcard or case-exact entries in this subtree


class _Matcher:
    """A token trie with longest-match, consuming scan."""

    def __init__(self, fname: str):
        self.fname = fname
        self.root = _Node()
        self._owner: dict[tuple, str] = {}

    def add(self, phrase: str, payload: Any, owner: str, exact: bool = False, shared: bool = False) -> None:
        """Add one term or variant.  ``shared``: the same phrase may serve several owners."""
        orig = _phrase_tokens(phrase)
        if not orig:
            raise VocabularyError(f"{self.fname}: entry '{owner}': empty term or variant {phrase!r}")
        low = [t.lower() for t in orig]
        if exact and any(t.endswith("*") for t in low):
            raise VocabularyError(f"{self.fname}: entry '{owner}': a wildcard term cannot be case: exact")
        key = (tuple(orig) if exact else tuple(low), exact)
        prev = self._owner.get(key)
        if prev is not None:
            if prev == owner:
                return  # two spellings of one entry that fold to the same tokens
            if not shared:
                raise VocabularyError(f"{self.fname}: entry '{owner}': {phrase!r} is already used by '{prev}'")
        else:
            self._owner[key] = owner
        node = self.root
        path = [self.root]
        not_simple = 0  # path[:not_simple] get a wildcard edge or a case-exact entry below
        for tok in low:
            if tok.endswith("*"):
                not_simple = len(path)
                pfx = tok[:-1]
                for p, child in node.prefixes:
                    if p == pfx:
                        node = child
                        break
                else:
                    child = _Node()
                    node.prefixes.append((pfx, child))
                    node = child
            else:
                node = node.children.setdefault(tok, _Node())
            path.append(node)
        if exact:
            not_simple = len(path)
        for n in path[:not_simple]:
            n.simple = False
        if exact:
            node.exact.append((tuple(orig), payload))
        else:
            if node.payload is None:
                node.payload = []
            node.payload.append(payload)
            node.clean = tuple(p for p in node.payload if p is not None)

    def firsts(self, tok: str) -> tuple[tuple[_Node, int], ...]:
        """The root's children that ``tok`` enters, with their specificity (1 exact, 0 wildcard)."""
        root = self.root
        out = []
        child = root.children.get(tok)
        if child is not None:
            out.append((child, 1))
        for pfx, pchild in root.prefixes:
            if tok.startswith(pfx):
                out.append((pchild, 0))
        return tuple(out)

    @staticmethod
    def longest(firsts: tuple[tuple[_Node, int], ...], toks: list[str], i: int) -> tuple[int, tuple | None]:
        """(end, payloads) of the longest entry starting at token ``i``; end -1 if none.

        ``toks`` are original-case tokens (compared to case-exact entries as they are,
        lower-cased for the rest); ``firsts`` are where ``toks[i]`` enters the trie.
        Among entries of equal length a literal token beats a wildcard and a case-exact
        variant beats a case-insensitive one.
        """
        n = len(toks)
        if len(firsts) == 1:
            # one path as long as no token can take two edges: the deepest entry on it
            # wins, a case-exact one over a case-insensitive one at the same node
            node = firsts[0][0]
            j = i + 1
            end, best = -1, None
            while True:
                if node.exact:
                    seg = tuple(toks[i:j])
                    for want, pl in node.exact:
                        if seg == want:
                            end, best = j, (pl,)
                            break
                    else:
                        if node.clean is not None:
                            end, best = j, node.clean
                elif node.clean is not None:
                    end, best = j, node.clean
                if j >= n:
                    return end, best
                tok = toks[j].lower()
                step = node.children.get(tok)
                branches = False
                for pfx, pchild in node.prefixes:
                    if tok.startswith(pfx):
                        if step is not None:
                            branches = True
                            break
                        step = pchild
                if branches:
                    break  # search every path below
                if step is None:
                    return end, best
                node = step
                j += 1
        best_end = -1
        best_rank = -1
        best = None
        stack = [(node, i + 1, spec) for node, spec in firsts]
        while stack:
            node, j, spec = stack.pop()
            if node.exact:
                seg = tuple(toks[i:j])
                for want, pl in node.exact:
                    if seg == want:
                        rank = (j - i) * 1000 + spec * 2 + 1
                        if j > best_end or (j == best_end and rank > best_rank):
                            best_end, best_rank, best = j, rank, (pl,)
                        break
            if node.clean is not None:
                rank = (j - i) * 1000 + spec * 2
                if j > best_end or (j == best_end and rank > best_rank):
                    best_end, best_rank, best = j, rank, node.clean
            if j >= n:
                continue
            tok = toks[j].lower()
            child = node.children.get(tok)
            if child is not None:
                stack.append((child, j + 1, spec + 1))
            if node.prefixes:
                for pfx, pchild in node.prefixes:
                    if tok.startswith(pfx):
                        stack.append((pchild, j + 1, spec))
        return best_end, best


@dataclass
class Vocabulary:
    topics: dict[str, Topic]
    places: dict[str, Place]
    actors: dict[str, Actor]
    topic_settings: dict[str, float]
    place_settings: dict[str, float]
    actor_settings: dict[str, float]
    _matchers: dict[str, _Matcher] = field(default_factory=dict, repr=False)
    _plans: dict[str, tuple] = field(default_factory=dict, repr=False)
    _term_weights: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _place_depth: dict[str, int] = field(default_factory=dict, repr=False)  # links up to the province

    def _plan(self, tok: str) -> tuple:
        """What a scan does at the original-case token ``tok`` (memoised): () if no entry
        starts with it, else one (category index, node, firsts) per category where one
        does.  ``firsts`` is None when all that can follow is a single path without
        wildcards or case-exact entries: the longest match is then the deepest entry on
        the path the next tokens spell, from ``node``, which has this token's own
        case-exact entries already resolved.  Otherwise ``firsts`` lists the trie nodes
        the token enters, for :meth:`_Matcher.longest`."""
        if tok == _PARA:
            found: tuple = _PARA_PLAN
        else:
            plans = []
            low = tok.lower()
            for c, cat in enumerate(CATEGORIES):
                firsts = self._matchers[cat].firsts(low)
                if not firsts:
                    continue
                node = firsts[0][0]
                if len(firsts) == 1 and not node.prefixes and all(ch.simple for ch in node.children.values()):
                    clean = node.clean
                    for want, pl in node.exact:
                        if want == (tok,):
                            clean = (pl,)
                            break
                    if clean is not node.clean:
                        node = _Node()
                        node.children, node.clean = firsts[0][0].children, clean
                    if node.clean is not None or node.children:
                        plans.append((c, node, None))
                else:
                    plans.append((c, node, firsts))
            found = tuple(plans)
        if len(self._plans) >= _MEMO_LIMIT:
            self._plans.clear()
        self._plans[tok] = found
        return found

    def provinces(self) -> list[Place]:
        """Province-level divisions (provinces and special cities), in file order."""
        return [p for p in self.places.values() if p.is_province_level]

    def entry(self, category: str, id: str) -> Topic | Place | Actor | None:
        return getattr(self, category).get(id)


def _as_list(value: Any, fname: str, owner: str, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise VocabularyError(f"{fname}: entry '{owner}': '{what}' must be a list")
    return value


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError(f"{path.name}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise VocabularyError(f"{path.name}: not valid YAML{where}: {problem}") from None


def _section(data: Any, fname: str, key: str) -> tuple[list, dict, list]:
    if not isinstance(data, dict):
        raise VocabularyError(f"{fname}: expected a mapping with a '{key}' list at the top level")
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{fname}: '{key}' must be a non-empty list")
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise VocabularyError(f"{fname}: 'settings' must be a mapping")
    ignore = data.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(s, str) and s.strip() for s in ignore):
        raise VocabularyError(f"{fname}: 'ignore' must be a list of phrases")
    return items, settings, ignore


def _number(value: Any, fname: str, owner: str, what: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise VocabularyError(f"{fname}: entry '{owner}': '{what}' must be a number, got {value!r}")
    if positive and value <= 0:
        raise VocabularyError(f"{fname}: entry '{owner}': '{what}' must be greater than 0")
    return float(value)


_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _entry_id(item: Any, fname: str, index: int, seen: set[str]) -> str:
    if not isinstance(item, dict):
        raise VocabularyError(f"{fname}: entry #{index + 1}: must be a mapping")
    eid = item.get("id")
    if not isinstance(eid, str) or not _ID.match(eid):
        raise VocabularyError(
            f"{fname}: entry #{index + 1}: 'id' must be a lower-case slug like 'north-hamgyong', got {eid!r}"
        )
    if eid in seen:
        raise VocabularyError(f"{fname}: entry '{eid}': duplicate id")
    seen.add(eid)
    return eid


def _text(item: dict, key: str, fname: str, eid: str, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise VocabularyError(f"{fname}: entry '{eid}': '{key}' must be a non-empty string")
    return " ".join(value.split())


def _variants(item: dict, fname: str, eid: str, name: str) -> list[tuple[str, bool]]:
    """[(variant, exact_case)], the canonical name first.

    The name is matched case-insensitively unless it is also listed as a case-exact variant.
    """
    out: list[tuple[str, bool]] = []
    for v in _as_list(item.get("variants"), fname, eid, "variants"):
        if isinstance(v, str) and v.strip():
            out.append((v.strip(), False))
        elif isinstance(v, dict) and isinstance(v.get("variant"), str) and v["variant"].strip():
            case = v.get("case", "any")
            if case not in ("any", "exact"):
                raise VocabularyError(f"{fname}: entry '{eid}': variant {v['variant']!r}: 'case' must be 'any' or 'exact'")
            out.append((v["variant"].strip(), case == "exact"))
        else:
            raise VocabularyError(
                f"{fname}: entry '{eid}': each variant must be a string or {{variant: ..., case: exact}}, got {v!r}"
            )
    if (name, True) not in out:
        out.insert(0, (name, False))
    return out


def _settings(raw: dict, defaults: dict, fname: str) -> dict[str, float]:
    out = dict(defaults)
    for key, value in raw.items():
        if key not in defaults:
            raise VocabularyError(f"{fname}: settings: unknown setting '{key}' (known: {', '.join(sorted(defaults))})")
        out[key] = _number(value, fname, "settings", key)
        if out[key] < 0:
            raise VocabularyError(f"{fname}: settings: '{key}' must not be negative")
    return out


def _phrase_tokens(phrase: str) -> list[str]:
    """Tokens of a vocabulary phrase; a '*' stays attached to the word it ends."""
    if "*" not in phrase:
        return tokens(phrase)[0]
    words: list[str] = []
    for part in phrase.replace("*", "* ").split():
        toks = tokens(part.rstrip("*"))[0]
        if part.endswith("*"):
            if not toks:
                raise VocabularyError(f"'*' must follow a word in {phrase!r}")
            toks[-1] += "*"
        words.extend(toks)
    return words


def _add_phrase(m: _Matcher, phrase: str, payload: Any, owner: str, exact: bool = False, shared: bool = False) -> None:
    try:
        m.add(phrase, payload, owner, exact, shared)
    except VocabularyError as exc:
        msg = str(exc)
        if not msg.startswith(m.fname):
            msg = f"{m.fname}: entry '{owner}': {msg}"
        raise VocabularyError(msg) from None


def load_vocabulary(editorial_dir: Path) -> Vocabulary:
    """Read and validate topics.yml, places.yml and actors.yml from ``editorial_dir``."""
    editorial_dir = Path(editorial_dir)

    # ---- places
    fname = "places.yml"
    items, raw_settings, place_ignore = _section(_read_yaml(editorial_dir / fname), fname, "places")
    place_settings = _settings(raw_settings, DEFAULT_MENTION_SETTINGS, fname)
    places: dict[str, Place] = {}
    seen: set[str] = set()
    raw_places: dict[str, dict] = {}
    for i, item in enumerate(items):
        eid = _entry_id(item, fname, i, seen)
        raw_places[eid] = item
    for eid, item in raw_places.items():
        name = _text(item, "name", fname, eid)
        kind = item.get("kind")
        if kind not in PLACE_KINDS:
            raise VocabularyError(f"{fname}: entry '{eid}': 'kind' must be one of {', '.join(PLACE_KINDS)}, got {kind!r}")
        country = item.get("country")
        if country not in COUNTRIES:
            raise VocabularyError(f"{fname}: entry '{eid}': 'country' must be one of {', '.join(COUNTRIES)}, got {country!r}")
        lat = _number(item.get("lat"), fname, eid, "lat")
        lon = _number(item.get("lon"), fname, eid, "lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise VocabularyError(f"{fname}: entry '{eid}': lat/lon out of range")
        province = item.get("province")
        if province is not None:
            target = raw_places.get(province) if isinstance(province, str) else None
            if target is None:
                raise VocabularyError(f"{fname}: entry '{eid}': unknown province '{province}'")
            if not (target.get("kind") in ("province", "special-city") and target.get("province") is None):
                raise VocabularyError(f"{fname}: entry '{eid}': '{province}' is not a province-level entry")
        if kind == "province" and province is not None:
            raise VocabularyError(f"{fname}: entry '{eid}': a province must have 'province: null'")
        if country == "KP" and kind not in ("province", "special-city") and province is None:
            raise VocabularyError(f"{fname}: entry '{eid}': a North Korean {kind} needs a 'province'")
        city = item.get("city")
        if kind == "market":
            if not isinstance(city, str) or city not in raw_places:
                raise VocabularyError(f"{fname}: entry '{eid}': a market needs 'city' naming a place id, got {city!r}")
            if raw_places[city].get("kind") not in ("city", "special-city", "county"):
                raise VocabularyError(f"{fname}: entry '{eid}': 'city' '{city}' is not a city")
            if raw_places[city].get("province") is not None and raw_places[city].get("province") != province:
                raise VocabularyError(f"{fname}: entry '{eid}': province '{province}' differs from its city's")
        elif city is not None:
            raise VocabularyError(f"{fname}: entry '{eid}': only a market has a 'city'")
        outline = item.get("outline")
        pts: tuple[tuple[float, float], ...] | None = None
        if outline is not None:
            if not isinstance(outline, list) or len(outline) < 3:
                raise VocabularyError(f"{fname}: entry '{eid}': 'outline' must be a list of at least 3 [lon, lat] points")
            conv = []
            for pt in outline:
                if not (isinstance(pt, list) and len(pt) == 2):
                    raise VocabularyError(f"{fname}: entry '{eid}': outline point {pt!r} is not [lon, lat]")
                conv.append((_number(pt[0], fname, eid, "outline lon"), _number(pt[1], fname, eid, "outline lat")))
            pts = tuple(conv)
        elif kind == "province":
            raise VocabularyError(f"{fname}: entry '{eid}': a province needs an 'outline'")
        variants = _variants(item, fname, eid, name)
        places[eid] = Place(
            id=eid, name=name, kind=kind, province=province, country=country, lat=lat, lon=lon,
            variants=tuple(v for v, _ in variants), city=city, outline=pts,
        )
        raw_places[eid] = {**item, "_variants": variants}

    # ---- actors
    fname = "actors.yml"
    items, raw_settings, actor_ignore = _section(_read_yaml(editorial_dir / fname), fname, "actors")
    actor_settings = _settings(raw_settings, DEFAULT_MENTION_SETTINGS, fname)
    actors: dict[str, Actor] = {}
    actor_variants: dict[str, list[tuple[str, bool]]] = {}
    seen = set()
    for i, item in enumerate(items):
        eid = _entry_id(item, fname, i, seen)
        name = _text(item, "name", fname, eid)
        kind = item.get("kind")
        if kind not in ACTOR_KINDS:
            raise VocabularyError(f"{fname}: entry '{eid}': 'kind' must be one of {', '.join(ACTOR_KINDS)}, got {kind!r}")
        variants = _variants(item, fname, eid, name)
        actor_variants[eid] = variants
        actors[eid] = Actor(id=eid, name=name, kind=kind, variants=tuple(v for v, _ in variants),
                            note=_text(item, "note", fname, eid, required=False))

    # ---- topics
    fname = "topics.yml"
    items, raw_settings, topic_ignore = _section(_read_yaml(editorial_dir / fname), fname, "topics")
    topic_settings = _settings(raw_settings, DEFAULT_TOPIC_SETTINGS, fname)
    topics: dict[str, Topic] = {}
    seen = set()
    raw_topics = []
    for i, item in enumerate(items):
        eid = _entry_id(item, fname, i, seen)
        raw_topics.append((eid, item))
    for eid, item in raw_topics:
        label = _text(item, "label", fname, eid)
        description = _text(item, "description", fname, eid)
        terms = []
        folded_terms: set[tuple[str, ...]] = set()
        for t in _as_list(item.get("terms"), fname, eid, "terms"):
            if not (isinstance(t, dict) and isinstance(t.get("term"), str) and t["term"].strip()):
                raise VocabularyError(f"{fname}: entry '{eid}': each term must be {{term: ..., weight: ...}}, got {t!r}")
            try:
                folded = tuple(w.lower() for w in _phrase_tokens(t["term"]))
            except VocabularyError as exc:
                raise VocabularyError(f"{fname}: entry '{eid}': {exc}") from None
            if folded in folded_terms:
                raise VocabularyError(f"{fname}: entry '{eid}': term {t['term']!r} is listed twice")
            folded_terms.add(folded)
            terms.append((t["term"].strip(), _number(t.get("weight", 1.0), fname, eid, f"weight of {t['term']!r}", positive=True)))
        if not terms:
            raise VocabularyError(f"{fname}: entry '{eid}': 'terms' must not be empty")
        related = []
        for r in _as_list(item.get("related"), fname, eid, "related"):
            if r not in seen:
                raise VocabularyError(f"{fname}: entry '{eid}': related topic '{r}' does not exist")
            if r == eid:
                raise VocabularyError(f"{fname}: entry '{eid}': a topic cannot be related to itself")
            related.append(r)
        threshold = item.get("threshold", topic_settings["threshold"])
        threshold = _number(threshold, fname, eid, "threshold", positive=True)
        topics[eid] = Topic(id=eid, label=label, description=description, terms=tuple(terms),
                            related=tuple(related), threshold=threshold)

    vocab = Vocabulary(topics=topics, places=places, actors=actors, topic_settings=topic_settings,
                       place_settings=place_settings, actor_settings=actor_settings)

    # ---- matchers
    pm = _Matcher("places.yml")
    for eid, item in raw_places.items():
        for v, exact in item["_variants"]:
            _add_phrase(pm, v, (eid, v), eid, exact)
    for phrase in place_ignore:
        _add_phrase(pm, phrase, None, "ignore")
    am = _Matcher("actors.yml")
    for eid, variants in actor_variants.items():
        for v, exact in variants:
            _add_phrase(am, v, (eid, v), eid, exact)
    for phrase in actor_ignore:
        _add_phrase(am, phrase, None, "ignore")
    tm = _Matcher("topics.yml")
    for topic in topics.values():
        for term, weight in topic.terms:
            _add_phrase(tm, term, (topic.id, term, weight), topic.id, shared=True)
    for phrase in topic_ignore:
        _add_phrase(tm, phrase, None, "ignore")
    vocab._matchers = {"topics": tm, "places": pm, "actors": am}
    vocab._term_weights = {(tid, term): w for tid, t in topics.items() for term, w in t.terms}
    for pid in places:
        d, up = 0, places[pid].parent
        while up is not None:
            d, up = d + 1, places[up].parent
        vocab._place_depth[pid] = d
    return vocab


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    kind: str
    score: float
    evidence: dict[str, int]
    first_paragraph: int
    province: str | None = None
    implied_by: str | None = None
    category: str = field(default="", compare=False)
    country: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "score": self.score,
            "evidence": {k: self.evidence[k] for k in sorted(self.evidence)},
            "first_paragraph": self.first_paragraph,
        }
        if self.category == "places":
            d["province"] = self.province
            d["implied_by"] = self.implied_by
            d["country"] = self.country
        return d


def _order(labels: Iterable[Label]) -> list[Label]:
    return sorted(labels, key=lambda lb: (-lb.score, lb.id))


@dataclass
class Labels:
    topics: list[Label] = field(default_factory=list)
    places: list[Label] = field(default_factory=list)
    actors: list[Label] = field(default_factory=list)

    def ids(self, category: str) -> list[str]:
        return [lb.id for lb in getattr(self, category)]

    def get(self, category: str, id: str) -> Label | None:
        for lb in getattr(self, category):
            if lb.id == id:
                return lb
        return None

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {cat: [lb.as_dict() for lb in _order(getattr(self, cat))] for cat in CATEGORIES}


# --------------------------------------------------------------------------- classify


def _matches(vocab: Vocabulary, texts: Sequence[str]) -> tuple[tuple[list, list, list], list[tuple[int, int, int]]]:
    """Every match in ``texts``: per category (topics, places, actors) the payloads in
    text order, and at each break between two texts how many each category had so far.

    One scan over all texts' tokens.  A memo says for each distinct token what to do
    there (:meth:`Vocabulary._plan`), and ``compress`` hands the loop only the tokens
    where an entry can start (and the text breaks): Python code runs for about one token
    in six, not for all.  Each category keeps its own position: a phrase can be a place
    and an actor at once, and within a category the longest match consumes its tokens.
    """
    toks = _token_list(texts)
    plans = vocab._plans
    fs = list(map(plans.get, toks))
    if None in fs:
        plan = vocab._plan
        for tok in set(toks).difference(plans):
            plan(tok)
        fs = list(map(plans.get, toks))
        if None in fs:  # the memo was cleared on the way
            fs = [plan(tok) if f is None else f for tok, f in zip(toks, fs)]
    found: tuple[list, list, list] = ([], [], [])
    extend = tuple(f.extend for f in found)
    breaks: list[tuple[int, int, int]] = []
    nxt = [0, 0, 0]
    n = len(toks)
    longest = _Matcher.longest
    for i, f in compress(enumerate(fs), fs):
        if f is _PARA_PLAN:
            breaks.append((len(found[0]), len(found[1]), len(found[2])))
            continue
        for c, node, firsts in f:
            if i < nxt[c]:
                continue
            if firsts is None:
                j = i + 1
                end, best = (j, node.clean) if node.clean is not None else (-1, None)
                children = node.children
                while children and j < n:
                    node = children.get(toks[j].lower())
                    if node is None:
                        break
                    j += 1
                    if node.clean is not None:
                        end, best = j, node.clean
                    children = node.children
            else:
                end, best = longest(firsts, toks, i)
            if end > i:
                nxt[c] = end
                if best:
                    extend[c](best)
    return found, breaks


class _Tally:
    """Per-label counts and evidence ({written form: count}) by source: body, title, captions."""

    __slots__ = ("counts", "evidence", "first")

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.evidence: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
        self.first = -1  # the first body paragraph


_NO_COUNTS: dict = {}


def _counters(sources: Sequence[list]) -> tuple[dict[Any, int], ...]:
    """Matches per payload, in the order first seen, for body, title and captions."""
    return tuple(Counter(found) if found else _NO_COUNTS for found in sources)


def _firsts(found: list, breaks: list[int]) -> dict[str, int]:
    """label id (``payload[0]``) -> the paragraph of its first match in ``found``
    (``breaks``: how many matches came before each paragraph break)."""
    ids = list(map(itemgetter(0), found))
    first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1)))
    return {k: bisect_right(breaks, i) for k, i in first.items()}


def _tally(sources: Sequence[list], breaks: list[int]) -> dict[str, _Tally]:
    """Tallies per place or actor id (``payload[0]``) from one category's matches in
    body, title and captions, the evidence keyed by written form (``payload[1]``).  Ids
    and evidence come in the order first seen: body, then title, then captions."""
    tallies: dict[str, _Tally] = {}
    first = _firsts(sources[0], breaks)
    for s, counts in enumerate(_counters(sources)):
        for pl, k in counts.items():
            e = tallies.get(pl[0])
            if e is None:
                e = tallies[pl[0]] = _Tally()
            e.counts[s] += k
            ev = e.evidence[s]
            ev[pl[1]] = ev.get(pl[1], 0) + k
    for key, e in tallies.items():
        e.first = first.get(key, -1)
    return tallies


def _merge_evidence(*dicts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def _topic_labels(vocab: Vocabulary, sources: Sequence[list], breaks: list[int]) -> list[Label]:
    """Topics from the topic matches in body, title and captions, counted per term (the
    payload) and grouped by topic in the order first seen."""
    ts = vocab.topic_settings
    tw, cw = ts["title_weight"], ts["caption_weight"]
    weights = vocab._term_weights
    cb, ct, cc = _counters(sources)
    first = _firsts(sources[0], breaks)
    by_topic: dict[str, list[tuple]] = {}
    for pl in dict.fromkeys(chain(cb, ct, cc)) if ct or cc else cb:
        group = by_topic.get(pl[0])
        if group is None:
            by_topic[pl[0]] = [pl]
        else:
            group.append(pl)
    out = []
    for tid, pls in by_topic.items():
        if cc and not any(pl in cb or pl in ct for pl in pls):
            continue  # captions alone
        score = 0.0
        evidence: dict[str, int] = {}
        for pl in pls:
            b, t, c = cb.get(pl, 0), ct.get(pl, 0), cc.get(pl, 0)
            n = b + tw * t + cw * c
            if n <= 0:
                continue
            term = pl[1]
            score += weights[(tid, term)] * (n if n <= 1 else 1.0 + math.log(n))
            evidence[term] = b + t + c
        score = round(score, 3)
        topic = vocab.topics[tid]
        if score >= topic.threshold:
            # every term in the body counts (n >= 1), so this is the first of any term's
            out.append(Label(id=tid, name=topic.label, kind="topic", score=score, evidence=evidence,
                             first_paragraph=first.get(tid, -1), category="topics"))
    return out


def _actor_labels(vocab: Vocabulary, sources: Sequence[list], breaks: list[int]) -> list[Label]:
    s = vocab.actor_settings
    out = []
    for aid, e in _tally(sources, breaks).items():
        b, t, c = e.counts
        if not (b or t):
            continue  # captions alone
        actor = vocab.actors[aid]
        score = round(b + s["title_weight"] * t + s["caption_weight"] * c, 3)
        out.append(Label(id=aid, name=actor.name, kind=actor.kind, score=score,
                         evidence=_merge_evidence(*e.evidence), first_paragraph=e.first, category="actors"))
    return out


class _Implied:
    """A place's score, evidence, first paragraph and mentions while they go up the chain."""

    __slots__ = ("score", "evidence", "first", "mentions", "direct", "children")

    def __init__(self, score: float, evidence: dict[str, int], first: int, mentions: int, direct: bool) -> None:
        self.score = score
        self.evidence = evidence
        self.first = first
        self.mentions = mentions
        self.direct = direct  # named in the text, not only implied
        self.children: list[str] = []


def _place_labels(vocab: Vocabulary, sources: Sequence[list], breaks: list[int]) -> list[Label]:
    """Places named in body or title, each adding its score up the chain market -> city
    -> province, deepest first."""
    s = vocab.place_settings
    places = vocab.places
    depth = vocab._place_depth
    acc: dict[str, _Implied] = {}
    for pid, e in _tally(sources, breaks).items():
        b, t, c = e.counts
        if not (b or t):
            continue  # captions alone
        acc[pid] = _Implied(b + s["title_weight"] * t + s["caption_weight"] * c, _merge_evidence(*e.evidence),
                            e.first, b + t + c, True)
    # every id in order of (-depth, id); a parent comes in shallower, so after its children
    pending = [(-depth[pid], pid) for pid in acc]
    heapq.heapify(pending)
    while pending:
        pid = heapq.heappop(pending)[1]
        parent = places[pid].parent
        if parent is None:
            continue
        me = acc[pid]
        pa = acc.get(parent)
        if pa is None:
            pa = acc[parent] = _Implied(0.0, {}, -1, 0, False)
            heapq.heappush(pending, (-depth[parent], parent))
        pa.score += me.score
        key = f"implied_by:{pid}"
        pa.evidence[key] = pa.evidence.get(key, 0) + me.mentions
        pa.children.append(pid)
        if me.first >= 0 and (pa.first < 0 or me.first < pa.first):
            pa.first = me.first
        if not pa.direct:
            pa.mentions += me.mentions
    out = []
    for pid, a in acc.items():
        place = places[pid]
        implied_by = None
        if not a.direct and a.children:
            implied_by = min(a.children, key=lambda c: (-acc[c].score, acc[c].first if acc[c].first >= 0 else 1 << 30, c))
        out.append(Label(id=pid, name=place.name, kind=place.kind, score=round(a.score, 3), evidence=a.evidence,
                         first_paragraph=a.first, province=place.province, implied_by=implied_by,
                         category="places", country=place.country))
    return out


def classify(vocab: Vocabulary, paragraphs: Sequence[str], captions: Sequence[str] = (),
             title: str | None = None) -> Labels:
    """Label one article.  ``paragraphs`` are the cleaned body paragraphs (no captions)."""
    body, breaks = _matches(vocab, list(paragraphs))
    none: tuple[list, list, list] = ([], [], [])
    head = _matches(vocab, [title])[0] if title else none
    caps = _matches(vocab, list(captions))[0] if captions else none
    return Labels(
        topics=_order(_topic_labels(vocab, (body[0], head[0], caps[0]), [b[0] for b in breaks])),
        places=_order(_place_labels(vocab, (body[1], head[1], caps[1]), [b[1] for b in breaks])),
        actors=_order(_actor_labels(vocab, (body[2], head[2], caps[2]), [b[2] for b in breaks])),
    )


# --------------------------------------------------------------------------- overrides


def apply_overrides(labels: Labels, add: Mapping[str, Sequence[str]] | None,
                    remove: Mapping[str, Sequence[str]] | None, vocab: Vocabulary) -> Labels:
    """Apply editors' metadata: ``add``/``remove`` map a category (topics, places, actors)
    to ids.  Added labels carry evidence ``{"metadata": 1}``; removal is applied last, so
    an id both added and removed ends up removed.  Unknown ids in ``add`` raise
    :class:`VocabularyError`; unknown ids in ``remove`` are ignored (nothing to remove).
    An added place also brings in its city/province (``implied_by`` set), like a mention.
    """
    add = add or {}
    remove = remove or {}
    for which, mapping in (("add", add), ("remove", remove)):
        for cat, ids in mapping.items():
            if cat not in CATEGORIES:
                raise VocabularyError(f"metadata {which}: unknown category '{cat}' (use {', '.join(CATEGORIES)})")
            if isinstance(ids, str) or not isinstance(ids, (list, tuple)):
                raise VocabularyError(f"metadata {which}: '{cat}' must be a list of ids")
    out = {cat: {lb.id: lb for lb in getattr(labels, cat)} for cat in CATEGORIES}
    for cat in CATEGORIES:
        for eid in add.get(cat, ()):
            entry = vocab.entry(cat, eid)
            if entry is None:
                raise VocabularyError(f"metadata add: unknown {cat[:-1]} id '{eid}'")
            current = out[cat]
            chain: list[tuple[str, str | None]] = [(eid, None)]
            if cat == "places":
                child = eid
                parent = vocab.places[eid].parent
                while parent is not None:
                    chain.append((parent, child))
                    child, parent = parent, vocab.places[parent].parent
            for pid, implied in chain:
                lb = current.get(pid)
                if lb is not None:
                    if implied is None:
                        ev = dict(lb.evidence)
                        ev["metadata"] = ev.get("metadata", 0) + 1
                        current[pid] = replace(lb, evidence=ev)
                    continue
                if cat == "topics":
                    t = vocab.topics[pid]
                    current[pid] = Label(id=pid, name=t.label, kind="topic", score=round(t.threshold, 3),
                                         evidence={"metadata": 1}, first_paragraph=-1, category=cat)
                elif cat == "actors":
                    a = vocab.actors[pid]
                    current[pid] = Label(id=pid, name=a.name, kind=a.kind, score=1.0,
                                         evidence={"metadata": 1}, first_paragraph=-1, category=cat)
                else:
                    p = vocab.places[pid]
                    ev = {"metadata": 1} if implied is None else {f"implied_by:{implied}": 1}
                    current[pid] = Label(id=pid, name=p.name, kind=p.kind, score=1.0, evidence=ev,
                                         first_paragraph=-1, province=p.province, implied_by=implied,
                                         category=cat, country=p.country)
    for cat in CATEGORIES:
        for eid in remove.get(cat, ()):
            out[cat].pop(eid, None)
    return Labels(topics=_order(out["topics"].values()), places=_order(out["places"].values()),
                  actors=_order(out["actors"].values()))


# --------------------------------------------------------------------------- timing check


def _bench(editorial_dir: Path | None = None, rounds: int = 50, repeats: int = 7) -> float:  # pragma: no cover
    """Milliseconds per 1,000 words: all seed articles' paragraphs classified as one text,
    best of ``repeats`` runs of ``rounds`` calls (the minimum filters out a busy machine)."""
    import time

    root = Path(__file__).resolve().parents[3]
    vocab = load_vocabulary(editorial_dir or root / "hooks" / "editorial")
    paras: list[str] = []
    for f in sorted((root / "source_articles").glob("*.txt")):
        paras.extend(p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip())
    words = sum(len(p.split()) for p in paras)
    classify(vocab, paras)  # warm the token cache, as a long build would
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(rounds):
            classify(vocab, paras)
        best = min(best, (time.perf_counter() - start) / rounds)
    return best * 1000 * 1000 / words


if __name__ == "__main__":  # pragma: no cover
    print(f"classify: {_bench():.3f} ms per 1,000 words")


# --------------------------------------------------------------------------- spans in one text


def phrase_matcher(fname: str, phrases: Iterable[tuple[str, Any, str]], ignore: Iterable[str] = ()) -> _Matcher:
    """A matcher for another vocabulary (prices.yml), folded and matched as these three
    are: ``phrases`` are (phrase, payload, owner id); ``ignore`` phrases consume their
    words and yield nothing. A phrase used by two owners is a one-line VocabularyError."""
    m = _Matcher(fname)
    for phrase, payload, owner in phrases:
        _add_phrase(m, phrase, payload, owner)
    for phrase in ignore:
        _add_phrase(m, phrase, None, "ignore")
    return m


def without_separators(text: str) -> str:
    """``text`` with the punctuation beyond ASCII that reporting commonly has (curly quotes,
    dashes, bullets) as spaces: the same length, the same words."""
    return _without_separators(text)


def span_tokens(text: str) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """The words of ``text`` for :func:`spans`: where they are ((start, end) offsets),
    folded and lower-cased. Offsets are pairs of ints, not match objects (a list of
    match objects kept alive is work for the garbage collector); for a text that is ASCII
    but for the usual separators (nearly every one) they come from whole-text C
    operations, as in :func:`_token_list`, not from a regular expression."""
    plain = _without_separators(text)  # the same length: a separator becomes a space
    if plain.isascii() and _PARA not in plain:
        # runs of ASCII letters and digits, as _TOKEN finds them, by whole-text C operations
        # (str.translate, str.split), each found again by str.find from where the last ended
        spaced = plain.translate(_ASCII_CASE)
        toks = spaced.split()
        at, pos, find = [], 0, spaced.find
        for tok in toks:
            start = find(tok, pos)
            pos = start + len(tok)
            at.append((start, pos))
        return at, toks, spaced.lower().split()
    found = [m.span() for m in _TOKEN.finditer(text)]
    toks = _TOKEN.findall(text)
    if not text.isascii():
        toks = [tok if tok.isascii() else ("".join(_TOKEN.findall(_fold(tok))) or tok) for tok in toks]
    return found, toks, [tok.lower() for tok in toks]


def spans(matcher: _Matcher, text: str, words: tuple | None = None) -> list[tuple[int, int, Any]]:
    """Every match in ``text`` as (start, end, payload), character offsets into ``text``,
    in text order: the longest entry at each word, consuming its words, as a scan does;
    ``ignore`` phrases are consumed and left out. ``words``: ``span_tokens(text)``, when
    made already (several matchers over one text)."""
    offsets, toks, lows = words if words is not None else span_tokens(text)
    children, wild = matcher.root.children, bool(matcher.root.prefixes)
    starts = range(len(toks)) if wild else compress(range(len(lows)), map(children.__contains__, lows))
    out: list[tuple[int, int, Any]] = []
    nxt = 0
    for i in starts:  # most words start no entry
        if i < nxt:
            continue
        firsts = matcher.firsts(lows[i])
        if firsts:
            end, best = _Matcher.longest(firsts, toks, i)
            if end > i:
                for payload in best or ():
                    out.append((offsets[i][0], offsets[end - 1][1], payload))
                    break  # one payload a match (a phrase has one owner here)
                nxt = end
    return out


def place_spans(vocab: Vocabulary, text: str, words: tuple | None = None) -> list[tuple[int, int, str]]:
    """The gazetteer's places named in ``text``: (start, end, place id), in text order,
    matched exactly as :func:`classify` matches them (variants, case, ``ignore``)."""
    return [(s, e, payload[0]) for s, e, payload in spans(vocab._matchers["places"], text, words)]
