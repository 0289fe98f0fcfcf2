"""Temperature scaling: fitted on made-up logits whose honest temperature is known."""

import numpy as np
import pytest

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
    # each row kept from underflow by its own largest score: rows far apart are each exact
    far_apart = np.array([[1000.0, 999.0], [-1000.0, -1001.0]])
    assert negative_log_likelihood(far_apart, np.array([0, 0]), 1.0) == pytest.approx(np.log1p(np.exp(-1.0)))


def test_temperature_softens_the_probabilities_but_never_changes_the_answer():
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(784, 10)).astype(np.float32)]
    biases = [np.zeros(10, np.float32)]
    x = rng.random((50, 784), dtype=np.float32)
    plain, warm = Network(weights, biases), Network(weights, biases, temperature=2.0)
    np.testing.assert_allclose(warm.probabilities(x), softmax(plain.logits(x) / 2.0), rtol=1e-5)
    np.testing.assert_array_equal(warm.probabilities(x).argmax(axis=1), plain.probabilities(x).argmax(axis=1))
    assert (warm.probabilities(x).max(axis=1) < plain.probabilities(x).max(axis=1)).all()


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
