"""Training a network from scratch: minibatch gradient descent with momentum, L2 and a cosine-decaying rate.

One training run is a `Run`: the network, its velocity, and where it is (epoch, batch). Every epoch draws its
own order of the training images from (seed, epoch); each step takes the next minibatch of that order, one
step of momentum SGD on the cross-entropy plus L2 (backprop.py), at the learning rate of where the run is.
The same Run trains B1-B4 (`python -m train`, train/trainer.py, over a pool of distorted copies) and a
visitor's own network in the page (yours.py, distorting each batch as it goes), so a network trained in the
page learns exactly as the shipped ones did.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from .backprop import MomentumSGD, gradients, initial_network
from .linalg import product
from .network import Network


@dataclass(frozen=True)
class Settings:
    layers: tuple[int, ...]
    activation: str = "relu"
    epochs: int = 60
    epoch_size: int | None = None  # images per epoch; None: each training image once
    batch_size: int = 128
    learning_rate: float = 0.05  # decayed along a cosine to final_learning_rate
    final_learning_rate: float = 0.0005
    momentum: float = 0.9
    l2: float = 2e-5
    seed: int = 1

    def as_dict(self) -> dict:
        return asdict(self)


def learning_rate_at(progress: float, settings: Settings) -> float:
    """Cosine decay from learning_rate (progress 0) to final_learning_rate (progress 1)."""
    start, end = settings.learning_rate, settings.final_learning_rate
    return end + 0.5 * (start - end) * (1 + math.cos(math.pi * progress))


def epoch_samples(n_images: int, copies: int, epoch_size: int, rng: np.random.Generator):
    """(copy, image) index pairs for one epoch: every image equally often, each in a random copy."""
    repeats = -(-epoch_size // n_images)
    images = np.concatenate([rng.permutation(n_images) for _ in range(repeats)])[:epoch_size]
    return rng.integers(0, copies, size=epoch_size), images


def product_flops(layers: list[int], batch: int) -> int:
    """Operations of one minibatch's matrix products: forward a @ W, then backward a^T @ delta and
    delta @ W^T (the latter not for the first layer: no error is sent back into the input)."""
    return sum(
        (2 if i == 0 else 3) * 2 * batch * n_in * n_out
        for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:], strict=True))
    )


def update_flops(layers: list[int]) -> int:
    """Operations of one update: L2 term, momentum and step, a few per weight and bias."""
    return 5 * sum((n_in + 1) * n_out for n_in, n_out in zip(layers[:-1], layers[1:], strict=True))


def product_operands(layers: list[int], batch: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random float32 operands of a step's matrix products, shaped as product_flops counts them and laid out in
    memory as backpropagation hands them over (a^T and W^T are transposed views)."""
    operands = []
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:], strict=True)):
        a, w = rng.random((batch, n_in), dtype=np.float32), rng.random((n_in, n_out), dtype=np.float32)
        delta = rng.random((batch, n_out), dtype=np.float32)
        operands += [(a, w), (a.T, delta)]  # forward, weight gradient
        if i > 0:
            operands.append((delta, w.T))  # error sent back
    return operands


def products_seconds(operands: list[tuple[np.ndarray, np.ndarray]], steps: int = 1, multiply=product) -> float:
    """Time of `steps` steps' matrix products alone, by `multiply`: the rate training could reach if it did
    nothing else (with np.matmul: what NumPy's own product reaches on the same shapes)."""
    began = time.perf_counter()
    for _ in range(steps):
        for a, b in operands:
            multiply(a, b)
    return time.perf_counter() - began


def accuracy(network: Network, inputs: np.ndarray, labels: np.ndarray) -> float:
    return float((network.predict(inputs) == labels).mean())


class Run:
    """One training run: its network and velocity, and where it is. `next_batch` says which images the next
    step learns from; `step` takes that step. An epoch is `batches_per_epoch` steps."""

    def __init__(self, settings: Settings, n_images: int, copies: int = 1):
        self.settings = settings
        self.copies = copies
        self.epoch_size = settings.epoch_size or n_images
        self.batches_per_epoch = -(-self.epoch_size // settings.batch_size)
        rng = np.random.default_rng(settings.seed)
        self.network = initial_network(list(settings.layers), settings.activation, rng)
        self.optimizer = MomentumSGD(self.network, settings.momentum)
        self.epoch = 0  # epochs done
        self.batch = 0  # steps done in the current epoch
        self._samples = None  # the current epoch's (copy, image) indices

    @property
    def finished(self) -> bool:
        return self.epoch >= self.settings.epochs

    def next_batch(self, n_images: int) -> tuple[np.ndarray, np.ndarray]:
        """(copy, image) indices of the next step's minibatch. The epoch's order is drawn over the first
        n_images images as its first step is taken (the page's digits arrive in parts)."""
        if self._samples is None:
            rng = np.random.default_rng([self.settings.seed, self.epoch])
            self._samples = epoch_samples(n_images, self.copies, self.epoch_size, rng)
        rows = slice(self.batch * self.settings.batch_size, (self.batch + 1) * self.settings.batch_size)
        return self._samples[0][rows], self._samples[1][rows]

    def step(self, x: np.ndarray, labels: np.ndarray) -> float:
        """One step of momentum SGD on the minibatch (x, labels); its cost before the step. Ends the epoch
        after its last batch."""
        progress = (self.epoch + self.batch / self.batches_per_epoch) / self.settings.epochs
        grad_w, grad_b, cost = gradients(self.network, x, labels, self.settings.l2)
        self.optimizer.step(self.network, grad_w, grad_b, learning_rate_at(progress, self.settings))
        self.batch += 1
        if self.batch == self.batches_per_epoch:
            self.epoch, self.batch, self._samples = self.epoch + 1, 0, None
        return cost
