"""Publishing: the files a public site needs beyond its pages, and the last touches that
keep a build byte-for-byte reproducible. Plain Python, no MkDocs.

    robots_txt(settings)                robots.txt (the feeds are feeds.py's)
    finish_site(site_dir)               after MkDocs has written site/: rewrite
                                        sitemap.xml.gz without a timestamp
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path


def robots_txt(settings) -> str:
    lines = ["# Everything here is public and meant to be read and cited.", "User-agent: *", "Allow: /"]
    if settings.site_url:
        lines.append(f"Sitemap: {settings.site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def deterministic_gzip(data: bytes, name: str) -> bytes:
    """gzip with a fixed header: no modification time (mtime 0), the given file name."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def finish_site(site_dir: str | Path) -> list[str]:
    """Rewrite what MkDocs stamped with the build date. MkDocs gzips sitemap.xml with the
    build day as the gzip header's mtime; rewrite it with mtime 0 from sitemap.xml (whose
    template, docs/overrides/sitemap.xml, has no <lastmod>). Returns the files rewritten."""
    site = Path(site_dir)
    done = []
    xml = site / "sitemap.xml"
    gz = site / "sitemap.xml.gz"
    if xml.is_file():
        # GzipFile stores the base name without ".gz", as MkDocs' own writer does.
        data = deterministic_gzip(xml.read_bytes(), "sitemap.xml")
        if not gz.is_file() or gz.read_bytes() != data:
            gz.write_bytes(data)
            done.append("sitemap.xml.gz")
    return done
