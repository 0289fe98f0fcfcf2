"""The forward pass of a fully connected network: the one piece both the browser and training run.

A network is a list of layers (w, b): w has shape (n_in, n_out), b shape (n_out,). Inputs are rows, so a
whole minibatch x of shape (n, 784) goes through one layer as ``activation(x @ w + b)``. Hidden layers use
the network's activation; the output layer is a softmax, giving ten probabilities that sum to 1.

The softmax is taken of z / T, where T is the network's temperature, fitted after training on the validation
digits (temperature.py) so that its probabilities say how often it is right: T > 1 softens an over-confident
network. Dividing every output by the same T never changes which digit is the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .linalg import product


def sigmoid(z: np.ndarray) -> np.ndarray:
    # Written with tanh so large |z| never overflows exp.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row maximum keeps exp from overflowing."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class Network:
    weights: list[np.ndarray]  # w_i, shape (n_in, n_out)
    biases: list[np.ndarray]  # b_i, shape (n_out,)
    activation: str = "relu"
    temperature: float = 1.0  # the softmax's T: 1 while training, then fitted on the validation digits

    @property
    def layers(self) -> list[int]:
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    def hidden(self, x: np.ndarray) -> np.ndarray:
        """The last hidden layer's activations for a batch x of shape (n, 784), or a single image (784,)."""
        activation = ACTIVATIONS[self.activation]
        a = np.asarray(x, dtype=np.float32)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = activation(product(a, w) + b)
        return a

    def output(self, a: np.ndarray) -> np.ndarray:
        """The output layer's weighted inputs z from the last hidden layer's activations a."""
        return product(a, self.weights[-1]) + self.biases[-1]

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Output-layer weighted inputs z for a batch x of shape (n, 784), or a single image (784,)."""
        return self.output(self.hidden(x))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The ten calibrated probabilities softmax(z / T) for each input."""
        return self.from_hidden(self.hidden(x))

    def from_hidden(self, a: np.ndarray) -> np.ndarray:
        """The ten calibrated probabilities softmax(z / T) from the last hidden layer's activations a."""
        return softmax(self.output(a) / self.temperature)

    def predict(self, x: np.ndarray, batch_size: int = 10_000) -> np.ndarray:
        """The most probable digit for each row of x, in batches to bound memory."""
        return np.concatenate([self.logits(x[i : i + batch_size]).argmax(axis=1) for i in range(0, len(x), batch_size)])


def vote(probabilities: list[np.ndarray]) -> np.ndarray:
    """The ensemble's answer: the average of the networks' probability vectors."""
    return np.mean(probabilities, axis=0)
