"""Drawings that are not digits, made by the project itself, for fitting the check that tells digits from them.

Every drawing is pen strokes, as the page receives them, so it goes through exactly the page's preprocessing (the
same pen, the same framing). Eight kinds, each from what the project already has:
- "scribble": random smooth pen paths, one to three strokes, with loops and turns;
- "glyph": two to five straight strokes and arcs joined at random, as marks and signs are made (some come out
  like a digit, as any random drawing may: fitting allows for that);
- "shape": polygons, star polygons, grids, zigzags and arcs, drawn from random parameters (never a whole
  circle or a single straight stroke, which are the digits 0 and 1);
- "piece": a part of a training writer's digit (its pen path cut short);
- "recombined": parts of two or three different digits put together anew, as a letter is made of strokes that
  digits have too (a bar, a bow, a hook) in another arrangement;
- "overlay": two training writers' digits drawn over each other, offset;
- "pair": two digits side by side, as a number, or one above the other;
- "crossed": a digit with random strokes drawn across it.
No letters from fonts or letter data sets, and nothing of the held-out writers: the digits used are the 20
training writers' (train/pendigits.py). The check of the page draws letters, which none of these are made from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import pendigits

KINDS = ("scribble", "glyph", "shape", "piece", "recombined", "overlay", "pair", "crossed")
SIDE = 300.0  # drawings are made about this many units tall, as the pen digits (tablet units 0..500)
# The non-digits the report measures on: made with a seed of their own, never fitted on (train/check.py fits on
# others).
HELD_OUT_SEED, HELD_OUT_COUNT = 1, 4_000


@dataclass
class NonDigit:
    kind: str
    strokes: list[np.ndarray]  # each (k, 2): x right, y down


# --- pen paths ------------------------------------------------------------------------------------------


def resampled(points: np.ndarray, spacing: float) -> np.ndarray:
    """The path through `points` sampled every `spacing` units of its length (its ends kept)."""
    steps = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] == 0:
        return points[:1].repeat(2, axis=0)
    at = np.linspace(0, along[-1], max(int(along[-1] / spacing), 1) + 1)
    return np.stack([np.interp(at, along, points[:, 0]), np.interp(at, along, points[:, 1])], axis=1)


def smooth_walk(rng: np.random.Generator, steps: int, turning: float) -> np.ndarray:
    """A pen path that turns smoothly: the heading drifts by a random, low-pass-filtered rate."""
    rate = np.convolve(rng.normal(0, turning, steps + 8), np.ones(8) / 8, mode="valid")[:steps]
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rate)
    return np.cumsum(np.stack([np.cos(heading), np.sin(heading)], axis=1), axis=0)


def polygon(corners: np.ndarray, closed: bool = True) -> np.ndarray:
    return np.vstack([corners, corners[:1]]) if closed else corners


def around(rng: np.random.Generator, count: int, start: float | None = None) -> np.ndarray:
    """`count` angles once around a circle from a random start."""
    start = rng.uniform(0, 2 * np.pi) if start is None else start
    return start + np.linspace(0, 2 * np.pi, count, endpoint=False)


def on_circle(angles: np.ndarray, radii: np.ndarray | float = 1.0) -> np.ndarray:
    return np.stack([np.cos(angles), np.sin(angles)], axis=1) * np.asarray(radii).reshape(-1, 1)


def wobbled(rng: np.random.Generator, strokes: list[np.ndarray], amount: float) -> list[np.ndarray]:
    """Strokes as a hand draws them: resampled densely, bent by a slow random drift of `amount` of their size."""
    size = np.ptp(np.concatenate(strokes), axis=0).max() or 1.0
    out = []
    for stroke in strokes:
        dense = resampled(stroke, size / 60)
        drift = np.cumsum(rng.normal(0, 1, dense.shape), axis=0)
        kernel = np.ones(min(9, len(dense))) / min(9, len(dense))  # "same" gives the longer: no longer than the stroke
        drift = np.stack([np.convolve(drift[:, axis], kernel, mode="same") for axis in (0, 1)], axis=1)
        drift -= np.linspace(drift[0], drift[-1], len(dense)) * 0.5
        scale = amount * size / max(np.abs(drift).max(), 1e-9)
        out.append(dense + drift * scale)
    return out


def affine(rng: np.random.Generator, strokes: list[np.ndarray], rotation: float = 0.3) -> list[np.ndarray]:
    """Strokes rotated, sheared and stretched at random, then scaled to SIDE units tall (or wide, if flat)."""
    angle, shear = rng.uniform(-rotation, rotation), rng.uniform(-0.2, 0.2)
    c, s = np.cos(angle), np.sin(angle)
    matrix = np.array([[c, -s], [s, c]]) @ np.array([[1, shear], [0, 1]]) @ np.diag(rng.uniform(0.7, 1.3, 2))
    moved = [stroke @ matrix.T for stroke in strokes]
    every = np.concatenate(moved)
    low, size = every.min(axis=0), np.ptp(every, axis=0)
    scale = SIDE / max(size[1], 0.6 * size[0], 1e-9)
    return [(stroke - low) * scale for stroke in moved]


# --- the kinds ------------------------------------------------------------------------------------------


def scribble(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    strokes = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        strokes.append(smooth_walk(rng, int(rng.integers(40, 260)), turning=rng.uniform(0.1, 0.6)))
    return strokes


def primitive(rng: np.random.Generator, start: np.ndarray) -> np.ndarray:
    """A straight stroke or an arc from `start`, in a unit box."""
    if rng.random() < 0.7:  # most strokes of signs are straight
        end = start + on_circle(rng.uniform(0, 2 * np.pi, 1))[0] * rng.uniform(0.4, 1.0)
        return np.linspace(start, end, 12)
    radius, turn = rng.uniform(0.15, 0.5), rng.uniform(0.5, 1.6) * np.pi * rng.choice([-1, 1])
    begin = rng.uniform(0, 2 * np.pi)
    angles = begin + np.linspace(0, turn, 30)
    return start + on_circle(angles, radius) - on_circle(np.array([begin]), radius)


def glyph(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    """Strokes that each begin on an earlier one (or anywhere), as the parts of a sign meet."""
    strokes = [primitive(rng, rng.uniform(0, 1, 2))]
    for _ in range(int(rng.integers(1, 5))):
        joined = rng.random() < 0.7
        start = np.concatenate(strokes)[int(rng.integers(len(np.concatenate(strokes))))] if joined else None
        stroke = primitive(rng, rng.uniform(0, 1, 2) if start is None else start)
        if joined and rng.random() < 0.5 and len(strokes[-1]) and np.allclose(strokes[-1][-1], start):
            strokes[-1] = np.vstack([strokes[-1], stroke[1:]])  # drawn on without lifting the pen
        else:
            strokes.append(stroke)
    return strokes


def shape(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    form = rng.choice(["polygon", "star", "grid", "zigzag", "arcs", "spiral", "nested", "random polygon"])
    if form == "polygon":  # 3 to 6 sides: a triangle, a square, ... (more would be a circle, a 0)
        return [polygon(on_circle(around(rng, int(rng.integers(3, 7)))))]
    if form == "star":
        points = int(rng.integers(4, 9))
        radii = np.tile([1.0, rng.uniform(0.3, 0.6)], points)
        return [polygon(on_circle(around(rng, 2 * points), radii))]
    if form == "grid":  # a hash or a ladder: crossing straight strokes
        lines = []
        for direction in rng.permutation([0, 1])[: rng.choice([1, 2, 2])]:
            for offset in np.linspace(-1, 1, int(rng.integers(2, 5))):
                line = np.array([[offset, -1.2], [offset, 1.2]])
                lines.append(line[:, ::-1] if direction else line)
        return lines if len(lines) > 1 else [*lines, np.array([[-1.2, 0.0], [1.2, 0.0]])]
    if form == "zigzag":
        teeth = int(rng.integers(3, 9))
        return [np.stack([np.linspace(0, teeth, teeth + 1), np.resize([0.0, rng.uniform(0.6, 2.0)], teeth + 1)], 1)]
    if form == "arcs":  # two to four arcs, none a whole circle
        return [
            on_circle(np.linspace(a, a + rng.uniform(1.0, 4.5), 40)) * rng.uniform(0.4, 1.2) + rng.uniform(-1, 1, 2)
            for a in rng.uniform(0, 2 * np.pi, int(rng.integers(2, 5)))
        ]
    if form == "spiral":
        turns = rng.uniform(1.5, 4)
        angles = np.linspace(0, 2 * np.pi * turns, int(80 * turns))
        return [on_circle(angles * rng.choice([-1, 1]), np.linspace(0.1, 1, len(angles)))]
    if form == "nested":  # a shape inside another
        sides = int(rng.integers(3, 7))
        outer = polygon(on_circle(around(rng, sides)))
        return [outer, polygon(on_circle(around(rng, int(rng.integers(3, 7))))) * rng.uniform(0.3, 0.6)]
    corners = on_circle(np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(4, 9)))), rng.uniform(0.3, 1, 1))
    return [polygon(corners + rng.normal(0, 0.35, corners.shape))]


def digit_strokes(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    return [s.copy() for s in digits[int(rng.integers(len(digits)))].strokes]


def piece(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    """A part of a digit: its pen path from a random point to another, a quarter to three fifths of it long. A
    piece that is nearly straight is drawn again: a straight stroke is a 1."""
    while True:
        path = np.concatenate(digit_strokes(rng, digits))
        length = max(int(len(path) * rng.uniform(0.25, 0.6)), 2)
        start = int(rng.integers(0, len(path) - length + 1))
        cut = path[start : start + length]
        _, spread, _ = np.linalg.svd(cut - cut.mean(axis=0), full_matrices=False)
        if spread[1] > 0.25 * spread[0]:
            return [cut]


def part_of(rng: np.random.Generator, digits: list) -> np.ndarray:
    """A quarter to two thirds of a random digit's pen path, scaled to a unit box."""
    path = np.concatenate(digit_strokes(rng, digits))
    length = max(int(len(path) * rng.uniform(0.25, 0.67)), 2)
    start = int(rng.integers(0, len(path) - length + 1))
    part = path[start : start + length]
    return (part - part.min(axis=0)) / max(np.ptp(part, axis=0).max(), 1e-9)


def recombined(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    """Two to four parts of different digits, each placed at random in the box, half of them where another ends."""
    strokes = []
    for _ in range(int(rng.integers(2, 5))):
        part = part_of(rng, digits) * rng.uniform(0.4, 1.0)
        if strokes and rng.random() < 0.5:  # begin where an earlier part passes
            every = np.concatenate(strokes)
            offset = every[int(rng.integers(len(every)))] - part[0]
        else:
            offset = rng.uniform(0, 1, 2) - part.mean(axis=0)
        strokes.append(part + offset)
    return strokes


def overlay(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    """Two different digits over each other, a quarter to half their size apart."""
    first = digits[int(rng.integers(len(digits)))]
    others = [d for d in digits if d.label != first.label]
    second = [s.copy() for s in others[int(rng.integers(len(others)))].strokes]
    first = [s.copy() for s in first.strokes]
    size = np.ptp(np.concatenate(first), axis=0)
    shift = on_circle(rng.uniform(0, 2 * np.pi, 1))[0] * rng.uniform(0.25, 0.5) * size
    return first + [s - s.mean(axis=0) + np.concatenate(first).mean(axis=0) + shift for s in second]


def pair(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    first, second = digit_strokes(rng, digits), digit_strokes(rng, digits)
    low, high = np.concatenate(first).min(axis=0), np.concatenate(first).max(axis=0)
    second_low = np.concatenate(second).min(axis=0)
    beside = rng.random() < 0.9
    gap = rng.uniform(0.0, 0.3) * (high - low)
    corner = np.array([high[0] + gap[0], low[1]]) if beside else np.array([low[0], high[1] + gap[1]])
    return first + [s - second_low + corner for s in second]


def crossed(rng: np.random.Generator, digits: list) -> list[np.ndarray]:
    strokes = digit_strokes(rng, digits)
    every = np.concatenate(strokes)
    low, size = every.min(axis=0), np.ptp(every, axis=0).max()
    for _ in range(rng.choice([1, 2, 3])):
        if rng.random() < 0.5:  # a straight stroke through the digit
            strokes.append(low + rng.uniform(-0.1, 1.1, (2, 2)) * size)
        else:  # a scrawl over it
            walk = smooth_walk(rng, int(rng.integers(30, 120)), turning=0.4)
            strokes.append(low + size * (0.5 + (walk - walk.mean(axis=0)) / max(np.ptp(walk), 1) * 0.9))
    return strokes


MAKERS = {
    "scribble": scribble,
    "glyph": glyph,
    "shape": shape,
    "piece": piece,
    "recombined": recombined,
    "overlay": overlay,
    "pair": pair,
    "crossed": crossed,
}


def made(kind: str, rng: np.random.Generator, digits: list) -> NonDigit:
    """One drawing of `kind`, varied as a hand would draw it, about SIDE units tall, in screen coordinates."""
    strokes = MAKERS[kind](rng, digits)
    if kind in ("scribble", "glyph", "shape"):  # the others are already people's pen paths
        strokes = wobbled(rng, affine(rng, strokes), amount=rng.uniform(0.005, 0.02))
        if rng.random() < 0.3:
            strokes = [s[::-1] for s in strokes]
    else:
        strokes = affine(rng, strokes, rotation=0.15)
    return NonDigit(kind, [np.asarray(s, dtype=np.float64) for s in strokes if len(s) >= 2])


def non_digits(count: int, seed: int, digits: list | None = None) -> list[NonDigit]:
    """`count` drawings, the kinds in turn, deterministic for a seed. digits: the pen digits pieces, overlays,
    pairs and crossings are made of (the training writers' by default: never the held-out writers')."""
    if digits is None:
        digits = pendigits.training_digits(pendigits.read_digits())
    if any(d.writer in pendigits.HELD_OUT_WRITERS for d in digits):
        raise ValueError("non-digits are made from the training writers' digits only")
    rng = np.random.default_rng(seed)
    return [made(KINDS[i % len(KINDS)], rng, digits) for i in range(count)]
