"""A static, schematic SVG map of North Korea's province-level divisions.

:func:`province_map_svg` draws one linked, labelled shape per province-level entry of
the vocabulary (``places.yml`` entries with an ``outline``), shaded by a count (e.g.
briefings per province) in five steps.  The output is deterministic (same input, same
bytes), has no external references, and is meant to be inlined in a page.

Shading uses CSS classes so the site's light and dark themes can restyle it::

    prov-map            the <svg>
    prov-map__region    every province <path>; plus prov-map__c0 .. prov-map__c4
                        (c0 = no briefings, c4 = the most)
    prov-map__legend    the legend group; its swatches carry the same cN classes
    prov-map__label     text

Every shape also has presentation attributes (fill, stroke) as a fallback; any CSS rule
overrides them.  :data:`DEFAULT_CSS` is a ready-made stylesheet for both themes.

Outlines are approximate (see ``places.yml``): this is a schematic, not a survey map.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping
from xml.sax.saxutils import escape, quoteattr

__all__ = ["province_map_svg", "shade_step", "DEFAULT_CSS", "STEPS"]

STEPS = 5
# light-theme fallback fills, c0..c4 (a sequential blue ramp)
_FILLS = ("#e8edf2", "#c6dbef", "#9ecae1", "#4292c6", "#08519c")

DEFAULT_CSS = """\
.prov-map { max-width: 100%; height: auto; color: var(--md-default-fg-color, #222); }
.prov-map__region { stroke: var(--md-default-bg-color, #fff); stroke-width: 0.8; }
.prov-map a:focus .prov-map__region, .prov-map a:hover .prov-map__region {
  stroke: var(--md-accent-fg-color, #e65100); stroke-width: 2; }
.prov-map__c0 { fill: #e8edf2; } .prov-map__c1 { fill: #c6dbef; } .prov-map__c2 { fill: #9ecae1; }
.prov-map__c3 { fill: #4292c6; } .prov-map__c4 { fill: #08519c; }
[data-md-color-scheme="slate"] .prov-map__c0 { fill: #2a3038; }
[data-md-color-scheme="slate"] .prov-map__c1 { fill: #1f3b57; }
[data-md-color-scheme="slate"] .prov-map__c2 { fill: #28577f; }
[data-md-color-scheme="slate"] .prov-map__c3 { fill: #3b7fb8; }
[data-md-color-scheme="slate"] .prov-map__c4 { fill: #7fb8e6; }
.prov-map__label { fill: currentColor; font-size: 11px; }
"""

_WIDTH = 480.0  # drawing width of the map itself, in SVG units
_PAD = 12.0
_LEGEND_H = 46.0


def shade_step(count: int, max_count: int) -> int:
    """0 for no briefings; otherwise 1..4, proportional to ``count / max_count``."""
    if count <= 0 or max_count <= 0:
        return 0
    return max(1, min(STEPS - 1, math.ceil((STEPS - 1) * count / max_count)))


def _step_range(step: int, max_count: int) -> tuple[int, int] | None:
    """The integer counts that get ``step`` (1..4), or None when no count does."""
    lo = math.floor((step - 1) * max_count / (STEPS - 1)) + 1
    hi = math.floor(step * max_count / (STEPS - 1))
    nums = [c for c in range(max(1, lo - 1), hi + 2) if c <= max_count and shade_step(c, max_count) == step]
    return (nums[0], nums[-1]) if nums else None


def _fmt(x: float) -> str:
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


def _briefings(n: int) -> str:
    return f"{n} briefing" if n == 1 else f"{n} briefings"


def province_map_svg(vocab, counts: Mapping[str, int], href: Callable[[str], str],
                     title: str = "Briefings by province") -> str:
    """Return an inline ``<svg>`` map: one ``<a href><path>`` per province-level division.

    ``counts`` maps province ids to a number (missing ids count 0; ids that are not
    province-level are ignored).  ``href(province_id)`` gives each shape's link.
    """
    provinces = [p for p in vocab.places.values() if p.is_province_level and p.outline]
    if not provinces:
        raise ValueError("the vocabulary has no province outlines to draw")
    # draw provinces first, then special cities on top (they sit inside/against them)
    provinces.sort(key=lambda p: (p.kind != "province", p.id))
    lons = [x for p in provinces for x, _ in p.outline]
    lats = [y for p in provinces for _, y in p.outline]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((lat0 + lat1) / 2))  # equirectangular, scaled at mid-latitude
    scale = _WIDTH / ((lon1 - lon0) * kx)
    map_h = (lat1 - lat0) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return _PAD + (lon - lon0) * kx * scale, _PAD + (lat1 - lat) * scale

    values = {p.id: max(0, int(counts.get(p.id, 0) or 0)) for p in provinces}
    max_count = max(values.values())
    width = _WIDTH + 2 * _PAD
    height = map_h + 2 * _PAD + _LEGEND_H

    summary = "; ".join(f"{p.name}: {_briefings(values[p.id])}"
                        for p in sorted(provinces, key=lambda p: (-values[p.id], p.name)))
    desc = (f"Schematic map of North Korea's {len(provinces)} province-level divisions, "
            f"shaded by number of briefings (outlines are approximate). {summary}.")

    out: list[str] = []
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="prov-map" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" role="group" aria-labelledby="prov-map-title prov-map-desc">'
    )
    out.append(f'<title id="prov-map-title">{escape(title)}</title>')
    out.append(f'<desc id="prov-map-desc">{escape(desc)}</desc>')
    out.append('<g class="prov-map__regions">')
    for p in provinces:
        n = values[p.id]
        step = shade_step(n, max_count)
        pts = [project(x, y) for x, y in p.outline]
        d = "M" + " L".join(f"{_fmt(x)} {_fmt(y)}" for x, y in pts) + " Z"
        label = f"{p.name}: {_briefings(n)}"
        out.append(f"<a href={quoteattr(href(p.id))} aria-label={quoteattr(label)}>")
        out.append(f"<title>{escape(label)}</title>")
        out.append(
            f'<path class="prov-map__region prov-map__c{step}" data-place={quoteattr(p.id)} data-count="{n}" '
            f'd="{d}" fill="{_FILLS[step]}" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round"/>'
        )
        out.append("</a>")
    out.append("</g>")

    # legend: five swatches with the counts each stands for
    ly = _PAD + map_h + 14
    out.append(f'<g class="prov-map__legend" transform="translate({_fmt(_PAD)} {_fmt(ly)})">')
    out.append(f'<text class="prov-map__label" x="0" y="0" font-size="11" fill="currentColor">'
               f'{escape("Briefings per province")}</text>')
    sw = 14.0
    gap = 76.0
    for step in range(STEPS):
        if step == 0:
            text = "none"
        elif max_count == 0:
            text = "\u2013"
        else:
            rng = _step_range(step, max_count)
            text = "\u2013" if rng is None else (str(rng[0]) if rng[0] == rng[1] else f"{rng[0]}\u2013{rng[1]}")
        x = step * gap
        out.append(f'<rect class="prov-map__c{step}" x="{_fmt(x)}" y="8.0" width="{_fmt(sw)}" height="{_fmt(sw)}" '
                   f'fill="{_FILLS[step]}" stroke="currentColor" stroke-width="0.5"/>')
        out.append(f'<text class="prov-map__label" x="{_fmt(x + sw + 4)}" y="19.0" font-size="11" '
                   f'fill="currentColor">{escape(text)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
