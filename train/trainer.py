"""The training loop: minibatch SGD over a pool of augmented images, with validation and checkpoints.

Each epoch draws `epoch_size` (image, distorted copy) pairs from the pool, in minibatches. After each epoch
the network is scored on the validation split; the best epoch's weights are the ones kept (model
selection never looks at the test set). A checkpoint after every epoch lets an interrupted run resume where
it stopped, with the same result as an uninterrupted one: every epoch's randomness comes from (seed, epoch).
"""

from __future__ import annotations

import pickle
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from files import write_atomically
from recognizer.network import Network
from recognizer.training import Run, Settings, accuracy

from .data import as_inputs
from .dataset import TrainingSet


@dataclass
class History:
    loss: list[float] = field(default_factory=list)
    validation_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


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
    run = Run(settings, n_images, copies)
    best = copy_of(run.network)
    history = History()
    saved = load_checkpoint(checkpoint) if checkpoint else None
    if saved and saved["settings"] != asdict(settings):
        print(f"{checkpoint}: saved with other settings, starting afresh", file=sys.stderr)
    elif saved:
        run.network, best, run.optimizer.velocity = saved["network"], saved["best"], saved["velocity"]
        history, run.epoch = History(**saved["history"]), saved["epoch"]
        print(f"{name}: resuming after epoch {run.epoch} from {checkpoint}")

    while not run.finished:
        epoch, began, costs = run.epoch, time.perf_counter(), []
        while run.epoch == epoch:
            copy_index, image_index = run.next_batch(n_images)
            costs.append(run.step(as_inputs(data.pool[copy_index, image_index]), data.labels[image_index]))
            if len(costs) % 50 == 1:
                done = len(costs) / run.batches_per_epoch
                text = f"loss {np.mean(costs):.4f}"
                print(progress_bar(name, epoch + 1, settings.epochs, done, text), end="", flush=True)

        if not np.isfinite(costs[-1]):
            raise FloatingPointError(f"{name}: the cost became {costs[-1]} in epoch {epoch + 1}")
        validation = accuracy(run.network, data.validation_inputs, data.validation_labels)
        if validation > max(history.validation_accuracy, default=-1.0):
            best = copy_of(run.network)
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
                    "epoch": run.epoch,
                    "network": run.network,
                    "best": best,
                    "velocity": run.optimizer.velocity,
                    "history": asdict(history),
                },
            )
    return best, history
