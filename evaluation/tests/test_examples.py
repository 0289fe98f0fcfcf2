"""site/examples.json, the drawings of the page's "Try an example", is what evaluation/examples.py makes."""

from __future__ import annotations

import json

import numpy as np

from evaluation import examples
from train import pendigits


def test_the_committed_examples_are_made_again_the_same_from_the_held_out_digits(pen_digits):
    made = examples.make_examples(pendigits.held_out_digits(pen_digits))
    assert json.loads(examples.PATH.read_text())["examples"] == made  # else: python -m evaluation examples
    assert [example["label"] for example in made] == list(examples.LABELS)
    assert all(example["writer"] in pendigits.HELD_OUT_WRITERS for example in made)


def test_examples_fit_the_box_in_its_own_units():
    for example in json.loads(examples.PATH.read_text())["examples"]:
        points = np.concatenate([np.array(stroke) for stroke in example["strokes"]])
        assert points.min() >= 0 and points.max() <= 280
