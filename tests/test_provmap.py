import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hooks"))  # noqa: E401,E702

import re
import xml.etree.ElementTree as ET

import pytest

from briefdesk.labels.classify import load_vocabulary
from briefdesk.pages.provmap import DEFAULT_CSS, province_map_svg, shade_step

ROOT = pathlib.Path(__file__).resolve().parents[1]
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary(ROOT / "hooks" / "editorial")


def href(pid: str) -> str:
    return f"../places/{pid}/?a=1&b=2"


COUNTS = {"south-pyongan": 3, "north-hamgyong": 12, "ryanggang": 1, "pyongyang": 7, "hyesan": 99}


def test_one_link_per_province(vocab):
    svg = province_map_svg(vocab, COUNTS, href, title="Briefings <by> province")
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    assert root.get("role") == "group" and root.get("viewBox")
    assert root.find(NS + "title").text == "Briefings <by> province"
    assert "Schematic map" in root.find(NS + "desc").text
    links = root.findall(f".//{NS}a")
    provinces = vocab.provinces()
    assert len(links) == len(provinces) == 12
    by_href = {a.get("href"): a for a in links}
    for p in provinces:
        a = by_href[href(p.id)]
        n = COUNTS.get(p.id, 0)
        assert a.get("aria-label") == f"{p.name}: {n} briefing{'' if n == 1 else 's'}"
        paths = a.findall(NS + "path")
        assert len(paths) == 1
        assert paths[0].get("data-place") == p.id
        assert re.fullmatch(r"M[\d. L]+ Z", paths[0].get("d"))
    label = by_href[href("south-pyongan")].get("aria-label")
    assert label == "South Pyongan Province: 3 briefings"
    assert by_href[href("ryanggang")].get("aria-label") == "Ryanggang Province: 1 briefing"


def test_shading_classes(vocab):
    root = ET.fromstring(province_map_svg(vocab, COUNTS, href))
    cls = {p.get("data-place"): p.get("class") for p in root.iter(NS + "path")}
    assert "prov-map__c4" in cls["north-hamgyong"]
    assert "prov-map__c0" in cls["jagang"]
    assert "prov-map__c1" in cls["ryanggang"]
    assert "prov-map__c3" in cls["pyongyang"]  # 7 of 12
    assert all("prov-map__region" in c for c in cls.values())
    legend = root.find(f".//{NS}g[@class='prov-map__legend']")
    assert [r.get("class") for r in legend.iter(NS + "rect")] == [f"prov-map__c{i}" for i in range(5)]
    assert [shade_step(c, 12) for c in (0, 1, 3, 4, 6, 7, 9, 10, 12)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_no_counts_at_all(vocab):
    root = ET.fromstring(province_map_svg(vocab, {}, href))
    assert {p.get("class").split()[-1] for p in root.iter(NS + "path")} == {"prov-map__c0"}


def test_deterministic_and_self_contained(vocab):
    a = province_map_svg(vocab, dict(COUNTS), href)
    b = province_map_svg(vocab, dict(reversed(list(COUNTS.items()))), href)
    assert a == b and a.encode() == b.encode()
    # no external references: only the SVG namespace URI, no url(), no xlink, no <image>/<use>/<script>
    assert re.findall(r"https?://[^\"]+", a) == ["http://www.w3.org/2000/svg"]
    for bad in ("url(", "xlink", "<image", "<use", "<script", "<style", "@import"):
        assert bad not in a
    assert "\n\n" not in a  # safe inside a Markdown HTML block
    assert "&amp;b=2" in a  # hrefs are escaped


def test_default_css_names_every_class():
    for i in range(5):
        assert f".prov-map__c{i}" in DEFAULT_CSS
