"""The committed networks: their files match models.json, and they reach its accuracies on MNIST's test set."""

import json

import numpy as np
import pytest

from files import REHEARSAL
from files import WEIGHTS as WEIGHTS_DIR
from recognizer import linalg, network
from recognizer.models import array_headers, load_models, network_to_bytes, read_manifest, sha256_bytes
from recognizer.preprocess import frame_images
from recognizer.temperature import temperature_of
from train.config import AUGMENTED_COPIES, MODELS
from train.data import as_inputs, load_mnist
from train.dataset import AUGMENTATION, base_images, pool_copies
from train.publish import REHEARSAL_PER_DIGIT, publish_rehearsal, rehearsal_digits

# What the networks must reach on MNIST's test set (the original app: 98.01%, 98.01%, 98.95%, 99.19%).
TARGETS = {"B1": 0.985, "B2": 0.992, "B3": 0.990, "B4": 0.994, "vote": 0.994}


@pytest.fixture(scope="module")
def manifest():
    return read_manifest(WEIGHTS_DIR)


def test_every_network_is_committed_with_its_hash(manifest):
    assert [entry["name"] for entry in manifest] == list(MODELS)
    for entry in manifest:
        assert sha256_bytes((WEIGHTS_DIR / entry["file"]).read_bytes()) == entry["sha256"], entry["file"]
        assert tuple(entry["layers"]) == MODELS[entry["name"]].settings.layers
        assert entry["colour"] == MODELS[entry["name"]].colour
        assert entry["framing"] in ("mnist", "emnist")


def test_the_files_are_what_publishing_writes_int8_weights_with_their_scales(manifest):
    networks, _ = load_models(WEIGHTS_DIR)
    for entry in manifest:
        data = (WEIGHTS_DIR / entry["file"]).read_bytes()
        assert data == network_to_bytes(networks[entry["name"]]), entry["name"]
        dtypes = {name[0]: dtype for name, (_, dtype, _) in array_headers(data).items()}
        assert dtypes == {"w": np.dtype("i1"), "s": np.dtype("<f4"), "b": np.dtype("<f2")}, entry["name"]


def test_training_again_would_see_exactly_what_the_committed_networks_saw(manifest):
    """`python -m train all` on a fresh clone: the same settings, the same data sets (MNIST and the shipped pen
    digits), the same pool and epoch sizes as models.json records for the committed weights."""
    images, _, framing, sets = base_images(None, with_drawn=True)
    copies = pool_copies(len(images), AUGMENTED_COPIES)
    for entry in manifest:
        settings = json.loads(json.dumps(MODELS[entry["name"]].settings.as_dict()))  # tuples as JSON's lists
        assert {key: entry["training"][key] for key in settings} == settings
        assert entry["framing"] == framing
        assert entry["trained_on"] == {
            "sets": sets,
            "augmentation": {"copies": copies - 1, "kinds": AUGMENTATION},
            "images_per_epoch": settings["epoch_size"] or len(images),
        }


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


def test_the_pages_matrix_product_reads_every_test_digit_as_numpys_does(manifest, monkeypatch):
    """In the page the forward pass multiplies by linalg.page_product (einsum by rows, no BLAS): every network gives
    the same answer to each of MNIST's 10,000 test digits as with NumPy's @, its scores within float32 rounding."""
    mnist = load_mnist()
    networks, _ = load_models(WEIGHTS_DIR)
    inputs = as_inputs(mnist.test_images.reshape(-1, 784))
    for entry in manifest:
        framed = frame_images(inputs, entry["framing"])
        native = networks[entry["name"]].logits(framed)
        with monkeypatch.context() as page:
            page.setattr(network, "product", linalg.page_product)
            in_page = networks[entry["name"]].logits(framed)
        assert np.array_equal(in_page.argmax(axis=1), native.argmax(axis=1)), entry["name"]
        np.testing.assert_allclose(in_page, native, rtol=1e-4, atol=1e-4)


def test_the_recorded_temperatures_are_fitted_on_the_validation_digits(manifest):
    """What `python -m train calibrate` would write for the committed networks: never fitted on test digits."""
    mnist = load_mnist()
    networks, _ = load_models(WEIGHTS_DIR)
    inputs = as_inputs(mnist.validation_images.reshape(-1, 784))
    for entry in manifest:
        fitted = temperature_of(
            networks[entry["name"]], frame_images(inputs, entry["framing"]), mnist.validation_labels
        )
        assert entry["temperature"] == fitted, entry["name"]
        assert networks[entry["name"]].temperature == fitted


def test_the_rehearsal_digits_are_what_python_m_train_rehearsal_writes(tmp_path):
    """site/rehearsal.npz: the first 100 of each digit of MNIST's training digits (never test digits)."""
    mnist = load_mnist()
    made = publish_rehearsal(mnist.train_images, mnist.train_labels, tmp_path / "rehearsal.npz")
    with np.load(made) as fresh, np.load(REHEARSAL) as committed:
        assert np.array_equal(fresh["images"], committed["images"])
        assert np.array_equal(fresh["labels"], committed["labels"])
        assert np.bincount(committed["labels"]).tolist() == [REHEARSAL_PER_DIGIT] * 10
    first = rehearsal_digits(mnist.train_labels)
    assert [list(mnist.train_labels[first]).count(d) for d in range(10)] == [REHEARSAL_PER_DIGIT] * 10
    assert all(np.sum(mnist.train_labels[: i + 1] == mnist.train_labels[i]) <= REHEARSAL_PER_DIGIT for i in first)
