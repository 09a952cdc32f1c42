"""Cite stage: the citation box, the head tags reference managers read, and the
citation downloads (per briefing and for the whole archive), from `cite.py`'s formats.

Files are static and deterministic, so they carry no access date; the page's script
fills today's date into the box and into a download when a reader asks for one (with
scripts off the box shows "[date accessed]")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import cite, export
from ..model import Briefing
from .record import Record
from ..text import absolute_url, h, rel_url

STYLES = (("chicago", "Chicago (author-date)"), ("apa", "APA 7"), ("mla", "MLA 9"))
ACCESS_FORMAT = {"chicago": "mdy", "apa": "mdy", "mla": "dmy"}
DOWNLOADS = (
    ("bib", "BibTeX (biblatex)", "application/x-bibtex"),
    ("classic.bib", "BibTeX (classic)", "application/x-bibtex"),
    ("ris", "RIS", "application/x-research-info-systems"),
    ("json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
)


def absolute(settings, url: str) -> str:
    return absolute_url(settings.site_url, url)


def site_info(settings, names: cite.Names | None = None) -> dict[str, Any]:
    """The site as the citation formats take it, with the name lists they read credited
    names with (``names``: as the build read them; by default read now from the editorial
    folder's names.yml)."""
    if names is None:
        names = cite.load_names(settings.editorial_dir)
    return {"name": settings.site_name, "publisher": settings.site_name, "url": settings.site_url or "/",
            "names": names}


def record(b: Briefing, settings, version: int | None = None, version_url: str | None = None,
           revised: str | None = None, facts: Record | None = None) -> dict[str, Any]:
    """The export record (export.record) with what citations need besides (``facts``: the
    briefing's record.Record, when the caller has made it)."""
    rec = export.record(b, settings.site_url, facts)
    rec.update({
        "short_url": absolute(settings, f"b/{b.id}/"),
        "version": version or b.version,
        "version_url": absolute(settings, version_url) if version_url else None,
        "revised": revised if revised is not None else b.revised,
    })
    return rec


def _with_access_span(html_text: str, style: str) -> str:
    span = f'<span class="bd-accessed" data-format="{ACCESS_FORMAT[style]}">[date accessed]</span>'
    return html_text.replace(cite.ACCESSED_TOKEN, span)


def download_base(b: Briefing, version: int | None = None) -> str:
    return f"cite/{b.id}" + (f"-v{version}" if version else "")


# a briefing's citation files: BibTeX (biblatex), classic BibTeX, RIS, CSL-JSON
_DOWNLOADS = (".bib", ".classic.bib", ".ris", ".json")


def download_names(b: Briefing, version: int | None = None) -> list[str]:
    """The site paths of a briefing's (or an earlier version's) citation files."""
    base = download_base(b, version)
    return [base + suffix for suffix in _DOWNLOADS]


def downloads(b: Briefing, site: dict[str, Any], rec: dict[str, Any], version: int | None = None) -> dict[str, str]:
    """``site``: site_info's."""
    return dict(zip(download_names(b, version), (
        cite.bibtex([rec], site),
        cite.bibtex_classic([rec], site),
        cite.ris([rec], site),
        json.dumps(cite.csl_json([rec], site), ensure_ascii=False, indent=1) + "\n",
    ), strict=True))


def archive_entry(b: Briefing, site: dict[str, Any], rec: dict[str, Any], files: dict[str, str]) -> tuple[str, str, str, str]:
    """The briefing's entries in the whole archive's citation files (all.bib,
    all.classic.bib, all.ris and all.json's line), from its own citation files ``files``
    (``downloads(b, site, rec)``): an entry is the same in both."""
    base = download_base(b)
    item = cite.csl_json([rec], site)[0]
    return files[f"{base}.bib"], files[f"{base}.classic.bib"], files[f"{base}.ris"], json.dumps(item, ensure_ascii=False)


ARCHIVE_DOWNLOADS = ("cite/all.bib", "cite/all.classic.bib", "cite/all.ris", "cite/all.json")


def archive_downloads(entries: Sequence[tuple[str, str, str, str]]) -> dict[str, str]:
    """The whole archive's citation files from the briefings' ``archive_entry``s: the
    same as the formats give for all their records at once (entries joined by a blank
    line, a CRLF, or one a line in the JSON array)."""
    bib, classic, ris, csl = (list(column) for column in zip(*entries)) if entries else ([], [], [], [])
    return dict(zip(ARCHIVE_DOWNLOADS, (
        "\n".join(bib),
        "\n".join(classic),
        "\r\n".join(ris),
        export.json_lines_array(csl),  # one item a line
    ), strict=True))


def box_html(b: Briefing, site: dict[str, Any], rec: dict[str, Any], page_url: str, version: int | None = None) -> str:
    """The citation box: three styles with copy buttons, the original report, downloads."""
    parts = ['<div class="bd-cite" id="cite-box">']
    for style, label in STYLES:
        text = _with_access_span(cite.cite_briefing(rec, site, style, html=True), style)
        parts.append(
            f'<div class="bd-cite__item"><p class="bd-cite__style">{h(label)}</p>'
            f'<p class="bd-cite__text" id="cite-{style}">{text}</p>'
            f'<button type="button" class="bd-copy md-button" data-copy="cite-{style}" hidden>Copy</button></div>'
        )
    original = cite.cite_original(rec, site, "chicago", html=True)
    if original:
        parts.append(
            '<div class="bd-cite__item"><p class="bd-cite__style">The original report (Chicago)</p>'
            f'<p class="bd-cite__text" id="cite-original">{_with_access_span(original, "chicago")}</p>'
            '<button type="button" class="bd-copy md-button" data-copy="cite-original" hidden>Copy</button></div>'
        )
    base = download_base(b, version)
    links = " · ".join(
        f'<a href="{h(rel_url(page_url, base + "." + ext))}" download data-cite-download="{ext}" type="{mime}">{h(label)}</a>'
        for ext, label, mime in DOWNLOADS
    )
    parts.append(f'<p class="bd-cite__downloads">Download this citation: {links}</p>')
    parts.append(
        f'<p class="bd-cite__permalink">Short link for footnotes: <a href="{h(rel_url(page_url, f"b/{b.id}/"))}">'
        f"{h(rec['short_url'])}</a> · Cite a paragraph by adding its number, e.g. <code>{h(rec['version_url'] or rec['url'])}#p3</code>. "
        f'Whole archive: <a href="{h(rel_url(page_url, "cite/all.bib"))}">all.bib</a>, '
        f'<a href="{h(rel_url(page_url, "cite/all.ris"))}">all.ris</a>, '
        f'<a href="{h(rel_url(page_url, "cite/all.json"))}">all.json</a>.</p>'
    )
    parts.append("</div>")
    return "## Cite this briefing\n\n" + "".join(parts) + "\n"


def head_html(b: Briefing, site: dict[str, Any], rec: dict[str, Any]) -> str:
    """Meta tags for reference managers and link previews; JSON-LD. No COinS."""
    tags = cite.meta_tags_html(cite.highwire_tags(rec, site) + cite.dublin_core_tags(rec, site))
    og = [
        ("og:type", "article"),
        ("og:title", b.title),
        ("og:description", b.summary),
        ("og:url", rec["version_url"] or rec["url"]),
        ("og:site_name", site["name"]),
        ("og:locale", b.language.replace("-", "_")),
    ]
    if b.date:
        og.append(("article:published_time", b.date))
    if b.revised:
        og.append(("article:modified_time", b.revised))
    og += [("article:tag", t["name"]) for t in b.topics]
    og_html = "\n".join(f'<meta property="{h(p)}" content="{h(c)}">' for p, c in og)
    twitter = f'<meta name="twitter:card" content="summary">'
    return "\n".join([tags, og_html, twitter, cite.json_ld_script(rec, site)])
