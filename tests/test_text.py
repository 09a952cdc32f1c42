"""text.rel_url: the short road by segments gives exactly what posixpath.relpath gives."""

import itertools

from briefdesk.text import _rel_url_posix, rel_url

SEGMENTS = ["a", "b", "briefings", "topics", "page", "2", "index.html", "c.xml"]
ODD = ["", "./", ".", "..", "../a/", "/abs/", "a//b/", "a/./b", "a/b/..", "#frag", "a/b/#p3", "x.html#p2"]


def _urls() -> list[str]:
    urls = list(ODD)
    for n in range(1, 4):
        for combo in itertools.product(SEGMENTS, repeat=n):
            urls += ["/".join(combo), "/".join(combo) + "/"]
    return urls


def test_rel_url_matches_relpath_for_every_pair_of_sample_urls():
    urls = _urls()
    sample = urls[:: max(1, len(urls) // 300)] + ODD
    mismatches = [(a, b, rel_url(a, b), _rel_url_posix(a, b))
                  for a in sample for b in sample if rel_url(a, b) != _rel_url_posix(a, b)]
    assert mismatches == []


def test_rel_url_examples():
    assert rel_url("topics/x/", "briefings/y/") == "../../briefings/y/"
    assert rel_url("topics/x/page/2/", "topics/x/") == "../../"
    assert rel_url("", "briefings/") == "briefings/"
    assert rel_url("briefings/y/", "briefings/y/") == "./"
