"""The render in the background: under `mkdocs build` the pipeline lists every page and
file first, then makes them in a worker process while MkDocs renders those made already
(rendering.Rendering, output.PackPages). What it makes must be what the render in the
foreground makes, whatever the order, and a failure must end the build with one line.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_project

sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "bench"))

from briefdesk import parallel, pipeline, rendering  # noqa: E402
from briefdesk.output import PackPages  # noqa: E402
from generate_corpus import generate  # noqa: E402


def test_a_read_waits_for_an_expected_file_and_ends_clearly_when_none_will_come(tmp_path):
    pack = PackPages(tmp_path, "pages")
    pack.expect(["late.md", "never.md"])
    got = {}
    reader = threading.Thread(target=lambda: got.update(late=pack["late.md"]))
    reader.start()
    time.sleep(0.2)
    assert reader.is_alive()  # waiting: the file is expected and not written yet
    pack.put("late.md", "at last")
    reader.join(5)
    assert got == {"late": "at last"}
    with pytest.raises(KeyError):
        pack["unexpected.md"]  # not expected: no wait

    failed = []
    waiting = threading.Thread(target=lambda: failed.append(_error_of(lambda: pack["never.md"])))
    waiting.start()
    time.sleep(0.2)
    pack.fail(ValueError("the worker died"))
    waiting.join(5)
    assert isinstance(failed[0], RuntimeError) and "never.md" in str(failed[0]) and "the worker died" in str(failed[0])


def _error_of(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        return exc
    return None


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("bg") / "p", with_seeds=True)
    generate(40, 5, project / "source_articles")
    return project


def test_the_background_render_makes_what_the_foreground_render_makes(project, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # a worker process, as at archive scale
    site = "https://example.org/"
    fore = pipeline.build_corpus(pipeline.Settings.for_project(project, site_url=site, pages_dir=tmp_path / "fore"))
    back = pipeline.build_corpus(pipeline.Settings.for_project(project, site_url=site, pages_dir=tmp_path / "back"),
                                 background=True)
    rendering = back.rendering
    assert rendering is not None and len(back.pages) == 0  # planned, nothing made yet
    assert sorted(rendering.page_sources) == sorted(fore.pages)
    assert sorted(rendering.asset_sources) == sorted(fore.assets)
    order = sorted(rendering.page_sources, reverse=True)  # another order than the pipeline's own
    rendering.start(order=order)
    early = {src: back.pages[src] for src in order}  # read as MkDocs does: each waited for
    heads = {src: back.heads[src] for src in fore.heads}
    rendering.wait()
    assert early == dict(fore.pages)
    assert heads == dict(fore.heads)
    assert dict(back.assets) == dict(fore.assets)
    assert "render in background" in back.timings


def test_a_render_that_fails_ends_the_build_with_one_line(project, tmp_path, monkeypatch):
    """A bug, not bad input; still no hang and no traceback: MkDocs stops on the page."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    original = rendering._render_briefing

    def failing(job):
        if job[0].page_path == victim:
            raise ValueError("planted failure")
        return original(job)

    corpus = pipeline.build_corpus(pipeline.Settings.for_project(project, pages_dir=tmp_path / "probe"))
    victim = corpus.briefings[len(corpus.briefings) // 2].page_path
    monkeypatch.setattr(rendering, "_render_briefing", failing)  # the forked worker inherits it
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    started = time.monotonic()
    with pytest.raises(Abort):
        build(config)
    assert time.monotonic() - started < 120
    assert not [t for t in threading.enumerate() if t.name == "briefdesk-render" and t.is_alive()]
    assert not any(p.is_alive() for p in __import__("multiprocessing").active_children())


def test_headings_converted_by_the_workers_are_what_mkdocs_converts(project, tmp_path, monkeypatch):
    """Under `mkdocs build` the render workers convert each generated page's headings with
    MkDocs' own Page.render (hooks/briefings.py, _conversion), and MkDocs' loop converts
    none of them again: the site is byte for byte the one MkDocs makes converting them
    itself, and every page knows the same anchors and links for MkDocs to check."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # worker processes, as at archive scale
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    original_start, original_render, original_check = (rendering.Rendering.start, Page.render,
                                                        Page.validate_anchor_links)
    seen: dict[str, dict] = {}
    registry = project / "hooks" / "registry" / "urls.yml"
    registered = registry.read_bytes() if registry.exists() else None

    def run(name: str, convert: bool) -> dict:
        if registered is None:  # both builds cold: the URL registry as the project had it
            registry.unlink(missing_ok=True)
        else:
            registry.write_bytes(registered)
        anchors, converted_here = {}, []

        def start(self, order=None, convert=None, _keep=convert):
            return original_start(self, order=order, convert=convert if _keep else None)

        def render_here(page, config, files):
            converted_here.append(page.file.src_uri)
            return original_render(page, config, files)

        def check(page, *, files, log_level):
            anchors[page.file.src_uri] = (sorted(page.present_anchor_ids or ()),
                                          {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()})
            return original_check(page, files=files, log_level=log_level)

        monkeypatch.setattr(rendering.Rendering, "start", start)
        monkeypatch.setattr(Page, "render", render_here)
        monkeypatch.setattr(Page, "validate_anchor_links", check)
        site = tmp_path / name
        shutil.rmtree(project / ".cache", ignore_errors=True)
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
        files = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        seen[name] = {"anchors": anchors, "here": converted_here}
        return files

    by_mkdocs = run("mkdocs", convert=False)
    by_workers = run("workers", convert=True)
    assert by_workers.keys() == by_mkdocs.keys()
    assert [f for f in by_mkdocs if by_workers[f] != by_mkdocs[f]] == []
    assert seen["workers"]["anchors"] == seen["mkdocs"]["anchors"]
    briefings = [src for src in seen["mkdocs"]["here"] if src.startswith("briefings/") and src.count("/") == 2]
    assert len(briefings) >= 40  # MkDocs converted every briefing page itself the first time
    assert not [src for src in seen["workers"]["here"] if src in briefings]  # and none the second time
    assert any(links for _, links in seen["workers"]["anchors"].values())  # the headings' permalinks
