"""The pipeline's fast paths give what the plain code they replace gave.

Each test here keeps the straightforward version as a reference and checks the faster
one against it on many generated inputs, tricky ones included."""

from __future__ import annotations

import random

from briefdesk.source import read

# characters that make text handling go wrong: the ones the code looks for, their
# neighbours, line and paragraph separators, controls, combining marks, astral characters
TRICKY = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff\u00ad"
    "\u200c\u200d\u2028\u2029\u0085\u00a0\t\r\n\x00\x07\x1f\x7f\x9f"
    "e\u0301\u00e9Â€™“”‘’—–…·×한국朝鲜😀🇰🇵 -#:'\"\\"
)


def random_text(rng: random.Random, alphabet: str = TRICKY, n: int = 60) -> str:
    words = ["rice", "Hyesan", "market", "", " ", "a", "The", "2021", "yes"]
    return "".join(rng.choice(alphabet) if rng.random() < 0.5 else rng.choice(words) for _ in range(rng.randrange(n)))


def test_invisible_characters_removed_as_by_translate():
    bidi = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
    zero_width = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
    rng = random.Random(7)
    for _ in range(3000):
        text = random_text(rng)
        assert read._INVISIBLE_RE.sub("", text) == text.translate(bidi).translate(zero_width)


# --- front matter: render.yaml_dump writes what yaml.dump writes -------------------------

import math  # noqa: E402

import yaml  # noqa: E402

from briefdesk.pages import render  # noqa: E402

TRICKY_STRINGS = [
    "", " ", "  ", "a", "-", "--", "---", "--- a", "...", "....", "?", "? a", "?a", ":", ": a", ":a", "a:", "a: b",
    "a:b", "a :b", "#", "# a", "a #b", "a#b", "a # b", "-a", "- a", "-1", "+1", "1", "007", "0x1F", "0o17", "1_000",
    "1e3", "1.5", ".5", "1.", "-.inf", ".nan", ".NaN", "1:20", "190:20:30", "2021-04-15", "2021-4-5",
    "2021-04-15 10:00:00", "2021-04-15T10:00:00Z", "null", "Null", "NULL", "~", "yes", "Yes", "no", "NO", "on", "Off",
    "true", "False", "y", "n", "=", "<<", "<< a", "'", "''", "a'b", "'a'", '"', '"a"', "a\"b", "\\", "a\\nb",
    "&a", "*a",
    "!a", "!!str", "%a", "@a", "`a", "|", ">", "[a]", "{a}", "a,b", "a, b", "a]", "a}", "a\nb", "a\n", "\na",
    "a\n\nb", "a \nb", "a\n b", "a\tb", "\ta", "a\rb", "a\x85b", "a\u2028b", "a\u2029b", "a\x00b", "a\x07b",
    "a\x7fb", "a\x9fb", "a\ufeffb", "a\ufffeb", "a\ud7ffb", "a\ue000b", "a\u00a0b", "\u00a0", "é", "e\u0301",
    "한국 북한", "朝鲜", "😀", "a 😀 b", "🇰🇵", "×", "…", "—", "“quoted”", "‘a’", "Kim’s", "\u200b", "a  b",
    "a   b", " a", "a ", " a ", "Pyongyang: markets", "Q&A", "50%", "$5", "C++", "x*y", "a|b", "<b>", "&amp;",
    "&#39;", "Jong So Yong", "implied_by:sinuiju×1", "price*×4; yuan×4",
]
WORDS = ["rice", "market", "Hyesan", "a", "—", "×3;", "traders’", "Kim's", "x:", "#1", "-", "'q'", "“", "yes",
         "2021-04-15", "é", "北", ":", "::", "a:b", "said"]


def _long_string(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randrange(1, 80)):
        out.append(rng.choice(WORDS) if rng.random() < 0.7 else "x" * rng.randrange(1, 30))
        out.append(" " * rng.choice([1, 1, 1, 1, 1, 2, 3]))
    text = "".join(out)
    return text if rng.random() < 0.3 else text.strip()


def _scalar(rng: random.Random):
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(TRICKY_STRINGS)
    if roll < 0.55:
        return _long_string(rng)
    if roll < 0.65:
        return random_text(rng, n=40)
    if roll < 0.75:
        return rng.choice([rng.randrange(-10**6, 10**6), 0, -1, 10**20, True, False, None])
    if roll < 0.85:
        return rng.choice([rng.uniform(-1000, 1000), round(rng.uniform(0, 50), 3), 1e17, 1e-7, -0.0, 0.0, 29.0,
                           math.inf, -math.inf, math.nan, 1.5e300])
    return rng.choice(["x", "y"]) * rng.randrange(0, 120)  # one long word: never folded


def _key(rng: random.Random) -> str:
    if rng.random() < 0.9:
        return rng.choice(["id", "name", "score", "evidence", "title", "summary", "a_long_key_name_here", "k"])
    return rng.choice(TRICKY_STRINGS[:40] + ["x" * 70])


def _document(rng: random.Random, depth: int = 0) -> dict:
    doc = {}
    shared = [rng.choice(WORDS)]
    for _ in range(rng.randrange(1, 9)):
        roll = rng.random()
        if roll < 0.55:
            value = _scalar(rng)
        elif roll < 0.7:
            value = [_scalar(rng) for _ in range(rng.randrange(0, 4))]
        elif roll < 0.85:
            value = [{_key(rng): _scalar(rng) for _ in range(rng.randrange(1, 5))} for _ in range(rng.randrange(0, 4))]
        elif roll < 0.95 and depth < 3:
            value = _document(rng, depth + 1) if rng.random() < 0.9 else {}
        elif roll < 0.97:
            value = shared  # the same list twice: PyYAML writes an anchor and an alias
        else:
            value = [[_scalar(rng)]] if rng.random() < 0.5 else [{}]
        doc[_key(rng)] = value
    return doc


def _pyyaml(data) -> str:
    return yaml.dump(data, Dumper=render._DUMPER, sort_keys=False, allow_unicode=True, width=100)


def _same_data(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def test_front_matter_yaml_is_pyyamls_byte_for_byte():
    rng = random.Random(20261124)
    fast = 0
    for i in range(2500):
        doc = _document(rng)
        text = render.yaml_dump(doc)
        assert text == _pyyaml(doc), doc
        assert _same_data(yaml.safe_load(text), doc), doc
        fast += render._FastYaml().document(doc) is not None
    assert fast > 500  # the fast writer, not only PyYAML, was tested


def test_every_tricky_string_at_every_width_position():
    # each string as a value after keys of every length, and in a sequence, at two depths:
    # the folding at width 100 depends on the column a value starts at
    for s in TRICKY_STRINGS + ["word " * 30 + s for s in TRICKY_STRINGS]:
        for n in range(0, 100, 9):
            key = "k" * (n + 1)
            doc = {key: s, "list": [s, s + " tail"], "nested": {key: s, "labels": [{"id": s, key: s}]}}
            text = render.yaml_dump(doc)
            assert text == _pyyaml(doc), doc
            assert yaml.safe_load(text) == doc


def test_folding_of_long_strings_with_many_spaces():
    rng = random.Random(5)
    for _ in range(3000):
        s = _long_string(rng)
        prefix = rng.choice(["", "'", "a: ", "yes ", "- "])
        doc = {"k" * rng.randrange(1, 40): prefix + s, "items": [{"evidence": s}]}
        assert render.yaml_dump(doc) == _pyyaml(doc)


def test_briefing_front_matter_as_before(tmp_path):
    from conftest import SEEDS
    from briefdesk.pipeline import Settings, build_corpus

    root = SEEDS.parent
    corpus = build_corpus(Settings.for_project(root, registry_path=tmp_path / "urls.yml"))
    assert corpus.briefings
    for b in corpus.briefings:
        data = {"title": render.h(b.title), "description": render.h(b.summary),
                "briefing": render.front_matter_record(b)}
        assert render._FastYaml().document(data) == _pyyaml(data)
        assert render.front_matter(b) == "---\n" + _pyyaml(data) + "---\n"


# --- clean: the boilerplate rules tested as one pattern ----------------------------------

import dataclasses  # noqa: E402
import re  # noqa: E402

from briefdesk.source import clean  # noqa: E402

BOILERPLATE_LINES = [
    "Please direct any comments or questions about this article to dailynkenglish@uni-media.net.",
    "Read in Korean", "read this article in English.", "Daily NK works with a network of sources in North Korea.",
    "More information about Daily NK", "(END)", "[end]", "-30-", "###", "( ends )", "SOURCE: Yonhap", "source: x",
    "Sources : KCNA and others", "Read the full story here", "See more", "view the original article at nknews.org",
    "Home > News > Economy", "news › north korea | markets", "Share on Facebook | Twitter | Email", "share this",
    "Facebook · Twitter · Print", "Subscribe to our newsletter for updates", "Copyright 2021 Daily NK",
    "© Daily NK. All rights reserved", "(c) 2020 all rights", "All rights reserved.",
    "This article was originally published in Korean.", "Reposted with permission", "Tags: markets, rice",
    "Filed under: economy", "Back to top", "Advertisement", "Loading...", "1 of 5 photos", "3/10", "12 / 12 images",
    "Related articles:", "You may also like", "Most read", "Photo: Daily NK", "Translated by David Black.",
    "Edited by Robert Lauler", "By Jong So Yong", "Posted: March 5, 2021", "markets rice prices",
    "Yanggang Province talks to traders", "A vendor in Hyesan (Daily NK)", "The market / image credit: Daily NK",
]


def _outcome(result):
    if result is None:
        return None
    what, rule, match = result
    return what, rule, (match.span(), match.groupdict()) if match else None


def _lines(rng: random.Random) -> list[str]:
    from conftest import SEEDS

    lines = [" ".join(line.split()) for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text().split("\n")]
    lines = [line for line in lines if line] + BOILERPLATE_LINES
    mutated = []
    for line in lines:
        mutated += [line.upper(), line.lower(), line + " x", "x " + line, line[:-1], line[1:], line + "."]
    return lines + mutated + [random_text(rng) for _ in range(500)]


def test_boilerplate_as_one_pattern_claims_what_the_rules_claim():
    from conftest import ROOT

    rules = clean.load_rules(ROOT / "hooks/editorial/boilerplate.yml")
    assert rules.boilerplate_any is not None  # the shipped rules take the fast road
    one_by_one = dataclasses.replace(rules, boilerplate_any=None)
    claimed = 0
    for line in _lines(random.Random(3)):
        for zone in (True, False):
            fast = _outcome(clean._classify_line(line, rules, zone))
            assert fast == _outcome(clean._classify_line(line, one_by_one, zone)), line
            claimed += fast is not None and fast[0] == "boilerplate"
    assert claimed > 50


def test_rules_joined_only_when_nothing_changes():
    def rules(*entries):
        return [clean.Rule(str(i), re.compile(p, 0 if cs else re.IGNORECASE)) for i, (p, cs) in enumerate(entries)]

    assert clean._any_of([]) is None
    assert clean._any_of(rules(("(a)b\\1", False))) is None  # a group, and a back-reference to it
    assert clean._any_of(rules(("(?s)a.b", False))) is None  # inline flags
    joined = clean._any_of(rules(("abc", True), ("x+y?", False), ("ab", False), ("a|b", True), ("", False)))
    rng = random.Random(11)
    singles = rules(("abc", True), ("x+y?", False), ("ab", False), ("a|b", True), ("", False))
    for _ in range(3000):
        s = "".join(rng.choice("abcxyABCXY") for _ in range(rng.randrange(4)))
        assert bool(joined.fullmatch(s)) == any(r.regex.fullmatch(s) for r in singles), s


# --- render.for_mkdocs: MkDocs converts the headings, the HTML blocks are put back -------

import sys  # noqa: E402

import markdown  # noqa: E402
import pytest  # noqa: E402
from mkdocs.utils import meta as mkdocs_meta  # noqa: E402

# the site's markdown_extensions as MkDocs hands them to Python-Markdown (with its built-ins)
_MD_EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition"]
_MD_CONFIGS = {"toc": {"permalink": True}}


def _convert(text: str) -> tuple[str, list]:
    md = markdown.Markdown(extensions=_MD_EXTENSIONS, extension_configs=_MD_CONFIGS)
    return md.convert(text), getattr(md, "toc_tokens", [])


def _as_before(page: str) -> None:
    """MkDocs' reading of the whole page, against the split page filled back."""
    made = render.for_mkdocs(page)
    if made is None:
        return
    body, meta = mkdocs_meta.get_data(page)
    whole, toc = _convert(body)
    part, part_toc = _convert(made["markdown"])
    assert render.fill_blocks(part, made["blocks"]) == whole
    assert part_toc == toc
    assert {k: meta[k] for k in render.MKDOCS_META if k in meta} == {k: v for k, v in made["meta"].items()
                                                                    if k != "briefing"}
    assert bool(made["meta"].get("briefing")) == bool(meta.get("briefing"))


def test_pages_for_mkdocs_convert_to_what_the_whole_page_converts_to(tmp_path):
    from conftest import SEEDS, copy_project
    sys.path.insert(0, str(SEEDS.parents[0] / "bench"))
    from generate_corpus import generate
    from briefdesk.pipeline import Settings, build_corpus

    project = copy_project(tmp_path / "p", with_seeds=True)
    generate(60, 3, project / "source_articles")
    corpus = build_corpus(Settings.for_project(project, registry_path=tmp_path / "urls.yml"))
    split = 0
    for src, page in corpus.pages.items():
        _as_before(page)
        split += render.for_mkdocs(page) is not None
    assert split >= 0.9 * len(corpus.pages)  # nearly every page: briefings and listings
    for b in corpus.briefings:  # the front matter the render hands over is the one read back from the page
        page = corpus.pages[b.page_path]
        assert render.for_mkdocs(page, render.front_matter_data(b, record=False)) == render.for_mkdocs(page)
    assert SEEDS.is_dir()


TRICKY_BLOCKS = [
    "# Title", "## A heading", "## Related briefings", "## Cite &#35;1 {: .x}", "Some *Markdown* with [a link](x.md).",
    '<p id="p1" class="bd-para">text &amp; <a href="x">more</a></p>', "<p>a</p><p>b</p>", "<div>a</div> tail",
    "<p>a</p>\n<p>b</p>", "<div><div>x</div></div>", "<div>a</div><div>b</div>", "<ul><li>a</li></ul>",
    "<span>inline</span>", "<p>unclosed", "<hr>", "<pre>x\n\ny</pre>", "<details><summary>s</summary><p>x</p></details>",
    "- a list\n- of two", "    indented code", "<dl><div>x</div></dl>", "text\n<p>html after text</p>",
    "<p>html</p>\ntext after", "<nav class=\"x\"><a href=\"y\">z</a></nav>", "bdhtmlblock0z", "<table><tr><td>1</td></tr></table>",
    "> quote", "<div>\n<p>x</p>\n</div>", "<script>x</script>", "<P>upper</P>",
]


def test_for_mkdocs_on_tricky_pages():
    rng = random.Random(11)
    for _ in range(1500):
        blocks = [rng.choice(TRICKY_BLOCKS) for _ in range(rng.randrange(1, 9))]
        seps = ["\n\n", "\n\n\n", "\n\n"]
        body = blocks[0] + "".join(rng.choice(seps) + b for b in blocks[1:]) + rng.choice(["\n", "", "\n\n"])
        front = rng.choice(['---\ntitle: "T"\n---\n', "---\ntitle: T\ndescription: d\nbriefing:\n  id: x\n  url: y\n---\n\n"])
        page = front + body
        _as_before(page)


def test_fill_blocks_refuses_a_page_whose_placeholders_do_not_match():
    with pytest.raises(ValueError):
        render.fill_blocks("<p>bdhtmlblock0z</p>\n<p>bdhtmlblock0z</p>", ["<p>x</p>"])
