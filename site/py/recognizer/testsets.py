"""The lab's sets of test digits (lab.py), from the files the page fetches: MNIST's 10,000 test digits as images
(digitfiles' format) and the held-out writers' pen digits as strokes (site/digits/pen.json, made by `python -m
evaluation examples`). Everything read is verified whole: a damaged or foreign file is refused in one line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .digitfiles import as_inputs, digits_from_bytes
from .examples import drawing_problem
from .preprocess import frame_images, to_network_input

SETS = {"mnist": "digits/test.npz", "pen": "digits/pen.json"}  # the sets the lab knows: the file the page fetches
MOST = 10_000  # digits in a set
BATCH = 1_000  # MNIST digits framed at a time (and read at a time: lab.py)
FRAMED = 100  # pen digits drawn into inputs at a time: a slice of the page's time


@dataclass
class TestSet:
    """A set of test digits: their true digits, MNIST's images or the pen digits' strokes, and the digits as each
    framing's networks see them, framed a batch at a time (the page's time is shared in slices)."""

    labels: np.ndarray  # (n,)
    images: np.ndarray | None = None  # (n, 784) uint8, framed as MNIST's
    drawings: list | None = None  # each a drawing's strokes, as the page sends them
    framed: dict[str, list] = field(default_factory=dict)  # framing -> [inputs (n, 784), how many are framed]

    def frame(self, framing: str, upto: int) -> bool:
        """True once the first `upto` digits are framed for `framing`; else frames one batch more."""
        n = len(self.labels)
        inputs, done = self.framed.setdefault(framing, [np.zeros((n, 784), np.float32), 0])
        if done >= min(upto, n):
            return True
        if self.images is not None:
            end = min(done + BATCH, n)
            inputs[done:end] = frame_images(as_inputs(self.images[done:end]), framing)
        else:
            end = min(done + FRAMED, n)
            inputs[done:end] = [drawn_input(strokes, framing) for strokes in self.drawings[done:end]]
        self.framed[framing][1] = end
        return False

    def inputs(self, framing: str) -> np.ndarray:
        """Every digit as a network of that framing sees it."""
        while not self.frame(framing, MOST):
            pass
        return self.framed[framing][0]


def pen_digits(data: bytes, name: str) -> TestSet:
    """The pen digits of a file {"digits": [{"label", "writer", "strokes"}, ...]}; ValueError with one line naming
    the file when it is not such a file."""
    try:
        digits = json.loads(data)["digits"]
        labels = [digit["label"] for digit in digits]
        drawings = [digit["strokes"] for digit in digits]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{name} is not a file of pen digits") from None
    if not 0 < len(digits) <= MOST:
        raise ValueError(f"{name} does not hold 1 to {MOST:,} digits")
    for number, (label, strokes) in enumerate(zip(labels, drawings, strict=True), 1):
        if not (isinstance(label, int) and not isinstance(label, bool) and 0 <= label <= 9):
            problem = f"its label {label!r} is not a digit 0..9"
        elif strokes and isinstance(strokes[0], dict):
            problem = "it is an image, not strokes"
        else:
            problem = drawing_problem(strokes)
        if problem:
            raise ValueError(f"{name}: digit {number}: {problem}")
    return TestSet(np.array(labels, np.int64), drawings=drawings)


def drawn_input(strokes, framing: str) -> np.ndarray:
    """A pen digit as a network of that framing sees it (blank: nothing)."""
    x = to_network_input(strokes, framing)
    return np.zeros(784, np.float32) if x is None else x


def read_set(kind: str, path: str) -> TestSet:
    """The set `kind` from its file (as the worker wrote it); ValueError with one line when it is no such set or
    not its file."""
    if kind not in SETS:
        raise ValueError(f"{kind}: no such set (known: {', '.join(SETS)})")
    data = Path(path).read_bytes()
    if kind == "pen":
        return pen_digits(data, SETS[kind])
    images, labels = digits_from_bytes(data, SETS[kind], MOST)
    return TestSet(labels.astype(np.int64), images=images.reshape(len(images), -1))
