"""Pen-drawn digits (UCI "Pen-Based Recognition of Handwritten Digits", Alpaydin and Alimoglu, CC BY 4.0).

The file pendigits-orig.tra holds 7,494 digits by 30 writers, recorded on a tablet as pen trajectories in
UNIPEN format. It is read from ../shared/pendigits/ (or $PENDIGITS) and is not part of this project.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHA256 = "a66225d68d7d68591e62944df1ad33b3f5aa608e2df2505844b41f5568a80da4"
TABLET = 500  # coordinates run 0..500, y pointing up
WRITERS = range(1, 31)

# Writers never used for training or tuning; every figure on drawn digits is measured on them. Every third
# writer number: a rule fixed before any result was seen, spread evenly over the writers' numbering (the
# order they were recorded in) rather than one stretch of it. 2,498 digits, about 250 of each writer.
HELD_OUT_WRITERS = frozenset(range(3, 31, 3))


class PendigitsError(Exception):
    """The pen-digit file is missing, not the expected one or unreadable; the message is one line."""


@dataclass
class PenDigit:
    label: int
    writer: int
    strokes: list[np.ndarray]  # each (k, 2): x right, y down (screen coordinates)


def default_path() -> Path:
    """$PENDIGITS if set, else ../shared/pendigits/pendigits-orig.tra beside the project folder."""
    if "PENDIGITS" in os.environ:
        return Path(os.environ["PENDIGITS"])
    return Path(__file__).resolve().parent.parent.parent / "shared" / "pendigits" / "pendigits-orig.tra"


def parse_unipen(text: str) -> list[PenDigit]:
    """Digits from UNIPEN text: .SEGMENT starts a digit, .COMMENT names label and writer, .PEN_DOWN a stroke."""
    digits: list[PenDigit] = []
    starts: list[int] = []  # the line of each digit's .SEGMENT, for error messages
    stroke: list[tuple[float, float]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        keyword = fields[0]
        try:
            if keyword == ".SEGMENT":
                digits.append(PenDigit(int(fields[-1].strip('"')), 0, []))
                starts.append(number)
            elif keyword == ".COMMENT" and digits:
                digits[-1].writer = int(fields[2])
            elif keyword == ".PEN_DOWN":
                stroke = []
            elif keyword == ".PEN_UP":
                if stroke and digits:
                    digits[-1].strokes.append(np.array(stroke, dtype=np.float64))
                stroke = None
            elif stroke is not None:
                x, y = float(fields[0]), float(fields[1])
                stroke.append((x, TABLET - y))  # flip: the tablet's y axis points up
        except (ValueError, IndexError):
            raise PendigitsError(f"line {number}: cannot read {line.strip()!r}") from None
    for digit, number in zip(digits, starts, strict=True):
        # A digit without a known writer would escape the writer split, so it stops the reading.
        if digit.label not in range(10):
            raise PendigitsError(f"line {number}: label {digit.label}, expected a digit 0..9")
        if digit.writer not in WRITERS:
            raise PendigitsError(f"line {number}: no writer 1..30 (.COMMENT names {digit.writer or 'none'})")
        if not digit.strokes:
            raise PendigitsError(f"line {number}: digit without strokes")
    return digits


def read_digits(path: Path | str | None = None) -> list[PenDigit]:
    """Every digit of the pen-digit file (default_path() unless given), after checking its sha256."""
    path = Path(path or default_path())
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PendigitsError(f"{path}: missing (the UCI pen-digit file; set PENDIGITS to its path)") from None
    except OSError as e:
        raise PendigitsError(f"{path}: cannot be read ({e.strerror})") from None
    actual = hashlib.sha256(raw).hexdigest()
    if actual != SHA256:
        raise PendigitsError(f"{path}: sha256 is {actual}, expected {SHA256} (corrupted or another file)")
    return parse_unipen(raw.decode("ascii"))


def training_digits(digits: list[PenDigit]) -> list[PenDigit]:
    """The digits of the 20 writers that training and tuning may use."""
    return [d for d in digits if d.writer not in HELD_OUT_WRITERS]


def held_out_digits(digits: list[PenDigit]) -> list[PenDigit]:
    """The digits of HELD_OUT_WRITERS: for measuring only."""
    return [d for d in digits if d.writer in HELD_OUT_WRITERS]
