"""The check that a drawing is a digit at all: its distance, its network's doubt, its file, and the committed
check on real digits and on drawings that are not digits."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from files import WEIGHTS
from recognizer.backprop import initial_network
from recognizer.digitlike import Check, load_check
from recognizer.entries import WeightsError
from recognizer.preprocess import to_network_input


def small_check(references: np.ndarray, farthest: float = 1.0, most_doubt: float = 0.0) -> Check:
    """A check on three principal directions (the first three pixels) with a zero network (doubt 0)."""
    basis = np.eye(784, dtype=np.float32)[:3]
    network = initial_network([784, 4, 2], "relu", np.random.default_rng(0))
    network.weights = [w * 0 for w in network.weights]
    check = Check(np.zeros(784, np.float32), basis, np.zeros((0, 4), np.float32), farthest, network, most_doubt)
    return replace(check, references=check.coordinates(references))


def test_the_distance_is_to_the_nearest_reference_in_components_and_what_they_leave_out():
    references = np.zeros((2, 784), np.float32)
    references[1, 0] = 3.0  # the second reference: 3 along the first direction
    check = small_check(references)
    x = np.zeros((1, 784), np.float32)
    x[0, 0], x[0, 500] = 2.5, 1.2  # 0.5 from the second along the components, 1.2 outside them
    assert check.coordinates(x)[0, :3].tolist() == [2.5, 0, 0]
    assert check.coordinates(x)[0, 3] == pytest.approx(1.2)
    assert check.distance(x)[0] == pytest.approx(np.hypot(0.5, 1.2), rel=1e-5)


def test_a_drawing_beyond_either_limit_is_not_digit_like_and_an_example_makes_it_one():
    references = np.zeros((1, 784), np.float32)
    far = np.zeros((1, 784), np.float32)
    far[0, 1] = 5.0
    check = small_check(references, farthest=1.0, most_doubt=0.0)
    assert check.digit_like(references).tolist() == [True]
    assert check.digit_like(far).tolist() == [False]  # 5 from every reference
    near_far = far.copy()
    near_far[0, 1] = 5.5  # 0.5 from `far`
    assert check.with_examples(far).digit_like(near_far).tolist() == [True]  # taught: near an example is a digit
    doubting = small_check(references, farthest=1.0, most_doubt=-1.0)  # the network's doubt, 0, is above -1
    assert doubting.digit_like(references).tolist() == [False]
    assert doubting.with_examples(references).digit_like(references).tolist() == [True]  # an example is beyond doubt


@pytest.fixture(scope="module")
def committed():
    return load_check(WEIGHTS)


def test_the_committed_check_finds_held_out_writers_digits_digit_like(committed, pen_digits):
    from train import pendigits

    digits = pendigits.held_out_digits(pen_digits)[::25]  # 100 digits of writers nothing was fitted on
    inputs = np.stack([to_network_input([s.tolist() for s in d.strokes]) for d in digits])
    assert committed.digit_like(inputs).mean() >= 0.97


def test_the_committed_check_calls_most_of_the_held_out_non_digits_not_digits(committed):
    from train import nondigits

    drawings = nondigits.non_digits(80, nondigits.HELD_OUT_SEED)
    scribbles = [d for d in drawings if d.kind in ("scribble", "crossed", "pair")]
    inputs = np.stack([to_network_input([s.tolist() for s in d.strokes]) for d in scribbles])
    assert (~committed.digit_like(inputs)).mean() >= 0.5


def test_a_damaged_or_missing_check_file_is_one_line_naming_it(tmp_path):
    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS, weights)
    (weights / "check.npz").write_bytes(b"not a zip")
    with pytest.raises(WeightsError, match="check.npz: sha256 does not match"):
        load_check(weights)
    manifest = json.loads((weights / "models.json").read_text())
    manifest["check"]["sha256"] = __import__("hashlib").sha256(b"not a zip").hexdigest()
    (weights / "models.json").write_text(json.dumps(manifest))
    with pytest.raises(WeightsError, match="check.npz: not a readable .npz"):
        load_check(weights)
    (weights / "check.npz").unlink()
    with pytest.raises(WeightsError, match="check.npz: missing"):
        load_check(weights)


@pytest.mark.parametrize(
    "field, value, says",
    [("farthest", -1, "farthest -1 is not a positive number"), ("layers", [784, 10], "layers"), ("file", 3, "file")],
)
def test_a_bad_check_entry_is_named(tmp_path, field, value, says):
    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS, weights)
    manifest = json.loads((weights / "models.json").read_text())
    manifest["check"][field] = value
    (weights / "models.json").write_text(json.dumps(manifest))
    with pytest.raises(WeightsError, match=says):
        load_check(weights)


def test_a_check_file_with_other_arrays_is_refused(tmp_path):
    from recognizer.digitlike import check_from_bytes, read_check_entry
    from recognizer.models import sha256_bytes

    entry = read_check_entry(WEIGHTS)
    with np.load(WEIGHTS / entry["file"]) as arrays:
        changed = {name: arrays[name] for name in arrays.files}
    changed["references"] = changed["references"][:, :5]  # no longer k + 1 coordinates
    buffer = io.BytesIO()
    np.savez(buffer, **changed)
    data = buffer.getvalue()
    with pytest.raises(WeightsError, match="not a check"):
        check_from_bytes(data, {**entry, "sha256": sha256_bytes(data)})
