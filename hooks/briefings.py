"""MkDocs hooks: a thin adapter that runs the briefing pipeline from MkDocs events.

on_config      settings from mkdocs.yml (`extra.briefdesk`)
on_pre_build   run the pipeline; warn (one line a file) about every refused source file;
               stop before site/ is emptied when a published URL would be lost, or when
               --strict and anything was refused
on_files       add the generated pages and exports to the build (in memory, nothing in docs/)
on_page_markdown  fill the home page's placeholders
on_page_context   hand each briefing page its citation and preview tags for <head>
on_post_build  record new URLs in the committed registry; log the account of the files
on_serve       watch the source articles and the editorial data
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

_HOOKS = Path(__file__).resolve().parent
if str(_HOOKS) not in sys.path:
    sys.path.insert(0, str(_HOOKS))

from briefdesk import home  # noqa: E402
from briefdesk import publish  # noqa: E402
from briefdesk import search  # noqa: E402
from briefdesk.clean import RulesError  # noqa: E402
from briefdesk.pipeline import Corpus, Settings, build_corpus  # noqa: E402
from briefdesk.registry import RegistryError  # noqa: E402
from briefdesk.taxonomy import topic_counts  # noqa: E402

# Under the "mkdocs" namespace, so that `mkdocs build --strict` counts these warnings.
log = logging.getLogger("mkdocs.hooks.briefings")

_state: dict[str, object] = {}


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    opts = dict(config.extra.get("briefdesk") or {})
    settings = Settings.for_project(
        root,
        site_url=config.site_url or None,
        site_name=config.site_name,
        default_language=opts.get("default_language", "en"),
        per_page=int(opts.get("per_page", 50)),
        home_latest=int(opts.get("home_latest", 10)),
    )
    _state["settings"] = settings
    return config


def on_pre_build(config):
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    try:
        corpus = build_corpus(settings)
    except (RulesError, RegistryError) as exc:
        raise PluginError(f"briefings: {exc}") from None
    _state["corpus"] = corpus
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
    config.extra["bd_topics"] = [
        {"url": f"topics/{tid}/", "label": label, "count": n}
        for tid, label, n in topic_counts(corpus.briefings, settings.editorial_dir)
    ]
    if config.strict and (corpus.refusals or corpus.warnings):
        raise Abort(
            f"Aborted in strict mode: {len(corpus.refusals)} source file(s) refused (see the warnings above); "
            "site/ was left as it was"
        )


def on_files(files: Files, config):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    for src, text in sorted(corpus.pages.items()):
        existing = files.get_file_from_path(src)
        if existing is not None:
            raise PluginError(f"briefings: docs/{src} collides with a generated page; remove it from docs/")
        files.append(File.generated(config, src, content=text, inclusion=InclusionLevel.NOT_IN_NAV))
    for dest, text in sorted(corpus.assets.items()):
        files.append(File.generated(config, dest, content=text))
    # MkDocs' files now hold the text: do not keep a second copy through the build
    _state["page_count"] = len(corpus.pages)
    corpus.pages.clear()
    corpus.assets.clear()
    return files


def on_page_markdown(markdown, page, config, files):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    return home.fill_placeholders(markdown, page.file.src_uri, corpus, settings)


def on_page_context(context, page, config, nav):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
    head = corpus.heads.get(page.file.src_uri)
    if head:
        page.meta["bd_head"] = head
    return context


def on_post_build(config):
    corpus: Corpus = _state["corpus"]  # type: ignore[assignment]
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
    if _serving():
        search.index_site_in_background(Path(config.site_dir), log)  # show edits without waiting
    else:
        search.index_site(Path(config.site_dir), log)  # Pagefind's index into site/pagefind/


def _serving() -> bool:
    """True under `mkdocs serve` (MkDocs tells hooks nothing else about the command)."""
    return "serve" in sys.argv[1:3]


def on_serve(server, config, builder):
    settings: Settings = _state["settings"]  # type: ignore[assignment]
    server.watch(str(settings.source_dir))
    server.watch(str(settings.editorial_dir))
    return server
