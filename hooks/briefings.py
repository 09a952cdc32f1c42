"""MkDocs hooks: a thin adapter that runs the briefing pipeline from MkDocs events.

on_startup     note whether this is `mkdocs serve`: then one build cache (briefdesk.cache) is
               kept here for all its builds, so a rebuild redoes only what an edit changed;
               under `serve --dirty`, no false warning about the first build (_FirstDirtyBuild)
on_config      settings from mkdocs.yml (`extra.briefdesk`)
on_pre_build   run the pipeline up to the render (`mkdocs serve`: the render too); warn
               (one line a file) about every refused source file; stop before site/ is
               emptied when a published URL would be lost, or when --strict and anything
               was refused
on_files       add the generated pages and exports to the build (read from the build cache's pack
               files, nothing in docs/); hand-written pages with placeholders (the home
               page) are filled in there too, so `mkdocs serve --dirty` sees when they
               change. `mkdocs build` starts the render here: the pages are made in a worker
               process in the order MkDocs reads them, while MkDocs renders those made
on_env         wait for the exports made last, before MkDocs copies them; under `mkdocs serve`,
               the theme's templates compiled once for all builds (_TemplateCode)
on_page_read_source  a generated page is handed over as the pipeline's worker made it for
                  MkDocs (pipeline.Settings.mkdocs_pages, render.for_mkdocs): the front matter
                  the templates read, and only the page's headings (and any other Markdown)
                  to convert, each run of HTML blocks a placeholder paragraph
on_page_markdown  that page's front matter; a page whose headings the render worker converted
                  with MkDocs' own Page.render (_conversion) is not converted again
on_page_content   first (before any plugin) put the HTML blocks in place of their
                  placeholders; last, park the page's HTML in a temporary file until the page is written, and
                  drop its Markdown: MkDocs would otherwise hold the whole site in memory;
                  hand a briefing's HTML to the search index, which indexes a part of the
                  briefings (on the second core) as soon as all its briefings are rendered
on_page_context   take the HTML back; hand each briefing page its citation and preview tags
on_post_page      drop the page's HTML once it is written; once the last page of a part of
                  the search index is written, Pagefind indexes that part (on the second
                  core, while MkDocs writes the next part's pages)
on_post_build  record new URLs in the committed registry; log the account of the files;
               index the parts left and wait for them (under `mkdocs serve`: in the
               background)
on_serve       watch the source articles and the editorial data; watch with the system's
               notifications (inotify) instead of MkDocs' polling (serve_watch.py)
"""

from __future__ import annotations

import copy
import functools
import gc
import json
import logging
import os
import sys
import threading
from pathlib import Path

from jinja2 import BytecodeCache
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import is_markdown_file

_HOOKS = Path(__file__).resolve().parent
if str(_HOOKS) not in sys.path:
    sys.path.insert(0, str(_HOOKS))

from briefdesk.pages import home  # noqa: E402
from briefdesk.built import publish  # noqa: E402
from briefdesk.pages import render  # noqa: E402
from briefdesk.built import search  # noqa: E402
from briefdesk import sitetree  # noqa: E402
from briefdesk.cache import BuildCache  # noqa: E402
from briefdesk.source.clean import RulesError  # noqa: E402
from briefdesk.output import FolderPages, PackPages  # noqa: E402
from briefdesk.pipeline import Corpus, Settings, build_corpus  # noqa: E402
from briefdesk.publishing.registry import RegistryError  # noqa: E402
from briefdesk.built.spool import Spool  # noqa: E402
from serve_watch import use_native_observer  # noqa: E402,F401 (on_serve; tests call it here)

# Under the "mkdocs" namespace, so that `mkdocs build --strict` counts these warnings.
log = logging.getLogger("mkdocs.hooks.briefings")

# What the adapter keeps between MkDocs events and, under `mkdocs serve`, between builds:
# the build cache, the settings, the corpus, the search index being made
_state: dict[str, object] = {}


def on_startup(command, dirty):
    _state["serving"] = command == "serve"
    if command == "serve":
        _state["cache"] = BuildCache()  # one for every build of this server (incremental rebuilds)
    if command == "serve" and dirty:
        _quiet_dirty_warning()


_DIRTY_WARNING = "A 'dirty' build is being performed"


class _FirstDirtyBuild(logging.Filter):
    """`make serve` runs `mkdocs serve --dirty`, and MkDocs warns that a dirty build may
    leave navigation and links stale. Its first build goes to a new, empty folder (serve's
    temporary site), so every page is built: the warning is false there, and is dropped.
    MkDocs logs a message once only (its DuplicateFilter on this logger), so the rebuilds,
    which are incremental by design (README), print nothing more either."""

    def filter(self, record: logging.LogRecord) -> bool:
        first_build = not _state.get("builds")
        return not (first_build and record.levelno == logging.WARNING and str(record.msg).startswith(_DIRTY_WARNING))


def _quiet_dirty_warning() -> None:
    build_log = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _FirstDirtyBuild) for f in build_log.filters):
        build_log.addFilter(_FirstDirtyBuild())


class BriefdeskConfig(base.Config):
    """`extra.briefdesk` in mkdocs.yml, declared and validated as MkDocs validates its own
    configuration (types, defaults); a key it does not declare is an error naming it."""

    default_language = c.Type(str, default="en")
    per_page = c.Type(int, default=50)
    home_latest = c.Type(int, default=10)
    cache_dir = c.Type(str, default=".cache/briefdesk")  # relative to mkdocs.yml
    search_part_size = c.Type(int, default=search.PART_SIZE)


def briefdesk_config(raw: object, config_file_path: str | None = None) -> BriefdeskConfig:
    """The validated `extra.briefdesk`; a PluginError (one line, naming the key) if it is wrong."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise PluginError(f"extra.briefdesk: expected a mapping of settings, got {type(raw).__name__}")
    cfg = BriefdeskConfig(config_file_path=config_file_path)
    cfg.load_dict(raw)
    errors, _warnings = cfg.validate()
    unknown = sorted(str(k) for k in raw if k not in cfg._schema_keys)
    if unknown:
        known = ", ".join(sorted(cfg._schema_keys))
        raise PluginError(f"extra.briefdesk: unknown key {', '.join(repr(k) for k in unknown)} (known: {known})")
    if errors:
        key, exc = errors[0]
        raise PluginError(f"extra.briefdesk.{key}: {exc}")
    return cfg


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    briefdesk_config(config.extra.get("briefdesk"), config.config_file_path)  # fails on a wrong key
    # the same settings `python -m hooks.briefdesk export-site` makes from mkdocs.yml
    settings = sitetree.settings_from_config(root, config.site_url, config.site_name, config.extra,
                                             mkdocs_pages=True)
    _state["settings"] = settings
    _state["part_size"] = sitetree.part_size(config.extra)
    return config


def on_pre_build(config):
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    try:
        # `mkdocs build`: the pages are made while MkDocs renders those made already
        corpus = build_corpus(settings, background=not _serving(), cache=_state.get("cache"))  # type: ignore[arg-type]
    except (RulesError, RegistryError) as exc:
        raise PluginError(f"briefings: {exc}") from None
    _state["corpus"] = corpus
    if _serving():
        gc.freeze()  # see _collect_when_idle
    for refusal in corpus.refusals:
        log.warning("Source file refused: %s", refusal.message())
    for warning in corpus.warnings:
        log.warning("Versions: %s", warning)
    if corpus.errors:
        for error in corpus.errors:
            log.error("URL registry: %s", error)
        raise PluginError(
            f"briefings: {len(corpus.errors)} published URL(s) would break; site/ was left as it was"
        )
    # the 404 page (a theme template, served at any depth) lists the topics
    config.extra["bd_topics"] = sitetree.topics_404(corpus, settings)
    if config.strict and (corpus.refusals or corpus.warnings):
        raise Abort(
            f"Aborted in strict mode: {len(corpus.refusals)} source file(s) refused (see the warnings above); "
            "site/ was left as it was"
        )


def on_files(files: Files, config):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    pages = corpus.pages
    assert isinstance(pages, PackPages)
    _fill_placeholders(files, config, corpus, settings)
    rendering = corpus.rendering  # None: every page is made already (`mkdocs serve`)
    sources = rendering.page_sources if rendering is not None else list(pages)
    generated = [PackedFile(src, pages, config, inclusion=InclusionLevel.NOT_IN_NAV) for src in sorted(sources)]
    # MkDocs writes pages in this order: the briefing pages Pagefind reads go first, part by
    # part of the search index, so that each part is indexed while MkDocs writes the next
    # part's pages and the listings (see on_post_page)
    index = search.PartedIndex(Path(config.site_dir), search.plan_parts(corpus.briefings, _state["part_size"]), log)
    last = len(index.parts)
    generated.sort(key=lambda f: (p if (p := index.part_of(f.dest_uri)) is not None else last))
    for f in generated:
        if files.get_file_from_path(f.src_uri) is not None:
            raise PluginError(f"briefings: docs/{f.src_uri} collides with a generated page; remove it from docs/")
        files.append(f)  # MkDocs reads the page from the pack when it renders it
    _stop_index()
    _state["index"] = index
    assets = corpus.assets
    assert isinstance(assets, PackPages)
    for dest in sorted(rendering.asset_sources if rendering is not None else assets):
        files.append(PackedFile(dest, assets, config))  # written from the pack into the site
    _state["page_count"] = len(generated)
    if rendering is not None:  # in the order MkDocs reads them; a page not made yet is waited for
        rendering.start(order=[f.src_uri for f in generated], convert=_conversion(config, files))
    return files


def _conversion(config, files: Files):
    """MkDocs' own conversion of a generated page's headings, for the render workers:
    `Page.render` with this build's configuration (its Markdown extensions) and files, on a
    page of its own (a copy of the file: the real one keeps its page). What it returns
    stands in for MkDocs' conversion in its loop (_take_conversion). The links it notes for
    MkDocs to check are the headings' permalinks, to the page itself; a page with a link
    to another (none of the pages handed over has one) is left to MkDocs."""

    def convert(src: str, markdown: str) -> dict | None:
        file = files.get_file_from_path(src)
        if file is None:
            return None
        own = copy.copy(file)
        page = Page(None, own, config)
        page.markdown = markdown
        page.render(config, files)
        links = page.links_to_anchors
        if links is not None and any(target is not own for target in links):
            return None
        return {"content": page.content, "toc": _toc_tokens(page.toc), "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "own_links": None if links is None else dict(links.get(own, {}))}

    return convert


def _toc_tokens(items) -> list[dict]:
    """A table of contents as the tokens `get_toc` makes it from."""
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _toc_tokens(a.children)} for a in items]


def _take_conversion(page, made: dict, config, files) -> None:
    """`Page.render` for a page the render worker converted (_conversion): what MkDocs'
    conversion would have set."""
    page.__dict__.pop("render", None)  # this call's partial, which holds the page's HTML: let go of both
    done = made.pop("converted")
    page.content = made.pop("html")
    page.toc = get_toc(done["toc"])
    page._title_from_render = done["title"]
    page.present_anchor_ids = set(done["anchors"])
    if done["own_links"] is not None:
        page.links_to_anchors = {page.file: dict(done["own_links"])} if done["own_links"] else {}


class _TemplateCode(BytecodeCache):
    """The theme's templates compiled once for all the builds of `mkdocs serve`: MkDocs makes
    a new Jinja environment each build, which would parse and compile every template again
    (keyed by the template's name and text: an edited template is compiled anew)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def on_env(env, config, files: Files):
    """MkDocs has read every page (so every briefing is rendered) and copies the exports
    next: wait for the last of them, the archive-wide files made from every briefing.
    Under `mkdocs serve`, the templates compiled in the first build are reused."""
    if _serving() and env.bytecode_cache is None:
        env.bytecode_cache = _state.setdefault("template_code", _TemplateCode())
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    if corpus.rendering is not None:
        try:
            corpus.rendering.wait()
        except Exception as exc:
            raise PluginError(f"briefings: rendering failed: {exc}") from exc
    return env


class PackedFile(File):
    """A generated page or export, read from the pipeline's pack file when MkDocs needs it
    (output.PackPages). Like a file on disk, it is "modified" for `mkdocs serve --dirty`
    only when its bytes changed since the last build, or its output is missing."""

    def __init__(self, src: str, pack: PackPages, config, inclusion=InclusionLevel.UNDEFINED) -> None:
        super().__init__(src, None, config.site_dir, config.use_directory_urls, inclusion=inclusion)
        self._pack = pack
        # asked of every file, many times a build (Files' documentation_pages(), static files,
        # the dest path): once here, not from the name each time
        self._is_page = is_markdown_file(self.src_uri)

    def is_documentation_page(self) -> bool:
        return self._is_page

    @property
    def content_bytes(self) -> bytes:
        try:
            return self._pack.read_bytes(self.src_uri)
        except RuntimeError as exc:  # the render failed: say so in one line
            raise PluginError(f"briefings: {exc}") from None

    @property
    def content_string(self) -> str:
        return self.content_bytes.decode("utf-8-sig")

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        output_path = self.abs_dest_path
        os.makedirs(os.path.dirname(output_path), exist_ok=True)
        data = self.content_bytes
        with open(output_path, "wb") as f:
            f.write(data)

    def is_modified(self) -> bool:
        try:
            changed = self._pack.changed(self.src_uri)
        except RuntimeError as exc:
            raise PluginError(f"briefings: {exc}") from None
        return changed or not os.path.isfile(self.abs_dest_path)


def _fill_placeholders(files: Files, config, corpus: Corpus, settings: Settings) -> None:
    """Hand-written pages that use placeholders are filled in into the cache folder and
    built from there; a filled page is rewritten only when its text changes."""
    filled = FolderPages(settings.pages_dir, "filled")
    for f in list(files.documentation_pages()):
        if f.generated_by is not None or f.abs_src_path is None:
            continue
        text = f.content_string
        new = home.fill_placeholders(text, f.src_uri, corpus, settings)
        if new == text:
            continue
        filled.put(f.src_uri, new)
        files.remove(f)
        files.append(File(f.src_uri, str(filled.folder), config.site_dir, config.use_directory_urls,
                          inclusion=f.inclusion))
    filled.finish()


def on_page_read_source(page, config):
    """A generated page as the pipeline made it for MkDocs: its headings (and any other
    Markdown) to convert, and its HTML blocks, put back in on_page_content. None (MkDocs
    reads the page itself) for the hand-written pages and the few generated ones the split
    is not sure of."""
    corpus = _state.get("corpus")
    if not isinstance(page.file, PackedFile) or not isinstance(corpus, Corpus):
        return None
    try:
        made = corpus.mkdocs_pages.get(page.file.src_uri)
    except RuntimeError as exc:  # the render failed: say so in one line
        raise PluginError(f"briefings: {exc}") from None
    if not made:
        return None
    made = json.loads(made)
    _state.setdefault("made", {})[page.file.src_uri] = made
    return made["markdown"]  # no front matter: MkDocs reads none (on_page_markdown sets it)


def on_page_markdown(markdown, page, config, files):
    made = _state.get("made", {}).get(page.file.src_uri)
    if made is not None:
        page.meta = made["meta"]
        if "html" in made:  # converted by the render worker: MkDocs converts nothing
            page.render = functools.partial(_take_conversion, page, made)
    return markdown


@event_priority(100)
def _fill_blocks(html, page, config, files):
    """Before any plugin sees the page: its HTML blocks in their places, the HTML
    Python-Markdown would have made of the whole page."""
    made = _state.get("made", {}).pop(page.file.src_uri, None)
    if made is None or "blocks" not in made:  # not handed over, or in place already
        return html
    try:
        return render.fill_blocks(html, made["blocks"])
    except ValueError as exc:
        raise PluginError(f"briefings: {page.file.src_uri}: {exc}") from None


# Parking the HTML runs after every plugin's on_page_content and taking it back before any
# plugin's on_page_context, so plugins (Material's search, say) see the page as usual.
@event_priority(-100)
def _park_content(html, page, config, files):
    spool = _state.get("spool")
    if spool is None:
        spool = _state["spool"] = Spool()
    spool.put(page.file.src_uri, html)
    page.markdown = None  # rendered; nothing later reads it
    index = _state.get("index")
    if index is not None and not _serving():
        if page.meta.get("briefing") and not page.meta.get("superseded"):  # what main.html marks for Pagefind
            index.add_page(page.file.dest_uri, html, page.title or "")
        index.poll()  # a part whose briefings are all rendered is indexed now
    return ""


on_page_content = CombinedEvent(_fill_blocks, _park_content)


@event_priority(100)
def on_page_context(context, page, config, nav):
    index = _state.get("index")
    if index is not None and not _serving():
        index.poll()  # the pages written so far may complete a part: index it
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    spool = _state.get("spool")
    if spool is not None and page.file.src_uri in spool:
        page.content = spool.take(page.file.src_uri)
    head = corpus.heads.get(page.file.src_uri)
    if head:
        page.meta["bd_head"] = head
    return context


@event_priority(-100)
def on_post_page(output, page, config):
    page.content = None  # written; do not keep every page's HTML until the build ends
    index = _state.get("index")
    if index is not None:
        index.page_written(page.file.dest_uri)  # MkDocs writes it when this hook returns
    return output


def on_post_build(config):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    _close_spool()
    if corpus.registry.save_if_changed():
        log.info("Updated %s: %d new briefing URL(s)", corpus.registry.path.name, len(corpus.assignment.added))
    log.info(
        "Briefings: read %d source files; published %d briefings (%d pages generated), "
        "%d metadata files, %d refused. Account: data/build-report.json",
        corpus.files_seen,
        len(corpus.briefings),
        _state.get("page_count", 0),
        len(corpus.metadata_files),
        len(corpus.refusals),
    )
    publish.finish_site(config.site_dir)  # sitemap.xml.gz without a timestamp
    _state["builds"] = int(_state.get("builds", 0)) + 1  # see _FirstDirtyBuild
    index = _state.pop("index")
    if _serving():
        # show edits without waiting for the index; the last build's run, if still going, is stopped
        index.finish_in_background(previous=_state.pop("background_index", None))  # type: ignore[arg-type]
        _state["background_index"] = index
        _collect_when_idle()
    else:
        index.finish()  # the parts not indexed yet; the bundles into site/pagefind/<n>/


# seconds after a build of `mkdocs serve` before its garbage is collected (the edit is shown by then)
IDLE_COLLECT_S = 1.0


def _collect_when_idle() -> None:
    """Under `mkdocs serve` the build cache holds millions of objects from build to build,
    and a full run of Python's cyclic garbage collector walks every one: about 0.2 s at
    1,000 briefings, and one fell in every rebuild (the pipeline's gc.freeze() between its
    stages lets the collector forget how many objects live long, so it soon runs in full
    again once build_corpus unfreezes them). So the adapter freezes what the pipeline
    made (on_pre_build) until the build is over, and the full collection runs a moment
    after the build, when the edit is shown and the server idle; what survives it is
    frozen again, so the next rebuild's collections walk only what that build makes.
    Objects no longer used are freed as before (by their reference counts); only cycles
    wait for this collection."""
    timer = _state.pop("collect_timer", None)
    if isinstance(timer, threading.Timer):
        timer.cancel()  # a build ended again before it ran: one collection, after the last
    timer = threading.Timer(IDLE_COLLECT_S, _collect_and_freeze)
    timer.daemon = True
    _state["collect_timer"] = timer
    timer.start()


def _collect_and_freeze() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _close_spool() -> None:
    _state.pop("made", None)
    spool = _state.pop("spool", None)
    if spool is not None:
        spool.close()


def on_build_error(error):
    _close_spool()
    _stop_index()  # the build failed: stop indexing it
    corpus = _state.get("corpus")
    if isinstance(corpus, Corpus) and corpus.rendering is not None:
        corpus.rendering.stop()


def _stop_index() -> None:
    index = _state.pop("index", None)
    if index is not None:
        index.kill()


def _serving() -> bool:
    """True under `mkdocs serve` (from on_startup; MkDocs 1.4+)."""
    return bool(_state.get("serving"))


# `BRIEFDESK_WATCHER=polling mkdocs serve` keeps MkDocs' polling observer: for folders whose
# changes the operating system does not report (some network and virtual machine mounts)
WATCHER_ENV = "BRIEFDESK_WATCHER"


def on_serve(server, config, builder):
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    server.watch(str(settings.source_dir))
    server.watch(str(settings.editorial_dir))
    if os.environ.get(WATCHER_ENV, "").strip().lower() == "polling":
        log.debug("%s=polling: MkDocs' own polling observer watches the files", WATCHER_ENV)
    else:
        use_native_observer(server)
    return server
