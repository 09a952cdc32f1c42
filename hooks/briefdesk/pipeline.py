"""The whole pipeline, independent of MkDocs: source folder in, pages and exports out.
This module is the sequence of the stages (``build_corpus``); the render stage's driver is
`rendering`, the build's settings `settings`.

    corpus = build_corpus(Settings(...))
    corpus.pages   -> {source path: Markdown}   (briefings, listings)
    corpus.assets  -> {site path: text}         (exports, redirects, report)
    corpus.heads   -> {source path: HTML}       (each page's extra <head> tags)

With ``Settings.pages_dir`` these three are written to that folder as they are rendered,
one pack file each (output.PackPages, read back on demand); without it they are dicts in
memory.

Between builds given the same build cache (``cache.BuildCache``: `mkdocs serve`'s
adapter keeps one), unchanged work is not done again: source files whose size and
modification time did not change are not reread (read.py); articles are not cleaned and
described again (keyed by their content, metadata and the cleaning rules) nor labelled
again; related briefings tokenise only the texts that changed (related.py); with a pages
folder, a briefing whose inputs did not change is not rendered again and its files in the
pages folder are kept as they are, together with its lines in the archive's exports and
citation files, and the listing entries and feed entries made from it are reused
(output.Memo). Every such piece is keyed by what it is made from, so a rebuild gives the
bytes of a build from nothing. A build given no cache keeps nothing.

Each stage returns what it made (labels, URLs, versions, related lists: values by
briefing id) and ``build_corpus`` composes the briefing the later stages read from the
described one (``_published``, with ``Briefing.evolve``: ``dataclasses.replace``, faster);
a ``Briefing`` is frozen, so the described briefings the build cache keeps for the next
build are never written into.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from typing import Mapping

from . import parallel
from .cache import BuildCache
from .labels import pricedata, taxonomy
from .model import Briefing, Labels, Refusal, RefusedError, VersionInfo
from .pages import listing
from .publishing import versions
from .publishing.registry import Registry
from .rendering import Corpus, Rendering
from .settings import Settings
from .source.clean import CleanRules, clean_article, load_rules, recurring_by_article
from .source.describe import describe
from .source.read import discover


def _settle() -> None:
    """What the stages so far made lives to the end of the build: take it out of the
    cyclic garbage collector's view (build_corpus gives it back at the end). At 100,000
    briefings each full collection walked every object made so far, seconds each, in
    whichever stage it happened to fall."""
    gc.freeze()


def _rules(settings: Settings, cache: BuildCache) -> tuple[CleanRules, str]:
    path = settings.editorial_dir / "boilerplate.yml"
    rules = cache.editorial_data(("rules", str(path)), path.stat().st_mtime, lambda: load_rules(path))
    return rules, hashlib.sha256(path.read_bytes()).hexdigest()


def _describe_key(article, rules_digest: str, settings: Settings, recurring: frozenset[str],
                  pricing_digest: str) -> str:
    """Cache key: the article's text and metadata, the cleaning rules, the language,
    which of its lines its outlet's other articles make boilerplate, and the goods and
    gazetteer its prices are read with."""
    return hashlib.sha256(
        "\0".join(
            [article.content_hash, json.dumps(article.metadata, sort_keys=True), rules_digest,
             settings.default_language, article.source_file, pricing_digest, *sorted(recurring)]
        ).encode()
    ).hexdigest()


# How many articles one job of the describe map cleans and describes before it reads
# their prices. Read right after its own article was described, extraction ran with its
# patterns and vocabularies pushed out of the processor's caches by the cleaning, and
# cost a quarter to a third more processor time than read back to back (2,000 generated
# articles, one process: 0.44-0.48 against 0.35 ms a briefing; after sixteen: 0.38 ms).
# The outcomes are the same, in the same order.
_DESCRIBE_BATCH = 16


def _describe_job(jobs) -> list[Briefing | str]:
    """Clean and describe some articles, then read their prices; a refusal comes back as its reason."""
    described: list[Briefing | str] = []
    for article, rules, language, recurring, _pricing in jobs:
        try:
            described.append(describe(article, clean_article(article, rules, recurring), language))
        except RefusedError as exc:
            described.append(exc.reason)
    out: list[Briefing | str] = []
    for b, job in zip(described, jobs):
        if isinstance(b, Briefing):
            found, left_out = pricedata.extract_for(b, job[4])
            b = b.evolve(prices=found, prices_left_out=left_out)
        out.append(b)
    return out


def build_corpus(settings: Settings, background: bool = False, cache: BuildCache | None = None) -> Corpus:
    """Read, clean, describe, label, link and render. With ``background`` the render is
    only planned: ``corpus.rendering`` knows every page to come and makes them when
    started (see Rendering); its time is then ``timings["render in background"]``.
    ``cache``: what the last build given it kept, and where this one keeps its work for the
    next (incremental builds, `mkdocs serve`); without one the build keeps nothing."""
    try:
        return _build_corpus(settings, background, cache)
    finally:
        gc.unfreeze()  # what the build let go of may be collected again (`mkdocs serve` builds again)


def _build_corpus(settings: Settings, background: bool, given: BuildCache | None) -> Corpus:
    timings: dict[str, float] = {}
    cache = given if given is not None else BuildCache()  # a one-off build's own, dropped with it
    t0 = time.perf_counter()
    result = discover(settings.source_dir, cache.files if given is not None else None)
    files_seen = result.files_seen
    timings["read"] = time.perf_counter() - t0
    _settle()

    t0 = time.perf_counter()
    rules, rules_digest = _rules(settings, cache)
    refusals = list(result.refusals)
    described: list[Briefing] = []
    recurring = recurring_by_article(result.articles, rules, cache.recurring if given is not None else None)
    pricing = pricedata.pricing(settings.editorial_dir, *taxonomy.load_vocabulary(settings.editorial_dir, cache),
                                cache)
    keys = [_describe_key(a, rules_digest, settings, r, pricing.digest) for a, r in zip(result.articles, recurring)]
    known = cache.described
    misses = [i for i, key in enumerate(keys) if key not in known]
    jobs = [(result.articles[i], rules, settings.default_language, recurring[i], pricing) for i in misses]
    batches = [jobs[i:i + _DESCRIBE_BATCH] for i in range(0, len(jobs), _DESCRIBE_BATCH)]
    # a pool for as many articles as before: the threshold is in articles, not batches
    many = 1 if len(jobs) >= parallel.MIN_ITEMS else len(batches) + 1
    fresh = [x for batch in parallel.ordered_map(_describe_job, batches, min_items=many) for x in batch]
    for i, outcome in zip(misses, fresh):
        if isinstance(outcome, Briefing):
            known[keys[i]] = outcome
        else:
            refusals.append(Refusal(result.articles[i].source_file, outcome))
    for article, key in zip(result.articles, keys):
        if key in known:
            # the described briefing is shared with the cache and never changed: this build's
            # own is a copy with the bytes read now (the key is of the text)
            described.append(known[key].evolve(git_blob=article.git_blob))
    timings["clean+describe+prices"] = time.perf_counter() - t0
    _settle()

    registry = Registry.load(settings.registry_path, cache.registry if given is not None else None)
    briefings = _drop_duplicate_ids(described, refusals, registry)
    t0 = time.perf_counter()
    labels = taxonomy.classify_all(briefings, settings.editorial_dir, refusals, cache)
    briefings = [b for b in briefings if b.id in labels]  # the others were refused
    timings["classify"] = time.perf_counter() - t0
    _settle()
    metadata_files = dict(result.metadata_files)
    refused_sources = {r.source_file for r in refusals}
    for side, art in list(metadata_files.items()):
        if art in refused_sources:
            del metadata_files[side]
            refusals.append(Refusal(side, f"metadata for {art}, which was refused"))
            refused_sources.add(side)

    t0 = time.perf_counter()
    assignment = registry.assign(briefings, lambda slug: f"{listing.ALL_URL}{slug}/", refused_sources)
    briefings = [b for b in briefings if b.id in assignment.urls]
    tracked, version_warnings = versions.track(registry, briefings, settings.source_dir,
                                               settings.registry_path.parent / "versions", rules, rules_digest,
                                               settings.default_language, cache.earlier)
    briefings.sort(key=Briefing.sort_key)
    briefings = _published(briefings, labels, assignment.urls, tracked)
    timings["registry"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    related = taxonomy.link_related(briefings, settings.editorial_dir, cache if given is not None else None)
    briefings = [b.evolve(related=related[b.id]) for b in briefings]
    parallel.give_back_memory()
    timings["related"] = time.perf_counter() - t0
    _settle()

    corpus = Corpus(
        briefings=briefings,
        refusals=sorted(refusals, key=lambda r: r.source_file),
        metadata_files=metadata_files,
        registry=registry,
        assignment=assignment,
        timings=timings,
        files_seen=files_seen,
        warnings=version_warnings,
        cache=cache,
    )
    t0 = time.perf_counter()
    if background:
        corpus.rendering = Rendering(corpus, settings, cache, incremental=given is not None)  # the caller starts it
    else:
        Rendering(corpus, settings, cache, incremental=given is not None).run()
        parallel.give_back_memory()
    timings["render"] = time.perf_counter() - t0
    return corpus


def _published(briefings: list[Briefing], labels: Mapping[str, Labels], urls: Mapping[str, str],
               tracked: Mapping[str, VersionInfo]) -> list[Briefing]:
    """The briefings (sorted, newest first) with what classify, the registry and versions
    made of them, and the briefings before and after each in that order; each earlier
    version's briefing with the current one's URL, topics and places."""
    none = VersionInfo()
    out = []
    for i, b in enumerate(briefings):
        neighbours = {}
        if i > 0:
            newer = briefings[i - 1]
            neighbours["newer"] = {"url": urls[newer.id], "title": newer.title}
        if i + 1 < len(briefings):
            older = briefings[i + 1]
            neighbours["older"] = {"url": urls[older.id], "title": older.title}
        la, info, url = labels[b.id], tracked.get(b.id, none), urls[b.id]
        earlier = tuple(ob.evolve(url=url, topics=list(la.topics), regions=list(la.regions)) for ob in info.earlier)
        out.append(b.evolve(topics=list(la.topics), regions=list(la.regions), actors=list(la.actors),
                           url=url, version=info.version, revised=info.revised,
                           versions=list(info.versions), earlier=earlier, neighbours=neighbours))
    return out


def _drop_duplicate_ids(described: list[Briefing], refusals: list[Refusal], registry: Registry) -> list[Briefing]:
    """Two files claiming one id: the one the registry knows keeps it; otherwise none does."""
    by_id: dict[str, list[Briefing]] = {}
    for b in described:
        by_id.setdefault(b.id, []).append(b)
    kept: list[Briefing] = []
    for bid, group in by_id.items():
        if len(group) == 1:
            kept.append(group[0])
            continue
        entry = registry.entries.get(bid)
        owner = next((b for b in group if entry and b.source_file == entry.source_file), None)
        names = ", ".join(sorted(b.source_file for b in group))
        for b in group:
            if b is owner:
                kept.append(b)
            else:
                refusals.append(Refusal(b.source_file, f"id {bid} is claimed by several files ({names}); give each its own 'id'"))
    return kept
