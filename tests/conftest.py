"""Fixtures shared by the unit tests and the browser tests."""

from __future__ import annotations

import numpy as np
import pytest

from train import pendigits


@pytest.fixture(scope="session")
def pen_digits() -> list[pendigits.PenDigit]:
    """Every digit of the pen-digit file that ships with the project (pendigits/)."""
    return pendigits.read_digits()


@pytest.fixture(scope="session")
def check_margin():
    """margin(strokes): how far beyond the check's limit on distance a drawing is (negative: within it)."""
    from files import WEIGHTS
    from harness.strokes import as_strokes
    from recognizer.digitlike import load_check
    from recognizer.preprocess import to_network_input

    check = load_check(WEIGHTS)
    return lambda strokes: float(check.distance(to_network_input(as_strokes(strokes)))[0] - check.farthest)


@pytest.fixture(scope="session")
def not_a_digit(check_margin) -> list[np.ndarray]:
    """A drawing of the check set that the vote reads at 95% or more, and that the check calls not a digit by the
    widest margin: only the rule that a drawing that is not a digit is never sure keeps it from being sure."""
    from files import WEIGHTS
    from harness.offdigits import check_drawings
    from harness.strokes import as_strokes
    from recognizer.app import loaded

    reader = loaded(WEIGHTS)
    confident = [
        d.strokes for d in check_drawings() if max(reader.recognize("vote", as_strokes(d.strokes))["probs"]) >= 0.95
    ]
    return max(confident, key=check_margin)


@pytest.fixture(scope="session")
def oversized_network() -> bytes:
    """A 784-16000-10 network of zeros in the shipped weights format: a few kilobytes compressed, 12.7 million
    weights, far more than a network of yours may have."""
    import io

    buffer = io.BytesIO()
    arrays = {"w0": np.zeros((784, 16000), np.int8), "s0": np.ones(16000, np.float32), "b0": np.zeros(16000, "<f2")}
    arrays |= {"w1": np.zeros((16000, 10), np.int8), "s1": np.ones(10, np.float32), "b1": np.zeros(10, "<f2")}
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()
