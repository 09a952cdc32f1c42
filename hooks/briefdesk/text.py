"""Text stays text: escaping for every place input text lands in a page."""

from __future__ import annotations

import html
import posixpath
import re

# Characters Python-Markdown and the enabled extensions give a meaning to inside a
# line; written as numeric character references they are shown and never parsed.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~=^<>&\"']")


def h(text: object) -> str:
    """HTML-escape text for element content and quoted attribute values."""
    return html.escape(str(text), quote=True)


def md_inline(text: str) -> str:
    """Escape text for use inside Markdown (headings, link text): every character
    with a Markdown or HTML meaning becomes a numeric character reference."""
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", " ".join(str(text).split()))


def rel_link(from_src: str, to_src: str) -> str:
    """Relative link between two Markdown source paths (as MkDocs resolves them)."""
    start = posixpath.dirname(from_src) or "."
    return posixpath.relpath(to_src, start)


def rel_url(from_url: str, to_url: str) -> str:
    """Relative URL between two site URLs ("a/b/" style, directory URLs)."""
    start = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target = to_url or "./"
    rel = posixpath.relpath("/" + target, "/" + (start or ""))
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def absolute_url(site_url: str | None, path: str) -> str:
    """A site path ("briefings/x/") as the address readers cite: under site_url when the
    site has one, else from the server root."""
    return (site_url.rstrip("/") + "/" + path) if site_url else "/" + path
