"""Drawings in the forms the page holds them, so that a test or a measurement gives the page's code exactly
what the page would: strokes as lists of [x, y] points, and strokes in the page's own 280x280 box."""

from __future__ import annotations

import numpy as np

from harness.browser import fit_to_box

BOX = {"x": 0.0, "y": 0.0, "width": 280.0, "height": 280.0}  # the page's own units (app.js SIZE)


def as_strokes(strokes: list[np.ndarray]) -> list[list[list[float]]]:
    """Strokes as the page sends them to Python: plain lists of [x, y] points, as JSON carries them."""
    return [s.tolist() for s in strokes]


def in_box(strokes: list[np.ndarray]) -> list[list[list[float]]]:
    """Strokes as the page keeps them: [[x, y], ...] in the box's units, to a tenth."""
    return [np.round(stroke, 1).tolist() for stroke in fit_to_box(strokes, BOX)]
