"""Charts drawn on the server as SVG (no chart library, no tile server): the timeline of an
assessment's deadlines and the tile-grid cartogram of the 27 Member States."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from aidesk.web.i18n import N_, country_name, fmt_date, gettext

# --- timeline -------------------------------------------------------------------------------------------

_W = 880
_LEFT = 36
_RIGHT = 36
_LEVEL = 26
_MIN_GAP = 26


def _x(d: date, start: date, end: date) -> float:
    span = (end - start).days or 1
    return _LEFT + (d - start).days / span * (_W - _LEFT - _RIGHT)


def timeline(deadlines: Sequence[Any], as_of: date, lang: str, today: date | None = None) -> dict[str, Any]:
    """The SVG of the deadlines (numbered markers on a time axis, "as of" line) and its legend items."""
    items = [
        {
            "n": i,
            "date": d.date,
            "what": d.what,
            "citations": list(d.citations),
            "past": d.date <= as_of,
        }
        for i, d in enumerate(sorted(deadlines, key=lambda d: d.date), start=1)
    ]
    if not items:
        return {"svg": Markup(""), "items": []}
    days = [it["date"] for it in items] + [as_of]
    start = date(min(days).year, 1, 1)
    end = date(max(days).year + 1, 1, 1)

    # Stagger numbered labels that would overlap.
    levels: list[float] = []
    placed = []
    for it in items:
        x = _x(it["date"], start, end)
        level = next((i for i, last in enumerate(levels) if x - last >= _MIN_GAP), len(levels))
        if level == len(levels):
            levels.append(x)
        else:
            levels[level] = x
        placed.append((it, x, level))
    top = 34
    axis_y = top + len(levels) * _LEVEL + 16
    height = axis_y + 40

    def t(message: str) -> str:
        return gettext(lang, message)

    title = t(N_("Timeline of the deadlines"))
    desc = t(N_("%(n)s dates from %(first)s to %(last)s; the list below gives each one.")) % {
        "n": len(items),
        "first": fmt_date(items[0]["date"], lang),
        "last": fmt_date(items[-1]["date"], lang),
    }
    parts = [
        f'<svg class="timeline" viewBox="0 0 {_W} {height}" role="img" aria-labelledby="tl-title tl-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="tl-title">{escape(title)}</title><desc id="tl-desc">{escape(desc)}</desc>',
        f'<line class="tl-axis" x1="{_LEFT}" y1="{axis_y}" x2="{_W - _RIGHT}" y2="{axis_y}"/>',
    ]
    for year in range(start.year, end.year + 1):
        x = _x(date(year, 1, 1), start, end)
        parts.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y - 5}" x2="{x:.1f}" y2="{axis_y + 5}"/>')
        parts.append(
            f'<text class="tl-year" x="{x:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>'
        )
    # The "as of" line.
    ax = _x(as_of, start, end)
    label = t(N_("Today")) if as_of == (today or date.today()) else t(N_("As of"))
    anchor = "end" if ax > _W * 0.8 else "start"
    dx = -6 if anchor == "end" else 6
    parts.append(f'<line class="tl-asof" x1="{ax:.1f}" y1="12" x2="{ax:.1f}" y2="{axis_y + 8}"/>')
    parts.append(
        f'<text class="tl-asof-label" x="{ax + dx:.1f}" y="22" text-anchor="{anchor}">'
        f"{escape(label)} · {escape(fmt_date(as_of, lang, 'medium'))}</text>"
    )
    for it, x, level in placed:
        y = axis_y - 20 - level * _LEVEL
        cls = "tl-past" if it["past"] else "tl-future"
        tip = f"{it['n']}. {fmt_date(it['date'], lang)}: {it['what']}"
        parts.append(f'<g class="tl-mark {cls}"><title>{escape(tip)}</title>')
        parts.append(f'<line class="tl-stem" x1="{x:.1f}" y1="{y + 10}" x2="{x:.1f}" y2="{axis_y}"/>')
        parts.append(f'<circle class="tl-dot" cx="{x:.1f}" cy="{axis_y}" r="5"/>')
        parts.append(f'<circle class="tl-num-bg" cx="{x:.1f}" cy="{y}" r="11"/>')
        parts.append(
            f'<text class="tl-num" x="{x:.1f}" y="{y + 4}" text-anchor="middle">{it["n"]}</text></g>'
        )
    parts.append("</svg>")
    return {"svg": Markup("".join(parts)), "items": items}


# --- cartogram of the 27 Member States --------------------------------------------------------------------

# (column, row) of each Member State on the tile grid, roughly where it lies on the map.
TILES: dict[str, tuple[int, int]] = {
    "FI": (6, 0), "SE": (5, 0),
    "IE": (0, 1), "DK": (4, 1), "EE": (6, 1),
    "NL": (2, 2), "DE": (3, 2), "PL": (4, 2), "LT": (5, 2), "LV": (6, 2),
    "BE": (1, 3), "LU": (2, 3), "CZ": (3, 3), "SK": (4, 3),
    "FR": (1, 4), "AT": (3, 4), "HU": (4, 4), "RO": (5, 4),
    "PT": (0, 5), "ES": (1, 5), "IT": (2, 5), "SI": (3, 5), "HR": (4, 5), "BG": (5, 5),
    "MT": (2, 6), "GR": (5, 6), "CY": (6, 6),
}  # fmt: skip
_TILE = 62
_GAP = 5


def _level(count: int, most: int) -> int:
    if count <= 0 or most <= 0:
        return 0
    return 1 + min(3, int(3 * math.log1p(count) / math.log1p(most) + 1e-9))


def cartogram(
    counts: Mapping[str, int], selected: str | None, href: Callable[[str], str], lang: str
) -> Markup:
    """A tile per Member State, shaded by the number of entries, each a link that filters by it."""
    most = max((counts.get(c, 0) for c in TILES), default=0)
    cols = 1 + max(c for c, _ in TILES.values())
    rows = 1 + max(r for _, r in TILES.values())
    width = cols * (_TILE + _GAP) + _GAP
    height = rows * (_TILE + _GAP) + _GAP
    title = gettext(lang, N_("Map of the 27 Member States: number of entries per country"))
    parts = [
        f'<svg class="cartogram" viewBox="0 0 {width} {height}" role="group" aria-labelledby="map-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="map-title">{escape(title)}</title>'
    ]
    entries_word = gettext(lang, N_("entries"))
    for code, (col, row) in TILES.items():
        x = _GAP + col * (_TILE + _GAP)
        y = _GAP + row * (_TILE + _GAP)
        n = counts.get(code, 0)
        name = country_name(code, lang)
        cls = f"tile tile-l{_level(n, most)}" + (" tile-selected" if code == selected else "")
        label = f"{name}: {n} {entries_word}"
        current = ' aria-current="true"' if code == selected else ""
        parts.append(
            f'<a href="{escape(href(code))}" class="tile-link"{current} aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<rect class="{cls}" x="{x}" y="{y}" width="{_TILE}" height="{_TILE}" rx="6"/>'
            f'<text class="tile-code" x="{x + _TILE / 2}" y="{y + 26}" text-anchor="middle">{code}</text>'
            f'<text class="tile-count" x="{x + _TILE / 2}" y="{y + 47}" text-anchor="middle">{n}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# --- risk mix of an inventory -------------------------------------------------------------------------------

RISK_ORDER = (
    "prohibited",
    "high_risk",
    "gpai_model_systemic",
    "gpai_model",
    "transparency",
    "minimal",
    "out_of_scope",
    "",  # not assessed yet
)


def risk_mix(
    counts: Mapping[str, int], labels: Mapping[str, str], href: Callable[[str], str | None], lang: str
) -> Markup:
    """A horizontal bar per risk class (the inventory's systems by the class of their latest
    assessment), each bar a link that filters the list by it. `labels` are already translated."""
    rows = [(c, counts.get(c, 0)) for c in RISK_ORDER if counts.get(c, 0)]
    total = sum(n for _, n in rows)
    title = gettext(lang, N_("Risk mix: systems by risk class"))
    if not rows:
        return Markup("")
    bar_x, width, row_h = 200, 330, 30
    height = row_h * len(rows) + 10
    most = max(n for _, n in rows)
    desc = "; ".join(f"{labels.get(c, c)}: {n}" for c, n in rows)
    parts = [
        f'<svg class="risk-mix" viewBox="0 0 {bar_x + width + 100} {height}" role="img" '
        f'aria-labelledby="mix-title mix-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="mix-title">{escape(title)}</title><desc id="mix-desc">{escape(desc)}</desc>'
    ]
    for i, (cls, n) in enumerate(rows):
        y = 5 + i * row_h
        w = max(4.0, width * n / most)
        pct = round(100 * n / total)
        label = labels.get(cls, cls)
        bar = (
            f'<text class="mix-label" x="{bar_x - 10}" y="{y + 19}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="mix-bar class-{cls or "none"}" x="{bar_x}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row_h - 8}" rx="4"/>'
            f'<text class="mix-count" x="{bar_x + w + 8:.1f}" y="{y + 19}">{n} ({pct} %)</text>'
        )
        link = href(cls)
        if link:
            parts.append(
                f'<a href="{escape(link)}" aria-label="{escape(label)}: {n}"><title>{escape(label)}: {n}</title>'
                f"{bar}</a>"
            )
        else:
            parts.append(f"<g>{bar}</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
