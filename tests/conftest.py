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


# The engines that run the hooks: MkDocs 1.6 and ProperDocs, its continuation (README,
# "Engines"). Whole-site builds of the shipped corpus and of small generated corpora run on
# both; the scale, rebuild and browser tests on MkDocs only (the sites are the same bytes
# aside from the generator's name: test_engines.py).
ENGINES = ("mkdocs", "properdocs")


def mkdocs_build(project: Path, strict: bool = True, site: Path | None = None, engine: str = "mkdocs") -> BuildResult:
    """`<engine> build` of a project copy (`python -m mkdocs` or `python -m properdocs`)."""
    site = site or project / "site"
    cmd = [sys.executable, "-m", engine, "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    return BuildResult(project, site, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    """Each engine that runs the hooks, in turn: a test that takes it runs once on each."""
    return request.param


_SEED_SITES: dict[str, BuildResult] = {}


def seed_build(engine: str, tmp_path_factory) -> BuildResult:
    """The shipped corpus built once per engine and session with `<engine> build --strict`
    from a copy of the project (with the committed registry, so nothing is recorded anew)."""
    if engine not in _SEED_SITES:
        project = copy_project(tmp_path_factory.mktemp(f"seed-project-{engine}"), keep_registry=True)
        result = mkdocs_build(project, strict=True, engine=engine)
        assert result.returncode == 0, result.output
        _SEED_SITES[engine] = result
    return _SEED_SITES[engine]


@pytest.fixture(scope="session")
def seed_site(engine, tmp_path_factory) -> BuildResult:
    """The shipped corpus built with each engine (the tests that take it run on both)."""
    return seed_build(engine, tmp_path_factory)


@pytest.fixture(scope="session")
def mkdocs_seed_site(tmp_path_factory) -> BuildResult:
    """The shipped corpus built with MkDocs only: for the browser tests, which test what the
    browser does with bytes both engines write alike."""
    return seed_build("mkdocs", tmp_path_factory)
