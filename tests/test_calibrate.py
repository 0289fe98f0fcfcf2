"""Temperature scaling and the calibration error: fitted on made-up logits whose honest temperature is known."""

import numpy as np
import pytest

from evaluation.calibration import answers_around, expected_calibration_error
from recognizer.network import Network, softmax
from recognizer.temperature import fit_temperature, negative_log_likelihood


def labels_drawn_from(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One label per row, drawn from that row's probabilities: the labels these probabilities describe honestly."""
    return (rng.random((len(probabilities), 1)) > probabilities.cumsum(axis=1)).sum(axis=1)


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 2.5])
def test_the_fitted_temperature_undoes_over_or_under_confidence(true_temperature):
    rng = np.random.default_rng(0)
    honest = 3 * rng.normal(size=(20_000, 10))
    labels = labels_drawn_from(softmax(honest), rng)
    # A network whose logits are the honest ones times T is calibrated at temperature T.
    fitted = fit_temperature(honest * true_temperature, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.05)
    nll = negative_log_likelihood(honest * true_temperature, labels, fitted)
    assert nll <= negative_log_likelihood(honest * true_temperature, labels, fitted * 1.1)
    assert nll <= negative_log_likelihood(honest * true_temperature, labels, fitted / 1.1)


def test_the_nll_is_the_mean_minus_log_probability_of_the_true_label():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    labels = np.array([0, 2])
    expected = -(np.log(softmax(logits[0] / 2)[0]) + np.log(1 / 3)) / 2
    assert negative_log_likelihood(logits, labels, 2.0) == pytest.approx(expected)
    assert np.isfinite(negative_log_likelihood(np.array([[1e4, -1e4]]), np.array([1]), 0.05))  # no overflow


def test_temperature_softens_the_probabilities_but_never_changes_the_answer():
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(784, 10)).astype(np.float32)]
    biases = [np.zeros(10, np.float32)]
    x = rng.random((50, 784), dtype=np.float32)
    plain, warm = Network(weights, biases), Network(weights, biases, temperature=2.0)
    np.testing.assert_allclose(warm.probabilities(x), softmax(plain.logits(x) / 2.0), rtol=1e-5)
    np.testing.assert_array_equal(warm.probabilities(x).argmax(axis=1), plain.probabilities(x).argmax(axis=1))
    assert (warm.probabilities(x).max(axis=1) < plain.probabilities(x).max(axis=1)).all()


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


def test_recording_temperatures_changes_only_that_field(tmp_path):
    from recognizer.backprop import initial_network
    from train.publish import publish, record_temperatures

    for name in ("A", "B"):
        network = initial_network([784, 12, 10], "relu", np.random.default_rng(0))
        publish(network, {"name": name, "framing": "mnist", "test_accuracy": 0.9, "training": {"seed": 1}}, tmp_path)
    before = (tmp_path / "models.json").read_text()
    weights = {name: (tmp_path / f"{name}.npz").read_bytes() for name in ("A", "B")}
    record_temperatures({"A": 1.2345}, tmp_path)
    after = (tmp_path / "models.json").read_text()
    assert after.replace('   "temperature": 1.2345,\n', "", 1) == before
    assert after.index('"test_accuracy"') < after.index('"temperature"') < after.index('"training"')
    assert {name: (tmp_path / f"{name}.npz").read_bytes() for name in ("A", "B")} == weights


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
