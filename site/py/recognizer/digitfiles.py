"""Files of MNIST digits as the site carries them: an .npz of uint8 `images` (n, 28, 28), ink 255, and their
`labels` (n,). The rehearsal digits teaching mixes in (rehearsal.npz) and the parts "Train your own" learns
from (digits/*.npz, builder/digits.py) are such files. Each is checked from its .npy headers before any array
is read, so a damaged or foreign file is refused in one line and costs nothing more."""

from __future__ import annotations

import io

import numpy as np

from .models import array_headers

SIZE = 28


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
