"""Fixtures shared by the unit tests and the browser tests."""

from __future__ import annotations

import pytest

from train import pendigits


@pytest.fixture(scope="session")
def pen_digits() -> list[pendigits.PenDigit]:
    """Every digit of the real pen-digit file; tests that need it are skipped where it is absent."""
    path = pendigits.default_path()
    if not path.exists():
        pytest.skip(f"{path} absent: the pen-digit data lives outside the project (set $PENDIGITS)")
    return pendigits.read_digits(path)
