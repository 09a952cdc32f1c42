import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hooks")); sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # noqa: E401,E702

import re

import yaml

from bench.generate_corpus import MAX_WORDS, MIN_WORDS, file_stem, generate, main

N = 30


def _files(d: pathlib.Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_same_seed_is_byte_identical_and_other_seed_differs(tmp_path):
    a = _files(pathlib.Path(generate(N, 11, tmp_path / "a")[0]).parent)
    b_paths = generate(N, 11, tmp_path / "b", workers=2)  # worker count must not matter
    b = _files(b_paths[0].parent)
    assert a == b
    c = _files(generate(N, 12, tmp_path / "c")[0].parent)
    assert set(a) != set(c)
    assert [v for k, v in sorted(a.items()) if k.endswith(".txt")] != \
        [v for k, v in sorted(c.items()) if k.endswith(".txt")]


def test_cli_writes_same_files(tmp_path):
    assert main(["--count", "5", "--seed", "3", "--out", str(tmp_path / "cli")]) == 0
    generate(5, 3, tmp_path / "fn")
    assert _files(tmp_path / "cli") == _files(tmp_path / "fn")


def test_names_word_counts_and_shape(tmp_path):
    paths = generate(N, 5, tmp_path)
    assert [p.name for p in paths] == sorted(p.name for p in tmp_path.glob("*.txt"))
    texts = []
    for i, p in enumerate(paths):
        assert re.fullmatch(r"\d{6}_[0-9a-f]{16}\.txt", p.name)
        assert p.stem == file_stem(5, i) and p.name.startswith(f"{i:06d}_")
        text = p.read_text(encoding="utf-8")
        texts.append(text)
        assert MIN_WORDS <= len(text.split()) <= MAX_WORDS, p.name
        assert "\n\n" in text and "{" not in text
    joined = "\n".join(texts)
    assert len(set(texts)) == N  # documents differ
    # raw-article noise the cleaner has to deal with shows up somewhere in 30 files
    assert re.search(r"/ Image: |\(Rodong Sinmun", joined)
    assert "Please direct any comments or questions about this article to" in joined
    assert "Read in Korean" in joined
    assert re.search(r"^Translated by [A-Z].*\. Edited by [A-Z].*\.$", joined, re.M)
    assert re.search(r"^\(END\)$", joined, re.M)
    assert re.search(r"^[a-z][a-z ]+$", joined, re.M)  # stray lowercase keyword line


def test_sidecars_parse_and_share(tmp_path):
    generate(200, 9, tmp_path)
    txt = sorted(tmp_path.glob("*.txt"))
    yml = sorted(tmp_path.glob("*.yml"))
    assert all(y.with_suffix(".txt").exists() for y in yml)
    assert 0.45 <= len(yml) / len(txt) <= 0.75
    outlets, years = set(), set()
    for y in yml:
        meta = yaml.safe_load(y.read_text(encoding="utf-8"))
        assert isinstance(meta, dict)
        assert set(meta) <= {"title", "date", "authors", "outlet", "source_url"}
        assert "topics" not in meta
        if "date" in meta:
            years.add(meta["date"].year)
            assert 2010 <= meta["date"].year <= 2026
        if "authors" in meta:
            assert isinstance(meta["authors"], list) and all(isinstance(a, str) for a in meta["authors"])
        if "source_url" in meta:
            assert meta["source_url"].startswith("https://")
        if "outlet" in meta:
            outlets.add(meta["outlet"])
        if "title" in meta:
            assert isinstance(meta["title"], str) and meta["title"]
    assert len(outlets) >= 4 and len(years) >= 8
