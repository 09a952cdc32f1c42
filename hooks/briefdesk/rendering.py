"""The render stage's driver: every page, head and export of one build (``Rendering``),
each briefing's render in worker processes (``_render_briefing``), and the keys by which
an unchanged briefing's render is reused between builds given the same build cache.

``pipeline.build_corpus`` runs the stages before it and hands it the ``Corpus``; with
``background`` the hooks start it beside MkDocs' own page loop (see ``Rendering``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import pickle
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from . import parallel
from .built import publish
from .cache import BuildCache
from .labels import pricedata
from .model import Briefing, Refusal
from .output import Memo, MemoryPages, PackPages
from .pages import cite, citing, export, feeds, listing, price_records, pricepages, render, taxonomy_pages
from .pages.provmap import DEFAULT_CSS
from .pages.record import record_of
from .publishing.registry import Assignment, Registry
from .settings import Settings


@dataclass
class Corpus:
    briefings: list[Briefing]  # newest first
    refusals: list[Refusal]
    metadata_files: dict[str, str]
    registry: Registry
    assignment: Assignment
    pages: Mapping[str, str] = field(default_factory=dict)  # MemoryPages or PackPages
    assets: Mapping[str, str] = field(default_factory=dict)
    heads: Mapping[str, str] = field(default_factory=dict)  # page source path -> extra <head> HTML
    # with Settings.mkdocs_pages: page source path -> the page as MkDocs is handed it (JSON of
    # render.for_mkdocs), or "" when MkDocs reads the page itself
    mkdocs_pages: Mapping[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # problems that do not refuse an article
    timings: dict[str, float] = field(default_factory=dict)
    files_seen: int = 0
    rendering: "Rendering | None" = None  # build_corpus(background=True): the render to start
    cache: BuildCache | None = None  # the build's cache (the one passed, or the build's own)

    @property
    def errors(self) -> list[str]:
        return list(self.assignment.errors)

    def report(self) -> dict[str, Any]:
        published = [{"source_file": b.source_file, "id": b.id, "url": b.url} for b in sorted(self.briefings, key=lambda b: b.source_file)]
        refused = [{"source_file": r.source_file, "reason": r.reason} for r in sorted(self.refusals, key=lambda r: r.source_file)]
        meta = [{"source_file": k, "metadata_for": v} for k, v in sorted(self.metadata_files.items())]
        prices = price_records.report(self.briefings)
        return {
            "files": self.files_seen,
            "published_count": len(published),
            "metadata_count": len(meta),
            "refused_count": len(refused),
            "published": published,
            "metadata": meta,
            "refused": refused,
            "removed_lines": {
                b.source_file: [{"line": r.line, "kind": r.kind, "rule": r.rule, "text": r.text, **({"why": r.why} if r.why else {})}
                                for r in b.clean.removed]
                for b in sorted(self.briefings, key=lambda b: b.source_file)
            },
            "new_urls": sorted(self.assignment.added),
            "renamed": [list(r) for r in self.assignment.renamed],
            "price_observations": prices[0],
            # figures of money the price extraction left out, with the reason, by briefing id
            "price_figures_left_out": prices[1],
        }


def briefing_sources(b: Briefing) -> list[str]:
    """The pages a briefing's render makes: its own, then each earlier version's."""
    return [b.page_path, *(listing.url_to_src(old["url"]) for old in b.versions)]


@dataclass(frozen=True)
class RenderInputs:
    """What every briefing's render reads besides the briefing: the settings and the site
    as the citations take it (with names.yml's lists), read once by the build and handed
    to the render jobs."""

    settings: Settings
    site: dict[str, Any]
    # the engine's own conversion of a page's Markdown (see Rendering.start), or None
    convert: Callable[[str, str], dict[str, Any] | None] | None = None


def _for_mkdocs(pages: dict[str, str], settings: Settings, metas: dict[str, dict] | None = None,
                convert: Callable[[str, str], dict[str, Any] | None] | None = None) -> dict[str, str]:
    """Each page as the MkDocs hooks hand it over (see render.for_mkdocs): made here, in the
    render's worker, so that MkDocs' own loop converts only the pages' headings. ``metas``:
    the briefings' front matter as MkDocs is given it (not read back from the pages).
    ``convert``: the engine's conversion of the Markdown that is left (the headings), run
    here too, so MkDocs' loop converts nothing: the page then carries its finished
    ``html`` (blocks in place) and what the engine's conversion found (``converted``)."""
    if not settings.mkdocs_pages:
        return {}
    made = {src: render.for_mkdocs(text, (metas or {}).get(src)) for src, text in pages.items()}
    if convert is not None:
        for src, m in made.items():
            if m and render.plain_headings(m["markdown"]):
                done = convert(src, m["markdown"])
                if done is not None:
                    blocks = m.pop("blocks")
                    m["html"] = render.fill_blocks(done.pop("content"), blocks)
                    m["converted"] = done
    return {src: json.dumps(m, ensure_ascii=False, separators=(",", ":")) if m else "" for src, m in made.items()}


def _render_briefing(job) -> tuple[tuple[str, ...], dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """One briefing's page, earlier versions, head tags and citation files, its line
    or entry in each of the whole archive's files (briefings.json and .csv, cite/all.*),
    and its pages as MkDocs is handed them. ``job``: (briefing, RenderInputs)."""
    b, inputs = job
    settings, site = inputs.settings, inputs.site
    pages: dict[str, str] = {}
    heads: dict[str, str] = {}
    assets: dict[str, str] = {}
    srcs = briefing_sources(b)
    metas = {srcs[0]: render.front_matter_data(b, record=False)}  # the front matter MkDocs is handed
    facts = record_of(b)  # the one record the front matter, the exports and the citations take their views of
    rec = citing.record(b, settings, facts=facts)
    pages[srcs[0]] = render.render_page(b, citing.box_html(b, site, rec, b.url), render.version_note(b),
                                        canonical=rec["url"], rec=facts)
    heads[srcs[0]] = citing.head_html(b, site, rec)
    assets.update(citing.downloads(b, site, rec))
    entries = (export.json_line(b, settings.site_url, facts), export.csv_row(b, settings.site_url, facts),
               *citing.archive_entry(b, site, rec, assets))
    for old, ob, src in zip(b.versions, b.earlier, srcs[1:], strict=True):  # ob: made by the versions stage
        metas[src] = render.front_matter_data(ob, record=False)
        old_facts = record_of(ob)
        vrec = citing.record(ob, settings, version=old["version"], version_url=old["url"], revised=None,
                             facts=old_facts)
        pages[src] = render.render_page(
            ob, citing.box_html(ob, site, vrec, old["url"], version=old["version"]),
            render.superseded_note(b, old), page_url=old["url"], canonical=vrec["version_url"], rec=old_facts)
        heads[src] = citing.head_html(ob, site, vrec)
        assets.update(citing.downloads(ob, site, vrec, version=old["version"]))
    return entries, pages, heads, assets, _for_mkdocs(pages, settings, metas, inputs.convert)


def _pickled(obj: Any) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    # no memo: with it, the bytes depend on which equal strings happen to be one object
    # (a title shared with a neighbour's link, say), and equal briefings got other keys
    pickler.fast = True
    pickler.dump(obj)
    return buf.getvalue()


def _shared_digest(objs: tuple, used: dict, known: dict) -> bytes:
    """The digest of the objects' pickle, from ``known`` (the build cache's ``digests``:
    ids -> (objects, digest), for the large parts of briefings that builds share and never
    change, cleaned text from the described cache and label dicts from the label cache) when
    the same objects are there: a rebuild pickles only the parts it made anew."""
    ids = tuple(map(id, objs))
    hit = known.get(ids)
    if hit is None or any(a is not b for a, b in zip(hit[0], objs)):
        hit = (objs, hashlib.blake2b(_pickled(objs), digest_size=20).digest())
    used[ids] = hit
    return hit[1]


def _render_key(b: Briefing, settings: Settings, editorial: str, used: dict, known: dict) -> str:
    """Everything a briefing's pages are made from: the briefing as the pipeline left it
    (text, labels, links, neighbours, versions and each earlier version's briefing, so a
    change to an earlier version's text renders again), the settings and the editorial
    data. Related briefings' similarity scores are left out: pages show the list and the
    reasons, not the scores, which move a little for every briefing whenever one changes.
    The cleaned texts and the labels stand in by the digest of their pickle (``used``
    collects the digests this build looked up, ``known`` holds the last build's)."""
    topics, regions, actors = (_shared_digest(tuple(labels), used, known) for labels in (b.topics, b.regions, b.actors))
    earlier = tuple(ob.evolve(clean=_shared_digest((ob.clean,), used, known),
                              topics=_shared_digest(tuple(ob.topics), used, known),
                              regions=_shared_digest(tuple(ob.regions), used, known)) for ob in b.earlier)
    view = b.evolve(clean=_shared_digest((b.clean,), used, known), topics=topics, regions=regions, actors=actors,
                   earlier=earlier, related=[{k: v for k, v in r.items() if k != "score"} for r in b.related])
    return hashlib.blake2b(_pickled((view, settings)) + editorial.encode(), digest_size=20).hexdigest()


def _editorial_digest(editorial_dir: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(editorial_dir.glob("*.yml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _reuse_render(rendered: dict, key: str | None, pages, heads, assets, mkdocs_pages) -> bool:
    hit = rendered.get(key) if key else None
    if hit is None:
        return False
    _, page_srcs, head_srcs, asset_dests = hit
    return (all(pages.keep(s) for s in page_srcs) and all(heads.keep(s) for s in head_srcs)
            and all(assets.keep(s) for s in asset_dests)
            and (mkdocs_pages is None or all(mkdocs_pages.keep(s) for s in page_srcs)))


def render_all(corpus: Corpus, settings: Settings, cache: BuildCache | None = None) -> None:
    """Render every page, handing each to the output as soon as it exists (the pipeline
    does not hold the whole site's Markdown: with a pages folder, neither does memory)."""
    Rendering(corpus, settings, cache, incremental=cache is not None).run()


_JSON_EXPORT, _CSV_EXPORT = "data/briefings.json", "data/briefings.csv"
RENDER_WORKERS = 2  # background render processes (at most one a core: parallel.ordered_imap)


def _render_job(job) -> Any:
    """A briefing's render (see _render_briefing), or a listing page's Markdown."""
    kind, what, inputs = job
    if kind == "briefing":
        return _render_briefing((what, inputs))
    page = what[1]()
    return page, _for_mkdocs({what[0]: page}, inputs.settings, convert=inputs.convert).get(what[0])


class Rendering:
    """The render stage of one build: every page, head and export, each handed to the
    outputs (corpus.pages, .heads, .assets) as soon as it is made.

    Which pages and files there will be is known before any is made (``page_sources``:
    each briefing's, then the listings'; ``asset_sources``), so MkDocs can be given the
    list at once. The exports that need no render (feeds, redirects, the build report)
    are made at once too.
    ``run`` makes them here and now; ``start`` makes them in the background, in one
    worker process fed by a thread, in the order MkDocs will ask for them, while MkDocs
    renders the pages already made (a page not made yet is waited for: PackPages). The
    archive-wide exports are made last: ``wait`` returns when they are all there.

    With ``incremental`` (a build cache was passed: `mkdocs serve`) and a pages folder,
    briefings whose render key did not change are carried over from the last build given
    the cache, and listings reuse their entries (output.Memo)."""

    def __init__(self, corpus: Corpus, settings: Settings, cache: BuildCache | None = None,
                 incremental: bool = False) -> None:
        cache = cache if cache is not None else BuildCache()
        self.corpus, self.settings, self.cache = corpus, settings, cache
        names_path = settings.editorial_dir / "names.yml"
        names = cache.editorial_data(("names", str(names_path)),
                                     hashlib.sha256(names_path.read_bytes()).hexdigest() if names_path.exists() else "",
                                     lambda: cite.load_names(settings.editorial_dir))
        site = citing.site_info(settings, names)
        self.inputs = RenderInputs(settings, site)
        if settings.pages_dir:
            pages = PackPages(settings.pages_dir, "pages", cache.locks)
            assets = PackPages(settings.pages_dir, "assets", cache.locks)
            heads = PackPages(settings.pages_dir, "heads", cache.locks)
            mkdocs_pages = PackPages(settings.pages_dir, "mkdocs", cache.locks) if settings.mkdocs_pages else None
        else:
            pages, heads, assets = MemoryPages(), MemoryPages(), MemoryPages()
            mkdocs_pages = MemoryPages() if settings.mkdocs_pages else None
        corpus.pages, corpus.heads, corpus.assets = pages, heads, assets
        self.mkdocs_pages = mkdocs_pages
        if mkdocs_pages is not None:
            corpus.mkdocs_pages = mkdocs_pages
        self.caching = incremental and isinstance(pages, PackPages)
        if self.caching:
            editorial = _editorial_digest(settings.editorial_dir)
            used: dict = {}
            self.keys = [_render_key(b, settings, editorial, used, cache.digests) for b in corpus.briefings]
            cache.digests.clear()
            cache.digests.update(used)
            self.memo = Memo({b.id: key for b, key in zip(corpus.briefings, self.keys)}, cache.pieces)
        else:
            self.keys = [None] * len(corpus.briefings)
            self.memo = Memo()
        intro = (
            "Every briefing in the archive. Each is one article from the sources, cleaned and "
            "described; see [About](../about.md) for how.\n"
        )
        price_index = pricepages.PriceIndex(corpus.briefings, settings, site, self.memo)
        price_vocab = pricedata.load_vocabulary(settings.editorial_dir, cache)
        self.listings = {
            **listing.paginated_pages("All briefings", intro, listing.ALL_URL, corpus.briefings,
                                      settings.per_page, self.memo),
            **taxonomy_pages.taxonomy_pages(corpus.briefings, settings.editorial_dir, settings.per_page, self.memo,
                                      place_extra=functools.partial(pricepages.place_html, price_index, price_vocab),
                                      cache=cache),
            **pricepages.pages(price_index, price_vocab, settings.per_page),
            **{listing.url_to_src(url): functools.partial(listing.withdrawn_md, bid, reason)
               for url, (bid, reason) in sorted(corpus.assignment.withdrawn.items())},
        }
        self.page_sources = [src for b in corpus.briefings for src in briefing_sources(b)] + list(self.listings)
        if len(set(self.page_sources)) != len(self.page_sources):
            seen: set[str] = set()
            twice = sorted({src for src in self.page_sources if src in seen or seen.add(src)})
            raise ValueError(f"pages made twice: {', '.join(twice[:5])}")
        # made from every briefing's render, at the end
        made_later = [name for b in corpus.briefings
                      for name in citing.download_names(b) + [n for old in b.versions
                                                              for n in citing.download_names(b, old["version"])]]
        made_later += [*citing.ARCHIVE_DOWNLOADS, _JSON_EXPORT, _CSV_EXPORT]
        if isinstance(pages, PackPages):
            pages.expect(self.page_sources)
            if isinstance(mkdocs_pages, PackPages):
                mkdocs_pages.expect(self.page_sources)
            heads.expect(src for b in corpus.briefings for src in briefing_sources(b))
            assets.expect(made_later)
        # the exports that need no render: made now
        assets.update(feeds.feed_files(corpus.briefings, settings, self.memo, cache))
        assets["robots.txt"] = publish.robots_txt(settings)
        for old, new in sorted(corpus.assignment.redirects.items()):
            assets[old + "index.html"] = listing.redirect_html(old, new, settings.site_url)
        for b in corpus.briefings:
            short = f"b/{b.id}/"
            assets[short + "index.html"] = listing.redirect_html(short, b.url, settings.site_url, title=b.title)
        assets["assets/provmap.css"] = DEFAULT_CSS  # the map's colours, light and dark, from one place
        assets["data/build-report.json"] = export.report_json(corpus.report())
        assets[pricedata.PRICES_JSON] = price_index.json()
        assets[pricedata.PRICES_CSV] = price_index.csv()
        self.asset_sources = list(assets) + made_later  # every export and citation file of the build
        self._thread: threading.Thread | None = None
        self._results: Any = None
        self.error: BaseException | None = None

    def _jobs(self, order: list[str] | None) -> list[tuple[str, Any, RenderInputs]]:
        """What is left to make (briefings not carried over, listings), in the order
        their pages are listed in ``order`` (by default: briefings, then listings)."""
        corpus, inputs, rendered = self.corpus, self.inputs, self.cache.rendered
        self._reused = [self.caching and _reuse_render(rendered, key, corpus.pages, corpus.heads, corpus.assets,
                                                       self.mkdocs_pages)
                        for key in self.keys]
        jobs = [("briefing", b, inputs) for b, hit in zip(corpus.briefings, self._reused) if not hit]
        if not self.caching:  # with a Memo to keep, listings are made here (_collect), not in a worker
            jobs += [("page", (src, make), inputs) for src, make in self.listings.items()]
        if order is not None:
            rank = {src: i for i, src in enumerate(order)}
            last = len(rank)
            jobs.sort(key=lambda j: rank.get(j[1].page_path if j[0] == "briefing" else j[1][0], last))
        return jobs

    def start(self, order: list[str] | None = None,
              convert: Callable[[str, str], dict[str, Any] | None] | None = None) -> None:
        """Make everything in the background: worker processes (forked here, one a core),
        fed by a thread; the main thread stays free for MkDocs. MkDocs reads the pages
        faster than one worker makes them (it converts only their headings), so it would
        wait for them on the other core: two workers render while it reads, and are done
        before MkDocs writes the pages, when Pagefind takes the second core."""
        self._started = time.perf_counter()
        if convert is not None:  # the workers convert the pages' headings as the engine would
            self.inputs = dataclasses.replace(self.inputs, convert=convert)
        jobs = self._jobs(order)
        # workers pay here from a hundred jobs: otherwise the thread would take turns with MkDocs
        self._results = parallel.ordered_imap(_render_job, jobs, workers=RENDER_WORKERS,
                                              min_items=min(100, parallel.MIN_ITEMS))
        self._thread = threading.Thread(target=self._run_in_background, args=(jobs,), name="briefdesk-render",
                                        daemon=True)
        self._thread.start()

    def _run_in_background(self, jobs) -> None:
        try:
            self._collect(jobs, self._results)
            parallel.give_back_memory()
            self.corpus.timings["render in background"] = time.perf_counter() - self._started
        except BaseException as exc:  # handed to whoever waits: pages, wait()
            self.error = exc
            for out in (self.corpus.pages, self.corpus.heads, self.corpus.assets, self.mkdocs_pages):
                if isinstance(out, PackPages):
                    out.fail(exc)

    def run(self) -> None:
        """Make everything now (two worker processes for a large corpus)."""
        jobs = self._jobs(None)
        self._collect(jobs, parallel.ordered_imap(_render_job, jobs))

    def wait(self) -> None:
        """Until everything is made; the background's error, if it failed."""
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop making pages (the build failed)."""
        if self._results is not None:
            self._results.close()

    def _collect(self, jobs, results) -> None:
        corpus, memo, rendered = self.corpus, self.memo, self.cache.rendered
        pages, heads, assets = corpus.pages, corpus.heads, corpus.assets
        index = {b.page_path: i for i, b in enumerate(corpus.briefings)}
        entries: list[Any] = [None] * len(corpus.briefings)  # each briefing's line or entry in the archive's files
        for i, hit in enumerate(self._reused):
            if hit:
                entries[i] = rendered[self.keys[i]][0]
        mkdocs_pages = self.mkdocs_pages
        for kind, what, _ in jobs:
            made = next(results)
            if kind != "briefing":
                self._put_page(what[0], *made)
                continue
            briefing_entries, briefing_pages, briefing_heads, briefing_assets, for_mkdocs = made
            i = index[what.page_path]
            for src, text in briefing_pages.items():
                self._put_page(src, text, for_mkdocs.get(src))
            heads.update(briefing_heads)
            assets.update(briefing_assets)
            entries[i] = briefing_entries
            if self.caching:
                rendered[self.keys[i]] = (briefing_entries, list(briefing_pages), list(briefing_heads),
                                           list(briefing_assets))
        results.close()
        if self.caching:  # only what this build rendered or reused
            kept = {key: rendered[key] for key in self.keys}
            rendered.clear()
            rendered.update(kept)
            last, made = self.cache.listings, {}
            for src, make in self.listings.items():
                page = made[src] = make()
                if (last.get(src) is page and pages.keep(src)
                        and (mkdocs_pages is None or mkdocs_pages.keep(src))):
                    continue  # the very text the last build wrote (a page output.Memo kept): nothing to hash
                if mkdocs_pages is not None and pages.unchanged(src, page) and mkdocs_pages.keep(src):
                    pages.put(src, page)  # its form for MkDocs carried over: the same page makes the same
                else:
                    self._put_page(src, page, _for_mkdocs({src: page}, self.settings).get(src))
            last.clear()
            last.update(made)
        assets.update(citing.archive_downloads([e[2:] for e in entries]))
        assets[_JSON_EXPORT] = export.json_lines_array(e[0] for e in entries)
        assets[_CSV_EXPORT] = export.csv_table(e[1] for e in entries)
        del entries
        missing = [src for src in self.asset_sources if src not in assets]
        if missing:
            raise RuntimeError(f"expected files not made: {', '.join(missing[:5])}")
        for out in (pages, heads, assets, memo, *([mkdocs_pages] if mkdocs_pages is not None else [])):
            out.finish()

    def _put_page(self, src: str, page: str, for_mkdocs: str | None) -> None:
        """A page, and first (a reader of the pages waits for the page) its form for MkDocs."""
        if self.mkdocs_pages is not None:
            self.mkdocs_pages.put(src, for_mkdocs or "")
        self.corpus.pages.put(src, page)


def write_pages(corpus: Corpus, out_dir: Path) -> int:
    """Write the generated Markdown pages and assets to a folder (for inspection, or
    for another engine). Returns the number of files written."""
    n = 0
    for rel, text in sorted({**corpus.pages, **corpus.assets}.items()):
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        n += 1
    return n
