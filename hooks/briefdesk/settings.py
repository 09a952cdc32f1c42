"""What one build is asked to do: the folders it reads and writes, the site's name and
address, listing sizes, and where the generated pages go (the MkDocs adapter makes one
from ``extra.briefdesk``, validated; ``python -m hooks.briefdesk`` from its options)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Settings:
    source_dir: Path
    editorial_dir: Path
    registry_path: Path
    site_url: str | None = None
    site_name: str = "Briefings"
    default_language: str = "en"
    per_page: int = 50
    home_latest: int = 10
    # a build-cache folder for the generated pages (see output.py); None keeps them in memory
    # (what a build keeps for the next in this process is the BuildCache build_corpus is given)
    pages_dir: Path | None = None
    # also make each page as the MkDocs hooks hand it over (render.for_mkdocs, in Corpus.mkdocs_pages)
    mkdocs_pages: bool = False

    @classmethod
    def for_project(cls, root: Path, **overrides: Any) -> "Settings":
        values: dict[str, Any] = dict(
            source_dir=root / "source_articles",
            editorial_dir=root / "hooks" / "editorial",
            registry_path=root / "hooks" / "registry" / "urls.yml",
        )
        values.update(overrides)
        return cls(**values)
