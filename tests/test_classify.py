import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hooks"))  # noqa: E401,E702

import json
import re
import shutil

import pytest

from briefdesk.labels import classify as C
from briefdesk.labels.classify import VocabularyError, apply_overrides, classify, load_vocabulary

ROOT = pathlib.Path(__file__).resolve().parents[1]
EDITORIAL = ROOT / "hooks" / "editorial"
SEEDS = ROOT / "source_articles"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary(EDITORIAL)


# --------------------------------------------------------------------------- helpers

_CAPTION = re.compile(r"(?:\((?:Daily NK|Rodong Sinmun|KCNA|Yonhap)[^()]*\)\s*$)|(?:\s/\s*(?:Image|Photo)\s*:)", re.I)
_FOOTER = re.compile(
    r"^(?:please direct any comments|read in korean|translated by|daily nk works with"
    r"|more information about daily nk)|is one of daily nk's freelance reporters",
    re.I,
)


def read_seed(name: str, title_first_line: bool = False):
    """A stand-in for the real cleaner: (paragraphs, captions, title)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    paragraphs, captions = [], []
    for block in re.split(r"\n\s*\n", text):
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            if _CAPTION.search(line):
                captions.append(line)
            elif re.fullmatch(r"[a-z ]{1,80}", line):  # scraper keyword line
                continue
            elif _FOOTER.search(line.replace("’", "'")):
                continue
            else:
                paragraphs.append(line)
    title = None
    if title_first_line:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    return paragraphs, captions, title


def ids(labels, category):
    return [lb.id for lb in getattr(labels, category)]


# --------------------------------------------------------------------------- vocabulary


def test_vocabulary_loads_and_covers_the_provinces(vocab):
    provinces = {p.id for p in vocab.provinces()}
    assert provinces == {
        "north-hamgyong", "south-hamgyong", "ryanggang", "jagang", "north-pyongan", "south-pyongan",
        "north-hwanghae", "south-hwanghae", "kangwon", "pyongyang", "rason", "kaesong",
    }
    for p in vocab.provinces():
        assert 8 <= len(p.outline) <= 20 or p.kind == "special-city", p.id
    cn = {p.id for p in vocab.places.values() if p.country == "CN"}
    assert {"dandong", "hunchun", "yanji", "changbai", "tumen", "jian", "shenyang"} <= cn
    assert all(vocab.places[c].province is None for c in cn)
    assert vocab.places["pyongsong-market"].kind == "market"
    assert vocab.places["pyongsong-market"].city == "pyongsong"
    assert vocab.places["sunam-market"].city == "chongjin"
    assert vocab.places["pyongsong"].province == "south-pyongan"


def test_topics_have_thresholds_and_related(vocab):
    assert vocab.topic_settings["threshold"] > 0
    for t in vocab.topics.values():
        assert t.threshold > 0 and t.terms and t.description
        assert all(r in vocab.topics for r in t.related)


def _copy_vocab(tmp_path):
    d = tmp_path / "editorial"
    d.mkdir()
    for name in ("topics.yml", "places.yml", "actors.yml"):
        shutil.copy(EDITORIAL / name, d / name)
    return d


def _mini(tmp_path, topics=None, places=None, actors=None):
    d = tmp_path / "mini"
    d.mkdir(exist_ok=True)
    (d / "topics.yml").write_text(topics or (
        "settings: {threshold: 3}\n"
        "topics:\n"
        "  - id: trade\n    label: Trade\n    description: Trade.\n"
        "    terms: [{term: smuggl*, weight: 3}, {term: trade, weight: 1}]\n    related: []\n"
    ), encoding="utf-8")
    (d / "places.yml").write_text(places or (
        "places:\n"
        "  - {id: north-pyongan, name: North Pyongan Province, kind: province, province: null, country: KP,\n"
        "     lat: 40, lon: 125, variants: [North Pyongan], outline: [[124, 39], [125, 40], [126, 39]]}\n"
        "  - {id: sinuiju, name: Sinuiju, kind: city, province: north-pyongan, country: KP, lat: 40.1, lon: 124.4}\n"
    ), encoding="utf-8")
    (d / "actors.yml").write_text(actors or (
        "actors:\n  - {id: cabinet, name: Cabinet, kind: organisation}\n"
    ), encoding="utf-8")
    return d


def test_minimal_vocabulary_loads(tmp_path):
    v = load_vocabulary(_mini(tmp_path))
    lb = classify(v, ["Smugglers in Sinuiju told the Cabinet about trade."])
    assert ids(lb, "topics") == ["trade"]
    assert ids(lb, "places") == ["north-pyongan", "sinuiju"]  # equal scores: by id
    assert lb.get("topics", "trade").score == 4.0
    assert ids(lb, "actors") == ["cabinet"]


@pytest.mark.parametrize(
    "file, content, fragment",
    [
        ("places.yml", "places:\n  - {id: a, name: A, kind: city, province: nowhere, country: KP, lat: 1, lon: 1}\n",
         "unknown province 'nowhere'"),
        ("places.yml", "places:\n  - {id: a, name: A, kind: village, province: null, country: CN, lat: 1, lon: 1}\n",
         "'kind'"),
        ("actors.yml", "actors:\n  - {id: x, name: X, kind: person}\n  - {id: x, name: Y, kind: person}\n",
         "entry 'x': duplicate id"),
        ("actors.yml", "actors:\n  - {id: x, name: Same Name, kind: person}\n  - {id: y, name: Same-Name, kind: person}\n",
         "already used by 'x'"),
        ("topics.yml", "topics:\n  - {id: t, label: T, description: D, terms: [{term: a, weight: 1}], related: [nope]}\n",
         "related topic 'nope'"),
        ("topics.yml", "topics:\n  - {id: t, label: T, description: D, terms: [{term: a, weight: -1}]}\n",
         "greater than 0"),
        ("topics.yml", "topics: [\n", "not valid YAML"),
        ("topics.yml", "topics:\n  - {id: t, label: T, description: D, terms: [{term: Self-reliance, weight: 1},"
                       " {term: self reliance, weight: 2}]}\n", "listed twice"),
        ("places.yml", "places:\n  - {id: p, name: P, kind: province, province: null, country: KP, lat: 1, lon: 1}\n",
         "needs an 'outline'"),
        ("places.yml", "places:\n  - {id: m, name: M Market, kind: market, province: null, country: KP, lat: 1, lon: 1}\n",
         "entry 'm'"),
    ],
)
def test_bad_vocabulary_gives_one_line_error(tmp_path, file, content, fragment):
    d = _mini(tmp_path)
    (d / file).write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError) as exc:
        load_vocabulary(d)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(file), msg
    assert fragment in msg, msg
    assert isinstance(exc.value, ValueError)


def test_missing_vocabulary_file(tmp_path):
    d = _mini(tmp_path)
    (d / "actors.yml").unlink()
    with pytest.raises(VocabularyError, match=r"^actors\.yml"):
        load_vocabulary(d)


def test_real_vocabulary_rejects_a_duplicate_added_by_an_editor(tmp_path):
    d = _copy_vocab(tmp_path)
    with (d / "places.yml").open("a", encoding="utf-8") as fh:
        fh.write("  - {id: hyesan, name: Hyesan again, kind: city, province: ryanggang, country: KP, lat: 1, lon: 1}\n")
    with pytest.raises(VocabularyError, match=r"places\.yml: entry 'hyesan': duplicate id"):
        load_vocabulary(d)


# --------------------------------------------------------------------------- matching rules


def test_ryanggang_and_yanggang_are_one_province(vocab):
    for spelling in ("Ryanggang", "Yanggang", "Yangkang", "RYANGGANG", "Ryanggang-do"):
        lb = classify(vocab, [f"A source in {spelling} Province said prices rose."])
        assert ids(lb, "places") == ["ryanggang"], spelling


def test_whole_words_only(vocab):
    lb = classify(vocab, ["That is a reasonable request, said the Manjusri monk at the anjuman."])
    assert lb.places == []
    lb = classify(vocab, ["Officials in Rason and Anju met."])
    assert {"rason", "anju", "south-pyongan"} <= set(ids(lb, "places"))


def test_south_pyongan_is_not_north_and_not_bare(vocab):
    lb = classify(vocab, ["A source in South Pyongan Province said so."])
    assert ids(lb, "places") == ["south-pyongan"]
    assert lb.places[0].evidence == {"South Pyongan Province": 1}
    lb = classify(vocab, ["Pyongan Province used to be one province."])
    assert lb.places == []


def test_romanisation_variants_and_diacritics(vocab):
    text = ["Traders from P’yŏngsŏng, Sinŭiju, Shinuiju and Ch'ŏngjin met in North Hamkyung."]
    lb = classify(vocab, text)
    got = set(ids(lb, "places"))
    assert {"pyongsong", "sinuiju", "chongjin", "north-hamgyong", "south-pyongan", "north-pyongan"} <= got
    assert lb.get("places", "sinuiju").evidence == {"Sinuiju": 1, "Shinuiju": 1}
    assert "pyongyang" not in got  # "Pyongsong" never yields "Pyongyang"


def test_city_implies_province(vocab):
    lb = classify(vocab, ["Nothing happened.", "A trader in Hyesan was fined.", "Hyesan is cold."])
    prov = lb.get("places", "ryanggang")
    city = lb.get("places", "hyesan")
    assert city.evidence == {"Hyesan": 2} and city.province == "ryanggang" and city.implied_by is None
    assert prov.implied_by == "hyesan"
    assert prov.evidence == {"implied_by:hyesan": 2}
    assert prov.first_paragraph == 1 and prov.province is None
    # a market implies its city, which implies the province
    lb = classify(vocab, ["Prices at Sunam Market rose."])
    assert lb.get("places", "chongjin").implied_by == "sunam-market"
    assert lb.get("places", "north-hamgyong").implied_by == "chongjin"


def test_chinese_cities_imply_nothing(vocab):
    lb = classify(vocab, ["Goods from Dandong and Hunchun reached the Tumen River."])
    assert set(ids(lb, "places")) == {"dandong", "hunchun"}
    assert lb.get("places", "dandong").as_dict()["country"] == "CN"


def test_kim_names_do_not_bleed(vocab):
    lb = classify(vocab, ["Workers at the Kim Jong Suk Pyongyang Textile Mill and Kim Jong-suk's Pyongyang "
                          "Textile Factory studied works by Kim Jong Il and Kim Il Sung University staff."])
    got = set(ids(lb, "actors"))
    assert "kim-jong-un" not in got
    assert "kim-jong-il" in got
    assert "kim-il-sung" not in got  # "Kim Il Sung University" is ignored
    lb = classify(vocab, ["Kim Jong-un, Kim Jong Un, Kim Jong-Un and Kim Jongun are one man."])
    assert ids(lb, "actors") == ["kim-jong-un"]
    assert lb.actors[0].score == 4.0


def test_generic_party_is_not_the_wpk(vocab):
    lb = classify(vocab, ["The party said the party would decide; a birthday party followed."])
    assert "wpk" not in ids(lb, "actors")
    lb = classify(vocab, ["The Workers’ Party of Korea and the WPK met."])
    assert ids(lb, "actors") == ["wpk"]
    assert lb.actors[0].evidence == {"Workers' Party of Korea": 1, "WPK": 1}


def test_case_exact_variants(vocab):
    assert "cabinet" not in ids(classify(vocab, ["She bought a kitchen cabinet."]), "actors")
    assert "cabinet" in ids(classify(vocab, ["The Cabinet issued an order."]), "actors")


def test_captions_alone_do_not_assign(vocab):
    caps = ["Kim Jong Un on a visit to a factory in Hyesan. (Rodong Sinmun)"]
    lb = classify(vocab, ["The factory missed its plan."], captions=caps)
    assert lb.actors == [] and lb.places == []
    # with a body mention, a caption adds weight and evidence
    lb = classify(vocab, ["Kim Jong Un visited Hyesan."], captions=caps)
    assert lb.get("actors", "kim-jong-un").score == 1.5
    assert lb.get("actors", "kim-jong-un").evidence == {"Kim Jong Un": 2}
    assert lb.get("places", "hyesan").score == 1.5


def test_title_counts_and_first_paragraph(vocab):
    lb = classify(vocab, ["Nothing here."], title="Arrests in Hyesan")
    assert lb.get("places", "hyesan").first_paragraph == -1
    assert lb.get("places", "hyesan").score == 2.0


def test_topic_threshold_and_damping(vocab):
    weak = classify(vocab, ["Prices at the market."])
    assert "markets-commerce" not in ids(weak, "topics")
    strong = classify(vocab, ["Smugglers and trading companies resumed smuggling; customs officers watched trade."])
    t = strong.get("topics", "trade-smuggling")
    assert t is not None and t.score >= vocab.topics["trade-smuggling"].threshold
    assert t.evidence["smuggl*"] == 2


def test_longest_term_is_consumed_across_topics(vocab):
    lb = classify(vocab, ["The import disease, the import disease, the import disease."])
    assert lb.get("topics", "import-substitution").evidence == {"import disease": 3}
    assert "trade-smuggling" not in ids(lb, "topics")


def test_output_is_deterministic_and_json_able(vocab):
    paras, caps, _ = read_seed("004_882abeed6eb633e3.txt")
    a = classify(vocab, paras, caps).as_dict()
    b = classify(vocab, list(paras), list(caps)).as_dict()
    assert json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False)
    for cat in ("topics", "places", "actors"):
        keys = [(-d["score"], d["id"]) for d in a[cat]]
        assert keys == sorted(keys)
    assert set(a["places"][0]) >= {"id", "name", "kind", "score", "evidence", "first_paragraph", "province", "implied_by"}
    assert "province" not in a["actors"][0]


# --------------------------------------------------------------------------- overrides


def test_apply_overrides_add_and_remove(vocab):
    lb = classify(vocab, ["Arrests in Hyesan: the Cabinet and the Ministry of Social Security acted."])
    assert "cabinet" in ids(lb, "actors")
    out = apply_overrides(
        lb,
        add={"topics": ["food-agriculture"], "places": ["sunam-market"], "actors": ["cabinet"]},
        remove={"actors": ["ministry-of-social-security"], "places": ["hyesan"]},
        vocab=vocab,
    )
    assert out.get("topics", "food-agriculture").evidence == {"metadata": 1}
    assert out.get("places", "sunam-market").evidence == {"metadata": 1}
    assert out.get("places", "chongjin").implied_by == "sunam-market"
    assert out.get("actors", "cabinet").evidence["metadata"] == 1
    assert out.get("actors", "cabinet").evidence["Cabinet"] == 1
    assert "ministry-of-social-security" not in ids(out, "actors")
    assert "hyesan" not in ids(out, "places")
    assert "ministry-of-social-security" in ids(lb, "actors")  # the input is not changed
    # metadata wins: added and removed -> removed
    out = apply_overrides(lb, add={"actors": ["kim-yo-jong"]}, remove={"actors": ["kim-yo-jong"]}, vocab=vocab)
    assert "kim-yo-jong" not in ids(out, "actors")


def test_apply_overrides_unknown_id(vocab):
    lb = classify(vocab, ["Nothing."])
    with pytest.raises(VocabularyError, match="no-such-place"):
        apply_overrides(lb, add={"places": ["no-such-place"]}, remove={}, vocab=vocab)
    with pytest.raises(VocabularyError, match="regions"):
        apply_overrides(lb, add={"regions": ["hyesan"]}, remove={}, vocab=vocab)
    # unknown ids in remove are ignored
    assert apply_overrides(lb, add={}, remove={"places": ["gone"]}, vocab=vocab).places == []


# --------------------------------------------------------------------------- seed articles


def test_seed_004_pyongsong_wholesaler(vocab):
    paras, caps, _ = read_seed("004_882abeed6eb633e3.txt")
    assert any("Pyongsong’s city center" in c for c in caps)
    lb = classify(vocab, paras, caps)
    places = set(ids(lb, "places"))
    assert {"south-pyongan", "pyongsong", "north-pyongan", "pyongsong-market"} <= places
    assert "pyongyang" not in places
    north = lb.get("places", "north-pyongan")
    assert north.implied_by is None and not any(k.startswith("implied_by:") for k in north.evidence)
    south = lb.get("places", "south-pyongan")
    assert "implied_by:pyongsong" in south.evidence and "South Pyongan Province" in south.evidence
    assert {"quality-counterfeit", "enforcement-arrests", "markets-commerce"} <= set(ids(lb, "topics"))
    assert {"cabinet", "ministry-of-social-security", "national-quality-monitoring-committee",
            "kim-jong-un"} <= set(ids(lb, "actors"))


def test_seed_000_import_disease(vocab):
    paras, caps, _ = read_seed("000_e609a567b5bfd582.txt")
    lb = classify(vocab, paras, caps)
    assert "north-hamgyong" in ids(lb, "places")
    assert {"import-substitution", "border-covid"} <= set(ids(lb, "topics"))
    assert "cabinet" in ids(lb, "actors")
    assert "wpk" not in ids(lb, "actors")  # only "the party" / "the provincial party"
    assert "provincial-party-committee" in ids(lb, "actors")


def test_seed_001_yanggang_traders(vocab):
    paras, caps, _ = read_seed("001_9fe1c9ec50ac002b.txt")
    lb = classify(vocab, paras, caps)
    assert "ryanggang" in ids(lb, "places")
    assert lb.get("places", "ryanggang").evidence == {"Yanggang": 3}
    assert {"trade-smuggling", "border-covid"} <= set(ids(lb, "topics"))


def test_seed_003_cabinet_reviews_plans(vocab):
    paras, caps, _ = read_seed("003_8124163a8297e610.txt")
    assert caps == ["Kim Jong Un on a visit to a factory in June 2019. (Rodong Sinmun)"]
    lb = classify(vocab, paras, caps)
    assert "north-hamgyong" in ids(lb, "places")
    assert "enterprise-management" in ids(lb, "topics")
    assert "cabinet" in ids(lb, "actors")
    assert "kim-jong-un" not in ids(lb, "actors")  # caption only


def test_seed_002_light_industry(vocab):
    paras, caps, title = read_seed("002_36bc3abd9c378bde.txt", title_first_line=True)
    assert title.startswith("From “heavy” to “light”")
    lb = classify(vocab, paras, caps, title)
    assert "light-industry" in ids(lb, "topics")
    assert lb.topics[0].id == "light-industry"
    places = set(ids(lb, "places"))
    assert {"pyongyang", "wonsan", "kangwon", "kaesong", "sinuiju", "north-pyongan", "chongjin",
            "north-hamgyong"} <= places
    assert lb.get("places", "kangwon").implied_by == "wonsan"
    assert lb.get("places", "north-pyongan").implied_by == "sinuiju"
    assert lb.get("places", "north-hamgyong").implied_by == "chongjin"
    kju = lb.get("actors", "kim-jong-un")
    assert kju is not None
    # every "Kim Jong-un"/"Kim Jong Un" in the text, and nothing from "Kim Jong-suk's ... Factory"
    body = "\n".join(paras)
    expected = len(re.findall(r"Kim Jong[- ]un", body, re.I))
    assert sum(kju.evidence.values()) == expected
    assert "kim-jong-suk" not in ids(lb, "actors")


def test_tokens_fold_apostrophes_hyphens_and_accents():
    orig, low = C.tokens("Kim Jong-un’s visit to P’yŏngsŏng — Workers' Party")
    assert low == ["kim", "jong", "un", "s", "visit", "to", "p", "yongsong", "workers", "party"]
    assert orig[0] == "Kim"


# --------------------------------------------------------------------------- the scan's fast paths

TRICKY = [
    "Kim Jong-un’s visit to P’yŏngsŏng — Workers' Party",
    "“Quoted” ‘words’ – en dash — em dash • bullet · dot «guillemets» ‹single› „low‟ ‚low’",
    "snake_case_words and a\x01control character, a\x00nul and\ttabs\nnewlines\u00a0nbsp",
    "\u0301a combining mark first, e\u0301 composed later, Ⅻ ½ ① superscript²",
    "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ ΣΙΓΜΑΣ Σ σ ς and İstanbul",
    "plain ascii only",
    "",
]


def test_token_list_is_tokens_text_by_text():
    for texts in [[t] for t in TRICKY] + [TRICKY, TRICKY[-2:], TRICKY[1:3], []]:
        expected_orig, expected_low = [], []
        for k, t in enumerate(texts):
            if k:
                expected_orig.append(C._PARA)
                expected_low.append(C._PARA)
            orig, low = C.tokens(t)
            expected_orig += orig
            expected_low += low
        got = C._token_list(texts)
        assert got == expected_orig, texts
        # scans lower-case token by token: the same as tokens() lower-cases
        assert [t.lower() for t in got] == expected_low, texts


def test_phrases_do_not_run_across_paragraphs_title_or_captions(vocab):
    lb = classify(vocab, ["A trader in North", "Hamgyong Province said so."])
    assert "north-hamgyong" not in ids(lb, "places")
    lb = classify(vocab, ["A trader in North Hamgyong Province said so."], captions=["North", "Hamgyong Province"])
    assert lb.get("places", "north-hamgyong").evidence == {"North Hamgyong Province": 1}


def test_case_exact_and_case_free_spellings_in_one_article(vocab):
    lb = classify(vocab, ["She bought a cabinet.", "The CABINET and the Cabinet met; a cabinet maker watched."])
    cab = lb.get("actors", "cabinet")
    assert cab.evidence == {"CABINET": 1, "Cabinet": 1} and cab.first_paragraph == 1
    # the memo remembers tokens by their case: a later article sees the same
    assert classify(vocab, ["a cabinet"]).actors == []
    assert ids(classify(vocab, ["a Cabinet"]), "actors") == ["cabinet"]
