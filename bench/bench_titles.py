"""Derived titles on the real articles of ../shared/devset/: for each article, its first `body`
block is taken as the lede and given to describe.derive_title; the table shows the title made,
whether it keeps the rules (at most 80 characters, no ellipsis, no function word at the end),
and the article's real headline where it has one, for a sense of quality.

    .venv/bin/python bench/bench_titles.py [--old]

`--old` measures the former rule (first sentence cut at 90 characters with an ellipsis).
The devset is third-party text: it is read from its folder, never copied into the project.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

from briefdesk.source import describe, headline  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset"


def ledes(devset: Path = DEVSET):
    """(file, lede, real title or None, url) for each devset article with a body block."""
    truth = [json.loads(line) for line in (devset / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    first: dict[str, int] = {}
    for line in (devset / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            rec = json.loads(line)
            if rec["label"] == "body":
                first.setdefault(rec["file"], rec["index"])
    for t in truth:
        if t["file"] not in first:
            continue
        text = (devset / "articles" / t["file"]).read_text(encoding="utf-8")
        blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
        yield t["file"], " ".join(blocks[first[t["file"]]].split()), t.get("title"), t.get("url")


def old_title(lede: str) -> str:
    first = describe.sentences(lede, "en", 1)[0].rstrip()
    if first.endswith(".") and not first.endswith(".."):
        first = first[:-1]
    return describe.shorten(first, 90)


def main(argv: list[str]) -> int:
    if not DEVSET.exists():
        print(f"no devset at {DEVSET}")
        return 1
    old = "--old" in argv
    good = total = 0
    for name, lede, real, url in ledes():
        title = old_title(lede) if old else describe.derive_title(lede, "en", url)
        ok = headline.fits(title)
        good += ok
        total += 1
        print(f"{name} {'ok ' if ok else 'BAD'} {len(title):3} {title}")
        if real:
            print(f"{'':12}real: {real}")
    print(f"{good}/{total} derived titles keep the rules ({'old' if old else 'new'} derivation)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
