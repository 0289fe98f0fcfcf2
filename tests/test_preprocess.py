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


def every_pair_ink(starts, ends, radius, shape):
    """draw_segments' ink the slow way: every pixel measured against every segment."""
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width]
    pixels = np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], axis=1).astype(np.float32)[:, None, :]
    a, ab = starts.astype(np.float32)[None], (ends - starts).astype(np.float32)[None]
    length2 = np.maximum((ab * ab).sum(axis=2), 1e-12)
    t = np.clip(((pixels - a) * ab).sum(axis=2) / length2, 0, 1)
    offset = pixels - a - t[:, :, None] * ab
    nearest = np.sqrt((offset * offset).sum(axis=2).min(axis=1))
    return np.clip(radius + 0.5 - nearest, 0, 1).reshape(height, width)


@pytest.mark.parametrize("seed", range(40))
def test_drawing_tile_by_tile_gives_exactly_the_ink_of_measuring_every_pixel_against_every_segment(seed):
    rng = np.random.default_rng(seed)
    n, height, width = int(rng.integers(1, 300)), int(rng.integers(1, 90)), int(rng.integers(1, 90))
    points = np.cumsum(rng.normal(0, 3, (n + 1, 2)), axis=0) + [width / 2, height / 2]
    starts, ends = points[:-1], (points[:-1] if seed % 5 == 0 else points[1:])  # every fifth: dots only
    radius = float(rng.uniform(0.3, 6))
    ink = pp.draw_segments(starts, ends, radius, (height, width))
    assert ink.dtype == np.float32 and ink.shape == (height, width)
    np.testing.assert_array_equal(ink, every_pair_ink(starts, ends, radius, (height, width)))


def test_a_long_scribble_is_measured_in_several_batches_of_pairs_the_same():
    rng = np.random.default_rng(7)
    points = np.cumsum(rng.normal(0, 1.5, (3000, 2)), axis=0) % 60  # thousands of segments crossing every tile
    ink = pp.draw_segments(points[:-1], points[1:], 2.0, (60, 60))
    np.testing.assert_array_equal(ink, every_pair_ink(points[:-1], points[1:], 2.0, (60, 60)))


def test_thinning_keeps_points_a_spacing_apart_and_the_last():
    points = np.array([[0, 0], [0.3, 0], [1, 0], [1.2, 0], [2.5, 0], [2.6, 0]], dtype=float)
    np.testing.assert_array_equal(pp.thin_out(points, 1.0), points[[0, 2, 4, 5]])
    np.testing.assert_array_equal(pp.thin_out(points[:1], 1.0), points[:1])
    np.testing.assert_array_equal(pp.thin_out(points[[0, 0, 0]], 1.0), points[[0]])  # a dot
