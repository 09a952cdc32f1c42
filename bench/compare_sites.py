"""Build a given commit and the working tree with `mkdocs build`, each from a copy of its
project with the same source articles, and compare the two sites byte for byte.

    python bench/compare_sites.py --base 28b3e57                 # the shipped corpus
    python bench/compare_sites.py --base 28b3e57 --count 1000    # a generated corpus (generate_corpus.py)

The builds alternate (base, tree, base, tree... for --runs pairs) so that a busy machine
slows both alike; each one's wall time is printed. Then every file of the two last sites is
compared: the files only in one, and the files whose bytes differ, are listed (exit status
1 when there is any). Not a test: it prints the figures for BENCHMARKS.md."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402

PROJECT = ("mkdocs.yml", "docs", "hooks", "source_articles")


def project_at(commit: str, dest: Path) -> None:
    """The project's files as they are in ``commit`` (git archive), in dest."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, *PROJECT],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def project_of_tree(dest: Path) -> None:
    """The project's files as they are in the working tree, in dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        else:
            shutil.copy2(src, dest / name)


def build(project: Path) -> float:
    """`mkdocs build` of the project into project/site, from a clean cache; its wall time."""
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"),
                           "-d", str(project / "site")], cwd=project, capture_output=True, text=True, env=env)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return took


def files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def compare(a: Path, b: Path) -> list[str]:
    """One line for each file only in one site or with other bytes."""
    fa, fb = files(a), files(b)
    out = [f"only in base: {f}" for f in sorted(fa.keys() - fb.keys())]
    out += [f"only in tree: {f}" for f in sorted(fb.keys() - fa.keys())]
    out += [f"differs: {f}" for f in sorted(fa.keys() & fb.keys()) if fa[f].read_bytes() != fb[f].read_bytes()]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="28b3e57", help="the commit to compare the working tree with")
    ap.add_argument("--count", type=int, default=0, help="a generated corpus of this many articles (0: the shipped one)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1, help="pairs of builds, interleaved")
    ap.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        base, tree = work / "base", work / "tree"
        for p in (base, tree):
            shutil.rmtree(p, ignore_errors=True)
        project_at(args.base, base)
        project_of_tree(tree)
        if args.count:
            generate(args.count, args.seed, work / "corpus")
            for p in (base, tree):
                shutil.rmtree(p / "source_articles")
                shutil.copytree(work / "corpus", p / "source_articles")
                (p / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)  # every URL new, alike
        times: dict[str, list[float]] = {"base": [], "tree": []}
        for _ in range(args.runs):
            times["base"].append(build(base))
            times["tree"].append(build(tree))
        corpus = f"a generated corpus of {args.count:,} (seed {args.seed})" if args.count else "the shipped corpus"
        print(f"{corpus}: mkdocs build, base {args.base}: " + ", ".join(f"{t:.1f}" for t in times["base"])
              + " s; working tree: " + ", ".join(f"{t:.1f}" for t in times["tree"]) + " s")
        differences = compare(base / "site", tree / "site")
        n = len(files(base / "site"))
        print("\n".join(differences) if differences else f"the same bytes: {n:,} files")
        return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
