"""Pen-drawn digits (UCI "Pen-Based Recognition of Handwritten Digits", Alpaydin and Alimoglu, CC BY 4.0).

pendigits/pendigits-orig.tra.gz holds 7,494 digits by 30 writers, recorded on a tablet as pen trajectories in
UNIPEN format (see pendigits/README.md). Training uses 20 writers; the other 10 are for measuring only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from files import PENDIGITS, check_hash

from .data import DataError, decompressed, read_file

SHA256 = "a66225d68d7d68591e62944df1ad33b3f5aa608e2df2505844b41f5568a80da4"  # of the uncompressed file
TABLET = 500  # coordinates run 0..500, y pointing up
WRITERS = range(1, 31)

# Writers never used for training or tuning; every figure on drawn digits is measured on them. Every third
# writer number: a rule fixed before any result was seen, spread evenly over the writers' numbering (the
# order they were recorded in) rather than one stretch of it. 2,498 digits, about 250 of each writer.
HELD_OUT_WRITERS = frozenset(range(3, 31, 3))


@dataclass
class PenDigit:
    label: int
    writer: int
    strokes: list[np.ndarray]  # each (k, 2): x right, y down (screen coordinates)


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
            raise DataError(f"line {number}: cannot read {line.strip()!r}") from None
    for digit, number in zip(digits, starts, strict=True):
        # A digit without a known writer would escape the writer split, so it stops the reading.
        if digit.label not in range(10):
            raise DataError(f"line {number}: label {digit.label}, expected a digit 0..9")
        if digit.writer not in WRITERS:
            raise DataError(f"line {number}: no writer 1..30 (.COMMENT names {digit.writer or 'none'})")
        if not digit.strokes:
            raise DataError(f"line {number}: digit without strokes")
    return digits


def read_digits(path: Path | str = PENDIGITS) -> list[PenDigit]:
    """Every digit of the pen-digit file (gzipped or plain), after checking the sha256 of its text."""
    text = decompressed(read_file(Path(path)), Path(path))
    check_hash(text, SHA256, str(path), DataError)
    return parse_unipen(text.decode("ascii"))


def training_digits(digits: list[PenDigit]) -> list[PenDigit]:
    """The digits of the 20 writers that training and tuning may use."""
    return [d for d in digits if d.writer not in HELD_OUT_WRITERS]


def held_out_digits(digits: list[PenDigit]) -> list[PenDigit]:
    """The digits of HELD_OUT_WRITERS: for measuring only."""
    return [d for d in digits if d.writer in HELD_OUT_WRITERS]
