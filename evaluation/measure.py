"""What the measurements share: the held-out writers' digits, the networks' framed MNIST inputs, confusion
matrices and their summaries. The committed networks and the page's own inputs for any drawing are
harness/native.py's, which the tests use too."""

from __future__ import annotations

import numpy as np

from recognizer.preprocess import frame_images
from train import pendigits
from train.data import as_inputs


def chosen_digits(per_digit: int | None, digits: list | None = None) -> list[pendigits.PenDigit]:
    """The held-out writers' digits; with per_digit, the first that many of each kind."""
    digits = digits or pendigits.held_out_digits(pendigits.read_digits())
    if per_digit is None:
        return digits
    return [d for label in range(10) for d in [d for d in digits if d.label == label][:per_digit]]


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """counts[i, j]: how many images of digit i were read as j."""
    return np.bincount(10 * truth.astype(int) + predicted, minlength=100).reshape(10, 10)


def top_confusions(matrix: np.ndarray, how_many: int = 8) -> list[tuple[int, int, int]]:
    """The most frequent (true digit, answer, count) mistakes."""
    off_diagonal = matrix * (1 - np.eye(10, dtype=int))
    order = np.argsort(off_diagonal, axis=None)[::-1][:how_many]
    return [
        (int(i), int(j), int(off_diagonal[i, j]))
        for i, j in zip(*np.unravel_index(order, (10, 10)), strict=True)
        if off_diagonal[i, j] > 0
    ]


def framed_inputs(images: np.ndarray, framing: dict[str, str]) -> dict[str, np.ndarray]:
    """MNIST-framed uint8 images as each network's inputs, framed once per framing."""
    inputs = as_inputs(images.reshape(-1, 784))
    framed = {f: frame_images(inputs, f) for f in set(framing.values())}
    return {name: framed[f] for name, f in framing.items()}


def summary_of(matrix: np.ndarray) -> dict:
    """From a confusion matrix: the accuracy, the accuracy on each digit, and the six most common mistakes."""
    return {
        "accuracy": float(np.trace(matrix) / matrix.sum()),
        "per_digit": [float(matrix[d, d] / max(matrix[d].sum(), 1)) for d in range(10)],
        "confusions": top_confusions(matrix, 6),
    }


def percent(x: float) -> str:
    return f"{100 * x:.2f}%"  # two decimals: 1 in 2,498 drawn digits is 0.04 points
