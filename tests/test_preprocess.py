"""Preprocessing: from strokes to the 28x28 input, in either framing, whatever the drawing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizer import preprocess as pp

# A "4" as a person might draw it: a down-and-across stroke, then the upright.
FOUR = [[(30, 10), (12, 60), (55, 60)], [(45, 25), (45, 95)]]


def moved(strokes, scale, dx, dy):
    return [[(x * scale + dx, y * scale + dy) for x, y in stroke] for stroke in strokes]


def test_output_is_784_values_in_unit_range_with_ink():
    x = pp.to_network_input(FOUR)
    assert x.shape == (784,) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1 and x.max() > 0.99


def test_mnist_framing_fits_longest_side_in_20_pixels_and_centres_the_mass():
    image = pp.to_network_input(FOUR).reshape(28, 28)
    rows = np.flatnonzero(image.max(axis=1) > 0.05)
    cols = np.flatnonzero(image.max(axis=0) > 0.05)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 in (20, 21)
    np.testing.assert_allclose(pp.centre_of_mass(image), [pp.CENTRE, pp.CENTRE], atol=0.5)


@pytest.mark.parametrize("framing", ["mnist", "emnist"])
def test_size_and_position_do_not_matter(framing):
    """A small digit in a corner and a large one in the middle give nearly the same input."""
    small_corner = pp.to_network_input(moved(FOUR, 0.5, 3, 2), framing)
    large_middle = pp.to_network_input(moved(FOUR, 4.0, 200, 150), framing)
    assert np.abs(small_corner - large_middle).mean() < 0.01
    assert np.abs(small_corner - large_middle).max() < 0.15


def test_more_points_along_the_same_path_change_nothing_visible():
    dense = [np.linspace(s[0], s[-1], 50) if len(s) == 2 else s for s in FOUR]
    assert np.abs(pp.to_network_input(FOUR) - pp.to_network_input(dense)).max() < 0.05


@pytest.mark.parametrize("strokes", [[], [[]], [[(5, 5)]], [[(5, 5), (7, 8)]], [[(1, 1)], [(3, 2)]]])
def test_blank_or_nearly_blank_drawing_gives_none(strokes):
    assert pp.is_blank(strokes)
    assert pp.to_network_input(strokes) is None
    assert pp.to_network_input(strokes, "emnist") is None


def test_a_straight_stroke_is_a_digit_one():
    image = pp.to_network_input([[(50, 0), (50, 100)]]).reshape(28, 28)
    column_ink = image.sum(axis=0)
    assert column_ink.argmax() in (13, 14)
    assert (column_ink > 0.5).sum() <= 5  # a thin upright bar


def test_emnist_framing_fills_the_square_minus_its_border():
    image = pp.to_network_input(FOUR, "emnist").reshape(28, 28)
    rows = np.flatnonzero(image.max(axis=1) > 0.05)
    assert rows[0] <= 2 and rows[-1] >= 25  # the tall side spans the frame but for the 2-pixel border


def test_bicubic_resampling_keeps_a_constant_image_constant():
    for shape in [(80, 20), (37, 28), (10, 28)]:
        np.testing.assert_allclose(pp.resize_bicubic(np.ones(shape), (28, 28)), 1, atol=1e-6)


def test_unknown_framing_is_refused():
    with pytest.raises(ValueError, match="unknown framing"):
        pp.to_network_input(FOUR, "fax")


coordinate = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
point = st.tuples(coordinate, coordinate)
strokes = st.lists(st.lists(point, min_size=0, max_size=30), min_size=0, max_size=6)


@settings(max_examples=150, deadline=None)
@given(strokes, st.sampled_from(["mnist", "emnist"]))
def test_any_drawing_gives_an_input_or_blank_never_an_error(drawing, framing):
    x = pp.to_network_input(drawing, framing)
    assert x is None or (x.shape == (784,) and np.isfinite(x).all() and 0 <= x.min() and x.max() <= 1)
    if not pp.is_blank(drawing):
        assert x is not None and x.max() > 0


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 200), st.integers(0, 10_000))
def test_a_drawing_filling_the_whole_box_still_gives_an_answer(points, seed):
    rng = np.random.default_rng(seed)
    scribble = [rng.uniform(0, 400, size=(points, 2)).tolist()]  # zig-zags over the whole box
    assert pp.to_network_input(scribble) is not None
