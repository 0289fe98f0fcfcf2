"""A training session in the page: the Run that trained B1-B4 (training.py), in slices, and what the page shows.

The worker calls work(seconds) again and again, so it answers drawings in between: each slice takes steps of
training.Run, every minibatch distorted first when asked (augment.py, as B1-B4's were). After each epoch the
network is scored on the 10,000 test digits and on 1,000 of its training digits, in chunks, slice by slice.
"""

from __future__ import annotations

import time

import numpy as np

from .augment import augment
from .choice import Choice
from .digitfiles import Digits, as_inputs
from .network import Network
from .training import Run, accuracy, product_flops, product_operands, products_seconds, update_flops

CHUNK_PRODUCTS = 10_000_000  # multiply-adds scored at once: about 10 ms in the page, whatever the network
TRAIN_SAMPLE = 1_000  # training digits scored after each epoch
GRID = 48  # test digits shown with the network's current answers
FILTERS = 16  # first-layer neurons whose weights are shown as pictures
CURVE = 300  # most points of the loss curve
SMOOTHING = 0.98  # of the loss shown: an average over about the last 50 steps
SAMPLE = 20  # every SAMPLE-th step, the same matrix products alone are timed too, and by NumPy's own matmul


def chunk_rows(layers: list[int]) -> int:
    """How many digits one chunk of scoring holds, for a network of these layers."""
    return max(1, CHUNK_PRODUCTS // sum(n_in * n_out for n_in, n_out in zip(layers[:-1], layers[1:], strict=True)))


class Session:
    """A training run in the page, in slices; it keeps what the page shows: the loss curve, every epoch's
    accuracies, the speed."""

    def __init__(self, choice: Choice, digits: Digits):
        self.choice = choice
        self.digits = digits  # what it learns from and is scored on, as the parts arrive
        self.run = Run(choice.settings, choice.digits)
        self.curve: list[float] = []  # the smoothed loss, every `stride` steps
        self.stride = max(1, self.run.batches_per_epoch * choice.settings.epochs // CURVE)
        self.average = 0.0  # of the losses, each step's weighing 1 - SMOOTHING and earlier ones less and less
        self.loss: float | None = None  # that average, unbiased: about the last 50 steps' loss
        self.history: list[dict] = []  # after each epoch: its loss and accuracies
        self.scoring: dict | None = None  # while an epoch is being scored: how far
        self.images = 0  # trained on
        self.seconds = 0.0  # spent training (scoring not counted)
        layers, batch = list(choice.settings.layers), choice.settings.batch_size
        self.product_flops = product_flops(layers, batch)  # of a whole minibatch's matrix products,
        self.step_flops = self.product_flops + update_flops(layers)  # and of its whole step
        self.operands = product_operands(layers, batch, np.random.default_rng(0))
        # The matrix products timed alone: how many steps' worth, in how many seconds by the page's product
        # (linalg.product) and by NumPy's matmul.
        self.products = [0, 0.0, 0.0]
        self.stopped = False
        self.failed = False  # the loss became infinite or not a number: nothing to keep

    @property
    def finished(self) -> bool:
        return self.stopped or (self.run.finished and self.scoring is None)

    def work(self, seconds: float) -> None:
        """Train (or score the epoch just ended) for about `seconds`, then return."""
        deadline = time.perf_counter() + seconds
        while not self.finished and time.perf_counter() < deadline:
            if self.scoring is not None:
                self.score_chunk()
            elif not self.step():
                return  # waiting for the first part of the digits

    def step(self) -> bool:
        """One minibatch step; False when no training digits have arrived yet."""
        available = min(self.digits.arrived(), self.choice.digits)
        if available == 0:
            return False
        began = time.perf_counter()
        _, rows = self.run.next_batch(available)
        x, labels = batch_inputs(self.digits, rows, self.run, self.choice)
        epoch = self.run.epoch
        cost = self.run.step(x, labels)
        if not np.isfinite(cost):
            self.stopped = self.failed = True
            raise ValueError(f"the loss became {cost} in epoch {epoch + 1}: try a smaller learning rate")
        steps = self.run.epoch * self.run.batches_per_epoch + self.run.batch  # done, this one included
        self.average = SMOOTHING * self.average + (1 - SMOOTHING) * cost
        self.loss = self.average / (1 - SMOOTHING**steps)  # as if the average had started at the first loss
        if self.run.epoch == epoch and steps % self.stride == 0:
            self.curve.append(round(self.loss, 4))
        self.images += len(labels)
        self.seconds += time.perf_counter() - began
        if steps % SAMPLE == 1 and len(labels) == self.choice.settings.batch_size:
            self.products[0] += 1
            self.products[1] += products_seconds(self.operands)
            self.products[2] += products_seconds(self.operands, multiply=np.matmul)
        if self.run.epoch != epoch:
            self.curve.append(round(self.loss, 4))
            self.scoring = {"epoch": epoch + 1, "loss": round(self.loss, 4), "test": 0, "right": 0}
        return True

    def score_chunk(self) -> None:
        """Score the next chunk of test digits; after the last, 1,000 training digits, and the epoch is recorded."""
        scoring = self.scoring
        x, labels = self.digits.needed("test")
        if scoring["test"] < len(labels):
            rows = slice(scoring["test"], scoring["test"] + chunk_rows(self.run.network.layers))
            scoring["right"] += int((self.run.network.predict(x[rows]) == labels[rows]).sum())
            scoring["test"] += len(labels[rows])
            return
        train_x, train_labels = self.digits.training(min(TRAIN_SAMPLE, self.choice.digits, self.digits.arrived()))
        self.history.append(
            {
                "epoch": scoring["epoch"],
                "loss": scoring["loss"],
                "train_accuracy": round(accuracy(self.run.network, train_x, train_labels), 4),
                "test_accuracy": round(scoring["right"] / len(labels), 4),
            }
        )
        self.scoring = None

    def status(self, pictures: bool = False) -> dict:
        """What the page shows now; with pictures, the first layer's weights too (about 40 KB of JSON)."""
        settings = self.choice.settings
        speed = self.images / self.seconds if self.seconds else 0.0
        steps, products_time, matmul_time = self.products
        left = (settings.epochs * self.run.epoch_size - self.images) / speed if speed else None
        out = {
            "state": "error" if self.failed else "done" if self.finished else "training",
            "stopped": self.stopped and not self.failed,  # by the person, before its last epoch
            "epoch": self.run.epoch,
            "epochs": settings.epochs,
            "step": self.run.epoch * self.run.batches_per_epoch + self.run.batch,
            "steps": settings.epochs * self.run.batches_per_epoch,
            "stride": self.stride,
            "loss": None if self.loss is None else round(self.loss, 4),
            "curve": self.curve,
            "history": self.history,
            "images_per_second": round(speed),
            # Training's rate, counting each step's products and update, beside the products' rate alone.
            "gflops": round(speed / settings.batch_size * self.step_flops / 1e9, 3),
            "products_gflops": gflops(steps * self.product_flops, products_time),
            "matmul_gflops": gflops(steps * self.product_flops, matmul_time),
            "seconds_left": None if left is None or self.finished else round(max(left, 0.0), 1),
            "waiting": self.digits.arrived() == 0,
            "scoring": self.scoring["epoch"] if self.scoring else None,  # the epoch being scored, if one is
        }
        if "test" in self.digits.scored:
            out["grid"] = self.run.network.predict(self.digits.needed("test")[0][:GRID]).tolist()
        if pictures:
            out["filters"] = first_layer_pictures(self.run.network)
        return out


def gflops(flops: int, seconds: float) -> float | None:
    return round(flops / seconds / 1e9, 3) if seconds else None


def batch_inputs(digits: Digits, rows: np.ndarray, run: Run, choice: Choice) -> tuple[np.ndarray, np.ndarray]:
    """The minibatch's inputs and labels; distorted, when chosen, by a generator of (seed, epoch, step) alone, so
    a run gives the same network however its slices fall."""
    images, labels = digits.images[rows], digits.labels[rows]
    if choice.distort:
        rng = np.random.default_rng([run.settings.seed, run.epoch, run.batch, 1])
        return augment(images, rng).reshape(len(rows), -1), labels
    return as_inputs(images), labels


def first_layer_pictures(network: Network) -> list[list[int]]:
    """The incoming weights of the first FILTERS hidden neurons, each as 784 numbers in -127..127 (its largest
    magnitude at the end of the range): pictures of what each neuron looks for."""
    w = network.weights[0][:, :FILTERS].T
    most = np.abs(w).max(axis=1, keepdims=True)
    return np.rint(127 * w / np.where(most > 0, most, 1)).astype(int).tolist()
