"""Backpropagation checked against the definition of a derivative, and training checked to learn."""

import numpy as np
import pytest

from recognizer import backprop
from recognizer.backprop import (
    MomentumSGD,
    activation_derivative,
    cross_entropy,
    forward_keeping_activations,
    gradients,
    initial_network,
    l2_penalty,
)
from recognizer.network import Network


def cost(network: Network, x, labels, l2) -> float:
    return cross_entropy(forward_keeping_activations(network, x)[-1], labels) + l2_penalty(network, l2)


@pytest.mark.parametrize("blank", [[], [1, 4], [0, 1, 2, 3, 4, 5]])  # pixels no row inks: none, some, all
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_gradients_match_finite_differences(activation, blank):
    rng = np.random.default_rng(0)
    network = initial_network([6, 5, 4, 3], activation, rng)
    # float64 copies: central differences need more precision than float32 gives
    network = Network(
        [w.astype(np.float64) for w in network.weights],
        [rng.standard_normal(b.shape) * 0.1 for b in network.biases],
        activation,
    )
    x = rng.random((7, 6))
    x[:, blank] = 0
    labels = rng.integers(0, 3, 7)
    l2 = 0.01
    grad_w, grad_b, c = gradients(network, x, labels, l2)
    np.testing.assert_array_equal(grad_w[0][blank], l2 * network.weights[0][blank])  # the L2 term alone
    assert c == pytest.approx(cost(network, x, labels, l2))
    eps = 1e-6
    for analytic, params in [(grad_w, network.weights), (grad_b, network.biases)]:
        for g, p in zip(analytic, params, strict=True):
            numeric = np.zeros_like(p)
            for index in np.ndindex(p.shape):
                saved = p[index]
                p[index] = saved + eps
                up = cost(network, x, labels, l2)
                p[index] = saved - eps
                down = cost(network, x, labels, l2)
                p[index] = saved
                numeric[index] = (up - down) / (2 * eps)
            np.testing.assert_allclose(g, numeric, rtol=1e-4, atol=1e-7)


def test_the_first_layers_products_leave_out_the_pixels_no_digit_inked(monkeypatch):
    shapes = []

    def noted(a, b):
        shapes.append((a.shape, b.shape))
        return a @ b

    monkeypatch.setattr(backprop, "product", noted)
    network = initial_network([784, 30, 10], "relu", np.random.default_rng(0))
    x = np.zeros((16, 784), dtype=np.float32)
    x[:, 300:500] = 1.0  # 200 pixels inked by some digit
    x[3, 600] = 0.5
    gradients(network, x, np.arange(16) % 10, 1e-4)
    assert shapes[0] == ((16, 201), (201, 30))  # forward
    assert ((201, 16), (16, 30)) in shapes  # the first layer's weight gradient
    assert all(784 not in a + b for a, b in shapes)


def test_initialisation_is_deterministic_and_scaled_by_fan_in():
    a = initial_network([784, 300, 10], "relu", np.random.default_rng(5))
    b = initial_network([784, 300, 10], "relu", np.random.default_rng(5))
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights, strict=True))
    assert a.weights[0].dtype == np.float32
    assert a.weights[0].std() == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    assert initial_network([784, 300, 10], "tanh", np.random.default_rng(5)).weights[0].std() == pytest.approx(
        np.sqrt(1 / 784), rel=0.02
    )


def test_a_new_network_keeps_its_activation_and_float32_biases_of_zero_and_an_unknown_one_is_named():
    network = initial_network([784, 30, 10], "tanh", np.random.default_rng(0))
    assert network.activation == "tanh" and all(b.dtype == np.float32 and not b.any() for b in network.biases)
    with pytest.raises(ValueError, match="^unknown activation 'swish'$"):
        activation_derivative("swish", np.zeros(3))


def test_sgd_learns_a_separable_problem():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((3, 8)).astype(np.float32) * 3
    labels = rng.integers(0, 3, 600)
    x = centres[labels] + rng.standard_normal((600, 8)).astype(np.float32)
    network = initial_network([8, 16, 3], "relu", rng)
    optimizer = MomentumSGD(network, momentum=0.9)
    first = None
    for _ in range(30):
        for i in range(0, 600, 32):
            grad_w, grad_b, c = gradients(network, x[i : i + 32], labels[i : i + 32], 1e-4)
            first = c if first is None else first
            optimizer.step(network, grad_w, grad_b, 0.05)
    assert (network.predict(x) == labels).mean() > 0.97
    assert c < first / 5
