"""Reading: decoding, metadata, and bad input refused with one-line reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefdesk.source.read import decode, discover
from briefdesk.model import RefusedError

ARTICLE = (
    "North Korean authorities have tightened control over the Sunam Market in Chongjin, sources said.\n\n"
    "Traders said that prices of rice and corn rose sharply after the inspections began last month.\n"
)


def write(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode() if isinstance(content, str) else content)
    return tmp_path


def reasons(tmp_path: Path) -> dict[str, str]:
    return {r.source_file: r.reason for r in discover(tmp_path).refusals}


def test_bom_crlf_curly_quotes_korean_are_normal_input():
    text, enc, notes = decode("\ufeff“Hello” 북한 경제\r\n\r\n朝鲜 market.\r\n".encode())
    assert text == "“Hello” 북한 경제\n\n朝鲜 market.\n"
    assert enc == "utf-8"
    assert "removed UTF-8 byte-order mark" in notes


def test_windows_1252_fallback_and_mojibake_repair():
    text, enc, _ = decode("The party’s “war” on imports – café".encode("cp1252"))
    assert (text, enc) == ("The party’s “war” on imports – café", "windows-1252")
    mojibake = "The partyâ€™s â€œwarâ€\x9d".encode("utf-8")
    text, _, notes = decode(mojibake)
    assert "’" in text and "â€" not in text
    assert any("mojibake" in n for n in notes)


def test_control_and_invisible_characters_removed():
    text, _, notes = decode("a\x07b\u202ec\u200bd".encode())
    assert text == "abcd"
    assert len(notes) == 2


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\n\t  \n", "no text (the file holds only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file (contains NUL bytes), not text"),
    ],
)
def test_unreadable_files_refused(tmp_path, content, reason):
    write(tmp_path, {"a.txt": content})
    assert reasons(tmp_path) == {"a.txt": reason}


def test_sidecar_and_front_matter(tmp_path):
    write(tmp_path, {
        "one.txt": ARTICLE,
        "one.yml": "title: Market control in Chongjin\ndate: 2021-03-05\nauthors: Jong So Yong\n"
                   "source_url: https://www.dailynk.com/english/x/\n",
        "two.md": "---\nid: custom-id\ntitle: From front matter\noutlet: NK News\n---\n" + ARTICLE,
    })
    result = discover(tmp_path)
    assert result.refusals == []
    a, b = result.articles
    assert a.metadata == {"title": "Market control in Chongjin", "date": "2021-03-05", "authors": ["Jong So Yong"],
                          "source_url": "https://www.dailynk.com/english/x/", "id": "one"}
    assert b.metadata["id"] == "custom-id" and b.text.startswith("North Korean")
    assert result.metadata_files == {"one.yml": "one.txt"}


@pytest.mark.parametrize(
    "sidecar, expected",
    [
        ("title: [unclosed", "unreadable metadata file a.yml"),
        ("- just\n- a list\n", "expected a mapping of fields"),
        ("autor: Kim\n", "unknown metadata field 'autor'"),
        ("date: 2021-02-30\n", "a date that does not exist: 2021-02-30"),
        ("date: yesterday\n", "is not an ISO date"),
        ("authors: {a: 1}\n", "'authors' must be a string or a list of strings"),
        ("title: {a: 1}\n", "'title' must be text"),
        ("source_url: javascript:alert(1)\n", "must be an http(s) URL"),
        ("source_url: data:text/html,hi\n", "must be an http(s) URL"),
        ("id: ../../etc\n", "is not allowed"),
        ("id: /abs/path\n", "is not allowed"),
        ("slug: '%2e%2e%2fescape'\n", "is not allowed"),
        ("slug: search\n", "collides with a page of the site"),
        ("slug: assets\n", "collides with a page of the site"),
        ("id: all\n", "collides with a file of the site"),
        ('a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n', "anchors are not allowed"),
    ],
)
def test_bad_metadata_refused_with_reason(tmp_path, sidecar, expected):
    write(tmp_path, {"a.txt": ARTICLE, "a.yml": sidecar})
    got = reasons(tmp_path)
    assert expected in got["a.txt"], got
    assert "\n" not in got["a.txt"]
    assert got["a.yml"] == "metadata for a.txt, which was refused"


def test_odd_files_accounted_for(tmp_path):
    write(tmp_path, {".hidden.txt": ARTICLE, "notes.docx": b"PK\x03\x04", "orphan.yml": "title: x\n",
                     "with space é.txt": ARTICLE})
    result = discover(tmp_path)
    got = {r.source_file: r.reason for r in result.refusals}
    assert set(got) == {".hidden.txt", "notes.docx", "orphan.yml"}
    assert [a.source_file for a in result.articles] == ["with space é.txt"]
    assert result.articles[0].metadata["id"] == "with-space-e"


def test_each_article_carries_the_id_git_gives_its_bytes(tmp_path):
    """The registry's versions record the source file's git blob id; the reader gives it
    from the bytes it read (the file is not read a second time), as `git hash-object` does."""
    import subprocess

    src = tmp_path / "src"
    src.mkdir()
    (src / "crlf.txt").write_bytes("Prices rose in Hyesan.\r\n\r\nRice went up — again.\r\n".encode("utf-8"))
    (src / "bom.txt").write_bytes(b"\xef\xbb\xbfTraders in Sinuiju said so.\n")
    result = discover(src)
    for article in result.articles:
        expected = subprocess.run(["git", "hash-object", str(src / article.source_file)], capture_output=True,
                                  text=True, check=True).stdout.strip()
        assert article.git_blob == expected
    assert len({a.git_blob for a in result.articles}) == 2
