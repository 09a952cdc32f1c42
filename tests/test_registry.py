"""The registry of published URLs: recorded once, never lost, renames redirect."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from briefdesk.pipeline import Settings, build_corpus

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (
    "North Korean authorities have tightened control over the Sunam Market in Chongjin, sources said.\n\n"
    "Traders said that prices of rice and corn rose sharply after the inspections began last month.\n"
)


def project(tmp_path: Path, files: dict[str, str]) -> Settings:
    src = tmp_path / "source_articles"
    src.mkdir(exist_ok=True)
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    return Settings(
        source_dir=src,
        editorial_dir=ROOT / "hooks" / "editorial",
        registry_path=tmp_path / "urls.yml",
        site_url="https://example.org/",
    )


def test_committed_registry_covers_the_shipped_corpus():
    corpus = build_corpus(Settings.for_project(ROOT))
    assert corpus.errors == [] and corpus.refusals == []
    assert corpus.assignment.added == ()  # every seed URL is already recorded
    recorded = yaml.safe_load((ROOT / "hooks/registry/urls.yml").read_text())["briefings"]
    assert {b.id: b.url for b in corpus.briefings} == {k: v["url"] for k, v in recorded.items()}


def test_new_article_is_recorded_then_fixed(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE})
    corpus = build_corpus(settings)
    assert corpus.assignment.added == ("a",)
    corpus.registry.save_if_changed()
    url = corpus.briefings[0].url
    assert url == "briefings/north-korean-authorities-tightened-control-over-sunam-market/"
    # the title changes: the URL does not
    (settings.source_dir / "a.yml").write_text("title: A completely different title\n")
    again = build_corpus(settings)
    assert again.briefings[0].url == url and again.errors == [] and again.assignment.added == ()


def test_the_assignment_is_a_value(tmp_path):
    """What the registry stage returns cannot be written into: a frozen Assignment of
    tuples and read-only mappings."""
    corpus = build_corpus(project(tmp_path, {"a.txt": ARTICLE}))
    assignment = corpus.assignment
    assert dict(assignment.urls) == {"a": corpus.briefings[0].url}
    with pytest.raises(dataclasses.FrozenInstanceError):
        assignment.urls = {}  # type: ignore[misc]
    for mapping in (assignment.urls, assignment.redirects, assignment.withdrawn):
        with pytest.raises(TypeError):
            mapping["x"] = "y"  # type: ignore[index]
    assert all(isinstance(v, tuple) for v in (assignment.added, assignment.renamed, assignment.errors))


def test_dropping_a_published_article_fails_and_says_which(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE})
    build_corpus(settings).registry.save_if_changed()
    (settings.source_dir / "a.txt").unlink()
    corpus = build_corpus(settings)
    assert len(corpus.errors) == 1
    assert "/briefings/north-korean-authorities-tightened-control-over-sunam-market/" in corpus.errors[0]
    assert "id a" in corpus.errors[0] and "a.txt" in corpus.errors[0]


def test_withdrawn_entry_keeps_the_url_with_a_notice(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE})
    corpus = build_corpus(settings)
    corpus.registry.entries["a"].withdrawn = "Duplicate of another report"
    corpus.registry.save_if_changed()
    (settings.source_dir / "a.txt").unlink()
    corpus = build_corpus(settings)
    assert corpus.errors == []
    page = corpus.pages["briefings/north-korean-authorities-tightened-control-over-sunam-market/index.md"]
    assert "Duplicate of another report" in page


def test_rename_by_slug_leaves_a_redirect(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE})
    build_corpus(settings).registry.save_if_changed()
    (settings.source_dir / "a.yml").write_text("slug: sunam-market-control\n")
    corpus = build_corpus(settings)
    assert corpus.errors == []
    assert corpus.briefings[0].url == "briefings/sunam-market-control/"
    old = "briefings/north-korean-authorities-tightened-control-over-sunam-market/index.html"
    redirect = corpus.assets[old]
    assert 'href="https://example.org/briefings/sunam-market-control/"' in redirect  # canonical
    assert "location.hash" in redirect
    corpus.registry.save_if_changed()
    entry = yaml.safe_load(settings.registry_path.read_text())["briefings"]["a"]
    assert entry["previous_urls"] == ["briefings/north-korean-authorities-tightened-control-over-sunam-market/"]


def test_two_files_claiming_one_id_are_refused(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE.replace("rice", "maize"),
                                  "b.yml": "id: a\n"})
    corpus = build_corpus(settings)
    assert corpus.briefings == []
    reasons = {r.source_file: r.reason for r in corpus.refusals}
    assert "id a is claimed by several files (a.txt, b.txt)" in reasons["a.txt"]
    assert set(reasons) == {"a.txt", "b.txt", "b.yml"}


def test_slug_collision_gets_the_id_appended(tmp_path):
    settings = project(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE})
    corpus = build_corpus(settings)
    assert sorted(b.url for b in corpus.briefings) == [
        "briefings/north-korean-authorities-tightened-control-over-sunam-market-b/",
        "briefings/north-korean-authorities-tightened-control-over-sunam-market/",
    ]


TRICKY = ["plain", "with: colon", "- dash", "#hash", "null", "yes", "No", "1.0", "2021-04-15", "ünïcödé",
          "emoji 😀", "tab\there", "new\nline", "\u2028separator", "quote'\"", " lead", "trail ", "", "~",
          "x: y # z", "{brace}", "[bracket]", "*star", "&amp", "!bang", "|pipe", ">gt", "\x07bell", "\u00a0nbsp",
          "a" * 1200]


def test_the_registry_file_gives_back_what_was_recorded(tmp_path):
    """The registry is written with libyaml's emitter when PyYAML has it: whatever the text of
    a URL, file name or note, it reads back the same, and writing it again changes nothing."""
    from briefdesk.publishing.registry import Entry, Registry

    path = tmp_path / "urls.yml"
    entries = {f"id{i:02}": Entry(url=f"briefings/{v}/", source_file=v, previous_urls=[v, v + "x"], withdrawn=v or None,
                                  versions=[{"number": 1, "url": f"briefings/{v}/v1/", "text": v}])
               for i, v in enumerate(TRICKY)}
    Registry(path, dict(entries)).save_if_changed()
    again = Registry.load(path)
    assert {bid: e.as_dict() for bid, e in again.entries.items()} == {bid: e.as_dict() for bid, e in entries.items()}
    assert not again.save_if_changed()


def test_a_kept_registry_reads_and_writes_what_a_fresh_one_does(tmp_path):
    """`mkdocs serve` keeps the registry's text and each entry's YAML between builds
    (BuildCache.registry): the file it writes is the one written in one piece, and what
    it reads back is what parsing the file gives."""
    import datetime

    from briefdesk.publishing.registry import Entry, Registry

    path = tmp_path / "urls.yml"
    entries = {f"id{i:02}": Entry(url=f"briefings/{v}/", source_file=v, previous_urls=[v], withdrawn=v or None,
                                  versions=[{"version": 1, "text": v}]) for i, v in enumerate(TRICKY)}
    entries["123"] = Entry(url="briefings/n/", versions=[{"version": True, "n": 1.5, "recorded": datetime.date(2020, 1, 2)},
                                                          {"version": 2, "recorded": "2020-01-02"}])
    kept: dict = {}
    assert Registry(path, dict(entries), kept).save_if_changed()
    assert path.read_text(encoding="utf-8") == Registry(path, dict(entries)).dump()

    def as_read(registry):
        return {bid: e.as_dict() for bid, e in registry.entries.items()}

    warm = Registry.load(path, kept)  # not parsed: the text is the one written
    assert as_read(warm) == as_read(Registry.load(path))
    warm.entries["id03"].versions.append({"version": 2, "text": "revised"})  # a build records a version
    warm.entries["new"] = Entry(url="briefings/new/")
    assert warm.save_if_changed()
    assert path.read_text(encoding="utf-8") == Registry(path, Registry.load(path).entries).dump()
    assert as_read(Registry.load(path, kept)) == as_read(Registry.load(path))
    assert len(kept["entries"]) == len(entries) + 1  # only this build's entries are kept

    path.write_text(path.read_text(encoding="utf-8").replace("briefings/new/", "briefings/edited/"), encoding="utf-8")
    edited = Registry.load(path, kept)  # edited by hand: parsed again
    assert edited.entries["new"].url == "briefings/edited/"
    assert not edited.save_if_changed()
