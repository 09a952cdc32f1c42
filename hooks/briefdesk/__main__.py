"""Run the pipeline without MkDocs.

    python -m hooks.briefdesk write OUT_DIR     write every generated page and export to OUT_DIR
    python -m hooks.briefdesk export-site DIR   write the whole site as a project any engine builds
                                                without hooks: DIR/mkdocs.yml and DIR/docs/ (sitetree.py)
    python -m hooks.briefdesk index SITE_DIR    after an engine built DIR: Pagefind over SITE_DIR, and
                                                sitemap.xml.gz without a timestamp
    python -m hooks.briefdesk compare A B       each difference between two built sites' lists of files
    python -m hooks.briefdesk report            print the account of every source file
    python -m hooks.briefdesk evaluate DIR      measure the cleaner on a labelled corpus (see evaluate.py)

Run from the project root. Refusals are printed one per line; the exit status is 1
when any file was refused or a published URL would be lost, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .pipeline import build_corpus
from .rendering import write_pages
from .settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.briefdesk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current folder)")
    parser.add_argument("--site-url", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write the generated Markdown pages and exports to a folder")
    w.add_argument("out_dir", type=Path)
    x = sub.add_parser("export-site", help="write DIR/mkdocs.yml (no hooks) and DIR/docs/ with every page, "
                                           "listing, redirect and export, for any engine to build")
    x.add_argument("out_dir", type=Path)
    i = sub.add_parser("index", help="index a built site's briefings with Pagefind (and finish its sitemap)")
    i.add_argument("site_dir", type=Path)
    i.add_argument("--part-size", type=int, default=None,
                   help="briefings in each part of the index (default: mkdocs.yml's extra.briefdesk.search_part_size)")
    c = sub.add_parser("compare", help="list each difference between two built sites' lists of files "
                                       "(exit status 1 when there is one)")
    c.add_argument("site_a", type=Path)
    c.add_argument("site_b", type=Path)
    sub.add_parser("report", help="print the account of every source file")
    e = sub.add_parser("evaluate", help="run read, clean, describe and classify over a labelled corpus and "
                                        "print how well they did (builds nothing)")
    e.add_argument("corpus_dir", type=Path, help="a folder with articles/, labels.jsonl and truth.jsonl")
    e.add_argument("--json", action="store_true", help="print the figures as JSON")
    e.add_argument("--verbose", "-v", action="store_true", help="list each article's lost and left blocks")
    args = parser.parse_args(argv)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "index":
        return _index(args)
    if args.command == "compare":
        from .sitetree import compare_sites

        differences = compare_sites(args.site_a, args.site_b)
        print("\n".join(differences) if differences else "the same files")
        return 1 if differences else 0
    if args.command == "export-site":
        return _export_site(args)

    settings = Settings.for_project(args.root.resolve(), site_url=args.site_url)
    corpus = build_corpus(settings)
    _print_account(corpus)
    if args.command == "write":
        n = write_pages(corpus, args.out_dir)
        print(f"wrote {n} files to {args.out_dir}")
    else:
        for b in sorted(corpus.briefings, key=lambda b: b.source_file):
            print(f"published: {b.source_file} -> /{b.url}")
        for side, art in sorted(corpus.metadata_files.items()):
            print(f"metadata: {side} (for {art})")
    print(
        f"{corpus.files_seen} files: {len(corpus.briefings)} published, "
        f"{len(corpus.metadata_files)} metadata, {len(corpus.refusals)} refused"
    )
    return 1 if corpus.refusals or corpus.errors else 0


def _print_account(corpus) -> None:
    for r in corpus.refusals:
        print(f"refused: {r.message()}", file=sys.stderr)
    for e in corpus.errors:
        print(f"error: {e}", file=sys.stderr)
    for w in corpus.warnings:
        print(f"warning: {w}", file=sys.stderr)


def _export_site(args) -> int:
    from . import sitetree

    root = args.root.resolve()
    config = sitetree.load_config(root / sitetree.CONFIG)
    settings = sitetree.settings_from_config(root, args.site_url or config.get("site_url"),
                                             config.get("site_name", "Briefings"), config.get("extra"),
                                             pages_dir=None)
    corpus = build_corpus(settings)
    _print_account(corpus)
    try:
        n = sitetree.export_site(corpus, settings, root, args.out_dir)
    except sitetree.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if corpus.registry.save_if_changed():  # published from here on, as a build records them
        print(f"recorded {len(corpus.assignment.added)} new briefing URL(s) in {corpus.registry.path.name}")
    print(f"wrote {args.out_dir}/{sitetree.CONFIG} and {n} files to {args.out_dir}/{sitetree.DOCS}/: "
          f"{len(corpus.briefings)} briefings, {len(corpus.refusals)} source file(s) refused")
    return 1 if corpus.refusals or corpus.warnings else 0


def _index(args) -> int:
    import logging

    from . import sitetree

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config_path = args.root.resolve() / sitetree.CONFIG
    extra = sitetree.load_config(config_path).get("extra") if config_path.is_file() else None
    size = args.part_size or sitetree.part_size(extra)
    if not (args.site_dir / "index.html").is_file():
        print(f"error: {args.site_dir} is not a built site (no index.html)", file=sys.stderr)
        return 2
    return 0 if sitetree.index_site(args.site_dir, size) else 1


def _evaluate(args) -> int:
    from .source.clean import RulesError
    from .labels.classify import VocabularyError
    from .evaluate import CorpusError, evaluate, format_report

    settings = Settings.for_project(args.root.resolve())
    try:
        report = evaluate(args.corpus_dir, settings.editorial_dir)
    except (CorpusError, RulesError, VocabularyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False))
    else:
        print(format_report(report, verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
