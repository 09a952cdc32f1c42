"""Synthetic article corpus for benchmarks, deterministic from a seed.

    python bench/generate_corpus.py --count N --seed S --out DIR

writes N raw article files (``000123_<16 hex>.txt``) into DIR, shaped like the
shipped ones in ``source_articles/``: paragraphs separated by blank lines, image
caption lines, stray lowercase keyword lines, headline lines, footer boilerplate
("Please direct any comments ...", "Read in Korean", "Translated by ... Edited by
...", "(END)", "SOURCE: Yonhap"). About 60% get a sidecar ``NAME.yml`` with some
of title, date, authors, outlet, source_url; the rest have no metadata.

Text is assembled from the shipped articles' sentences (place names, months,
numbers and commodities swapped for others) mixed with template sentences that
draw on per-"theme" vocabulary (invented enterprise, farm and market names), so
documents differ, cluster into themes, and TF-IDF is not degenerate.

The same (count, seed, source articles) always gives byte-identical files: every
article is drawn from its own RNG seeded from sha256(seed, index), so the result
does not depend on how the work is split between worker processes.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import multiprocessing
import os
import random
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = REPO_ROOT / "source_articles"

MIN_WORDS = 300
MAX_WORDS = 3000
SIDECAR_SHARE = 0.6
N_THEMES = 400

PLACES = [
    "North Hamgyong Province", "South Hamgyong Province", "Ryanggang Province",
    "Yanggang Province", "North Pyongan Province", "South Pyongan Province",
    "North Hwanghae Province", "South Hwanghae Province", "Chagang Province",
    "Kangwon Province", "Pyongyang", "Sinuiju", "Hyesan", "Chongjin", "Pyongsong",
    "Hamhung", "Wonsan", "Kaesong", "Nampo", "Rason", "Hoeryong", "Musan",
    "Manpo", "Kimchaek", "Tanchon", "Sariwon", "Haeju", "Anju", "Kanggye",
    "Dandong", "Hunchun", "Yanji", "Changbai", "Tumen",
]
_PLACE_RE = re.compile(
    r"\b(?:(?:North|South) (?:Hamgyong|Pyongan|Hwanghae)(?: Province)?|"
    r"(?:Yanggang|Ryanggang|Chagang)(?: Province)?|Pyongyang|Sinuiju|Hyesan|Chongjin|"
    r"Pyongsong|Wonsan|Kaesong|Hamhung|Nampo|Rason|Dandong|Hyesan|Hoeryong|Musan)\b"
)
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]
MONTHS_SHORT = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_MONTH_RE = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
COMMODITIES = [
    "rice", "corn", "wheat flour", "soybeans", "potatoes", "pork", "sugar", "cooking oil",
    "gasoline", "diesel", "coal", "iron ore", "timber", "seafood", "squid", "cigarettes",
    "textiles", "fertilizer", "cement", "copper", "zinc", "anthracite", "cosmetics",
    "leather shoes", "medicine", "electric bicycles", "mobile phones", "solar panels",
]
_COMMODITY_RE = re.compile(r"\b(?:rice|corn|leather|cosmetics|textiles?|coal|foodstuffs|beer|soap)\b")
_NUMBER_RE = re.compile(r"\b\d{1,3}(?:,\d{3})*(?:\.\d+)?\b")
SURNAMES = ["Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Jo", "Yun", "Jang", "Han", "Oh", "Hong", "Mun", "Song"]
GIVEN = [
    "Chol", "Song", "Yong", "Hyok", "Min", "Jin", "Su", "Hui", "Nam", "Il", "Myong", "Gwang",
    "Ok", "Sun", "Hwa", "Ho", "Chun", "Kyong", "Un", "Bok",
]
SYLLABLES = [
    "kang", "ryong", "song", "chol", "pyo", "nam", "hyon", "sun", "kum", "dok", "chon", "ha",
    "myong", "san", "ri", "gol", "jin", "hwa", "un", "bong", "yong", "sok", "pung", "tae",
    "mo", "ran", "bu", "pyong", "ch'ang", "dae", "ul", "rim", "sam", "hung", "gye", "ok",
]
ORG_KINDS = [
    "Trading Company", "Cooperative Farm", "Textile Mill", "Coal Mine", "Food Factory",
    "Machine Works", "Fishery Station", "Department Store", "Chemical Complex", "Steel Works",
    "Shoe Factory", "Power Station", "Tobacco Factory", "Pharmaceutical Factory",
]
FILLER = [
    "procurement", "smuggling", "quota", "wholesale", "remittance", "inspection", "crackdown",
    "rationing", "exchange", "collateral", "loan", "shortage", "subsidy", "levy", "brokers",
    "surveillance", "quarantine", "harvest", "irrigation", "electricity", "mobilization",
    "cooperative", "contract", "dividend", "customs", "freight", "warehouse", "tariff",
    "currency", "yuan", "dollar", "won", "inflation", "wages", "pension", "housing",
    "construction", "greenhouse", "fishing", "mining", "logging", "fertilizer", "seed",
]
TEMPLATES = [
    "A source in {place} told Daily NK that the price of {commodity} at the {word} market rose to {price} won per kilogram in {month}.",
    "Officials at the {org} were ordered to raise output of {commodity} by {pct}% before the end of {month}.",
    "{person}, a trader in {place}, said the {org} had failed to deliver {num} tons of {commodity} this year.",
    "The {word} {filler} campaign in {place} has left many households short of {commodity}, according to the source.",
    "Managers of the {org} reportedly borrowed {num} yuan from private lenders to cover the {filler} shortfall.",
    "In {month}, inspectors from the Cabinet visited the {org} in {place} to review its {filler} plan.",
    "The exchange rate in {place} stood at {price} won to the dollar on {month} {day}, the source said.",
    "Residents near the {word} district complained that {commodity} supplies had not arrived since {month}.",
    "According to {person}, the {org} now sells {commodity} through the {word} wholesale network.",
    "Local authorities in {place} announced a new {filler} rule covering {commodity} and {commodity2}.",
    "The {org} sent {num} workers to the {word} construction site in {place} in early {month}.",
    "Smugglers operating between {place} and {place2} have raised their fees for {commodity} by {pct}%.",
    "The provincial people's committee in {place} blamed the {org} for the {filler} problems.",
    "{person} said that {commodity} from {place2} was being resold at the {word} market at a steep markup.",
    "Security officials in {place} arrested {num} people suspected of illegal {filler} involving {commodity}.",
    "Since {month}, the {org} has paid workers partly in {commodity} instead of cash wages.",
    "The {word} cooperative farm near {place} reported a {filler} of {num} tons of {commodity}.",
    "Traders in {place} expect prices of {commodity} and {commodity2} to climb further after the {filler} order.",
]
# Market reports with dated figures, the shapes prices.py reads: about PRICE_SHARE of the
# articles get PRICE_SENTENCES of them (drawn from their own RNG, so the rest of an
# article is what it was without them), and some wages, which must not count.
PRICE_SHARE = 0.35
PRICE_SENTENCES = (1, 3)
PRICE_GOODS = ["rice", "corn", "pork", "sugar", "cooking oil", "diesel", "gasoline", "soybeans", "wheat flour",
               "corn rice", "potatoes"]
PRICE_TEMPLATES = [
    "On {month} {day}, {good} sold for {price} won per kilogram in {place}, a source said.",
    "A market survey on {month} {day}, {year} put {good} at {price} won per kilogram in {place} and {place2}.",
    "{good_cap} rose from {price} won to {price2} won per kilogram in {place} in {month} {year}.",
    "In {place}, {good} traded at between {price} and {price2} won on {month} {day}, up from {price3} won in {month2}.",
    "The dollar traded at {usd} won in {place} on {month} {day}, while the yuan was at {cny} won.",
    "Money changers in {place} were exchanging the yuan at around {cny} won in {month} {year}.",
    "Workers at the {org} earn about {price} won a month, far less than a kilogram of {good} costs in {place}.",
]
PRICE_RANGES = {"rice": (3000, 7500), "corn": (1200, 3800), "pork": (9000, 18000), "sugar": (6000, 14000),
                "cooking oil": (8000, 20000), "diesel": (5000, 12000), "gasoline": (6000, 16000),
                "soybeans": (3000, 7000), "wheat flour": (3000, 8000), "corn rice": (1500, 4000),
                "potatoes": (500, 1800)}

HEADLINES = [
    "{place} officials told to cut reliance on imported {commodity}",
    "{commodity_cap} prices surge in {place} markets",
    "{org} in {place} faces {filler} inspection",
    "Authorities tighten {filler} rules in {place}",
    "Traders in {place} struggle as {commodity} supplies dry up",
    "{org} misses {filler} targets for {month}",
]
CAPTIONS = [
    "North Korean trucks can be seen heading to the Chinese side of the border near {place}.",
    "A market in {place} in a file photo.",
    "Workers at the {org} in {place}.",
    "Kim Jong Un on a visit to the {org} in {month} {year}.",
    "A view of {place} from across the Yalu River.",
    "Farmers harvest {commodity} near {place}.",
]
CAPTION_CREDITS = [
    " / Image: Daily NK", " (Rodong Sinmun)", " (Rodong Sinmun – News1)", " / Image: Google Earth",
    " (Daily NK)", " / Image: Mark Fahey", " (KCNA)",
]
KEYWORD_LINES = [
    "business loans", "factory kim jong un business", "north korea economy", "market prices",
    "border trade smuggling", "cabinet order", "rice prices", "foreign currency", "state enterprises",
]
OUTLETS = {
    "Daily NK": "www.dailynk.com/english",
    "NK News": "www.nknews.org",
    "Yonhap": "en.yna.co.kr/view",
    "Rimjin-gang": "www.asiapress.org/rimjin-gang",
    "Asia Press": "www.asiapress.org/apn",
}
TRANSLATORS = ["David Black", "Jason Bartlett", "Chris Green", "Mun Dong Hui"]
EDITORS = ["Robert Lauler", "Rachel Minyoung Lee", "Dan Lee"]
REPORTERS = ["Jong So Yong", "Lee Chae Un", "Kang Mi Jin", "Seulkee Jang", "Ha Yoon Ah", "Mun Dong Hui"]
DATE_START = _dt.date(2010, 1, 1)
DATE_END = _dt.date(2026, 11, 23)

_BOILER_RE = re.compile(
    r"^(?:Please direct any comments|Read in Korean|Translated by|Daily NK works with|.* is one of Daily NK)"
)
_SENT_SPLIT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")
_SLOT_RE = re.compile(r"\{(\w+)\}")


def file_stem(seed: int, index: int) -> str:
    """``000123_<16 hex>``: the hex is sha256 of (seed, index), so names are stable."""
    digest = hashlib.sha256(f"corpus:{seed}:{index}".encode()).hexdigest()[:16]
    return f"{index:06d}_{digest}"


def _rng(seed: int, *parts: object) -> random.Random:
    key = ":".join(str(p) for p in (seed, *parts)).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def _compile(text: str) -> list:
    """Split a sentence into literal strings and slot names (tuples) for fast filling."""
    parts: list = []
    pos = 0
    for m in _SLOT_RE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append((m.group(1),))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _templatize(sentence: str) -> str:
    s = sentence.replace("{", "(").replace("}", ")")
    s = _PLACE_RE.sub("{place}", s)
    s = re.sub(_MONTH_RE.pattern + r"\s\d{1,2}\b", "{month} {day}", s)
    s = _MONTH_RE.sub("{month}", s)
    s = _COMMODITY_RE.sub("{commodity}", s)
    s = _NUMBER_RE.sub("{num}", s)
    return s


def load_sentences(source_dir: Path = SOURCE_DIR) -> list[list[list]]:
    """Sentences of each shipped article (sorted by file name), compiled with swap slots."""
    articles = []
    for path in sorted(Path(source_dir).glob("*.txt")):
        sentences = []
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            for line in para.splitlines():
                line = line.strip()
                if len(line.split()) < 8 or _BOILER_RE.match(line) or "/ Image" in line:
                    continue
                for sent in _SENT_SPLIT.split(line):
                    if 6 <= len(sent.split()) <= 120:
                        sentences.append(_compile(_templatize(sent)))
        if sentences:
            articles.append(sentences)
    if not articles:
        raise SystemExit(f"no usable sentences in {source_dir}")
    return articles


class _Model:
    """Everything shared by all articles of one seed: themes and sentence pools."""

    def __init__(self, seed: int, source_dir: Path = SOURCE_DIR):
        self.seed = seed
        self.articles = load_sentences(source_dir)
        self.templates = [_compile(t) for t in TEMPLATES]
        rng = _rng(seed, "themes")
        self.lexicon = sorted({self._word(rng) for _ in range(6000)})
        self.themes = []
        for _ in range(N_THEMES):
            words = rng.sample(self.lexicon, 12)
            self.themes.append({
                "places": rng.sample(PLACES, 2),
                "commodities": rng.sample(COMMODITIES, 3),
                "words": words,
                "orgs": [f"{w.capitalize()} {rng.choice(ORG_KINDS)}" for w in words[:3]],
                "people": [f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {rng.choice(GIVEN).lower()}" for _ in range(2)],
                "fillers": rng.sample(FILLER, 5),
                "sources": rng.sample(range(len(self.articles)), min(2, len(self.articles))),
            })

    @staticmethod
    def _word(rng: random.Random) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).replace("'", "")

    # -- slot values --------------------------------------------------------
    def _value(self, slot: str, rng: random.Random, th: dict) -> str:
        r = rng.random()
        if slot in ("place", "place2"):
            return th["places"][0 if slot == "place" else 1] if r < 0.7 else rng.choice(PLACES)
        if slot in ("commodity", "commodity2"):
            return th["commodities"][0 if slot == "commodity" else 1] if r < 0.65 else rng.choice(COMMODITIES)
        if slot == "commodity_cap":
            return th["commodities"][0].capitalize()
        if slot == "word":
            return (rng.choice(th["words"]) if r < 0.75 else rng.choice(self.lexicon)).capitalize()
        if slot == "org":
            return rng.choice(th["orgs"]) if r < 0.8 else f"{rng.choice(self.lexicon).capitalize()} {rng.choice(ORG_KINDS)}"
        if slot == "person":
            return rng.choice(th["people"])
        if slot == "filler":
            return rng.choice(th["fillers"]) if r < 0.6 else rng.choice(FILLER)
        if slot == "month":
            return rng.choice(MONTHS) if r < 0.6 else rng.choice(MONTHS_SHORT)
        if slot == "num":
            return f"{rng.randint(2, 30000):,}" if r < 0.8 else str(rng.randint(1, 99))
        if slot == "price":
            return f"{rng.randint(30, 900) * 10:,}"
        if slot == "pct":
            return str(rng.randint(3, 95))
        if slot == "day":
            return str(rng.randint(1, 28))
        if slot == "year":
            return str(rng.randint(2012, 2026))
        return slot

    def _fill(self, parts: list, rng: random.Random, th: dict) -> str:
        return "".join(p if isinstance(p, str) else self._value(p[0], rng, th) for p in parts)

    def _sentence(self, rng: random.Random, th: dict) -> str:
        if rng.random() < 0.4:
            parts = rng.choice(self.templates)
        else:
            pool = self.articles[rng.choice(th["sources"])] if rng.random() < 0.7 else rng.choice(self.articles)
            parts = rng.choice(pool)
        return self._fill(parts, rng, th)

    # -- one article ---------------------------------------------------------
    def article(self, index: int) -> tuple[str, str | None]:
        rng = _rng(self.seed, "article", index)
        th = self.themes[rng.randrange(len(self.themes))]
        head: list[str] = []
        if rng.random() < 0.25:
            head.append(rng.choice(KEYWORD_LINES))
        title = self._fill(_compile(rng.choice(HEADLINES)), rng, th)
        if rng.random() < 0.5:
            head.append(title)
        caption = None
        if rng.random() < 0.6:
            caption = self._fill(_compile(rng.choice(CAPTIONS)), rng, th) + rng.choice(CAPTION_CREDITS)
        foot = self._footer(rng)
        extra_words = sum(len(x.split()) for x in head + foot) + (len(caption.split()) if caption else 0)

        target = rng.randint(MIN_WORDS, MAX_WORDS - 200)
        total = extra_words
        paragraphs: list[str] = []
        while total < target:
            sents = []
            for _ in range(rng.randint(1, 5)):
                s = self._sentence(rng, th)
                n = len(s.split())
                if total + n > MAX_WORDS:
                    break
                sents.append(s)
                total += n
                if total >= target:
                    break
            if not sents:
                break
            paragraphs.append(" ".join(sents))
        if caption is not None:
            paragraphs.insert(min(len(paragraphs), rng.randint(0, 2)), caption)
        if rng.random() < 0.1 and len(paragraphs) > 3:  # a stray keyword line mid-article
            paragraphs.insert(rng.randint(1, len(paragraphs) - 1), rng.choice(KEYWORD_LINES))
            total += 2
        self._prices(index, paragraphs, th, total)
        text = "\n\n".join(head + paragraphs + foot) + "\n"
        sidecar = self._sidecar(rng, index, title) if rng.random() < SIDECAR_SHARE else None
        return text, sidecar

    def _prices(self, index: int, paragraphs: list[str], th: dict, total: int) -> None:
        """Dated price sentences added to some paragraphs (not past MAX_WORDS words)."""
        rng = _rng(self.seed, "prices", index)
        if not paragraphs or rng.random() >= PRICE_SHARE:
            return
        for _ in range(rng.randint(*PRICE_SENTENCES)):
            good = rng.choice(PRICE_GOODS)
            lo, hi = PRICE_RANGES[good]
            values = sorted(rng.randint(lo // 10, hi // 10) * 10 for _ in range(3))
            month = rng.randrange(12)
            slots = {
                "good": good, "good_cap": good.capitalize(), "place": self._value("place", rng, th),
                "place2": self._value("place2", rng, th), "org": self._value("org", rng, th),
                "month": MONTHS[month], "month2": MONTHS[month - 1], "day": str(rng.randint(1, 28)),
                "year": str(rng.randint(2012, 2026)), "price": f"{values[0]:,}", "price2": f"{values[1]:,}",
                "price3": f"{values[2]:,}", "usd": f"{rng.randint(700, 950) * 10:,}", "cny": f"{rng.randint(100, 140) * 10:,}",
            }
            sentence = _SLOT_RE.sub(lambda m: slots[m.group(1)], rng.choice(PRICE_TEMPLATES))
            n = len(sentence.split())
            if total + n > MAX_WORDS:
                break
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = paragraphs[k] + " " + sentence
            total += n

    def _footer(self, rng: random.Random) -> list[str]:
        style = rng.random()
        if style < 0.45:
            lines = []
            if rng.random() < 0.5:
                lines.append(f"Translated by {rng.choice(TRANSLATORS)}. Edited by {rng.choice(EDITORS)}.")
            lines.append(rng.choice([
                "Please direct any comments or questions about this article to dailynkenglish@uni-media.net.",
                "Please direct any comments or questions about this article to",
            ]))
            lines.append("Read in Korean")
            if rng.random() < 0.4:
                lines.append(f"{rng.choice(REPORTERS)} is one of Daily NK's freelance reporters. "
                             "Questions about her articles can be directed to")
            return lines
        if style < 0.65:
            return ["(END)"] if rng.random() < 0.5 else ["SOURCE: Yonhap", "(END)"]
        if style < 0.75:
            return [f"Translated by {rng.choice(TRANSLATORS)}. Edited by {rng.choice(EDITORS)}."]
        return []

    def _sidecar(self, rng: random.Random, index: int, title: str) -> str:
        lines = []
        if rng.random() < 0.8:
            lines.append(f"title: {json.dumps(title)}")
        if rng.random() < 0.85:
            day = DATE_START + _dt.timedelta(days=rng.randrange((DATE_END - DATE_START).days + 1))
            lines.append(f"date: {day.isoformat()}")
        if rng.random() < 0.6:
            authors = rng.sample(REPORTERS, rng.choice((1, 1, 2)))
            lines.append("authors:")
            lines.extend(f"  - {json.dumps(a)}" for a in authors)
        outlet = rng.choice(sorted(OUTLETS))
        if rng.random() < 0.7:
            lines.append(f"outlet: {json.dumps(outlet)}")
        if rng.random() < 0.6:
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            lines.append(f"source_url: https://{OUTLETS[outlet]}/{slug}-{file_stem(self.seed, index)[-8:]}/")
        return "\n".join(lines) + "\n" if lines else "{}\n"


_WORKER_MODEL: _Model | None = None


def _init_worker(seed: int, source_dir: str) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = _Model(seed, Path(source_dir))


def _write_range(args: tuple[int, int, str]) -> int:
    start, stop, out = args
    model = _WORKER_MODEL
    assert model is not None
    out_dir = Path(out)
    for i in range(start, stop):
        text, sidecar = model.article(i)
        stem = file_stem(model.seed, i)
        (out_dir / f"{stem}.txt").write_text(text, encoding="utf-8")
        if sidecar is not None:
            (out_dir / f"{stem}.yml").write_text(sidecar, encoding="utf-8")
    return stop - start


def generate(count: int, seed: int, out_dir: str | os.PathLike, *, workers: int | None = None,
             source_dir: str | os.PathLike = SOURCE_DIR) -> list[Path]:
    """Write ``count`` articles (and ~60% sidecars) into ``out_dir``; return the .txt paths in order.

    ``workers`` defaults to the CPU count for large corpora; the output does not depend on it.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if workers is None:
        workers = 1 if count < 2000 else max(1, min(os.cpu_count() or 1, 8))
    if workers <= 1:
        _init_worker(seed, str(source_dir))
        _write_range((0, count, str(out)))
    else:
        step = 500
        jobs = [(s, min(s + step, count), str(out)) for s in range(0, count, step)]
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(seed, str(source_dir))) as pool:
            for _ in pool.imap_unordered(_write_range, jobs):
                pass
    return [out / f"{file_stem(seed, i)}.txt" for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--source-dir", default=str(SOURCE_DIR))
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    generate(a.count, a.seed, a.out, workers=a.workers, source_dir=a.source_dir)
    print(f"wrote {a.count} articles to {a.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
