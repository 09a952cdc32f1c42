"""The pipeline's fast paths give what the plain code they replace gave.

Each test here keeps the straightforward version as a reference and checks the faster
one against it on many generated inputs, tricky ones included."""

from __future__ import annotations

import random

from briefdesk import read

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
