"""Files of MNIST digits as the site carries them: an .npz of uint8 `images` (n, 28, 28), ink 255, and their
`labels` (n,). The rehearsal digits teaching mixes in (rehearsal.npz) and the parts "Train your own" learns
from (digits/*.npz, builder/digits.py) are such files. Each is verified from its .npy headers before any array
is read, so a damaged or foreign file is refused in one line and costs nothing more."""

from __future__ import annotations

import io

import numpy as np

from .choice import PART, TRAINING_PARTS
from .models import array_headers

SIZE = 28
KINDS = [f"train-{i}" for i in range(1, TRAINING_PARTS + 1)] + ["validation", "test"]


def digits_from_bytes(data: bytes, name: str, most: int) -> tuple[np.ndarray, np.ndarray]:
    """(images (n, 28, 28) uint8, labels (n,) uint8) of a file of up to `most` digits; ValueError with one line
    naming the file when it is not such a file."""
    try:
        headers = array_headers(data)
    except Exception as e:  # zipfile and the .npy header reader raise several kinds for a damaged file
        raise ValueError(f"{name} is not a readable .npz ({type(e).__name__})") from None
    shapes = {array: (shape, dtype) for array, (shape, dtype, _) in headers.items()}
    n = shapes.get("labels", ((0,), None))[0][0]
    expected = {"images": ((n, SIZE, SIZE), np.uint8), "labels": ((n,), np.uint8)}
    if shapes != expected or not 0 < n <= most:
        raise ValueError(f"{name} does not hold up to {most:,} uint8 images and their labels")
    try:
        with np.load(io.BytesIO(data)) as arrays:
            images, labels = arrays["images"], arrays["labels"]
    except Exception as e:  # a member damaged past its header
        raise ValueError(f"{name} is damaged ({type(e).__name__})") from None
    if labels.max() > 9:
        raise ValueError(f"{name} has a label {labels.max()}, not a digit")
    return images, labels


# --- the digits "Train your own" learns from, part by part (builder/digits.py packs them) -------------------


class Digits:
    """MNIST's digits as their parts arrive: the training parts in place, in order, and the validation and test
    digits as inputs. Training starts on the first training part; a later part waits for those before it."""

    def __init__(self):
        self.images = np.zeros((0, SIZE, SIZE), np.uint8)  # room for every part once the first arrives
        self.labels = np.zeros(0, np.int64)
        self.parts: set[str] = set()  # the kinds that have arrived
        self.scored: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # validation, test: (inputs (n, 784), labels)

    def add(self, kind: str, data: bytes) -> dict:
        """Keep one part; ValueError with one line naming it when it is damaged or foreign."""
        if kind not in KINDS:
            raise ValueError(f"{kind}: not a part of the digits (known: {', '.join(KINDS)})")
        images, labels = digits_from_bytes(data, f"digits/{kind}.npz", PART)
        if kind in KINDS[TRAINING_PARTS:]:
            self.scored[kind] = as_inputs(images), labels.astype(np.int64)
        else:
            if len(labels) != PART:
                raise ValueError(f"digits/{kind}.npz holds {len(labels):,} digits, not {PART:,}")
            if len(self.labels) == 0:  # room for them all at once: a step never copies the digits
                self.images = np.zeros((TRAINING_PARTS * PART, SIZE, SIZE), np.uint8)
                self.labels = np.zeros(TRAINING_PARTS * PART, np.int64)
            first = KINDS.index(kind) * PART
            self.images[first : first + PART], self.labels[first : first + PART] = images, labels
        self.parts.add(kind)
        return {"parts": sorted(self.parts, key=KINDS.index), "training_digits": self.arrived()}

    def arrived(self) -> int:
        """How many training digits have arrived in order, from the first part."""
        count = 0
        for kind in KINDS[:TRAINING_PARTS]:
            if kind not in self.parts:
                break
            count += PART
        return count

    def training(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The first n training digits (arrived), as inputs (n, 784) float32 in [0, 1] and labels."""
        return as_inputs(self.images[:n]), self.labels[:n]

    def needed(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """The validation or test digits as inputs and labels; ValueError until they have arrived."""
        if kind not in self.scored:
            raise ValueError(f"the {kind} digits have not arrived")
        return self.scored[kind]


def as_inputs(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1).astype(np.float32) * np.float32(1 / 255)
