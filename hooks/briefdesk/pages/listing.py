"""Listings: the paginated "All briefings" pages, the home page's blocks, and the small
HTML pages that keep old URLs working (redirects, short links, withdrawal notices).

No listing is unbounded: every list of briefings is cut into pages of `per_page`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from ..model import Briefing
from ..output import Memo
from ..text import ALL_URL, format_date, h, md_inline, rel_url


def page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def url_to_src(url: str) -> str:
    """Directory URL ("briefings/x/") to the Markdown source MkDocs builds it from."""
    return url + "index.md"


def item_html(b: Briefing, from_url: str) -> str:
    date = f'<time datetime="{h(b.date)}">{h(format_date(b.date))}</time>' if b.date else '<span class="bd-unknown">Date not stated</span>'
    outlet = f" · {h(b.outlet)}" if b.outlet else ""
    derived = ' <span class="bd-note" title="The source gives no headline">(untitled in source)</span>' if b.title_derived else ""
    return (
        f'<li class="bd-list__item"><a class="bd-list__title" href="{h(rel_url(from_url, b.url))}">{h(b.title)}</a>{derived}'
        f'<div class="bd-list__meta">{date}{outlet}</div>'
        f'<p class="bd-list__summary">{h(b.summary)}</p></li>'
    )


def list_html(items: Sequence[Briefing], from_url: str, memo: Memo | None = None) -> str:
    """The list of briefings on the page at from_url; ``memo`` keeps each entry for the next build."""
    return '<ul class="bd-list">' + list_items(items, from_url, memo) + "</ul>"


def list_items(items: Sequence[Briefing], from_url: str, memo: Memo | None = None) -> str:
    if memo is None:
        return "".join(item_html(b, from_url) for b in items)
    what = ("item", from_url)
    return "".join(memo(what, (b,), lambda b=b: item_html(b, from_url)) for b in items)


@functools.lru_cache(maxsize=4096)  # the same for every build: made once under mkdocs serve
def pager_html(base: str, number: int, pages: int, from_url: str) -> str:
    if pages <= 1:
        return ""
    links = []
    if number > 1:
        links.append(f'<a rel="prev" href="{h(rel_url(from_url, page_url(base, number - 1)))}">← Newer</a>')
    window = sorted({1, pages, *range(max(1, number - 2), min(pages, number + 2) + 1)})
    last = 0
    for n in window:
        if n - last > 1:
            links.append('<span class="bd-pager__gap">…</span>')
        if n == number:
            links.append(f'<span aria-current="page">{n}</span>')
        else:
            links.append(f'<a href="{h(rel_url(from_url, page_url(base, n)))}">{n}</a>')
        last = n
    if number < pages:
        links.append(f'<a rel="next" href="{h(rel_url(from_url, page_url(base, number + 1)))}">Older →</a>')
    return f'<nav class="bd-pager" aria-label="Pages">{" ".join(links)}</nav>'


def paginated_pages(
    title: str, intro_md: str, base: str, items: Sequence[Briefing], per_page: int, memo: Memo | None = None
) -> dict[str, Callable[[], str]]:
    """{source path: maker} for a listing cut into pages of per_page items; each maker
    returns its page's Markdown."""
    pages = max(1, -(-len(items) // per_page))
    return {url_to_src(page_url(base, number)): functools.partial(_listing_page, title, intro_md, base, items, per_page,
                                                        memo, number, pages)
            for number in range(1, pages + 1)}


def _listing_page(title: str, intro_md: str, base: str, items: Sequence[Briefing], per_page: int,
                  memo: Memo | None, number: int, pages: int) -> str:
    """Page ``number`` of the listing: under `mkdocs serve` (a Memo with keys), made again
    only when one of its briefings, the count, the title or the introduction changed."""
    chunk = items[(number - 1) * per_page : number * per_page]
    make = functools.partial(_make_listing_page, title, intro_md, base, chunk, len(items), per_page, memo, number, pages)
    if memo is None:
        return make()
    return memo(("all page", title, intro_md if number == 1 else "", base, len(items), per_page, number, pages),
                chunk, make)


def _make_listing_page(title: str, intro_md: str, base: str, chunk: Sequence[Briefing], total: int, per_page: int,
                       memo: Memo | None, number: int, pages: int) -> str:
    url = page_url(base, number)
    heading = title if number == 1 else f"{title} (page {number} of {pages})"
    first = (number - 1) * per_page + 1
    span = f"{first}–{first + len(chunk) - 1}" if chunk else "0"
    md = [
        "---\n" f"title: {_yaml_str(h(heading))}\n" "---\n",
        f"# {md_inline(heading)}\n",
        intro_md if number == 1 else "",
        f'<p class="bd-count">Showing {span} of {total:,}, newest first; briefings whose date the source does not state come last.</p>\n',
        list_html(chunk, url, memo) + "\n",
        pager_html(base, number, pages, url) + "\n",
    ]
    return "\n".join(m for m in md if m)


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def redirect_html(from_url: str, to_url: str, site_url: str | None, title: str = "This page has moved") -> str:
    """A static redirect that keeps the #fragment and names the canonical URL."""
    target = rel_url(from_url, to_url)
    canonical = (site_url.rstrip("/") + "/" + to_url) if site_url else target
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{h(title)}</title>\n"
        f'<link rel="canonical" href="{h(canonical)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={h(target)}">\n'
        f'<script>location.replace({_js_str(target)} + location.hash);</script>\n'
        "</head><body>\n"
        f'<p>{h(title)}: <a href="{h(target)}">{h(canonical)}</a></p>\n'
        "</body></html>\n"
    )


def _js_str(text: str) -> str:
    import json

    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def withdrawn_md(bid: str, reason: str) -> str:
    return (
        "---\n"
        f"title: {_yaml_str('Briefing withdrawn')}\n"
        "---\n"
        "# Briefing withdrawn\n\n"
        f'<p class="bd-withdrawn">The briefing published at this address (id <code>{h(bid)}</code>) '
        f"has been withdrawn by the editors. Reason: {h(reason)}</p>\n\n"
        '<p>The address stays so that citations do not break. See <a href="../">all briefings</a>.</p>\n'
    )
