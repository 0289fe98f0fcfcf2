"""Fixtures shared by the unit tests and the browser tests."""

from __future__ import annotations

import pytest

from train import pendigits


@pytest.fixture(scope="session")
def pen_digits() -> list[pendigits.PenDigit]:
    """Every digit of the pen-digit file that ships with the project (pendigits/)."""
    return pendigits.read_digits()
