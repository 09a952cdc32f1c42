"""What price extraction gives, as JSON, for comparing two commits' extraction: the dev
corpus (../shared/devset, cleaned as the tests clean it) and a generated corpus
(bench/generate_corpus.py), every observation and figure left out, in order.

    python bench/prices_output.py OUT.json [--count 2000] [--seed 7]   # at one commit
    python bench/prices_output.py OUT2.json ... && cmp OUT.json OUT2.json   # at the other

Not a test: it writes one file (same input, same bytes) and prints its digest."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from briefdesk.labels import classify, prices  # noqa: E402
from briefdesk.source.clean import clean, load_rules  # noqa: E402

EDITORIAL = ROOT / "hooks" / "editorial"
DEVSET = ROOT.parent / "shared" / "devset"


def _texts(folder: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    vocab, gazetteer = prices.load_vocabulary(EDITORIAL), classify.load_vocabulary(EDITORIAL)
    rules = load_rules(EDITORIAL / "boilerplate.yml")
    corpora = {"devset": _texts(DEVSET / "articles") if (DEVSET / "articles").is_dir() else []}
    with tempfile.TemporaryDirectory() as tmp:
        generate(args.count, args.seed, Path(tmp))
        corpora["generated"] = _texts(Path(tmp))
    result = {}
    for name, texts in corpora.items():
        rows = []
        for fname, text in texts:
            for date in (None, "2024-05-20"):  # with and without the briefing's date
                found = prices.extract(fname, clean(text, rules).paragraphs, date, vocab, gazetteer)
                rows.append({"file": fname, "date": date, "observations": found.observations,
                             "left_out": found.left_out})
        result[name] = rows
        print(f"{name}: {len(texts)} articles, {sum(len(r['observations']) for r in rows)} observations, "
              f"{sum(len(r['left_out']) for r in rows)} left out")
    data = json.dumps(result, ensure_ascii=False, sort_keys=True, indent=0).encode()
    args.out.write_bytes(data)
    print(f"{args.out}: sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
