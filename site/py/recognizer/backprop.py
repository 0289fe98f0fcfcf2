"""Backpropagation for a fully connected network with a softmax output and cross-entropy cost.

For a minibatch of n rows x with one-hot targets y, the cost is

    C = -(1/n) sum_rows sum_k y_k log a_k   +   (lambda/2) sum_weights w^2

where a = softmax(z_L) is the output. Softmax and cross-entropy together give the simple output error
delta_L = dC/dz_L = (a - y) / n. Going back one layer, delta_l = (delta_{l+1} @ W_{l+1}^T) * f'(z_l), and the
gradients are dC/dW_l = a_{l-1}^T @ delta_l + lambda W_l and dC/db_l = sum over rows of delta_l.
The forward pass is the one the browser runs (recognizer.network); here we only keep what it computes on
the way, to reuse in the backward pass.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .linalg import product
from .network import ACTIVATIONS, Network, softmax


def activation_derivative(name: str, a: np.ndarray) -> np.ndarray:
    """f'(z) written in terms of the activation's output a = f(z), so z need not be kept."""
    if name == "relu":
        return a > 0  # a boolean mask: multiplying by it is cheaper than by a float array
    if name == "sigmoid":
        return a * (1 - a)
    if name == "tanh":
        return 1 - a * a
    raise ValueError(f"unknown activation {name!r}")


def initial_network(layers: list[int], activation: str, rng: np.random.Generator) -> Network:
    """Weights drawn with variance 2/n_in for relu (He et al.) and 1/n_in otherwise; biases zero.

    Scaling by the fan-in keeps each layer's weighted inputs of order 1, so neurons do not start saturated.
    """
    gain = 2.0 if activation == "relu" else 1.0
    weights = [
        (rng.standard_normal((n_in, n_out)) * np.sqrt(gain / n_in)).astype(np.float32)
        for n_in, n_out in zip(layers[:-1], layers[1:], strict=True)
    ]
    biases = [np.zeros(n_out, dtype=np.float32) for n_out in layers[1:]]
    return Network(weights, biases, activation)


def hidden_outputs(network: Network, x: np.ndarray) -> list[np.ndarray]:
    """[x, a_1, ..., a_{L-1}]: the input and every hidden layer's activations for the batch x."""
    hidden = ACTIVATIONS[network.activation]
    outputs = [x]
    for w, b in zip(network.weights[:-1], network.biases[:-1], strict=True):
        z = product(outputs[-1], w)
        z += b
        outputs.append(hidden(z))
    return outputs


def scores(network: Network, last_hidden: np.ndarray) -> np.ndarray:
    """The output layer's weighted inputs z_L = a_{L-1} W_L + b_L (the scores, before the softmax)."""
    z = product(last_hidden, network.weights[-1])
    z += network.biases[-1]
    return z


def forward_keeping_activations(network: Network, x: np.ndarray) -> list[np.ndarray]:
    """[x, a_1, ..., a_L]: every layer's output for the batch, the last being the softmax probabilities."""
    outputs = hidden_outputs(network, x)
    return outputs + [softmax(scores(network, outputs[-1]))]


def cross_entropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean of -log(probability given to the right digit)."""
    right = probabilities[np.arange(len(labels)), labels]
    return float(-np.log(np.maximum(right, 1e-12)).mean())


def l2_penalty(network: Network, l2: float) -> float:
    return 0.5 * l2 * sum(float(np.vdot(w, w)) for w in network.weights)


def gradients(
    network: Network, x: np.ndarray, labels: np.ndarray, l2: float
) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    """(dC/dW for each layer, dC/db for each layer, cost C) for one minibatch.

    Pixels that no row of x has inked (x's all-zero columns: about a third of them in 128 MNIST digits) add nothing
    to the first layer's sums, so its two products, the largest of a step, leave them out; the gradient of their
    weights is the L2 term alone."""
    inked = (x != 0).any(axis=0)
    seen = replace(network, weights=[network.weights[0][inked], *network.weights[1:]])  # the inked pixels' weights
    outputs, deltas = errors(seen, x[:, inked], labels)
    cost = cross_entropy(outputs[-1], labels) + l2_penalty(network, l2)

    grad_w = [l2 * w for w in network.weights]
    grad_w[0][inked] += product(outputs[0].T, deltas[0])
    for grad, a, delta in zip(grad_w[1:], outputs[1:-1], deltas[1:], strict=True):
        grad += product(a.T, delta)
    return grad_w, [delta.sum(axis=0) for delta in deltas], cost


def errors(network: Network, x: np.ndarray, labels: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The forward pass's outputs [x, a_1, ..., a_L] and every layer's error [delta_1, ..., delta_L] = dC/dz for the
    cross-entropy part of the cost, starting from the output error delta_L = (a_L - y) / n."""
    outputs = forward_keeping_activations(network, x)
    output_delta = outputs[-1].copy()
    output_delta[np.arange(len(labels)), labels] -= 1
    output_delta /= len(labels)
    return outputs, backward(network, outputs, output_delta)


def backward(network: Network, outputs: list[np.ndarray], delta: np.ndarray) -> list[np.ndarray]:
    """[delta_1, ..., delta_L]: dC/dz of every layer, from the output layer's delta = dC/dz_L and the outputs
    [x, a_1, ...] of the forward pass, going back one layer at a time: delta_l = (delta_{l+1} W_{l+1}^T) * f'(z_l)."""
    deltas = [delta]
    for layer in range(len(network.weights) - 1, 0, -1):
        delta = product(delta, network.weights[layer].T)
        delta *= activation_derivative(network.activation, outputs[layer])
        deltas.append(delta)
    return deltas[::-1]


def score_gradients(network: Network, x: np.ndarray, digit: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """For one input x (784,): its outputs [x, a_1, ..., a_{L-1}] and, for each, the gradient of the digit's score
    z_digit with respect to it: dz/da_{l-1} = delta_l W_l^T, by the backward pass with delta_L = e_digit."""
    outputs = hidden_outputs(network, np.asarray(x, dtype=np.float32)[None, :])
    delta = np.zeros((1, network.layers[-1]), dtype=np.float32)
    delta[0, digit] = 1
    deltas = backward(network, outputs, delta)
    return [a[0] for a in outputs], [product(d, w.T)[0] for d, w in zip(deltas, network.weights, strict=True)]


class MomentumSGD:
    """Minibatch gradient descent with momentum: v <- mu v - eta g; w <- w + v (for every weight and bias)."""

    def __init__(self, network: Network, momentum: float):
        self.momentum = momentum
        self.velocity = [np.zeros_like(p) for p in network.weights + network.biases]

    def step(self, network: Network, grad_w: list, grad_b: list, learning_rate: float) -> None:
        parameters = network.weights + network.biases
        for p, v, g in zip(parameters, self.velocity, grad_w + grad_b, strict=True):
            v *= self.momentum
            v -= np.float32(learning_rate) * g
            p += v  # in place: the network's own arrays change
