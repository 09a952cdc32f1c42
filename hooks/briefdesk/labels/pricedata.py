"""The prices stage in the pipeline (what it publishes: `pages/price_records.py`, its
pages: `pages/pricepages.py`).

extract_for   a briefing's observations and the figures left out (prices.extract), in
              the per-article map with cleaning and describing; unchanged briefings
              reuse the last build's with their description (the describe cache key
              holds the two vocabularies' digest), so `mkdocs serve` rebuilds do not
              extract again
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import prices
from ..cache import BuildCache, editorial_data
from ..model import Briefing

PRICES_JSON, PRICES_CSV = "data/prices.json", "data/prices.csv"

def load_vocabulary(editorial_dir: Path, cache: BuildCache | None = None) -> prices.PriceVocabulary:
    """prices.yml's goods, currencies and units; with a build cache, parsed again only when
    the file changes."""
    path = Path(editorial_dir) / "prices.yml"
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    return editorial_data(cache, ("prices", str(editorial_dir)), digest, lambda: prices.load_vocabulary(editorial_dir))


@dataclass(frozen=True)
class Pricing:
    """What extraction reads besides the briefing: the goods and the gazetteer, and a
    digest of both (part of the describe stage's cache key)."""

    vocab: prices.PriceVocabulary
    gazetteer: Any
    digest: str


def pricing(editorial_dir: Path, gazetteer: Any, gdigest: str, cache: BuildCache | None = None) -> Pricing:
    """``gazetteer``: the labels' vocabulary (taxonomy.load_vocabulary), with its digest."""
    vocab = load_vocabulary(editorial_dir, cache)
    return Pricing(vocab, gazetteer, hashlib.sha256(f"{vocab.digest}\0{gdigest}".encode()).hexdigest())


def extract_for(b: Briefing, p: Pricing) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A briefing's observations and the figures left out (prices.extract), made in the
    per-article map right after it is described: the paragraphs and the date it states
    are all it needs, so no other pass over the corpus (and no other pool) is made."""
    found = prices.extract(b.id, b.clean.paragraphs, b.date, p.vocab, p.gazetteer)
    return found.observations, found.left_out


# --------------------------------------------------------------------------- the briefing page
