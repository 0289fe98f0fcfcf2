"""The teaching benchmark's pieces (evaluation/teaching.py): who teaches what, and its counts."""

import numpy as np

from evaluation.teaching import corrections_needed, error_by_digit, first_k


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
