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

# Writers never used for training or tuning; every figure on drawn digits is measured on them. Every third
# writer, so the held-out set spreads over the whole recording rather than one stretch of it.
HELD_OUT_WRITERS = frozenset(range(3, 31, 3))


class PendigitsError(Exception):
    """The pen-digit file is missing or not the expected one; the message is one line."""


@dataclass
class PenDigit:
    label: int
    writer: int
    strokes: list[np.ndarray]  # each (k, 2): x right, y down (screen coordinates)


def default_path() -> Path:
    if "PENDIGITS" in os.environ:
        return Path(os.environ["PENDIGITS"])
    return Path(__file__).resolve().parent.parent.parent / "shared" / "pendigits" / "pendigits-orig.tra"


def parse_unipen(text: str) -> list[PenDigit]:
    """Digits from UNIPEN text: .SEGMENT starts a digit, .COMMENT names label and writer, .PEN_DOWN a stroke."""
    digits: list[PenDigit] = []
    stroke: list[tuple[float, float]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        keyword = fields[0]
        if keyword == ".SEGMENT":
            digits.append(PenDigit(int(fields[-1].strip('"')), 0, []))
        elif keyword == ".COMMENT" and digits:
            digits[-1].writer = int(fields[2])
        elif keyword == ".PEN_DOWN":
            stroke = []
        elif keyword == ".PEN_UP":
            if stroke and digits:
                digits[-1].strokes.append(np.array(stroke, dtype=np.float64))
            stroke = None
        elif stroke is not None:
            try:
                x, y = float(fields[0]), float(fields[1])
            except (ValueError, IndexError):
                raise PendigitsError(f"line {number}: expected a point 'x y', got {line.strip()!r}") from None
            stroke.append((x, TABLET - y))  # flip: the tablet's y axis points up
    return digits


def read_digits(path: Path | None = None) -> list[PenDigit]:
    path = Path(path or default_path())
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PendigitsError(f"{path}: missing (pen-drawn digits; see README)") from None
    if hashlib.sha256(raw).hexdigest() != SHA256:
        raise PendigitsError(f"{path}: sha256 does not match pendigits-orig.tra (corrupted or another file)")
    return parse_unipen(raw.decode("ascii"))


def training_digits(digits: list[PenDigit]) -> list[PenDigit]:
    return [d for d in digits if d.writer not in HELD_OUT_WRITERS]


def held_out_digits(digits: list[PenDigit]) -> list[PenDigit]:
    return [d for d in digits if d.writer in HELD_OUT_WRITERS]
