"""Ways real people write some digits that the shipped networks misread, made from a writer's own strokes by
adding the stroke they add (x right, y down): what the browser tests and the teaching benchmark teach."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def extent(strokes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(strokes)
    return points.min(axis=0), points.max(axis=0)


def slashed_zero(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """A zero struck through from lower left to upper right, the stroke running past the ring, as programmers
    and Scandinavians write it."""
    low, high = extent(strokes)
    past = 0.15 * (high[1] - low[1])
    return [*strokes, np.array([[low[0] - past, high[1] + past], [high[0] + past, low[1] - past]])]


def flagged_one(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """A one with a long flag, drawn first from halfway down on the left up to the top, as much of Europe
    writes it."""
    low, high = extent(strokes)
    points = np.concatenate(strokes)
    top = points[np.argmin(points[:, 1])]
    height = high[1] - low[1]
    return [np.array([top + [-0.8 * height, 0.5 * height], top]), *strokes]


STYLES: dict[str, tuple[int, Callable]] = {  # name: (the digit, what makes it of the style)
    "slashed 0": (0, slashed_zero),
    "1 with a long flag": (1, flagged_one),
}
