"""The teaching benchmark's pieces (evaluation/teaching.py): its styles, who teaches what, and its counts."""

import numpy as np

from evaluation.teaching import STYLES, corrections_needed, error_by_digit, extent, first_k
from recognizer.network import vote
from recognizer.preprocess import to_network_input


def test_each_style_adds_a_stroke_to_the_writers_own(pen_digits):
    for label, restyle in STYLES.values():
        digit = next(d for d in pen_digits if d.label == label)
        styled = restyle(digit.strokes)
        assert len(styled) == len(digit.strokes) + 1
        assert sum(any(s is t for t in styled) for s in digit.strokes) == len(digit.strokes)  # theirs, untouched
        low, high = extent(digit.strokes)
        size = high - low
        new_low, new_high = extent(styled)
        assert (new_high - new_low <= 2 * size.max()).all()  # the added stroke stays about the digit


def test_the_styles_are_ones_the_shipped_vote_misreads(pen_digits):
    """Most of the training writers' drawings in each style are misread (else it teaches nothing)."""
    from evaluation.measure import loaded_networks
    from files import WEIGHTS

    networks, framings = loaded_networks(WEIGHTS)
    for label, restyle in STYLES.values():
        drawings = [d for d in pen_digits if d.label == label and d.writer in (1, 2, 4, 5)]
        inputs = np.stack([to_network_input([s.tolist() for s in restyle(d.strokes)], "mnist") for d in drawings])
        answers = vote([n.probabilities(inputs) for n in networks.values()]).argmax(axis=1)
        assert np.mean(answers == label) < 0.5, label  # most misread


def test_first_k_takes_each_digits_first_drawings_in_order():
    labels = np.array([3, 1, 3, 3, 1, 0])
    assert first_k(labels, 2).tolist() == [True, True, True, False, True, True]


def test_errors_are_counted_per_digit():
    counts = error_by_digit(np.array([1, 1, 7, 7, 7]), np.array([1, 7, 7, 1, 7]))
    assert (counts["wrong"], counts["read"]) == (2, 5)
    assert counts["wrong_per_digit"][1] == 1 and counts["wrong_per_digit"][7] == 1
    assert counts["read_per_digit"][1] == 2 and counts["read_per_digit"][7] == 3


def test_corrections_needed_is_the_first_count_reaching_ninety_percent():
    assert corrections_needed({"read_style": [0.2, 0.85, 0.9, 1.0]}) == 2
    assert corrections_needed({"read_style": [0.2, 0.5]}) is None
