"""The project's own non-digits (train/nondigits.py) and how the check is fitted on them (train/check.py)."""

from __future__ import annotations

import numpy as np
import pytest

from recognizer.preprocess import to_network_input
from train import check, nondigits, pendigits


@pytest.fixture(scope="module")
def training(pen_digits):
    return pendigits.training_digits(pen_digits)


def test_every_kind_is_made_in_turn_and_a_seed_fixes_the_drawings(training):
    first, again = nondigits.non_digits(32, 5, training), nondigits.non_digits(32, 5, training)
    other = nondigits.non_digits(32, 6, training)
    assert [d.kind for d in first] == [nondigits.KINDS[i % len(nondigits.KINDS)] for i in range(32)]
    for a, b in zip(first, again, strict=True):
        assert all(np.array_equal(s, t) for s, t in zip(a.strokes, b.strokes, strict=True))
    assert any(not np.array_equal(a.strokes[0], b.strokes[0]) for a, b in zip(first, other, strict=True))


def test_every_drawing_is_ink_the_page_can_frame(training):
    for drawing in nondigits.non_digits(48, 1, training):
        assert drawing.strokes and all(
            s.shape[1] == 2 and len(s) >= 2 and np.isfinite(s).all() for s in drawing.strokes
        )
        x = to_network_input([s.tolist() for s in drawing.strokes])
        assert x is not None and x.sum() > 10  # framed as a drawing in the box would be


def test_no_held_out_writer_is_ever_used(pen_digits):
    with pytest.raises(ValueError, match="training writers' digits only"):
        nondigits.non_digits(4, 1, pen_digits)


def test_a_piece_of_a_digit_is_never_a_straight_stroke(training):
    rng = np.random.default_rng(0)
    for _ in range(50):
        (piece,) = nondigits.piece(rng, training)
        _, spread, _ = np.linalg.svd(piece - piece.mean(axis=0), full_matrices=False)
        assert spread[1] > 0.25 * spread[0]


def test_the_limit_lets_through_the_share_it_says():
    scores = np.arange(4000, dtype=float)
    assert (scores > check.limit(scores)).mean() == pytest.approx(check.LET_THROUGH, abs=1 / 4000)


def test_the_choosing_writers_are_training_writers_and_not_held_out():
    assert check.CHOOSING_WRITERS.isdisjoint(pendigits.HELD_OUT_WRITERS)
    assert check.CHOOSING_WRITERS <= set(pendigits.WRITERS)
