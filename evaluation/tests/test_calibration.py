"""The calibration figures of the report (evaluation/calibration.py): the calibration error, the answers above and
below a threshold, and the rule that chose app.SURE, checked against the committed networks."""

import numpy as np
import pytest

from evaluation.calibration import answers_around, expected_calibration_error
from files import WEIGHTS as WEIGHTS_DIR
from recognizer.models import load_models, read_manifest
from recognizer.network import softmax
from recognizer.preprocess import frame_images
from train.data import as_inputs, load_mnist


def labels_drawn_from(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One label per row, drawn from that row's probabilities: the labels these probabilities describe honestly."""
    return (rng.random((len(probabilities), 1)) > probabilities.cumsum(axis=1)).sum(axis=1)


def test_the_calibration_error_by_hand():
    # Four answers at confidence 0.95 (bin 15), three right; two at 0.55 (bin 9), both right.
    probabilities = np.full((6, 10), 0.05 / 9)
    probabilities[:4, 0] = 0.95
    probabilities[4:] = 0.45 / 9
    probabilities[4:, 1] = 0.55
    labels = np.array([0, 0, 0, 3, 1, 1])
    expected = 4 / 6 * abs(0.75 - 0.95) + 2 / 6 * abs(1.0 - 0.55)
    assert expected_calibration_error(probabilities, labels) == pytest.approx(expected)
    assert expected_calibration_error(probabilities, labels, bins=1) == pytest.approx(abs(5 / 6 - (3.8 + 1.1) / 6))


def test_honest_probabilities_have_a_small_calibration_error_and_overconfident_ones_a_large_one():
    rng = np.random.default_rng(2)
    probabilities = softmax(2 * rng.normal(size=(50_000, 10)))
    labels = labels_drawn_from(probabilities, rng)
    assert expected_calibration_error(probabilities, labels) < 0.01
    assert expected_calibration_error(softmax(np.log(probabilities) * 3), labels) > 0.15


def test_answers_around_a_threshold():
    probabilities = np.full((4, 10), 0.0)
    probabilities[np.arange(4), [1, 2, 3, 4]] = [0.99, 0.95, 0.6, 0.55]
    probabilities[np.arange(4), 0] = 1 - probabilities.max(axis=1)
    figures = answers_around(probabilities, np.array([1, 0, 3, 0]), threshold=0.9)
    assert figures["not_sure"] == 0.5
    assert figures["sure_accuracy"] == 0.5 and figures["not_sure_accuracy"] == 0.5
    assert figures["wrong_caught"] == 0.5  # of the two mistakes (0.95 and 0.55), the page doubts one


def test_sure_is_the_lowest_threshold_whose_sure_answers_are_wrong_at_most_once_in_a_thousand():
    from evaluation.calibration import MOST_WRONG, THRESHOLDS, lowest_sure_threshold

    # 10,000 answers: 2 wrong at confidence 0.95, 30 wrong at 0.75, the rest right at 0.99.
    confidence = np.full(10_000, 0.99)
    confidence[:2], confidence[2:32] = 0.95, 0.75
    probabilities = np.zeros((10_000, 10))
    probabilities[:, 0], probabilities[:, 1] = confidence, 1 - confidence
    labels = np.zeros(10_000, int)
    labels[:32] = 1
    assert MOST_WRONG == 0.001 and 0.8 in THRESHOLDS
    assert lowest_sure_threshold(probabilities, labels) == 0.8  # 2 wrong in 9,970 sure answers
    labels[32:60] = 1  # and 28 wrong at 0.99: no threshold below 0.99 is enough
    assert lowest_sure_threshold(probabilities, labels) == 0.99


def test_app_sure_is_what_the_rule_chooses_on_the_validation_digits():
    from evaluation.calibration import before_and_after, lowest_sure_threshold
    from recognizer.app import SURE

    mnist = load_mnist()
    networks, _ = load_models(WEIGHTS_DIR)
    inputs = as_inputs(mnist.validation_images.reshape(-1, 784))
    framing = {entry["name"]: entry["framing"] for entry in read_manifest(WEIGHTS_DIR)}
    vote = before_and_after(networks, {name: frame_images(inputs, framing[name]) for name in networks})["Vote"][1]
    assert SURE == lowest_sure_threshold(vote, mnist.validation_labels)
