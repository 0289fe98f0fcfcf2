"""The styles the browser tests and the teaching benchmark teach (harness/styles.py): each adds a stroke to the
writer's own drawing, and the shipped vote misreads it."""

import numpy as np

from harness.styles import STYLES, extent
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
    from files import WEIGHTS
    from harness.native import loaded_networks

    networks, framings = loaded_networks(WEIGHTS)
    for label, restyle in STYLES.values():
        drawings = [d for d in pen_digits if d.label == label and d.writer in (1, 2, 4, 5)]
        inputs = np.stack([to_network_input([s.tolist() for s in restyle(d.strokes)], "mnist") for d in drawings])
        answers = vote([n.probabilities(inputs) for n in networks.values()]).argmax(axis=1)
        assert np.mean(answers == label) < 0.5, label  # most misread
