"""Describe stage: the metadata of one briefing, from its cleaned text and its editor's
metadata. Nothing is invented: a title not stated is derived from the lede and marked
so; a date neither the text nor the metadata states stays unknown (None)."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pysbd
from pysbd.utils import TextSpan
from slugify import slugify

from . import headline
from ..model import Briefing, CleanText, RefusedError, SourceArticle

WORDS_PER_MINUTE = 200
DERIVED_TITLE_CHARS = headline.MAX_CHARS
SUMMARY_CHARS = 320
_WORD_RE = re.compile(r"\w+(?:[’'-]\w+)*")


# pysbd builds its regular expressions from strings at every call (a few thousand
# different ones over an archive) and leaves the compiling to the `re` module's cache
# of 512 patterns: with a larger one they are compiled once, not again and again.
_RE_CACHE_SIZE = 4096


class _Segmenter(pysbd.Segmenter):
    """pysbd's segmenter, finding where each sentence stands in the text with ``str.find``:
    pysbd compiles a regular expression of every sentence for that (``re.escape(sentence)``
    then ``\\s*``, the first match ending after the sentence before), a sixth of the describe
    stage, and those patterns, each used once, pushed the ones pysbd reuses out of the
    ``re`` module's cache. The same spans: the pattern is the sentence's text, then all
    the whitespace after it (``\\s`` is ``str.isspace``), and a search goes on after the
    end of the match it passed over."""

    def sentences_with_char_spans(self, sentences):
        text = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            if not sent:  # the pattern would be whitespace alone: pysbd's own search
                match = next((m for m in re.finditer(r"\s*", text) if m.end() > prior_end), None)
                if match is not None:
                    spans.append(TextSpan(match.group(), match.start(), match.end()))
                    prior_end = match.end()
                continue
            pos = 0
            while (start := text.find(sent, pos)) >= 0:
                end = start + len(sent)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                pos = end
        return spans


@lru_cache(maxsize=4)
def _segmenter(language: str) -> _Segmenter:
    if getattr(re, "_MAXCACHE", _RE_CACHE_SIZE) < _RE_CACHE_SIZE:
        re._MAXCACHE = _RE_CACHE_SIZE  # a speed setting only: the cache keeps compiled patterns
    try:
        return _Segmenter(language=language, clean=False)
    except ValueError:  # pysbd knows no such language
        return _Segmenter(language="en", clean=False)


def sentences(text: str, language: str = "en", limit: int = 3) -> list[str]:
    """The first `limit` sentences of a paragraph (pysbd knows "Oct." and "U.S.")."""
    head = text[:800]  # titles and summaries need the first sentences only; pysbd is slow
    return list(_segment(language[:2], head)[:limit]) or [head.strip()]


@lru_cache(maxsize=8)
def _segment(language: str, head: str) -> tuple[str, ...]:
    """The sentences of a paragraph's head; a derived title and a derived summary are both
    taken from the first paragraph, which pysbd then segments once, not twice."""
    return tuple(s.strip() for s in _segmenter(language).segment(head) if s.strip())


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary, with an ellipsis when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "…"


def derive_title(lede: str, language: str, source_url: str | None = None) -> str:
    """A headline from the lede's first sentence: its main clause, at most DERIVED_TITLE_CHARS
    characters, never cut mid-phrase (see headline.py). The words of the source address's slug,
    when it spells the original headline, only choose between phrasings of the text."""
    first = sentences(lede, language, 1)[0]
    return headline.headline(first, headline.slug_words(source_url), DERIVED_TITLE_CHARS, language)


def derive_summary(paragraphs: list[str], language: str) -> str:
    if not paragraphs:
        return ""
    parts = sentences(paragraphs[0], language, 2)
    summary = parts[0]
    if len(parts) > 1 and len(summary) + len(parts[1]) + 1 <= SUMMARY_CHARS:
        summary = f"{summary} {parts[1]}"
    return shorten(summary, SUMMARY_CHARS)


SLUG_STOPWORDS = ("a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "its", "is", "was", "were", "has", "have", "been", "that", "this", "as")


def make_slug(title: str, fallback: str) -> str:
    """A readable URL slug: the title's words without filler words, at most 60 characters."""
    slug = slugify(title, max_length=60, word_boundary=True, save_order=True, stopwords=SLUG_STOPWORDS)
    return slug or fallback


def describe(article: SourceArticle, text: CleanText, default_language: str = "en") -> Briefing:
    meta = article.metadata
    paragraphs = text.paragraphs
    if not paragraphs:
        removed_kinds = sorted({r.kind for r in text.removed})
        detail = f" (everything was {', '.join(removed_kinds)})" if removed_kinds else ""
        raise RefusedError(f"no article text left after cleaning{detail}")
    language = meta.get("language", default_language)
    if "title" in meta:
        title, derived = meta["title"], False
    elif text.headline:
        title, derived = text.headline, False
    else:
        # the lede: the first paragraph that is prose (a table row is data, not a sentence)
        lede = next((p for p in paragraphs if not (p.startswith("|") and p.endswith("|"))), paragraphs[0])
        title, derived = derive_title(lede, language, meta.get("source_url")), True
    if "summary" in meta:
        summary, summary_derived = meta["summary"], False
    elif text.standfirst:  # the source's own standfirst under its headline
        summary, summary_derived = text.standfirst, False
    else:
        summary, summary_derived = derive_summary(paragraphs, language), True

    if "date" in meta:
        date, date_source = meta["date"], "metadata"
    elif text.stated_date:
        date, date_source = text.stated_date, "text"
    else:
        date, date_source = None, None

    credit_sources: dict[str, str] = {}
    people: dict[str, list[str]] = {}
    for field_name in ("authors", "translators", "editors"):
        if field_name in meta:
            people[field_name] = list(meta[field_name])
            credit_sources[field_name] = "metadata"
        elif text.credits.get(field_name):
            people[field_name] = list(text.credits[field_name])
            credit_sources[field_name] = "text"
        else:
            people[field_name] = []

    words = sum(count_words(p) for p in paragraphs) + sum(
        count_words(b.text) for b in text.blocks if b.kind == "heading"
    )
    return Briefing(
        id=meta["id"],
        slug=meta.get("slug") or make_slug(title, meta["id"]),
        source_file=article.source_file,
        title=title,
        title_derived=derived,
        summary=summary,
        summary_derived=summary_derived,
        date=date,
        date_source=date_source,
        authors=people["authors"],
        translators=people["translators"],
        editors=people["editors"],
        outlet=meta.get("outlet"),
        source_url=meta.get("source_url"),
        language=language,
        word_count=words,
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        clean=text,
        content_hash=article.content_hash,
        metadata=meta,
        credit_sources=credit_sources,
    )
