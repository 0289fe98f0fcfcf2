"""Charts of a network's ten probabilities, as SVG strings (made in Python, tested natively).

The pie: slices run clockwise from 12 o'clock, largest first, so the answer always starts at the top. A legend
lists all ten digits with their percentages; slices too thin to see are left out of the drawing (a light grey
disc underneath shows where they are) but never out of the legend. Beside it, a bar chart of the likeliest
digits, sorted, which shows the runners-up of a sure answer that the pie cannot. Text is drawn in the page's
own colour (currentColor), so both charts read in a light and a dark theme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# One colour per digit (Tableau 10), and the text colour that stays readable on it.
COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
TEXT_ON = ("#fff", "#222", "#fff", "#222", "#fff", "#222", "#fff", "#222", "#fff", "#222")
RADIUS = 90
CENTRE = 100
THINNEST = 0.2  # degrees: a slice thinner than this would be a hairline, so it is not drawn
LABELLED = 25.0  # degrees: slices at least this wide carry their digit
SVG = "http://www.w3.org/2000/svg"


def escape(text: str) -> str:
    """Text safe inside an XML attribute or element (xml.sax.saxutils would cost a slow import in the browser)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def shares(probabilities: Sequence[float]) -> list[float]:
    """The ten values as fractions of their sum; negative or non-finite values count as 0."""
    if len(probabilities) != 10:
        raise ValueError(f"expected 10 probabilities, got {len(probabilities)}")
    values = [float(p) if math.isfinite(p) and p > 0 else 0.0 for p in probabilities]
    total = sum(values)
    return [v / total for v in values] if total > 0 else [0.0] * 10


def slices(probabilities: Sequence[float]) -> list[tuple[int, float, float]]:
    """(digit, start, end) in degrees clockwise from 12 o'clock for every digit with a share, largest first.

    Together they cover exactly 0 to 360 degrees (none at all if every probability is 0)."""
    fractions = shares(probabilities)
    order = sorted((d for d in range(10) if fractions[d] > 0), key=lambda d: -fractions[d])
    out, start = [], 0.0
    for digit in order:
        end = start + 360.0 * fractions[digit]
        out.append((digit, start, end))
        start = end
    if out:  # rounding must not leave a gap or an overlap at 12 o'clock
        digit, start, _ = out[-1]
        out[-1] = (digit, start, 360.0)
    return out


def point_at(degrees: float, radius: float = RADIUS) -> tuple[float, float]:
    """The point `degrees` clockwise from 12 o'clock on a circle around the centre (SVG's y points down)."""
    angle = math.radians(degrees)
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def slice_path(start: float, end: float) -> str:
    """SVG path of the slice between two angles (less than a full turn)."""
    (x0, y0), (x1, y1) = point_at(start), point_at(end)
    large_arc = 1 if end - start > 180 else 0
    return f"M{CENTRE},{CENTRE} L{x0:.2f},{y0:.2f} A{RADIUS},{RADIUS} 0 {large_arc} 1 {x1:.2f},{y1:.2f} Z"


def percent(share: float) -> str:
    """A share as a percentage that never rounds a doubt away: '100%' only when certain, '<0.1%' for a trace."""
    if share >= 1.0:
        return "100%"
    if share >= 0.9995:  # would round to 100.0%
        return ">99.9%"
    if 0 < share < 0.0005:  # would round to 0.0%
        return "<0.1%"
    return f"{100 * share:.1f}%"


def pie_chart(probabilities: Sequence[float], title: str = "Probabilities", mark: str = "") -> str:
    """An accessible SVG pie of ten probabilities with a legend giving every digit's percentage; `mark` (such as
    "not a digit") is written across the pie and said first."""
    fractions = shares(probabilities)
    best = max(range(10), key=lambda d: fractions[d])
    summary = f"{title}: {mark + ', closest ' if mark else ''}{best} at {percent(fractions[best])}"
    every_digit = ", ".join(f"{d}: {percent(fractions[d])}" for d in range(10))
    parts = [
        f'<svg xmlns="{SVG}" viewBox="0 0 330 200" role="img" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
        f"<desc>{escape(every_digit)}</desc>",
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RADIUS}" fill="#e8e8e8"/>',
    ]
    for digit, start, end in slices(probabilities):
        whole = end - start >= 360 - THINNEST
        if whole:  # an arc from a point back to itself draws nothing: a circle instead
            parts.append(f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RADIUS}" fill="{COLOURS[digit]}"/>')
        elif end - start >= THINNEST:
            path = slice_path(start, end)
            parts.append(f'<path d="{path}" fill="{COLOURS[digit]}" stroke="#fff" stroke-width="1"/>')
        if end - start >= LABELLED:
            x, y = (CENTRE, CENTRE) if whole else point_at((start + end) / 2, 0.62 * RADIUS)
            parts.append(
                f'<text x="{x:.1f}" y="{y + 7:.1f}" text-anchor="middle" font-size="22" font-weight="bold" '
                f'font-family="sans-serif" fill="{TEXT_ON[digit]}">{digit}</text>'
            )
    if mark:  # a band across the pie, so that no slice passes for an answer
        parts.append(
            f'<rect x="{CENTRE - RADIUS}" y="{CENTRE - 16}" width="{2 * RADIUS}" height="32" fill="#fff" '
            f'fill-opacity=".85"/><text x="{CENTRE}" y="{CENTRE + 6}" text-anchor="middle" font-size="17" '
            f'font-weight="bold" font-family="sans-serif" fill="#222">{escape(mark)}</text>'
        )
    for digit in range(10):
        y = 10 + 18 * digit
        weight = ' font-weight="bold"' if digit == best else ""
        parts.append(f'<rect x="215" y="{y}" width="12" height="12" fill="{COLOURS[digit]}"/>')
        parts.append(
            f'<text x="233" y="{y + 11}" font-size="13" font-family="sans-serif" fill="currentColor"{weight}>'
            f"{digit}: {escape(percent(fractions[digit]))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


BARS = 5  # digits the bar chart shows: the likeliest, sorted


def bar_chart(probabilities: Sequence[float], title: str = "Likeliest digits") -> str:
    """An accessible SVG bar chart of the BARS likeliest digits, longest bar first, each with its percentage."""
    fractions = shares(probabilities)
    order = sorted(range(10), key=lambda d: -fractions[d])[:BARS]
    summary = f"{title}: " + ", ".join(f"{d} at {percent(fractions[d])}" for d in order)
    parts = [
        f'<svg xmlns="{SVG}" viewBox="0 0 220 {22 * BARS + 4}" role="img" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
    ]
    for row, digit in enumerate(order):
        y = 4 + 22 * row
        width = max(150 * fractions[digit], 1.0) if fractions[digit] > 0 else 0.0
        weight = ' font-weight="bold"' if row == 0 else ""
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="14" font-family="sans-serif" fill="currentColor"{weight}>'
            f"{digit}</text>"
        )
        parts.append(f'<rect x="14" y="{y}" width="{width:.1f}" height="17" fill="{COLOURS[digit]}"/>')
        parts.append(
            f'<text x="{18 + width:.1f}" y="{y + 13}" font-size="12" font-family="sans-serif" fill="currentColor">'
            f"{escape(percent(fractions[digit]))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
