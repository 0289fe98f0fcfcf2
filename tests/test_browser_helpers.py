"""The helpers that draw into the page (harness/browser.py), checked without a browser."""

from __future__ import annotations

import numpy as np
import pytest

from harness.browser import fit_to_box, inside_box

BOX = {"x": 40.0, "y": 100.0, "width": 300.0, "height": 300.0}


def test_a_digit_of_ordinary_shape_is_drawn_at_the_height_asked_and_where_asked():
    tall = [np.array([[0.0, 0.0], [10.0, 60.0]]), np.array([[0.0, 30.0], [20.0, 30.0]])]
    fitted = fit_to_box(tall, BOX, height=0.5, offset=(0.1, -0.05))
    points = np.concatenate(fitted)
    assert points[:, 1].max() - points[:, 1].min() == pytest.approx(150.0)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    assert centre == pytest.approx([40 + 300 * 0.6, 100 + 300 * 0.45])


def test_any_digit_stays_inside_the_box_whatever_its_shape_size_and_offset():
    rng = np.random.default_rng(0)
    for _ in range(500):
        aspect = rng.uniform(0.05, 6)  # from a thin 1 to a long flat stroke
        strokes = [rng.uniform(0, 1, (rng.integers(1, 20), 2)) * [aspect * 100, 100] for _ in range(rng.integers(1, 4))]
        fitted = fit_to_box(strokes, BOX, rng.uniform(0.45, 0.75), tuple(rng.uniform(-0.1, 0.1, 2)))
        assert inside_box(fitted, BOX)
