"""The pie chart of a network's ten probabilities, as an SVG string (made in Python, tested natively)."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

# Ten distinguishable colours, one per digit (Tableau 10).
COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
RADIUS = 90
CENTRE = 100


def point_at(fraction: float) -> tuple[float, float]:
    """The point on the circle `fraction` of the way round, clockwise from 12 o'clock."""
    angle = 2 * math.pi * fraction
    return CENTRE + RADIUS * math.sin(angle), CENTRE - RADIUS * math.cos(angle)


def slice_path(start: float, end: float) -> str:
    """SVG path of the slice between two fractions of the circle."""
    (x0, y0), (x1, y1) = point_at(start), point_at(end)
    large_arc = 1 if end - start > 0.5 else 0
    return f"M{CENTRE},{CENTRE} L{x0:.2f},{y0:.2f} A{RADIUS},{RADIUS} 0 {large_arc} 1 {x1:.2f},{y1:.2f} Z"


def slices(probabilities: list[float]) -> list[tuple[int, float, float]]:
    """(digit, start, end) fractions of the circle for each digit with a visible share, largest first."""
    total = sum(probabilities) or 1.0
    shares = sorted(((p / total, d) for d, p in enumerate(probabilities)), reverse=True)
    out, start = [], 0.0
    for share, digit in shares:
        if share >= 0.001:
            out.append((digit, start, start + share))
        start += share
    return out


def pie_chart(probabilities: list[float], title: str = "Probabilities") -> str:
    """An accessible SVG pie with a legend giving every digit's percentage."""
    best = max(range(10), key=lambda d: probabilities[d])
    label = f"{title}: {best} at {100 * probabilities[best]:.1f}%"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 330 200" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    for digit, start, end in slices(probabilities):
        if end - start > 0.9999:
            parts.append(f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RADIUS}" fill="{COLOURS[digit]}"/>')
        else:
            parts.append(f'<path d="{slice_path(start, end)}" fill="{COLOURS[digit]}" stroke="#fff" stroke-width="1"/>')
    for digit in range(10):
        y = 12 + 18 * digit
        weight = ' font-weight="bold"' if digit == best else ""
        parts.append(f'<rect x="215" y="{y}" width="12" height="12" fill="{COLOURS[digit]}"/>')
        parts.append(
            f'<text x="233" y="{y + 11}" font-size="13" font-family="sans-serif"{weight}>'
            f"{digit}: {100 * probabilities[digit]:.1f}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
