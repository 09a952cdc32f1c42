"""Run the pipeline without MkDocs.

    python -m hooks.briefdesk write OUT_DIR     write every generated page and export to OUT_DIR
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

from .pipeline import Settings, build_corpus, write_pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.briefdesk", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current folder)")
    parser.add_argument("--site-url", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write the generated Markdown pages and exports to a folder")
    w.add_argument("out_dir", type=Path)
    sub.add_parser("report", help="print the account of every source file")
    e = sub.add_parser("evaluate", help="run read, clean, describe and classify over a labelled corpus and "
                                        "print how well they did (builds nothing)")
    e.add_argument("corpus_dir", type=Path, help="a folder with articles/, labels.jsonl and truth.jsonl")
    e.add_argument("--json", action="store_true", help="print the figures as JSON")
    e.add_argument("--verbose", "-v", action="store_true", help="list each article's lost and left blocks")
    args = parser.parse_args(argv)
    if args.command == "evaluate":
        return _evaluate(args)

    settings = Settings.for_project(args.root.resolve(), site_url=args.site_url)
    corpus = build_corpus(settings)
    for r in corpus.refusals:
        print(f"refused: {r.message()}", file=sys.stderr)
    for e in corpus.errors:
        print(f"error: {e}", file=sys.stderr)
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


def _evaluate(args) -> int:
    from .clean import RulesError
    from .classify import VocabularyError
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
