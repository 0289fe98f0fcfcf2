"""A person's examples: drawings they said the digit of, as the page keeps them and as a file carries them.

An example is {"digit": 0..9, "strokes": the drawing, as recognize takes it}. A file of examples is JSON:

    {"kind": "digit-recognizer examples", "version": 1, "examples": [example, ...]}

Everything read from outside is verified whole before anything is added: a damaged or foreign file is refused
with one line saying what is wrong and where, and changes nothing.
"""

from __future__ import annotations

import json

from .entries import is_number, shown
from .preprocess import FRAMINGS, to_network_input

KIND = "digit-recognizer examples"
VERSION = 1
MOST_EXAMPLES = 10_000  # a file may carry (each is learned in about a second)
MOST_POINTS = 5_000  # in one example's drawing: far more than a digit needs


def drawing_problem(strokes) -> str | None:
    """What is wrong with a drawing (a list of strokes, each a list of (x, y) pairs of numbers; or a test digit's
    image, [{"image": 784 grey levels 0-255}]), or None."""
    if not isinstance(strokes, list | tuple):
        return f"a drawing is a list of strokes, not {shown(strokes)}"
    if strokes and isinstance(strokes[0], dict):
        return image_problem(strokes)
    for i, stroke in enumerate(strokes, 1):
        if not isinstance(stroke, list | tuple):
            return f"stroke {i} is {shown(stroke)}, not a list of (x, y) points"
        for j, point in enumerate(stroke, 1):
            if not (isinstance(point, list | tuple) and len(point) == 2 and all(map(is_number, point))):
                return f"stroke {i}, point {j} is {shown(point)}, not an (x, y) pair of numbers"
    return None


def image_problem(strokes) -> str | None:
    """What is wrong with a drawing that is an image, or None."""
    image = strokes[0].get("image") if len(strokes) == 1 and set(strokes[0]) == {"image"} else None
    if not isinstance(image, list) or len(image) != 28 * 28:
        return "an image drawing is one {image: 784 grey levels}, alone"
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in image):
        return "an image drawing's grey levels are whole numbers 0..255"
    return None


def example_problem(example) -> str | None:
    """What keeps `example` from being learned from, or None."""
    if not isinstance(example, dict) or set(example) != {"digit", "strokes"}:
        return "not an example: expected exactly the fields digit and strokes"
    digit = example["digit"]
    if not (isinstance(digit, int) and not isinstance(digit, bool) and 0 <= digit <= 9):
        return f"digit {shown(digit)} is not a digit 0..9"
    problem = drawing_problem(example["strokes"])
    if problem:
        return problem
    points = sum(map(len, example["strokes"]))
    if points > MOST_POINTS:
        return f"its drawing has {points:,} points, more than a digit's {MOST_POINTS:,}"
    if to_network_input(example["strokes"], FRAMINGS[0]) is None:
        return "too little ink to learn from"
    return None


def valid_examples(examples) -> list[dict]:
    """The examples, each verified; ValueError naming the first bad one."""
    if not isinstance(examples, list):
        raise ValueError(f"the examples are not a list but {shown(examples)}")
    if len(examples) > MOST_EXAMPLES:
        raise ValueError(f"{len(examples):,} examples, more than the {MOST_EXAMPLES:,} a file may carry")
    for number, example in enumerate(examples, 1):
        problem = example_problem(example)
        if problem:
            raise ValueError(f"example {number}: {problem}")
    return [{"digit": e["digit"], "strokes": e["strokes"]} for e in examples]


def examples_file(examples: list[dict]) -> str:
    """The text of a file carrying `examples`."""
    return json.dumps({"kind": KIND, "version": VERSION, "examples": examples}, separators=(",", ":"))


def read_examples_file(text: str) -> list[dict]:
    """The examples a file carries, all verified; ValueError with one line if it is not such a file or is damaged."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ValueError(f"not a file of examples: it is not JSON ({e})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ValueError(f'not a file of examples: it does not say "kind": "{KIND}"')
    if data.get("version") != VERSION:
        raise ValueError(f"examples in version {shown(data.get('version'))} of the format, this page reads {VERSION}")
    return valid_examples(data.get("examples"))
