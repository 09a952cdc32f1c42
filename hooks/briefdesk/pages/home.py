"""Placeholders hand-written pages may use; the build fills them in.

    <!-- briefdesk:count -->     the number of briefings in the archive
    <!-- briefdesk:latest -->    the latest briefings (bounded by `home_latest`)
    <!-- briefdesk:topics -->    every topic with its number of briefings
    <!-- briefdesk:map -->       the province map
"""

from __future__ import annotations

import re

from .listing import list_html
from .taxonomy_pages import province_map, topic_counts
from ..text import ALL_URL, h, rel_url

_PLACEHOLDER = re.compile(r"<!--\s*briefdesk:([a-z-]+)\s*-->")


def _page_url(src_uri: str) -> str:
    if src_uri == "index.md":
        return ""
    if src_uri.endswith("/index.md"):
        return src_uri[: -len("index.md")]
    return src_uri[: -len(".md")] + "/"


def fill_placeholders(markdown: str, src_uri: str, corpus, settings) -> str:
    if "briefdesk:" not in markdown:
        return markdown
    from_url = _page_url(src_uri)

    def replace(m: re.Match) -> str:
        name = m.group(1)
        if name == "count":
            return f"{len(corpus.briefings):,}"
        if name == "latest":
            latest = corpus.briefings[: settings.home_latest]
            more = f'<p><a href="{h(rel_url(from_url, ALL_URL))}">All {len(corpus.briefings):,} briefings →</a></p>'
            return list_html(latest, from_url) + "\n\n" + more
        if name == "topics":
            rows = "".join(
                f'<li><a href="{h(rel_url(from_url, f"topics/{tid}/"))}">{h(label)}</a> '
                f'<span class="bd-count">({n:,})</span></li>'
                for tid, label, n in topic_counts(corpus.briefings, settings.editorial_dir, corpus.cache)
            )
            return f'<ul class="bd-topic-list">{rows}</ul>'
        if name == "map":
            return f'<figure class="bd-map">{province_map(corpus.briefings, settings.editorial_dir, from_url, corpus.cache)}</figure>'
        return m.group(0)

    return _PLACEHOLDER.sub(replace, markdown)
