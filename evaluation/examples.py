"""python -m evaluation examples: site/examples.json, the drawings the page's "Try an example" button draws.

One held-out writer's digit (see train/pendigits.py) of each kind in LABELS: the first, in the file's order,
that the committed vote reads right and sure when drawn natively as the page would draw it. Each is scaled
into the page's 280x280 box as the browser tests draw digits (fit_to_box: 60% of the box tall, centred) and
rounded to the tenth of a unit, as the page keeps its own points. Made once and committed; run again after
the weights change.
"""

from __future__ import annotations

import json

import numpy as np

from files import SITE, WEIGHTS, write_atomically
from train import pendigits

from .browser import fit_to_box

LABELS = (2, 4, 5, 7, 8)
BOX = {"x": 0.0, "y": 0.0, "width": 280.0, "height": 280.0}  # the page's own units (app.js SIZE)
PATH = SITE / "examples.json"


def in_box(strokes: list[np.ndarray]) -> list[list[list[float]]]:
    """Strokes as the page keeps them: [[x, y], ...] in the box's units, to a tenth."""
    return [np.round(stroke, 1).tolist() for stroke in fit_to_box(strokes, BOX)]


def make_examples(digits: list[pendigits.PenDigit], labels=LABELS) -> list[dict]:
    """For each label, the first of `digits` that the vote reads right and sure, as {label, writer, strokes}."""
    from recognizer import app

    app.load(WEIGHTS)
    examples = []
    for label in labels:
        for digit in (d for d in digits if d.label == label):
            strokes = in_box(digit.strokes)
            answer = app.recognize("vote", strokes)
            if answer["state"] == "done" and answer["digit"] == label and answer["sure"]:
                examples.append({"label": label, "writer": digit.writer, "strokes": strokes})
                break
        else:
            raise ValueError(f"no held-out {label} is read right and sure by the vote")
    return examples


def write_examples() -> None:
    examples = make_examples(pendigits.held_out_digits(pendigits.read_digits()))
    about = "Held-out writers' pen digits (UCI, CC BY 4.0) in the box's 280x280 units, by evaluation/examples.py"
    text = json.dumps({"about": about, "examples": examples}, separators=(",", ":")) + "\n"
    write_atomically(PATH, text.encode())
    print(f"wrote {PATH.relative_to(SITE.parent)}: digits {', '.join(str(e['label']) for e in examples)}")
