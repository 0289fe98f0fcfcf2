"""Model files: written as int8 weights with a scale per output column and float16 biases, read back as float32
(float16 and float32 files too); a damaged or mismatched file is refused with one line."""

import io
import json
import zipfile

import numpy as np
import pytest

from recognizer.backprop import initial_network
from recognizer.entries import WeightsError, verify_entry
from recognizer.models import (
    MOST_BYTES,
    array_headers,
    file_head,
    load_listed,
    load_models,
    network_from_bytes,
    network_to_bytes,
    sha256_bytes,
)
from recognizer.network import Network, softmax, vote
from train.publish import publish


def small_network(seed=0) -> Network:
    return initial_network([784, 12, 10], "relu", np.random.default_rng(seed))


def entry_for(network: Network, data: bytes) -> dict:
    return {
        "name": "T",
        "file": "T.npz",
        "layers": network.layers,
        "activation": "relu",
        "sha256": sha256_bytes(data),
    }


def test_round_trip_keeps_every_weight_within_half_a_step_of_its_column_and_reads_it_as_float32():
    network = small_network()
    network.weights[1][:, 3] = 0  # a column of zeros stays zeros
    data = network_to_bytes(network)
    again = network_from_bytes(data, entry_for(network, data))
    for before, after in zip(network.weights, again.weights, strict=True):
        assert after.dtype == np.float32  # what the forward pass and teaching compute in
        step = np.abs(before).max(axis=0) / 127  # each output column's own scale
        assert np.all(np.abs(after - before) <= step / 2 + 1e-7)
        np.testing.assert_array_equal(np.abs(after).max(axis=0), np.abs(before).max(axis=0))  # the largest exactly
    assert np.all(again.weights[1][:, 3] == 0)
    for before, after in zip(network.biases, again.biases, strict=True):
        np.testing.assert_array_equal(after, before.astype(np.float16).astype(np.float32))
    assert network_to_bytes(again) == data  # written again, the same file
    with np.load(io.BytesIO(data)) as arrays:
        assert {name: arrays[name].dtype.str for name in arrays.files} == {
            "w0": "|i1", "s0": "<f4", "b0": "<f2", "w1": "|i1", "s1": "<f4", "b1": "<f2"
        }  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {m.compress_type for m in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_a_float32_file_is_read_exactly():
    """Where float16 would move a reported figure, a network is shipped in float32 (B2)."""
    network = small_network()
    arrays = {f"w{i}": w for i, w in enumerate(network.weights)} | {f"b{i}": b for i, b in enumerate(network.biases)}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    again = network_from_bytes(buffer.getvalue(), entry_for(network, buffer.getvalue()))
    for before, after in zip(network.weights + network.biases, again.weights + again.biases, strict=True):
        assert after.dtype == np.float32
        np.testing.assert_array_equal(after, before)


def test_a_bias_float16_cannot_hold_or_a_weight_that_is_no_number_is_not_written():
    network = small_network()
    network.biases[0][0] = 70_000  # float16 reaches 65,504
    with pytest.raises(ValueError, match="beyond float16's range"):
        network_to_bytes(network)
    network = small_network()
    network.weights[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="not a number"):
        network_to_bytes(network)


def test_probabilities_are_a_softmax_and_vote_averages():
    network = small_network()
    p = network.probabilities(np.random.default_rng(1).random((3, 784)))
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])  # no overflow
    np.testing.assert_allclose(vote([p[0], p[1]]), (p[0] + p[1]) / 2)


def test_a_changed_byte_fails_the_hash_check():
    network = small_network()
    data = bytearray(network_to_bytes(network))
    entry = entry_for(network, bytes(data))
    data[len(data) // 2] ^= 1
    with pytest.raises(WeightsError, match="T.npz: sha256 does not match"):
        network_from_bytes(bytes(data), entry)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(layers=[784, 13, 10]), "expected"),
        (lambda e: e.update(activation="swish"), "unknown activation"),
        (lambda e: e.update(layers=[784, 12, 10, 10]), "missing"),
    ],
)
def test_a_file_that_does_not_match_its_entry_is_refused(change, message):
    network = small_network()
    data = network_to_bytes(network)
    entry = entry_for(network, data)
    change(entry)
    with pytest.raises(WeightsError, match=message):
        network_from_bytes(data, entry)


def test_garbage_is_refused_in_one_line():
    with pytest.raises(WeightsError, match="not a readable .npz") as error:
        network_from_bytes(b"not a zip file", {"file": "T.npz", "layers": [784, 10]})
    assert "\n" not in str(error.value)


def test_one_broken_file_disables_one_network(tmp_path):
    publish(small_network(1), {"name": "A", "framing": "mnist"}, tmp_path)
    publish(small_network(2), {"name": "B", "framing": "mnist"}, tmp_path)
    publish(small_network(3), {"name": "C", "framing": "mnist"}, tmp_path)
    (tmp_path / "B.npz").write_bytes((tmp_path / "B.npz").read_bytes()[:-10])
    (tmp_path / "C.npz").unlink()
    networks, failures = load_models(tmp_path)
    assert list(networks) == ["A"]
    assert "sha256" in failures["B"] and failures["C"] == "C.npz: missing"
    manifest = json.loads((tmp_path / "models.json").read_text())
    assert [m["name"] for m in manifest["models"]] == ["A", "B", "C"]
    assert not list(tmp_path.glob("*partial*"))  # atomic writes leave nothing behind


# --- each models.json entry on its own -------------------------------------------------------------------

GOOD = {"name": "B1", "file": "B1.npz", "layers": [784, 12, 10], "activation": "relu", "framing": "mnist"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"name": None}, "models.json: name missing"),
        ({"name": 7}, "models.json: name 7 is not a name of 1 to 40 printable characters"),
        ({"name": "B1\nB2"}, r"models.json: name 'B1\nB2' is not a name of 1 to 40 printable characters"),
        ({"file": None}, "models.json: file missing"),
        ({"file": "../B1.npz"}, "models.json: file '../B1.npz' is not a file name ending .npz"),
        ({"file": "B1.pickle"}, "models.json: file 'B1.pickle' is not a file name ending .npz"),
        ({"layers": [784]}, "models.json: layers [784] is not a list of layer sizes from 784 to 10"),
        ({"layers": [784, "12", 10]}, "models.json: layers [784, '12', 10] is not a list of layer sizes"),
        ({"layers": [784, 0, 10]}, "models.json: layers [784, 0, 10] is not a list of layer sizes"),
        ({"layers": [784, 12, 9]}, "models.json: layers [784, 12, 9] is not a list of layer sizes"),
        (
            {"layers": [784, 100000, 10]},
            "models.json: layers [784, 100000, 10] is not a list of layer sizes from 784 to 10 "
            "with at most 4,000,000 weights",
        ),
        ({"activation": "swish"}, "models.json: activation 'swish' is not one of sigmoid, tanh, relu"),
        ({"framing": "emnist2"}, "models.json: framing 'emnist2' is not one of mnist, emnist"),
        ({"framing": None}, "models.json: framing missing"),
        ({"test_accuracy": "0.98"}, "models.json: test_accuracy '0.98' is not a number from 0 to 1"),
        ({"test_accuracy": 98.7}, "models.json: test_accuracy 98.7 is not a number from 0 to 1"),
        ({"temperature": 0}, "models.json: temperature 0 is not a positive number"),
        ({"temperature": float("nan")}, "models.json: temperature nan is not a positive number"),
        ({"temperature": True}, "models.json: temperature True is not a positive number"),
        ({"sha256": "abc"}, "models.json: sha256 'abc' is not 64 hexadecimal digits"),
        ({"colour": "blue; x"}, "models.json: colour 'blue; x' is not a colour's name"),
        ({"trained_on": {"sets": [{"name": "MNIST", "images": "many"}]}}, "models.json: trained_on {'sets'"),
    ],
)
def test_each_bad_field_of_an_entry_is_named_in_one_line(change, reason):
    entry = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(WeightsError) as error:
        verify_entry(entry)
    assert str(error.value).startswith(reason) and "\n" not in str(error.value)


def test_a_good_entry_passes_and_a_non_object_is_named():
    verify_entry({**GOOD, "test_accuracy": 1, "temperature": 1.3, "sha256": "0" * 64, "colour": "green"})
    with pytest.raises(WeightsError, match=r"^models.json: an entry is \['B1'\], not an object$"):
        verify_entry(["B1"])


def test_a_long_value_is_quoted_short():
    with pytest.raises(WeightsError) as error:
        verify_entry({**GOOD, "framing": "x" * 1000})
    assert str(error.value) == f"models.json: framing '{'x' * 36}... is not one of mnist, emnist"


# --- a weights file against its entry, before its arrays are read ------------------------------------------


def npz_of_headers(members: dict[str, tuple[tuple[int, ...], str, int]]) -> bytes:
    """A .npz whose members are .npy headers declaring (shape, dtype) followed by `size` zero bytes of data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (shape, dtype, size) in members.items():
            npy = io.BytesIO()
            header = {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(npy, header)
            archive.writestr(f"{name}.npy", npy.getvalue() + bytes(size))
    return buffer.getvalue()


def test_a_declared_shape_bigger_than_the_entry_is_refused_from_the_header_alone():
    # 784 x 100,000 float16 would be 157 MB; the file holds the header and no data, so reading it would fail.
    data = npz_of_headers({"w0": ((784, 100_000), "<f2", 0), "b0": ((10,), "<f2", 20)})
    with pytest.raises(WeightsError, match=r"^T.npz: w0 has shape \(784, 100000\), expected \(784, 10\)$"):
        network_from_bytes(data, {"file": "T.npz", "layers": [784, 10]})


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        (
            {"w0": ((784, 10), "<f8", 62720), "b0": ((10,), "<f2", 20)},
            "T.npz: w0 is float64, expected int8 or float16 or float32",
        ),
        (
            {"w0": ((784, 10), ">f2", 15680), "b0": ((10,), "<f2", 20)},
            "T.npz: w0 is >f2, expected int8 or float16 or float32",
        ),
        ({"w0": ((784, 10), "|i1", 7840), "b0": ((10,), "<f2", 20)}, "T.npz: array s0 missing"),
        (
            {"w0": ((784, 10), "|i1", 7840), "s0": ((10,), "<f2", 20), "b0": ((10,), "<f2", 20)},
            "T.npz: s0 is float16, expected float32",
        ),
        (
            {"w0": ((784, 10), "|i1", 7840), "s0": ((784,), "<f4", 3136), "b0": ((10,), "<f2", 20)},
            "T.npz: s0 has shape (784,), expected (10,)",
        ),
        (
            {"w0": ((784, 10), "<f2", 15680), "s0": ((10,), "<f4", 40), "b0": ((10,), "<f2", 20)},
            "T.npz: has 3 arrays, expected 2",
        ),
        ({"w0": ((784, 10), "<f2", 15680)}, "T.npz: array b0 missing"),
        ({"w0": ((784, 10), "<f2", 15680), "b0": ((10,), "<f2", 4)}, "T.npz: b0 holds 4 bytes, its shape needs 20"),
        ({"w0": ((784, 10), "<f2", 15680), "b0": ((10,), "<f4", 20)}, "T.npz: b0 holds 20 bytes, its shape needs 40"),
        (
            {"w0": ((784, 10), "<f2", 15680), "b0": ((10,), "<f2", 20), "x": ((1,), "<f2", 2)},
            "T.npz: has 3 arrays, expected 2",
        ),
    ],
)
def test_declared_arrays_must_be_exactly_the_entrys(members, reason):
    with pytest.raises(WeightsError) as error:
        network_from_bytes(npz_of_headers(members), {"file": "T.npz", "layers": [784, 10]})
    assert str(error.value) == reason


def test_a_file_too_big_for_any_network_is_not_read(tmp_path):
    publish(small_network(1), {"name": "A", "framing": "mnist"}, tmp_path)
    with open(tmp_path / "A.npz", "r+b") as file:
        file.truncate(MOST_BYTES + 1)  # sparse: nothing is written
    _, failures = load_models(tmp_path)
    assert failures == {"A": f"A.npz: {MOST_BYTES + 1:,} bytes, more than a network's {MOST_BYTES:,}"}


def test_the_temperature_of_an_entry_reaches_the_forward_pass(tmp_path):
    publish(small_network(1), {"name": "A", "framing": "mnist", "temperature": 2.5}, tmp_path)
    networks, _ = load_models(tmp_path)
    x = np.random.default_rng(0).random((4, 784), dtype=np.float32)
    assert networks["A"].temperature == 2.5
    np.testing.assert_allclose(networks["A"].probabilities(x), softmax(networks["A"].logits(x) / 2.5), rtol=1e-6)


# --- the whole manifest: each entry costs only itself ---------------------------------------------------


def manifest_of(tmp_path, entries: list) -> None:
    (tmp_path / "models.json").write_text(json.dumps({"models": entries}))


def test_bad_entries_disable_only_themselves_each_with_its_reason(tmp_path):
    publish(small_network(1), {"name": "A", "framing": "mnist"}, tmp_path)
    good = json.loads((tmp_path / "models.json").read_text())["models"][0]
    manifest_of(
        tmp_path,
        [
            good,
            {**good, "name": "B", "framing": "emnist2"},
            {k: v for k, v in good.items() if k != "file"} | {"name": "C"},
            {**good, "name": "D", "test_accuracy": "high"},
            {k: v for k, v in good.items() if k != "name"},
            {**good, "name": ["A"]},
            {**good},
            "B1",
        ],
    )
    listed = load_listed(tmp_path)
    assert [(m.name, m.reason) for m in listed] == [
        ("A", ""),
        ("B", "models.json: framing 'emnist2' is not one of mnist, emnist"),
        ("C", "models.json: file missing"),
        ("D", "models.json: test_accuracy 'high' is not a number from 0 to 1"),
        ("entry 5", "models.json: name missing"),
        ("entry 6", "models.json: name ['A'] is not a name of 1 to 40 printable characters"),
        ("A (entry 7)", "models.json: entry 7's name 'A' is already taken"),
        ("entry 8", "models.json: an entry is 'B1', not an object"),
    ]
    assert listed[0].network is not None and all(m.network is None for m in listed[1:])
    assert "framing" not in listed[1].entry and listed[1].entry["layers"] == [784, 12, 10]  # only its good fields


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"models": []}', "models.json lists no networks"),
        ('{"networks": []}', 'not a valid manifest (expected {"models": [...]})'),
        ("[1, 2]", 'not a valid manifest (expected {"models": [...]})'),
        ("{", "not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    ],
)
def test_an_unusable_manifest_is_one_error(tmp_path, text, reason):
    (tmp_path / "models.json").write_text(text)
    with pytest.raises(WeightsError) as error:
        load_models(tmp_path)
    assert str(error.value).endswith(reason)


def test_a_missing_manifest_is_one_error(tmp_path):
    with pytest.raises(WeightsError) as error:
        load_models(tmp_path)
    assert str(error.value).endswith("models.json: missing")


def test_each_listed_network_keeps_its_entry_loaded_or_not(tmp_path):
    publish(small_network(1), {"name": "A", "framing": "mnist"}, tmp_path)
    publish(small_network(2), {"name": "B", "framing": "mnist"}, tmp_path)
    (tmp_path / "B.npz").write_bytes(b"broken")
    listed = load_listed(tmp_path)
    assert [m.entry for m in listed] == json.loads((tmp_path / "models.json").read_text())["models"]
    assert listed[0].network is not None and listed[1].network is None and listed[1].reason


def test_an_entry_without_optional_fields_reads_as_relu_at_temperature_one_and_errors_name_it():
    network = small_network()
    data = network_to_bytes(network)
    read = network_from_bytes(data, {"layers": [784, 12, 10]})
    assert (read.activation, read.temperature) == ("relu", 1.0)
    for entry, name in [({"name": "Mine"}, "Mine"), ({}, "?"), ({"file": "m.npz", "name": "Mine"}, "m.npz")]:
        with pytest.raises(WeightsError) as refused:
            network_from_bytes(b"not a zip", {"layers": [784, 12, 10], **entry})
        assert str(refused.value) == f"{name}: not a readable .npz (BadZipFile)"


def test_a_column_of_zeros_and_the_largest_bias_float16_holds_are_kept_and_beyond_them_is_named():
    network = small_network()
    network.weights[0][:, 3] = 0
    network.biases[0][2] = np.finfo(np.float16).max
    read = network_from_bytes(network_to_bytes(network), {"layers": [784, 12, 10]})
    assert not read.weights[0][:, 3].any() and read.biases[0][2] == np.finfo(np.float16).max
    network.biases[0][2] = 70_000.0
    with pytest.raises(ValueError, match="^a bias is beyond float16's range or not a number$"):
        network_to_bytes(network)
    network.weights[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="^a weight is not a number$"):
        network_to_bytes(network)


def test_a_file_is_read_no_further_than_asked(tmp_path):
    (tmp_path / "f").write_bytes(b"0123456789")
    assert file_head(tmp_path / "f", 4) == b"0123" and file_head(str(tmp_path / "f"), 100) == b"0123456789"


def test_npy_headers_of_both_versions_are_read_and_another_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for version in [(1, 0), (2, 0)]:
            member = io.BytesIO()
            np.lib.format.write_array(member, np.zeros((3, 4), np.int8), version=version)
            archive.writestr(f"v{version[0]}.npy", member.getvalue())
    assert {name: header[:2] for name, header in array_headers(buffer.getvalue()).items()} == {
        "v1": ((3, 4), np.dtype(np.int8)),
        "v2": ((3, 4), np.dtype(np.int8)),
    }
    odd = io.BytesIO()
    np.lib.format.write_array(odd, np.zeros(2, np.int8), version=(1, 0))
    member = bytearray(odd.getvalue())
    member[6] = 3  # format version 3.0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("w0.npy", bytes(member))
    with pytest.raises(ValueError, match=r"^unsupported \.npy version \(3, 0\)$"):
        array_headers(buffer.getvalue())
