"""Model files: written and read back exactly; a damaged or mismatched file is refused with one line."""

import json

import numpy as np
import pytest

from recognizer.models import WeightsError, load_models, network_from_bytes, network_to_bytes, sha256_bytes
from recognizer.network import Network, softmax, vote
from train.backprop import initial_network
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


def test_round_trip_keeps_every_weight():
    network = small_network()
    data = network_to_bytes(network)
    again = network_from_bytes(data, entry_for(network, data))
    x = np.random.default_rng(1).random((5, 784), dtype=np.float32)
    np.testing.assert_array_equal(network.probabilities(x), again.probabilities(x))


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
