"""A derived title that reads as a headline: the main clause of a lede's first sentence.

When the source states no headline, the title is made from the lede's first sentence by
taking words away, never by adding or rewording any: a dateline ("SEOUL, Feb. 20 (Yonhap)
--"), framing and attributions ("According to a source in X,", "A source told Daily NK
that", ", a source said"), parenthetical asides, introductory phrases ("Despite the lean
season,"), time adverbs ("recently"), then, until it fits, relative clauses and appositives
in commas or dashes and trailing time phrases ("last week"). If it is still too long it is
cut at a phrase boundary after the main verb (before a preposition, conjunction, relative
pronoun or comma), so that it never ends on a function word and never needs an ellipsis.

There is no parser here (no model to download): the clause structure is read from
punctuation and from the small word lists below, which are English. When the source's
address spells its original headline in its slug, those words choose between the
candidate phrasings (the one sharing most of them wins); the slug's words themselves never
enter the title.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_CHARS = 80

# --- English word lists (lower case). A title never ends on one of FUNCTION_WORDS. ---
ARTICLES = frozenset("a an the".split())
DETERMINERS = ARTICLES | frozenset(
    "this that these those some any each every all both either neither no another such what whatever "
    "much many more most few fewer several its their his her our your my".split()
)
PREPOSITIONS = frozenset(
    "about above across after against along alongside amid amidst among amongst around as at before behind "
    "below beneath beside besides between beyond by despite down during except for from in inside into "
    "like near of off on onto out outside over past per since than through throughout till to toward "
    "towards under underneath unlike until up upon via with within without amongst regarding concerning "
    "following including thanks owing prior ahead".split()
)
CONJUNCTIONS = frozenset("and or but nor yet so plus".split())
SUBORDINATORS = frozenset(
    "although though because while whereas whether if unless once when whenever where wherever as since "
    "after before until lest so".split()
)
RELATIVES = frozenset("which who whom whose that where when what".split())
PRONOUNS = frozenset(
    "i me we us you he him she her it they them one ones itself themselves himself herself ourselves "
    "someone something anyone anything everyone everything nobody nothing there".split()
)
AUXILIARIES = frozenset(
    "is are was were be been being am has have had having do does did will would shall should can could "
    "may might must ought 's".split()
)
# words that only lean on what follows them: a headline that ends on one was cut mid-phrase
FUNCTION_WORDS = (
    DETERMINERS | PREPOSITIONS | CONJUNCTIONS | SUBORDINATORS | RELATIVES | PRONOUNS | AUXILIARIES
    | frozenset("to not also very even just only than then there here how why whose i.e. e.g. etc "
                "according due rather whether namely".split())
)
# past forms that do not end in -ed (the main verb of most news ledes is past or perfect)
IRREGULAR_VERBS = frozenset(
    "began begun bought brought built came caught chose drew driven drove fell fallen felt fled flew "
    "forbade forbidden forgot fought found gave given got gotten grew grown had heard held hid kept knew "
    "known laid led left lent lost made meant met paid ran rang rose risen said sank saw seen sent sold "
    "sought spent spoke spoken stood stole struck swept swore taken took taught thought threw told "
    "understood undertook went withdrew won wore written wrote became become overtook"
    .split()
)
# of those, the ones that are never a passive participle ("rose by 20 percent" is a verb)
PAST_ONLY = frozenset(
    "began came drew drove fell fled flew forbade forgot gave grew knew ran rang rose sank saw spoke stole "
    "swore took threw went withdrew wore wrote became overtook undertook".split()
)
# after "by", these open an amount, not an agent: "increased by 20 percent"
_AMOUNT_WORDS = frozenset("about almost around nearly more over up roughly some as half".split())
NOT_VERBS = frozenset("hundred need speed seed feed breed greed indeed red bed shed sacred naked wicked".split())
# words that open a clause inside the sentence: a cut after one would end inside that clause
CLAUSE_OPENERS = frozenset("who whom whose which that where while whereas although though because if unless whether".split())
# phrases that are not finished when they end a title ("in order" [to], "such as")
BOUND_ENDINGS = frozenset({("in", "order"), ("so", "as"), ("such", "as"), ("as", "well"), ("in", "addition"),
                           ("in", "terms"), ("in", "regards"), ("with", "regard"), ("in", "front")})
FOCUS_ADVERBS = frozenset("even only just also still already".split())
# adverbs a headline does without (hedges such as "reportedly" stay: they carry meaning)
FRAME_ADVERBS = frozenset("recently lately also finally instead currently now once again".split())
# a leading unit opening with one of these is an introduction to the main clause
INTRO_WORDS = SUBORDINATORS | PREPOSITIONS | frozenset(
    "according amid amidst following given faced facing speaking suffering unlike like earlier later "
    "meanwhile however nevertheless still yet last this recently".split()
)
# an inserted or trailing unit opening with one of these is an aside
ASIDE_WORDS = RELATIVES | frozenset(
    "including such especially particularly notably mainly mostly namely i.e. e.g. a an the "
    "reportedly allegedly apparently".split()
)
PLACE_NOUNS = frozenset("province city county district region town village area".split())
REPORTING_VERBS = (
    "said|says|say|told|tells|reported|reports|report|learned|learnt|confirmed|confirms|noted|notes|added|"
    "adds|explained|explains|revealed|reveals|claimed|claims|stated|states|announced|announces|found|"
    "indicated|indicates|suggested|suggests|showed|shows|believes|believed|warned|warns"
)
SOURCE_NOUNS = (
    r"sources?|officials?|residents?|insiders?|informants?|partners?|reports?|media|agency|"
    r"newspaper|daily|outlet|broadcaster|correspondent|Daily NK|Yonhap|KCNA|Rodong Sinmun|Radio Free Asia|"
    r"RFA|Reuters|analysts?|experts?|observers?|investigators?|data|statistics|figures"
)

_MONTHS = (r"Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
           r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?")
_DAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|weekend"
# a time phrase after the main verb: "on Monday", "last week", "in early April", "on Oct. 27"
_TIME_PHRASE = re.compile(
    r"(?:\b(?:on|last|this|next|early|late|earlier|later)\s+(?:" + _DAYS + r")\b"
    r"|\b(?:last|this|next|earlier this|late last|early last|earlier last)\s+(?:week|month|year|spring|summer|"
    r"autumn|fall|winter|quarter)\b"
    r"|\bin\s+(?:early|mid|late|mid-)?\s*(?:" + _MONTHS + r")(?:\s+\d{4})?(?=\s|$|,)"
    r"|\bon\s+(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?"
    r"|\bin\s+recent\s+(?:days|weeks|months|years)\b|\bof\s+late\b|\b(?:yesterday|today)\b"
    r"|\b(?:in|since|early|late)\s+(?:19|20)\d\d\b)"
)
_DATELINE = re.compile(
    r"^(?:(?:[A-Z][\w.'’-]*|\d{1,2}(?:st|nd|rd|th)?|\d{4})[ ,]*){1,6}\s*(?:\([^()]{1,40}\)\s*)?(?:--|—|–|-)\s+"
)
_SEPARATORS = {",", ";", ":", "—", "–", "--", "-"}
_QUOTES = "\"“”‘’'«»"


def slug_words(source_url: str | None) -> frozenset[str]:
    """The stems of the words an address's last path segment spells ("…/north-korea-calls-in-officials/"),
    when it spells at least three; empty for numeric or query-string addresses."""
    if not source_url:
        return frozenset()
    try:
        path = urlsplit(str(source_url)).path
    except ValueError:
        return frozenset()
    segment = next((p for p in reversed(path.split("/")) if p), "")
    segment = re.sub(r"\.(?:html?|php|aspx?)$", "", segment)
    words = [w for w in re.split(r"[-_+]+", segment.lower()) if w.isalpha()]
    if len(words) < 3:
        return frozenset()
    return frozenset(_stem(w) for w in words if w not in FUNCTION_WORDS)


def _stem(word: str) -> str:
    w = word.lower().strip(_QUOTES)
    for possessive in ("’s", "'s"):
        if w.endswith(possessive):
            w = w[: -len(possessive)]
    for suffix in ("ings", "ing", "edly", "ed", "es", "s", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:5]


# --- tokens: words, and the separators between clauses ---------------------------------

def _bare(word: str) -> str:
    """A word as the word lists know it: lower case, without quotes or trailing punctuation."""
    return word.strip(_QUOTES + "!?.…").lower() if word not in ("i.e.", "e.g.") else word


def _tokens(text: str) -> list[str]:
    text = re.sub(r"([,;:])([”’\"'])", r"\2\1", text)  # “import disease,” -> “import disease”,
    text = re.sub(r"\s*(--|—|–)\s*", r" \1 ", text)
    out: list[str] = []
    for chunk in text.split():
        if chunk in ("-", "--", "—", "–"):
            out.append(chunk)
            continue
        tail = []
        while chunk and chunk[-1] in ",;:" and chunk not in ("i.e.", "e.g."):
            tail.append(chunk[-1])
            chunk = chunk[:-1]
        if chunk:
            out.append(chunk)
        if tail:
            out.append(tail[-1])
    return out


def _render(tokens: list[str]) -> str:
    out = ""
    for t in tokens:
        if t in (",", ";", ":"):
            out += t
        elif out:
            out += " " + t
        else:
            out = t
    return out


def _units(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Split at separators: [(separator before the unit, its words)]; "" joins a unit to the one before."""
    units: list[tuple[str, list[str]]] = [("", [])]
    for t in tokens:
        if t in _SEPARATORS:
            units.append((t, []))
        else:
            units[-1][1].append(t)
    return [(sep, words) for sep, words in units if words]


def _join(units: list[tuple[str, list[str]]]) -> list[str]:
    out: list[str] = []
    for i, (sep, words) in enumerate(units):
        if i and sep:
            out.append(sep)
        out.extend(words)
    return out


def _rejoin(units: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Units whose separator was taken away joined to the unit before them."""
    out: list[tuple[str, list[str]]] = []
    for sep, words in units:
        if out and not sep:
            out[-1] = (out[-1][0], out[-1][1] + words)
        else:
            out.append((sep, list(words)))
    return out


def _is_verb(words: list[str], i: int) -> bool:
    """A finite verb, roughly: an auxiliary, an irregular past form, or a lower-case -ed word that
    is not a participle introduced by a determiner or followed by an agent ("imposed by")."""
    w = words[i]
    if not w[:1].islower():
        return False
    b = _bare(w)
    prev = _bare(words[i - 1]) if i else ""
    nxt = _bare(words[i + 1]) if i + 1 < len(words) else ""
    if b in AUXILIARIES and b != "'s":
        return True
    if prev in DETERMINERS or prev in PREPOSITIONS:
        return False
    after_by = _bare(words[i + 2]) if i + 2 < len(words) else ""
    by_agent = nxt == "by" and prev not in AUXILIARIES and not (after_by[:1].isdigit() or after_by in _AMOUNT_WORDS)
    if b in PAST_ONLY:
        return True
    if b in IRREGULAR_VERBS:
        return not by_agent
    if b.endswith("ed") and len(b) > 4 and b not in NOT_VERBS and b.isalpha():
        return not by_agent
    return False


def _first_verb(words: list[str]) -> int | None:
    for i in range(len(words)):
        if _is_verb(words, i):
            return i
    return None


def _participle(word: str) -> bool:
    b = _bare(word)
    return word[:1].islower() and b.isalpha() and (
        (b.endswith("ing") and len(b) > 5) or (b.endswith("ed") and len(b) > 4 and b not in NOT_VERBS)
        or b in IRREGULAR_VERBS
    )


def _aside_shaped(words: list[str]) -> bool:
    """A unit that reads as an aside: a relative clause, a participial phrase, an appositive."""
    first = _bare(words[0])
    if first in ASIDE_WORDS or _participle(words[0]):
        return True
    if first.endswith("ly") and len(words) > 1 and _participle(words[1]):  # "reportedly concerned by"
        return True
    # a place in apposition: "Dandong, Liaoning Province, ..."
    return len(words) <= 3 and all(w[:1].isupper() or _bare(w) in PLACE_NOUNS for w in words)


def _clause_start(words: list[str]) -> bool:
    if len(words) > 1 and _bare(words[0]) in FOCUS_ADVERBS:  # "even some cadres have stopped"
        words = words[1:]
    first = _bare(words[0])
    if first in DETERMINERS or words[0][:1].isupper() and first not in FUNCTION_WORDS:
        return True
    if first in FUNCTION_WORDS or first.endswith("ly"):
        return False
    return not _participle(words[0]) or _first_verb(words) not in (None, 0)


# --- the steps ---------------------------------------------------------------------------

_LEADING_FRAMES = (
    # "According to a source in Ryanggang Province, ..."
    re.compile(r"^according to [^,]{1,90}?,\s+", re.I),
    # "A source in Y told Daily NK on Tuesday that ...", "It was recently found that ..."
    re.compile(r"^(?:[^,]{0,90}?\s)?(?:" + REPORTING_VERBS + r")(?:\s[^,]{0,60}?)?\s+that\s+", re.I),
    # "A source in the province said the committee ..." (no "that"): only after a source noun
    re.compile(r"^(?:[^,]{0,60}?\b(?:" + SOURCE_NOUNS + r")\b[^,]{0,40}?)\s(?:" + REPORTING_VERBS
               + r")(?:\s(?:on\s)?(?:" + _DAYS + r"|yesterday|today))?\s+(?=(?:the|a|an|[A-Z])\w*\s)", re.I),
)
_TRAILING_ATTRIBUTION = re.compile(
    r"^(?:according to\b|quoting\b|citing\b|(?:[^,]{0,80}\s)?(?:" + REPORTING_VERBS + r")\b)", re.I
)
# "a report that", "the claims that": a noun, not a source saying something
_NOUN_NOT_FRAME = re.compile(r"\b(?:a|an|the|this|that|its|their|his|her|new|such)\s+(?:" + REPORTING_VERBS + r")\b", re.I)
_PRONOUN_START = re.compile(r"^(?:it|they|he|she|we|i|you|this|these|those)\b", re.I)


def _strip_dateline(text: str) -> str:
    m = _DATELINE.match(text)
    if not m:
        return text
    head = m.group(0)
    # a dateline is in capitals, names a wire in parentheses, or is "City, Country": not "Kim Jong Un —"
    if re.match(r"^[A-Z]{3,}", head) or "(" in head or "," in head:
        rest = text[m.end():]
        if len(rest.split()) >= 3:
            return rest
    return text


def _strip_brackets(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]", "", text)
    return text


def _strip_frames(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for pattern in _LEADING_FRAMES:
            m = pattern.match(text)
            if (m and not _PRONOUN_START.match(text[m.end():]) and len(text[m.end():].split()) >= 3
                    and not _NOUN_NOT_FRAME.search(m.group(0))):
                text, changed = text[m.end():], True
    return text


def _drop_trailing_attributions(units):
    while len(units) > 1 and _TRAILING_ATTRIBUTION.match(" ".join(units[-1][1])) and units[-1][0] in (",", "—", "–", "--", "-"):
        # keep it if it holds the only verb ("Prices rose, driving ... , sources said" keeps "Prices rose")
        if _first_verb(_join(units[:-1])) is None and _first_verb(units[-1][1]) is not None:
            break
        units = units[:-1]
    return units


def _drop_intro(units):
    """Leading units before the main clause: "Despite the lean season, ...", "As X, ..."."""
    if len(units) < 2:
        return units
    first = units[0][1]
    if not (_bare(first[0]) in INTRO_WORDS or _participle(first[0]) or first[0].endswith("ly")):
        return units
    for k in range(1, len(units)):
        words = units[k][1]
        if _clause_start(words) and _first_verb(words) not in (None, 0):
            return units[k:]
        if _aside_shaped(words) and _bare(words[0]) not in DETERMINERS:
            continue
        if _clause_start(words) and _first_verb(_join(units[k:])) is not None:
            return units[k:]
        if _bare(words[0]) in PREPOSITIONS | SUBORDINATORS | CONJUNCTIONS:
            continue
        break
    return units


def _drop_frame_adverbs(tokens: list[str]) -> list[str]:
    out = []
    for i, t in enumerate(tokens):
        if _bare(t) in FRAME_ADVERBS and t[:1].islower() and t not in _SEPARATORS:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if _bare(t) in ("now", "once", "again") and not (nxt and _is_verb(tokens, i + 1)):
                out.append(t)  # "smartphones now a necessity" keeps its "now"
                continue
            continue
        out.append(t)
    return out


def _drop_asides(units):
    """Inserted and trailing units shaped as asides (relative clauses, appositives, participles)."""
    if len(units) < 2:
        return units
    kept = [units[0]]
    dropped_sep = None
    for sep, words in units[1:]:
        if _aside_shaped(words):
            dropped_sep = sep if dropped_sep is None else dropped_sep
            continue
        if dropped_sep is not None:
            # the aside's closing mark goes with it: "authorities, concerned by X, have" -> "authorities have"
            sep = "" if sep == dropped_sep or {sep, dropped_sep} <= {"—", "–", "--", "-"} else sep
            dropped_sep = None
        kept.append((sep, words))
    return kept


def _drop_time_phrases(tokens: list[str], verb: int | None) -> list[str]:
    if verb is None or len(tokens) < 2:
        return tokens
    head, tail = tokens[:1], _render(tokens[1:])
    tail = _TIME_PHRASE.sub("", tail)
    tail = re.sub(r"\s+([,;:])", r"\1", " ".join(tail.split()))
    return head + _tokens(tail)


def _cuts(tokens: list[str], verb: int | None, before_of: bool = False) -> list[list[str]]:
    """The variant cut at each phrase boundary after its main verb, longest first; with
    `before_of`, the cuts before "of" only (a weaker boundary: "inspections | of cargo trucks")."""
    start = (verb + 1) if verb is not None else 3
    # no cut inside a clause the sentence opens after its verb ("people who are keen")
    end = next((i + 1 for i in range(start, len(tokens)) if _bare(tokens[i]) in CLAUSE_OPENERS), len(tokens))
    out = []
    for i in range(min(end, len(tokens) - 1), start - 1, -1):
        t = tokens[i]
        b = _bare(t)
        prev = tokens[i - 1]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if before_of:
            if b == "of" and _bare(prev) not in FUNCTION_WORDS:
                out.append(tokens[:i])
            continue
        boundary = (
            t in _SEPARATORS
            # "of" binds its phrase to the noun before it: "a series | of meetings" is a weak boundary
            or (b in PREPOSITIONS and b != "of") or b in CONJUNCTIONS or b in SUBORDINATORS
            or b in RELATIVES or b == "to"
            # a participle taking an object ("issues | facing the nation"), not a modifier ("state trading companies")
            or (_participle(t) and b.endswith("ing") and prev not in _SEPARATORS and not _participle(prev)
                and _bare(prev) not in FUNCTION_WORDS
                and (_bare(nxt) in FUNCTION_WORDS or nxt[:1].isupper() or nxt[:1].isdigit()))
        )
        if boundary:
            out.append(tokens[:i])
    return out


def _subject_reductions(tokens: list[str], verb: int | None) -> list[tuple[bool, list[str]]]:
    """Drop prepositional phrases from the subject: "A wholesaler of X in Y was arrested" gives
    "A wholesaler of X was arrested" and "A wholesaler in Y was arrested"."""
    if verb is None or verb < 3:
        return []
    subject = tokens[:verb]
    if _bare(subject[0]) in INTRO_WORDS or subject[0] in _SEPARATORS:
        return []
    out = []
    # a name's possessive before another name: "in North Korea’s Pyongsong Market" -> "in Pyongsong Market"
    trimmed, i = [], 0
    while i < len(subject):
        j = i
        while j < len(subject) and subject[j][:1].isupper() and not subject[j].endswith(("’s", "'s")):
            j += 1
        if (j < len(subject) and j + 1 < len(subject) and subject[j][:1].isupper()
                and subject[j].endswith(("’s", "'s")) and subject[j + 1][:1].isupper() and i > 0
                and _bare(subject[i - 1]) in PREPOSITIONS | DETERMINERS):
            i = j + 1
            continue
        trimmed.append(subject[i])
        i += 1
    if trimmed != subject:
        out.append((None, trimmed + tokens[verb:]))
    starts = [i for i in range(1, len(subject)) if _bare(subject[i]) in PREPOSITIONS]
    for n, s in enumerate(starts):
        # a phrase runs to the next preposition, "of" phrases included ("in the city of Dandong")
        for e in [*(e for e in starts[n + 1:] if _bare(subject[e]) != "of"), len(subject)]:
            reduced = subject[:s] + subject[e:]
            if not any(t in _SEPARATORS for t in reduced):  # a list or an aside is dropped whole or kept
                out.append((_bare(subject[s]) == "of", reduced + tokens[verb:]))
    return out


# --- choosing ----------------------------------------------------------------------------

def _finish(tokens: list[str]) -> str:
    while tokens and (tokens[-1] in _SEPARATORS or tokens[-1] in ("i.e.", "e.g.")):
        tokens = tokens[:-1]
    while tokens and tokens[0] in _SEPARATORS:
        tokens = tokens[1:]
    text = _render(tokens).strip()
    text = re.sub(r"[.…]+$", "", text).rstrip(" ,;:")
    text = _balance_quotes(text)
    m = re.search(r"[^\W\d_]", text)
    if m and text[m.start():].split(" ", 1)[0].islower():
        text = text[: m.start()] + text[m.start()].upper() + text[m.start() + 1:]
    return text


def _balance_quotes(text: str) -> str:
    if text.count("“") > text.count("”"):
        last = text.rfind("“")
        text = text[:last] + text[last + 1:]
    if text.endswith("”") and text.count("”") > text.count("“"):
        text = text[:-1]
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + text[last + 1:]
    return text.rstrip()


def ends_well(title: str) -> bool:
    """No function word, separator or ellipsis at the end."""
    if not title or title.endswith(("…", "...", ",", ";", ":", "-", "—", "–")):
        return False
    words = title.split()
    last = _bare(words[-1])
    if last in FUNCTION_WORDS or words[-1].endswith(("’s", "'s", "s’")):
        return False
    if len(words) > 1:
        before = _bare(words[-2])
        if (before, last) in BOUND_ENDINGS:
            return False
        # "after banning", "to discuss": a verb left without what it governs
        if before in PREPOSITIONS and last.endswith("ing") and words[-1][:1].islower() and before != "to":
            return False
        if before == "to" and words[-1][:1].islower() and last.isalpha() and len(words) > 2:
            return False
    return True


def fits(title: str, limit: int = MAX_CHARS) -> bool:
    return len(title) <= limit and ends_well(title)


def _overlap(title: str, hint: frozenset[str]) -> int:
    return len(hint & {_stem(w) for w in re.findall(r"[\w’'-]+", title)})


def headline(sentence: str, hint: frozenset[str] = frozenset(), limit: int = MAX_CHARS,
             language: str = "en") -> str:
    """The headline of one (first) sentence, at most `limit` characters (see the module's text).
    A sentence with nothing to take (only punctuation, say) is given back as it is."""
    whole = " ".join(sentence.split())
    title = _headline(whole, hint, limit, language) if whole else ""
    if title and re.search(r"\w", title):
        return title
    return whole[:limit].rstrip() or whole


def _headline(whole: str, hint: frozenset[str], limit: int, language: str) -> str:
    text = re.sub(r"[.…]+$", "", whole).strip()
    if not text:
        return ""
    text = _strip_brackets(_strip_dateline(text)) or text
    if not language.lower().startswith("en"):
        return _plain_cut(_tokens(text), limit)

    units = _units(_tokens(text))
    previous = None
    while previous != units and units:
        previous = units
        units = _drop_trailing_attributions(units)
        units = _drop_intro(units)
        framed = _strip_frames(_render(_join(units)))
        if framed != _render(_join(units)):
            units = _units(_tokens(framed))
    base = _drop_frame_adverbs(_join(units))

    asides = _join(_rejoin(_drop_asides(_units(base))))
    timed = _drop_time_phrases(asides, _first_verb(asides))
    variants = [base, asides, timed]
    reduced = [r for v in variants for r in _subject_reductions(v, _first_verb(v))]

    # (tier, order, text): whole variants first, each taking a little more away; then the
    # variants cut at a phrase boundary, longest cut first, and before "of" only after those;
    # then, when the subject alone is too long, the variants without a phrase of the subject,
    # keeping the most words (a phrase of "of", "threat of war", goes last: it is more often
    # the subject's sense)
    candidates: list[tuple[int, int, str]] = [(0, 0, _finish(v)) for v in variants]
    candidates += [(1, 0, _finish(c)) for v in variants for c in _cuts(v, _first_verb(v))]
    candidates += [(2, 0, _finish(c)) for v in variants for c in _cuts(v, _first_verb(v), before_of=True)]
    for of_phrase, r in reduced:
        texts = [_finish(r)] + [_finish(c) for c in _cuts(r, _first_verb(r))]
        tier = 3 if of_phrase is None else 5 if of_phrase else 4  # a possessive goes before a phrase
        candidates += [(tier, -len(t), t) for t in texts]
    ranked = []
    seen = set()
    for order, (tier, length, c) in enumerate(candidates):
        if c in seen or not fits(c, limit):
            continue
        seen.add(c)
        ranked.append((-_overlap(c, hint) if hint else 0, tier, length, order, c))
    if ranked:
        return min(ranked)[-1]
    for v in variants:  # no phrase boundary: the longest run of whole words that ends well
        title = _plain_cut(v, limit)
        if fits(title, limit):
            return title
    return _plain_cut(_tokens(text), limit)


def _plain_cut(tokens: list[str], limit: int) -> str:
    """The last resort: the longest run of whole words from the start that fits and ends well."""
    for i in range(len(tokens), 0, -1):
        title = _finish(tokens[:i])
        if len(title) <= limit and (ends_well(title) or i == 1):
            return title
    return _finish(tokens[:1])[:limit]
