"""The committed networks: their files match models.json, and they reach its accuracies on MNIST's test set."""

import numpy as np
import pytest

from recognizer.models import load_models, read_manifest, sha256_bytes
from train.config import MODELS
from train.data import load_mnist
from train.dataset import frame_images
from train.publish import WEIGHTS_DIR
from train.trainer import as_inputs

# What the networks must reach on MNIST's test set (the original app: 98.01%, 98.01%, 98.95%, 99.19%).
TARGETS = {"B1": 0.985, "B2": 0.992, "B3": 0.990, "B4": 0.994, "vote": 0.994}


@pytest.fixture(scope="module")
def manifest():
    return read_manifest(WEIGHTS_DIR)


def test_every_network_is_committed_with_its_hash(manifest):
    assert [entry["name"] for entry in manifest] == list(MODELS)
    for entry in manifest:
        assert sha256_bytes((WEIGHTS_DIR / entry["file"]).read_bytes()) == entry["sha256"], entry["file"]
        assert tuple(entry["layers"]) == MODELS[entry["name"]].layers
        assert entry["framing"] in ("mnist", "emnist") and entry["trained_on"]


def test_shipped_forward_pass_reproduces_the_recorded_accuracies(manifest):
    mnist = load_mnist()
    networks, failures = load_models(WEIGHTS_DIR)
    assert not failures
    inputs = as_inputs(mnist.test_images.reshape(-1, 784))
    probabilities = []
    for entry in manifest:
        framed = frame_images(inputs, entry["framing"])
        p = networks[entry["name"]].probabilities(framed)
        accuracy = (p.argmax(axis=1) == mnist.test_labels).mean()
        assert accuracy == pytest.approx(entry["test_accuracy"], abs=5e-5), entry["name"]
        assert accuracy >= TARGETS[entry["name"]], entry["name"]
        probabilities.append(p)
    vote = np.mean(probabilities, axis=0).argmax(axis=1)
    assert (vote == mnist.test_labels).mean() >= TARGETS["vote"]
