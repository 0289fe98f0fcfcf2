"""The training loop: minibatch SGD over a pool of augmented images, with validation and checkpoints.

Each epoch draws `epoch_size` (image, distorted copy) pairs from the pool, in minibatches. After each epoch
the network is scored on the validation split; the best epoch's weights are the ones kept (model
selection never looks at the test set). A checkpoint after every epoch lets an interrupted run resume where
it stopped, with the same result as an uninterrupted one: every epoch's randomness comes from (seed, epoch).
"""

from __future__ import annotations

import math
import pickle
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from files import write_atomically
from recognizer.backprop import MomentumSGD, gradients, initial_network
from recognizer.network import Network

from .config import Settings
from .data import as_inputs
from .dataset import TrainingSet


@dataclass
class History:
    loss: list[float] = field(default_factory=list)
    validation_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def learning_rate_at(progress: float, settings: Settings) -> float:
    """Cosine decay from learning_rate (progress 0) to final_learning_rate (progress 1)."""
    start, end = settings.learning_rate, settings.final_learning_rate
    return end + 0.5 * (start - end) * (1 + math.cos(math.pi * progress))


def epoch_samples(n_images: int, copies: int, epoch_size: int, rng: np.random.Generator):
    """(copy, image) index pairs for one epoch: every image equally often, each in a random copy."""
    repeats = -(-epoch_size // n_images)
    images = np.concatenate([rng.permutation(n_images) for _ in range(repeats)])[:epoch_size]
    return rng.integers(0, copies, size=epoch_size), images


def accuracy(network: Network, inputs: np.ndarray, labels: np.ndarray) -> float:
    return float((network.predict(inputs) == labels).mean())


def progress_bar(name: str, epoch: int, epochs: int, done: float, text: str) -> str:
    width = 24
    filled = int(done * width)
    return f"\r{name} epoch {epoch:>3}/{epochs} [{'#' * filled}{'.' * (width - filled)}] {text}"


# --- checkpoints -----------------------------------------------------------------------------------


def save_checkpoint(path: Path, checkpoint: dict) -> None:
    """One dict of the whole training state, pickled (as nanoGPT saves one): our own files, read only by us."""
    write_atomically(path, pickle.dumps(checkpoint))


def load_checkpoint(path: Path) -> dict | None:
    return pickle.loads(path.read_bytes()) if path.exists() else None


def copy_of(network: Network) -> Network:
    return Network([w.copy() for w in network.weights], [b.copy() for b in network.biases], network.activation)


# --- the loop ---------------------------------------------------------------------------------------


def train(name: str, settings: Settings, data: TrainingSet, checkpoint: Path | None = None):
    """Train network `name`; returns (the best network on validation, its History)."""
    copies, n_images, _ = data.pool.shape
    epoch_size = settings.epoch_size or n_images
    network = initial_network(list(settings.layers), settings.activation, np.random.default_rng(settings.seed))
    best = copy_of(network)
    optimizer = MomentumSGD(network, settings.momentum)
    history = History()
    start = 0
    saved = load_checkpoint(checkpoint) if checkpoint else None
    if saved and saved["settings"] != asdict(settings):
        print(f"{checkpoint}: saved with other settings, starting afresh", file=sys.stderr)
    elif saved:
        network, best, optimizer.velocity = saved["network"], saved["best"], saved["velocity"]
        history, start = History(**saved["history"]), saved["epoch"]
        print(f"{name}: resuming after epoch {start} from {checkpoint}")

    batches_per_epoch = -(-epoch_size // settings.batch_size)
    for epoch in range(start, settings.epochs):
        began = time.perf_counter()
        rng = np.random.default_rng([settings.seed, epoch])
        copy_index, image_index = epoch_samples(n_images, copies, epoch_size, rng)
        costs = []
        for batch in range(batches_per_epoch):
            rows = slice(batch * settings.batch_size, (batch + 1) * settings.batch_size)
            x = as_inputs(data.pool[copy_index[rows], image_index[rows]])
            y = data.labels[image_index[rows]]
            rate = learning_rate_at((epoch + batch / batches_per_epoch) / settings.epochs, settings)
            grad_w, grad_b, cost = gradients(network, x, y, settings.l2)
            optimizer.step(network, grad_w, grad_b, rate)
            costs.append(cost)
            if batch % 50 == 0:
                done = batch / batches_per_epoch
                text = f"loss {np.mean(costs):.4f}"
                print(progress_bar(name, epoch + 1, settings.epochs, done, text), end="", flush=True)

        if not np.isfinite(costs[-1]):
            raise FloatingPointError(f"{name}: the cost became {costs[-1]} in epoch {epoch + 1}")
        validation = accuracy(network, data.validation_inputs, data.validation_labels)
        if validation > max(history.validation_accuracy, default=-1.0):
            best = copy_of(network)
        history.loss.append(float(np.mean(costs)))
        history.validation_accuracy.append(validation)
        history.seconds.append(time.perf_counter() - began)
        text = f"loss {history.loss[-1]:.4f}  validation {100 * validation:.2f}%  {history.seconds[-1]:.1f}s"
        print(progress_bar(name, epoch + 1, settings.epochs, 1.0, text), flush=True)
        if checkpoint:
            save_checkpoint(
                checkpoint,
                {
                    "settings": asdict(settings),
                    "epoch": epoch + 1,
                    "network": network,
                    "best": best,
                    "velocity": optimizer.velocity,
                    "history": asdict(history),
                },
            )
    return best, history
