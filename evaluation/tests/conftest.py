"""Fixtures for the tests of the reports' own logic (the tests of what the page runs are in tests/)."""

from __future__ import annotations

import pytest

from train import pendigits


@pytest.fixture(scope="session")
def pen_digits() -> list[pendigits.PenDigit]:
    """Every digit of the pen-digit file that ships with the project (pendigits/)."""
    return pendigits.read_digits()
