"""A check set of drawings that are not digits: letters, shapes, marks and scribbles, drawn by this code.

It measures one thing: whether the recognizer says "that does not look like a digit" when it is shown
something else. It is never used for fitting or training anything, so nothing is tuned on it; the letters in
particular are what the check measures generalisation on. The browser tests draw it into the page, and
`python -m evaluation offdigits` measures the networks on it.

Every drawing kind is a hand-authored template of pen strokes in a unit box (x right, y down, in drawing
order), written below with a few helpers (lines, arcs, smooth curves). Each instance is a randomly varied
rendition, as different people would draw it with a mouse: a random affine map, a slow wobble along the
pen's path, strokes that do not quite meet, now and then a stroke drawn backwards. Scribbles have no fixed
template: a fresh random path is made for each instance. No fonts, letter data sets or downloads are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

KINDS = ("letter", "shape", "mark", "scribble")
HEIGHT = 300.0  # every drawing's bounding box height, in the pen digits' tablet units (0..500)
CENTRE = np.array([250.0, 250.0])  # where drawings are placed: the middle of the tablet
POINTS_PER_UNIT = 60  # pen samples per unit-box length, clipped to MIN_POINTS..MAX_POINTS per stroke
MIN_POINTS, MAX_POINTS = 40, 120


@dataclass
class OffDigit:
    kind: str  # "letter", "shape", "mark" or "scribble"
    name: str  # e.g. "A", "k", "star", "smiley", "check mark", "scribble (loops)"
    strokes: list[np.ndarray]  # each (k, 2) float64: x right, y down (screen coordinates), in drawing order


# --- pieces of strokes, in the unit box --------------------------------------------------------------
# Angles are degrees clockwise from 3 o'clock, because y points down: 90 is the bottom, -90 the top.
# An arc runs from start to end, so end < start draws it anticlockwise (as people draw O and C).


def polyline(*points) -> np.ndarray:
    return np.array(points, dtype=np.float64)


def line(p, q) -> np.ndarray:
    return polyline(p, q)


def arc(centre, radius, start_deg: float, end_deg: float) -> np.ndarray:
    """An elliptical arc; radius is a number or (x radius, y radius). Sampled every 2 degrees."""
    angles = np.radians(np.linspace(start_deg, end_deg, max(2, int(abs(end_deg - start_deg) / 2) + 1)))
    return np.asarray(centre, float) + np.asarray(radius, float) * np.column_stack([np.cos(angles), np.sin(angles)])


def curve(*points, per_segment: int = 24) -> np.ndarray:
    """A smooth curve through the points (Catmull-Rom): for free-hand parts such as the S of $ or the ?."""
    p = np.array(points, dtype=np.float64)
    p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])  # mirrored end points: the curve starts at p[0]
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    p0, p1, p2, p3 = p[:-3, None], p[1:-2, None], p[2:-1, None], p[3:, None]
    pieces = 0.5 * (
        2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (3 * p1 - p0 - 3 * p2 + p3) * t**3
    )
    return np.vstack([pieces.reshape(-1, 2), p[-2]])


def joined(*pieces) -> np.ndarray:
    """One stroke made of pieces drawn one after the other without lifting the pen."""
    return np.vstack(pieces)


def dot(x: float, y: float) -> np.ndarray:
    """A dot as people make it with a mouse: a tiny dash."""
    return line((x, y), (x + 0.02, y + 0.03))


# --- the templates -----------------------------------------------------------------------------------
# Letters: the stroke order and number of strokes most people use when printing. Lowercase letters with
# ascenders or descenders are taller than wide, the others as tall as wide (y from 0.25 to 1).

LETTERS = {
    "A": [line((0.5, 0), (0.1, 1)), line((0.5, 0), (0.9, 1)), line((0.25, 0.62), (0.75, 0.62))],
    "A (one stroke)": [polyline((0.1, 1), (0.5, 0), (0.9, 1)), line((0.27, 0.6), (0.73, 0.6))],
    "B": [
        line((0.2, 0), (0.2, 1)),
        joined(
            line((0.2, 0), (0.5, 0)),
            arc((0.5, 0.24), 0.24, -90, 90),
            polyline((0.5, 0.48), (0.2, 0.48), (0.52, 0.48)),
            arc((0.52, 0.74), 0.26, -90, 90),
            line((0.52, 1), (0.2, 1)),
        ),
    ],
    "C": [arc((0.5, 0.5), (0.42, 0.5), -40, -320)],
    "D": [
        line((0.15, 0), (0.15, 1)),
        joined(line((0.15, 0), (0.4, 0)), arc((0.4, 0.5), (0.45, 0.5), -90, 90), line((0.4, 1), (0.15, 1))),
    ],
    "E": [line((0.2, 0), (0.2, 1)), line((0.2, 0), (0.8, 0)), line((0.2, 0.5), (0.7, 0.5)), line((0.2, 1), (0.8, 1))],
    "E (L and two bars)": [
        polyline((0.2, 0), (0.2, 1), (0.8, 1)),
        line((0.2, 0), (0.8, 0)),
        line((0.2, 0.5), (0.7, 0.5)),
    ],
    "F": [line((0.2, 0), (0.2, 1)), line((0.2, 0), (0.8, 0)), line((0.2, 0.48), (0.7, 0.48))],
    "G": [joined(arc((0.5, 0.5), (0.42, 0.5), -40, -360), line((0.92, 0.5), (0.58, 0.5)))],
    "H": [line((0.15, 0), (0.15, 1)), line((0.85, 0), (0.85, 1)), line((0.15, 0.5), (0.85, 0.5))],
    "J": [joined(line((0.65, 0), (0.65, 0.72)), arc((0.4, 0.72), (0.25, 0.28), 0, 180)), line((0.35, 0), (0.95, 0))],
    "K": [line((0.2, 0), (0.2, 1)), polyline((0.8, 0), (0.2, 0.55), (0.85, 1))],
    "L": [polyline((0.25, 0), (0.25, 1), (0.85, 1))],
    "M": [polyline((0.05, 1), (0.1, 0), (0.5, 0.65), (0.9, 0), (0.95, 1))],
    "N": [polyline((0.15, 1), (0.15, 0), (0.85, 1), (0.85, 0))],
    "P": [
        line((0.2, 0), (0.2, 1)),
        joined(line((0.2, 0), (0.5, 0)), arc((0.5, 0.27), 0.27, -90, 90), line((0.5, 0.54), (0.2, 0.54))),
    ],
    "Q": [arc((0.5, 0.5), (0.45, 0.5), -90, -450), line((0.6, 0.72), (0.98, 1.05))],
    "R": [
        line((0.2, 0), (0.2, 1)),
        joined(
            line((0.2, 0), (0.5, 0)), arc((0.5, 0.27), 0.27, -90, 90), polyline((0.5, 0.54), (0.2, 0.54), (0.85, 1))
        ),
    ],
    "S": [joined(arc((0.5, 0.25), (0.36, 0.25), -20, -270), arc((0.5, 0.75), (0.38, 0.25), -90, 160))],
    "T": [line((0.1, 0), (0.9, 0)), line((0.5, 0), (0.5, 1))],
    "U": [joined(line((0.15, 0), (0.15, 0.6)), arc((0.5, 0.6), (0.35, 0.4), 180, 0), line((0.85, 0.6), (0.85, 0)))],
    "V": [polyline((0.1, 0), (0.5, 1), (0.9, 0))],
    "W": [polyline((0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0))],
    "X": [line((0.15, 0), (0.85, 1)), line((0.85, 0), (0.15, 1))],
    "Y": [polyline((0.1, 0), (0.5, 0.5), (0.9, 0)), line((0.5, 0.5), (0.5, 1))],
    "Z": [polyline((0.1, 0), (0.9, 0), (0.1, 1), (0.9, 1))],
    "a": [arc((0.45, 0.62), (0.33, 0.37), -30, -390), line((0.76, 0.25), (0.77, 1))],  # the stem overlaps the bowl
    "e": [joined(line((0.1, 0.62), (0.9, 0.62)), arc((0.5, 0.62), (0.4, 0.38), 0, -315))],
    "f": [joined(arc((0.55, 0.2), 0.2, -20, -180), line((0.35, 0.2), (0.35, 1))), line((0.1, 0.42), (0.65, 0.42))],
    "h": [
        joined(
            polyline((0.2, 0), (0.2, 1), (0.2, 0.62)),
            arc((0.45, 0.62), (0.25, 0.24), 180, 360),
            line((0.7, 0.62), (0.7, 1)),
        )
    ],
    "k": [line((0.2, 0), (0.2, 1)), polyline((0.7, 0.4), (0.22, 0.7), (0.75, 1))],
    "m": [
        joined(
            polyline((0.1, 0.25), (0.1, 1), (0.1, 0.48)),
            arc((0.3, 0.48), (0.2, 0.23), 180, 360),
            polyline((0.5, 0.48), (0.5, 1), (0.5, 0.48)),
            arc((0.7, 0.48), (0.2, 0.23), 180, 360),
            line((0.9, 0.48), (0.9, 1)),
        )
    ],
    "n": [
        joined(
            polyline((0.15, 0.25), (0.15, 1), (0.15, 0.55)),
            arc((0.5, 0.55), (0.35, 0.3), 180, 360),
            line((0.85, 0.55), (0.85, 1)),
        )
    ],
    "r": [joined(polyline((0.2, 0.25), (0.2, 1), (0.2, 0.6)), arc((0.5, 0.6), (0.3, 0.33), 180, 310))],
    "t": [joined(line((0.45, 0), (0.45, 0.8)), arc((0.65, 0.8), 0.2, 180, 60)), line((0.15, 0.3), (0.8, 0.3))],
    "u": [
        joined(
            line((0.15, 0.25), (0.15, 0.7)),
            arc((0.47, 0.7), (0.32, 0.3), 180, 0),
            polyline((0.79, 0.7), (0.79, 0.25), (0.82, 1)),
        )
    ],
    "w": [polyline((0, 0.25), (0.22, 1), (0.5, 0.45), (0.78, 1), (1, 0.25))],
    "x": [line((0.15, 0.25), (0.85, 1)), line((0.85, 0.25), (0.15, 1))],
    "y": [line((0.15, 0), (0.5, 0.55)), joined(line((0.85, 0), (0.35, 0.95)), arc((0.25, 0.9), 0.1, 60, 150))],
}


def star() -> list[np.ndarray]:
    """Five points on a circle visited every second one: the five-pointed star in one stroke."""
    angles = np.radians(-90 + 72 * np.array([3, 0, 2, 4, 1, 3]))  # from the lower left point, up to the top
    return [0.5 + 0.5 * np.column_stack([np.cos(angles), np.sin(angles)])]


def spiral(turns: float = 3) -> list[np.ndarray]:
    """From the centre outwards, the radius growing steadily with the angle."""
    t = np.linspace(0, 1, 400)
    angle = 2 * np.pi * turns * t
    return [0.5 + 0.5 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])]


def crescent() -> list[np.ndarray]:
    """The outer arc anticlockwise from the upper tip round to the lower tip, then the inner arc back up."""
    tip_angle = np.degrees(np.arctan2(0.5 * np.sin(np.radians(60)), 0.75 - 0.95))  # lower tip as seen from (0.95, 0.5)
    inner_radius = np.hypot(0.75 - 0.95, 0.5 * np.sin(np.radians(60)))
    return [joined(arc((0.5, 0.5), 0.5, -60, -300), arc((0.95, 0.5), inner_radius, tip_angle, 360 - tip_angle))]


def bumps(*points) -> np.ndarray:
    """Half circles from each point to the next, bulging to the pen's left (outwards when going clockwise)."""
    pieces = []
    for p, q in zip(points[:-1], points[1:], strict=True):
        middle, half = (np.add(p, q) / 2), np.subtract(p, q) / 2
        start = np.degrees(np.arctan2(half[1], half[0]))
        pieces.append(arc(middle, np.hypot(*half), start, start + 180))
    return joined(*pieces)


SHAPES = {
    "square": [polyline((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))],
    "rectangle": [polyline((0, 0.25), (1, 0.25), (1, 0.75), (0, 0.75), (0, 0.25))],
    "triangle": [polyline((0.5, 0.07), (1, 0.93), (0, 0.93), (0.5, 0.07))],
    "star": star(),
    "heart": [
        joined(
            arc((0.27, 0.28), 0.23, 0, -215),
            line((0.08, 0.41), (0.5, 1)),
            line((0.5, 1), (0.92, 0.41)),
            arc((0.73, 0.28), 0.23, 35, -180),
        )
    ],
    "smiley": [
        arc((0.5, 0.5), 0.5, -90, -450),
        line((0.35, 0.28), (0.35, 0.4)),
        line((0.65, 0.28), (0.65, 0.4)),
        arc((0.5, 0.5), 0.3, 25, 155),
    ],
    "plus": [line((0.5, 0), (0.5, 1)), line((0, 0.5), (1, 0.5))],
    "diamond": [polyline((0.5, 0), (0.85, 0.5), (0.5, 1), (0.15, 0.5), (0.5, 0))],
    "arrow": [line((0, 0.5), (1, 0.5)), polyline((0.72, 0.28), (1, 0.5), (0.72, 0.72))],
    "house": [
        polyline((0.1, 0.45), (0.1, 1), (0.9, 1), (0.9, 0.45), (0.1, 0.45)),
        polyline((0.04, 0.48), (0.5, 0), (0.96, 0.48)),
    ],
    "spiral": spiral(),
    "crescent moon": crescent(),
    "cloud": [
        joined(
            bumps((0.12, 0.75), (0.15, 0.45), (0.4, 0.3), (0.65, 0.3), (0.88, 0.45), (0.9, 0.75)),
            line((0.9, 0.75), (0.12, 0.75)),
        )
    ],
    "lightning bolt": [
        polyline((0.55, 0), (0.15, 0.55), (0.45, 0.55), (0.3, 1), (0.85, 0.4), (0.55, 0.4), (0.8, 0), (0.55, 0))
    ],
}


def infinity() -> list[np.ndarray]:
    """A figure of eight lying down (lemniscate of Gerono), from the crossing, up and to the right first."""
    t = np.linspace(0, 2 * np.pi, 300)
    return [np.column_stack([0.5 + 0.5 * np.sin(t), 0.5 - 0.5 * np.sin(t) * np.cos(t)])]


MARKS = {
    "check mark": [polyline((0, 0.6), (0.35, 1), (1, 0))],
    "X mark": [line((0.1, 0.1), (0.9, 0.9)), line((0.1, 0.9), (0.9, 0.1))],
    "hash #": [
        line((0.4, 0), (0.3, 1)),
        line((0.75, 0), (0.65, 1)),
        line((0, 0.33), (1, 0.33)),
        line((0, 0.67), (1, 0.67)),
    ],
    "asterisk": [line((0.5, 0), (0.5, 1)), line((0.07, 0.25), (0.93, 0.75)), line((0.93, 0.25), (0.07, 0.75))],
    "equals sign": [line((0, 0.3), (1, 0.3)), line((0, 0.7), (1, 0.7))],
    "wavy line ~": [np.column_stack([np.linspace(0, 1, 200), 0.5 - 0.2 * np.sin(np.linspace(0, 4 * np.pi, 200))])],
    "zigzag": [polyline((0, 0.7), (0.2, 0.3), (0.4, 0.7), (0.6, 0.3), (0.8, 0.7), (1, 0.3))],
    "infinity": infinity(),
    "at sign @": [
        joined(
            arc((0.47, 0.5), 0.18, -20, -380),
            line((0.64, 0.44), (0.66, 0.68)),
            curve((0.66, 0.68), (0.8, 0.72), (0.95, 0.55)),
            arc((0.5, 0.5), 0.45, 6, -305),
        )
    ],
    "ampersand &": [
        curve(
            (0.9, 1),
            (0.55, 0.6),
            (0.32, 0.32),
            (0.33, 0.1),
            (0.48, 0.02),
            (0.62, 0.12),
            (0.58, 0.3),
            (0.25, 0.55),
            (0.12, 0.8),
            (0.3, 0.98),
            (0.6, 0.92),
            (0.85, 0.6),
        )
    ],
    "question mark ?": [
        curve((0.15, 0.25), (0.3, 0.05), (0.6, 0.02), (0.82, 0.2), (0.75, 0.42), (0.5, 0.55), (0.5, 0.75)),
        dot(0.5, 0.95),
    ],
    "exclamation mark !": [line((0.5, 0), (0.5, 0.72)), dot(0.5, 0.95)],
    "percent sign %": [
        arc((0.2, 0.18), 0.17, -90, -450),
        line((0.85, 0), (0.15, 1)),
        arc((0.8, 0.82), 0.17, -90, -450),
    ],
    "dollar sign $": [
        curve((0.8, 0.2), (0.5, 0.1), (0.22, 0.25), (0.35, 0.45), (0.65, 0.55), (0.8, 0.75), (0.5, 0.9), (0.18, 0.8)),
        line((0.5, -0.05), (0.5, 1.05)),
    ],
}


# --- scribbles: a fresh random path for every instance ------------------------------------------------


def smooth_noise(rng: np.random.Generator, t: np.ndarray, waves: int, max_frequency: float) -> np.ndarray:
    """A slowly varying random signal of t in 0..1, about -1..1: a few sine waves of random frequency and phase."""
    frequency = rng.uniform(0.3, max_frequency, (waves, 1))
    phase = rng.uniform(0, 2 * np.pi, (waves, 1))
    return np.sin(2 * np.pi * frequency * t + phase).sum(axis=0) / np.sqrt(waves)


def loop_scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """Many overlapping loops while the hand drifts across: a tangled scribble."""
    t = np.linspace(0, 1, 1500)
    loops, radius = rng.uniform(6, 11), rng.uniform(0.15, 0.3) * (1 + 0.3 * smooth_noise(rng, t, 3, 3))
    angle = 2 * np.pi * loops * t + rng.uniform(0, 2 * np.pi)
    drift = np.column_stack([t + 0.2 * smooth_noise(rng, t, 3, 1.5), 0.5 + 0.25 * smooth_noise(rng, t, 3, 1.5)])
    return [drift + radius[:, None] * np.column_stack([np.cos(angle), rng.uniform(0.7, 1.3) * np.sin(angle)])]


def fill_scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """Back and forth across an area, moving down a little each pass, as when shading something in."""
    t = np.linspace(0, 1, 1500)
    passes = rng.integers(6, 12)
    x = 0.5 - (0.45 + 0.05 * smooth_noise(rng, t, 3, 4)) * np.cos(np.pi * passes * t)
    y = t + 0.04 * smooth_noise(rng, t, 3, 3)
    tilt = np.radians(rng.uniform(-30, 30))  # the passes are rarely level
    points = np.column_stack([x, y]) - 0.5
    return [0.5 + points @ np.array([[np.cos(tilt), np.sin(tilt)], [-np.sin(tilt), np.cos(tilt)]])]


def squiggle_scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """One random smooth path wandering about."""
    t = np.linspace(0, 1, 1000)
    return [np.column_stack([smooth_noise(rng, t, 4, 4), smooth_noise(rng, t, 4, 4)])]


SCRIBBLES: dict[str, Callable[[np.random.Generator], list[np.ndarray]]] = {
    "scribble (loops)": loop_scribble,
    "scribble (fill)": fill_scribble,
    "scribble (squiggle)": squiggle_scribble,
}


# --- from a template to points --------------------------------------------------------------------


def to_unit_box(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """Scaled (keeping the aspect ratio) and moved so the longest side spans 0..1, top left at 0."""
    every_point = np.concatenate(strokes)
    low, size = every_point.min(axis=0), np.ptp(every_point, axis=0).max()
    return [(stroke - low) / size for stroke in strokes]


def resample(stroke: np.ndarray) -> np.ndarray:
    """Points evenly spaced along the pen's path, more for a longer stroke, as a tablet records them."""
    steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    along = np.concatenate([[0], np.cumsum(steps)])
    count = int(np.clip(round(POINTS_PER_UNIT * along[-1]), MIN_POINTS, MAX_POINTS))
    wanted = np.linspace(0, along[-1], count)
    return np.column_stack([np.interp(wanted, along, stroke[:, 0]), np.interp(wanted, along, stroke[:, 1])])


def fresh_scribble(rng: np.random.Generator, name: str) -> list[np.ndarray]:
    return [resample(stroke) for stroke in to_unit_box(SCRIBBLES[name](rng))]


def templates() -> dict[str, tuple[str, list[np.ndarray]]]:
    """name -> (kind, strokes of the template) in a unit box (0..1, y down); for scribbles one random example."""
    table = {}
    for kind, group in (("letter", LETTERS), ("shape", SHAPES), ("mark", MARKS)):
        table |= {name: (kind, [resample(s) for s in to_unit_box(strokes)]) for name, strokes in group.items()}
    example = np.random.default_rng(0)
    table |= {name: ("scribble", fresh_scribble(example, name)) for name in SCRIBBLES}
    return table


# --- variation: one person's rendition of a template -------------------------------------------------


def random_affine(rng: np.random.Generator) -> np.ndarray:
    """Rotation within 12 degrees, shear within 0.15, x and y scaled independently by 0.8..1.2."""
    angle = np.radians(rng.uniform(-12, 12))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shear = np.array([[1, rng.uniform(-0.15, 0.15)], [0, 1]])
    return rotation @ shear @ np.diag(rng.uniform(0.8, 1.2, 2))


def wobble(rng: np.random.Generator, stroke: np.ndarray) -> np.ndarray:
    """A slow sway along the pen's path, about 1.5% of the size: an unsteady hand, not a hairy line."""
    along = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))])
    sway = [smooth_noise(rng, along, 2, 1.5) for _ in range(2)]  # below 1.5 waves per unit of path
    return stroke + 0.015 * np.column_stack(sway)


def shifted_ends(rng: np.random.Generator, stroke: np.ndarray) -> np.ndarray:
    """Each end moved by about 3%, fading along the stroke, so that strokes do not meet exactly.

    A short stroke (a dot, an eye) is moved more nearly as a whole: turning it would change what it is."""
    start, end = rng.normal(0, 0.03, (2, 2))
    length = np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum()
    start, end = (start + end) / 2 + min(1.0, length / 0.3) * (np.array([start, end]) - (start + end) / 2)
    fade = np.linspace(0, 1, len(stroke))[:, None]
    return stroke + (1 - fade) * start + fade * end


def rendition(rng: np.random.Generator, strokes: list[np.ndarray]) -> list[np.ndarray]:
    """The template as one person might draw it, scaled to HEIGHT and placed on the tablet."""
    strokes = [shifted_ends(rng, wobble(rng, stroke)) for stroke in strokes]
    if rng.random() < 0.2:  # now and then one stroke is drawn the other way round
        backwards = rng.integers(len(strokes))
        strokes[backwards] = strokes[backwards][::-1]
    affine = random_affine(rng)
    strokes = [(stroke - 0.5) @ affine.T for stroke in strokes]
    every_point = np.concatenate(strokes)
    low, high = every_point.min(axis=0), every_point.max(axis=0)
    scale = HEIGHT / (high[1] - low[1])
    return [CENTRE + (stroke - (low + high) / 2) * scale for stroke in strokes]


def check_drawings(per_template: int = 8, seed: int = 7) -> list[OffDigit]:
    """per_template varied instances of every template, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    drawings = []
    for name, (kind, strokes) in templates().items():
        for _ in range(per_template):
            drawn = fresh_scribble(rng, name) if kind == "scribble" else strokes
            drawings.append(OffDigit(kind, name, rendition(rng, drawn)))
    return drawings
