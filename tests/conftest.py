"""Shared fixtures: the project root, the seed corpus, and a helper that builds a site
from a copy of the project with a chosen set of source articles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))

SEEDS = ROOT / "source_articles"


@dataclass
class BuildResult:
    project: Path
    site: Path
    returncode: int
    output: str

    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("WARNING")]


def copy_project(dest: Path, articles: dict[str, bytes | str] | None = None, with_seeds: bool = True,
                 keep_registry: bool = False) -> Path:
    """A copy of the project in dest, with the seeds and/or the given extra source files."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "docs", "hooks"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    if not keep_registry:
        (dest / "hooks" / "registry" / "urls.yml").unlink(missing_ok=True)
    src_dir = dest / "source_articles"
    src_dir.mkdir(exist_ok=True)
    if with_seeds:
        for f in SEEDS.iterdir():
            shutil.copy2(f, src_dir / f.name)
    for name, content in (articles or {}).items():
        path = src_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return dest


def mkdocs_build(project: Path, strict: bool = True, site: Path | None = None) -> BuildResult:
    site = site or project / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    return BuildResult(project, site, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> BuildResult:
    """The shipped corpus, built once with `mkdocs build --strict` from a copy of the project
    (with the committed registry, so nothing is recorded anew)."""
    project = copy_project(tmp_path_factory.mktemp("seed-project"), keep_registry=True)
    result = mkdocs_build(project, strict=True)
    assert result.returncode == 0, result.output
    return result
