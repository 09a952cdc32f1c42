"""The pre-built source tree: the whole site as a plain MkDocs-style project that any
engine builds without running the hooks (ProperDocs, MkDocs, Zensical). Plain Python.

    load_config(path)                    mkdocs.yml as the engines read it (!ENV resolved)
    settings_from_config(root, config)   the pipeline's Settings from mkdocs.yml, as the hooks make them
    topics_404(corpus, settings)         the topics the 404 page lists (config.extra.bd_topics)
    export_site(corpus, settings, root, out_dir)
                                         out_dir/mkdocs.yml (no `hooks:`) and out_dir/docs/:
                                         hand-written pages (placeholders filled), every
                                         generated page, listing, redirect and export as a file
    index_site(site_dir, part_size)      after any engine built a site: Pagefind over its
                                         briefing pages, in parts as the build does, and
                                         sitemap.xml.gz without a timestamp
    compare_sites(a, b)                  each difference between two built sites' lists of
                                         files (the theme's own bundle counted as one)

What the hooks do after MkDocs has read a page reaches the tree another way:

- on_page_context hands each briefing page (and each earlier version) its citation and
  preview tags (Highwire, Dublin Core, JSON-LD, Open Graph) as ``page.meta.bd_head``,
  which docs/overrides/main.html writes into <head>: here they are the page's front
  matter key ``bd_head``, which the same template writes.
- on_pre_build sets ``config.extra.bd_topics`` for the 404 page: here it is written into
  the tree's mkdocs.yml.
- on_files fills in the hand-written pages' placeholders (home.py): here they are filled
  in the copied pages.
- on_page_content / on_post_page hand the briefings to Pagefind, and on_post_build
  rewrites sitemap.xml.gz: here ``python -m hooks.briefdesk index SITE_DIR`` does both
  over the built folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from .built import publish, search
from .pages import home
from .rendering import Corpus
from .settings import Settings

CONFIG = "mkdocs.yml"
DOCS = "docs"


# --------------------------------------------------------------------------- config


class _Loader(yaml.SafeLoader):
    """YAML with MkDocs' `!ENV` tag (pyyaml_env_tag): `!ENV NAME` or `!ENV [NAME, ..., default]`."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1]
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else None
    return default


_Loader.add_constructor("!ENV", _env_tag)


def load_config(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader) or {}  # noqa: S506 - a SafeLoader with one tag more


def briefdesk_options(extra: dict[str, Any] | None) -> dict[str, Any]:
    return dict((extra or {}).get("briefdesk") or {})


def settings_from_config(root: Path, site_url: str | None, site_name: str, extra: dict[str, Any] | None,
                         **overrides: Any) -> Settings:
    """The pipeline's settings from mkdocs.yml's values (the hooks' on_config and the
    commands make them here, so that both build the same pages)."""
    opts = briefdesk_options(extra)
    values: dict[str, Any] = dict(
        site_url=site_url or None,
        site_name=site_name,
        default_language=opts.get("default_language", "en"),
        per_page=int(opts.get("per_page", 50)),
        home_latest=int(opts.get("home_latest", 10)),
        pages_dir=root / opts.get("cache_dir", ".cache/briefdesk"),
    )
    values.update(overrides)
    return Settings.for_project(root, **values)


def part_size(extra: dict[str, Any] | None) -> int:
    return int(briefdesk_options(extra).get("search_part_size", search.PART_SIZE))


def topics_404(corpus: Corpus, settings: Settings) -> list[dict[str, Any]]:
    from .pages.taxonomy_pages import topic_counts

    return [{"url": f"topics/{tid}/", "label": label, "count": n}
            for tid, label, n in topic_counts(corpus.briefings, settings.editorial_dir, corpus.cache)]


# --------------------------------------------------------------------------- the tree


class ExportError(Exception):
    pass


_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*:")


def tree_config(text: str, topics: list[dict[str, Any]], generated_dirs: list[str]) -> str:
    """mkdocs.yml for the tree, edited as text so that its comments and tags stay: no
    `hooks:` block, `extra.bd_topics` for the 404 page, the generated pages' folders under
    `not_in_nav` (the hooks add them as pages not in the nav), and `theme.variant: classic`
    for Zensical."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if _TOP_KEY.match(line):
            skipping = line.split(":", 1)[0].strip() == "hooks"
            if skipping:
                out.append("# hooks: none; the pages were generated by `python -m hooks.briefdesk export-site`")
                continue
        if skipping:
            continue
        out.append(line)
        if line.rstrip() == "extra:":
            out.append("  # the topics the 404 page lists (the hooks set it in on_pre_build)")
            out.append(f"  bd_topics: {json.dumps(topics, ensure_ascii=False)}")
        if line.rstrip() == "not_in_nav: |":
            out.extend(f"  /{d}/" for d in generated_dirs)
        if line.rstrip() == "theme:":
            out.append("  # Zensical: Material's look (its default, `modern`, has other icons and fonts); "
                       "MkDocs' Material ignores it")
            out.append("  variant: classic")
    if not any(line.rstrip() == "extra:" for line in out):
        out += ["extra:", f"  bd_topics: {json.dumps(topics, ensure_ascii=False)}"]
    return "\n".join(out) + "\n"


def with_head(markdown: str, head: str) -> str:
    """The page with its head tags as the front-matter key ``bd_head`` (what the hooks put
    in page.meta.bd_head)."""
    entry = yaml.safe_dump({"bd_head": head}, allow_unicode=True, width=float("inf"), sort_keys=False)
    if markdown.startswith("---\n"):
        end = markdown.index("\n---", 3)
        return markdown[: end + 1] + entry + markdown[end + 1:]
    return f"---\n{entry}---\n{markdown}"


def export_site(corpus: Corpus, settings: Settings, root: Path, out_dir: Path) -> int:
    """Write the tree (see the module's docstring) to out_dir, replacing what was there.
    Returns the number of files in out_dir/docs."""
    root, out_dir = Path(root), Path(out_dir)
    if corpus.errors:
        raise ExportError(f"{len(corpus.errors)} published URL(s) would break; nothing was written")
    config_path = root / CONFIG
    config = load_config(config_path)
    src_docs = root / config.get("docs_dir", DOCS)
    docs = out_dir / DOCS
    if out_dir.exists():
        shutil.rmtree(docs, ignore_errors=True)
        (out_dir / CONFIG).unlink(missing_ok=True)
    shutil.copytree(src_docs, docs, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    overrides = {"overrides"}
    for page in sorted(docs.rglob("*.md")):
        rel = page.relative_to(docs).as_posix()
        if rel.split("/", 1)[0] in overrides:
            continue
        text = page.read_text(encoding="utf-8-sig")
        filled = home.fill_placeholders(text, rel, corpus, settings)
        if filled != text:
            page.write_text(filled, encoding="utf-8")
    generated = {**corpus.pages, **corpus.assets}
    for rel in sorted(generated):
        target = docs / rel
        if target.exists():
            raise ExportError(f"docs/{rel} collides with a generated file; remove it from docs/")
        text = generated[rel]
        head = corpus.heads.get(rel) if rel in corpus.pages else None
        if head:
            text = with_head(text, head)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    dirs = sorted({rel.split("/", 1)[0] for rel in corpus.pages if "/" in rel})
    text = config_path.read_text(encoding="utf-8")
    (out_dir / CONFIG).write_text(tree_config(text, topics_404(corpus, settings), dirs), encoding="utf-8")
    return sum(1 for p in docs.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- after the engine


def index_site(site_dir: Path, size: int = search.PART_SIZE, log: Any = None) -> bool:
    """Pagefind over a built site's briefing pages, in parts of `size` as the build makes
    them (search.PartedIndex reading the written pages), and sitemap.xml.gz rewritten
    without a timestamp. True when the index was written."""
    site_dir = Path(site_dir)
    # the briefings main.html marks for Pagefind: not a renamed briefing's redirect page
    pages = [p for p in search.pages_of_site(site_dir)
             if b"data-pagefind-body" in (site_dir / p.url / "index.html").read_bytes()]
    parts = search.plan_parts(pages, size)
    index = search.PartedIndex(site_dir, parts, log)
    ok = index.finish()
    publish.finish_site(site_dir)
    return ok


# --------------------------------------------------------------------------- two sites

# Where a theme keeps its own scripts and stylesheets (Material's, or Zensical's copy of it),
# content-hashed names that differ from one engine's theme to the other's: compared as one
# bundle. The site's own assets (docs/assets/*.css, *.js) are outside them, compared file by file.
THEME_BUNDLE = ("assets/javascripts/", "assets/stylesheets/", "assets/images/")


def site_files(site_dir: Path) -> set[str]:
    site_dir = Path(site_dir)
    return {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}


def compare_sites(a: Path, b: Path) -> list[str]:
    """Each difference between the lists of files of two built sites, one line each:
    ``only in A: <path>`` / ``only in B: <path>``, and for the theme's bundle (THEME_BUNDLE)
    one line ``theme bundle differs: <folder> (A: n files, B: m files)``. Empty when the
    lists are the same."""
    fa, fb = site_files(a), site_files(b)
    out: list[str] = []
    for folder in THEME_BUNDLE:
        ta = {f for f in fa if f.startswith(folder)}
        tb = {f for f in fb if f.startswith(folder)}
        if ta != tb:
            out.append(f"theme bundle differs: {folder} (A: {len(ta)} files, B: {len(tb)} files)")
        fa -= ta
        fb -= tb
    out += [f"only in A: {f}" for f in sorted(fa - fb)]
    out += [f"only in B: {f}" for f in sorted(fb - fa)]
    return out
