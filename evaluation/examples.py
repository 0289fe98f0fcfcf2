"""python -m evaluation examples: site/examples.json, the drawings the page's "Try an example" button draws, and
site/digits/pen.json, the held-out writers' digits "Where it goes wrong" reads as its second set of test digits.

One held-out writer's digit (see train/pendigits.py) of each kind in LABELS: the first, in the file's order,
that the committed vote reads right and sure when drawn natively as the page would draw it. Each is scaled
into the page's 280x280 box as the browser tests draw digits (fit_to_box: 60% of the box tall, centred) and
rounded to the tenth of a unit, as the page keeps its own points. Made once and committed; run again after
the weights change.
"""

from __future__ import annotations

import json

from files import SITE, WEIGHTS, write_atomically
from harness.strokes import in_box
from train import pendigits

LABELS = (2, 4, 5, 7, 8)
PATH = SITE / "examples.json"
PEN = SITE / "digits" / "pen.json"


def make_examples(digits: list[pendigits.PenDigit], labels=LABELS) -> list[dict]:
    """For each label, the first of `digits` that the vote reads right and sure, as {label, writer, strokes}."""
    from recognizer.app import loaded

    reader = loaded(WEIGHTS)
    examples = []
    for label in labels:
        for digit in (d for d in digits if d.label == label):
            strokes = in_box(digit.strokes)
            answer = reader.recognize("vote", strokes)
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


def pen_file(digits: list[pendigits.PenDigit]) -> bytes:
    """The held-out writers' digits as the lab reads them: their strokes as recorded (whole tablet units, y down),
    so that the lab's readings are those of `python -m evaluation drawn`'s native mode."""
    about = "Held-out writers' pen digits (UCI, CC BY 4.0), tablet units, y down, by evaluation/examples.py"
    items = [
        {"label": d.label, "writer": d.writer, "strokes": [s.astype(int).tolist() for s in d.strokes]} for d in digits
    ]
    return (json.dumps({"about": about, "digits": items}, separators=(",", ":")) + "\n").encode()


def write_pen_digits() -> None:
    digits = pendigits.held_out_digits(pendigits.read_digits())
    PEN.parent.mkdir(exist_ok=True)
    write_atomically(PEN, pen_file(digits))
    print(f"wrote {PEN.relative_to(SITE.parent)}: {len(digits):,} digits")
