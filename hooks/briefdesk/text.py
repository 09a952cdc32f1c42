"""Text stays text: escaping for every place input text lands in a page."""

from __future__ import annotations

import datetime as _dt
import html
import posixpath
import re

# the "All briefings" listing, and the folder every briefing's page is in
ALL_URL = "briefings/"
DATE_UNKNOWN = "Date not stated in the source"


def format_date(iso: str | None) -> str:
    """An ISO date, year-month or year as a page shows it ("4 December 2026")."""
    if not iso:
        return DATE_UNKNOWN
    parts = iso.split("-")
    if len(parts) == 3:
        d = _dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        return f"{d.day} {d.strftime('%B')} {d.year}"
    if len(parts) == 2:
        d = _dt.date(int(parts[0]), int(parts[1]), 1)
        return f"{d.strftime('%B')} {d.year}"
    return parts[0]

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


def _rel_url_posix(from_url: str, to_url: str) -> str:
    start = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target = to_url or "./"
    rel = posixpath.relpath("/" + target, "/" + (start or ""))
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def _plain(url: str) -> bool:
    return not (url.startswith("/") or "//" in url or "./" in url or url in (".", "..") or url.endswith("/.")
                or url.endswith("/.."))


def rel_url(from_url: str, to_url: str) -> str:
    """Relative URL between two site URLs ("a/b/" style, directory URLs).

    Called for every link on every listing page, so plain paths (no ``.``/``..`` segments,
    no doubled or leading slash) take a short road by segments; anything else goes
    through ``posixpath.relpath``. Both give the same answer (tests/test_text.py)."""
    if not (_plain(from_url) and _plain(to_url)) or not to_url:
        return _rel_url_posix(from_url, to_url)
    start = from_url.split("/")[:-1]  # the folder: "a/b/" -> [a, b]; "a/b.html" -> [a]
    target = [t for t in to_url.split("/") if t]
    common = 0
    for x, y in zip(start, target):
        if x != y:
            break
        common += 1
    rel = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def absolute_url(site_url: str | None, path: str) -> str:
    """A site path ("briefings/x/") as the address readers cite: under site_url when the
    site has one, else from the server root."""
    return (site_url.rstrip("/") + "/" + path) if site_url else "/" + path
