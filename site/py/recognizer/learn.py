"""Teaching: personal copies of the networks learn a person's own hand from the drawings they correct.

A person says what a drawing really was; that drawing becomes an example (x, y). Each network keeps a personal
copy, with weights theta, of its shipped weights theta_0, and each new example moves it a few steps of gradient
descent on

    C(theta) = mean cross-entropy over a minibatch  +  (rho / 2) ||theta - theta_0||^2

Each step's minibatch mixes three kinds of drawing, every one distorted as training distorted its digits
(augment.py: affine, elastic, stroke thickness), so that one drawing stands for the many ways the person might
draw it again:
- copies of the newest example: it is learned at once;
- copies of examples drawn from all those kept: a later correction does not undo an earlier one;
- rehearsal digits, MNIST training digits shipped with the site (rehearsal.npz): the networks keep reading the
  digits they learned from. Without them a single example drags every answer towards its digit (measured in
  docs/teaching.md).
The penalty (L2-SP: Li, Grandvalet and Davoine 2018) pulls the copy back towards the shipped weights, so over
many corrections it moves only as far as the person's hand needs: its gradient is rho (theta - theta_0), added
to backpropagation's.

Teaching is deterministic: the random generator of the n-th example is seeded by n alone, so the same examples
in the same order always give the same personal copies (a new version of the site re-learns them from its own
networks).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .augment import SIZE, augment
from .backprop import MomentumSGD, gradients
from .digitfiles import digits_from_bytes
from .network import Network
from .preprocess import Strokes, frame_images, to_network_input


@dataclass(frozen=True)
class Teaching:
    """How a correction is learned: the one place these settings live (chosen on the training writers: README)."""

    steps: int = 8  # gradient steps per new example
    newest: int = 4  # of each step's batch: distorted copies of the newest example,
    kept: int = 8  # of examples drawn from all those kept,
    rehearsal: int = 36  # and of digits drawn from the rehearsal set (none if there is none)
    learning_rate: float = 0.0015
    momentum: float = 0.9
    anchor: float = 0.1  # rho: how strongly the copy is pulled back to the shipped weights
    seed: int = 1234


# --- the rehearsal digits: MNIST training digits shipped with the site (python -m train rehearsal) -------------

REHEARSAL_FILE = "rehearsal.npz"  # at the site's top, beside index.html
MOST_REHEARSAL = 10_000  # digits the file may hold


def rehearsal_from_bytes(data: bytes, framings: set[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The rehearsal digits as each framing's inputs: {framing: (images (n, 784) float32, labels (n,))}.

    The file (an .npz of uint8 `images` (n, 28, 28) and `labels` (n,)) is verified from its headers before any
    array is read; ValueError with one line when it is not such a file."""
    images, labels = digits_from_bytes(data, REHEARSAL_FILE, MOST_REHEARSAL)
    n = len(labels)
    if set(labels.tolist()) != set(range(10)):
        raise ValueError(f"{REHEARSAL_FILE} does not hold every digit 0..9")
    inputs = images.reshape(n, SIZE * SIZE).astype(np.float32) / np.float32(255)
    return {framing: (frame_images(inputs, framing), labels.astype(np.int64)) for framing in framings}


# --- learning ------------------------------------------------------------------------------------------


def example_input(strokes: Strokes, framing: str) -> np.ndarray:
    """The drawing as a network of that framing sees it, or ValueError when it is too blank to learn from."""
    x = to_network_input(strokes, framing)
    if x is None:
        raise ValueError("too little ink to learn from: draw a whole digit")
    return x


def distorted_batches(
    images: np.ndarray, labels: np.ndarray, rehearsal, rng: np.random.Generator, settings: Teaching
) -> tuple[np.ndarray, np.ndarray]:
    """(steps, batch, 784) distorted drawings and their (steps, batch) labels: in each batch, copies of the
    newest example (the last of `images`), of examples drawn from all, and of rehearsal digits.

    rehearsal: (images (m, 784), labels (m,)) or None. All copies are made in one call: augment is vectorised."""
    steps = settings.steps
    picks = np.concatenate(
        [np.full((steps, settings.newest), len(labels) - 1), rng.integers(0, len(labels), (steps, settings.kept))],
        axis=1,
    )
    originals, targets = images[picks.ravel()], labels[picks.ravel()]
    if rehearsal is not None and settings.rehearsal:
        chosen = rng.integers(0, len(rehearsal[1]), (steps, settings.rehearsal))
        originals = np.concatenate([originals.reshape(steps, -1, SIZE * SIZE), rehearsal[0][chosen]], axis=1)
        targets = np.concatenate([targets.reshape(steps, -1), rehearsal[1][chosen]], axis=1)
    batch = originals.size // (steps * SIZE * SIZE)
    copies = augment(originals.reshape(-1, SIZE, SIZE), rng).reshape(steps, batch, SIZE * SIZE)
    return copies, targets.reshape(steps, batch)


def anchored_gradients(
    network: Network, shipped: Network, x: np.ndarray, labels: np.ndarray, anchor: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Backpropagation's gradients of the cross-entropy, plus rho (theta - theta_0) for every weight and bias."""
    grad_w, grad_b, _ = gradients(network, x, labels, l2=0.0)
    rho = np.float32(anchor)
    for grads, mine, theirs in ((grad_w, network.weights, shipped.weights), (grad_b, network.biases, shipped.biases)):
        for g, p, p0 in zip(grads, mine, theirs, strict=True):
            g += rho * (p - p0)
    return grad_w, grad_b


def fine_tune(network: Network, shipped: Network, batches: np.ndarray, labels: np.ndarray, settings: Teaching) -> None:
    """A few steps of momentum SGD on the anchored cost, one per batch; `network` changes in place."""
    optimizer = MomentumSGD(network, settings.momentum)
    for x, y in zip(batches, labels, strict=True):
        grad_w, grad_b = anchored_gradients(network, shipped, x, y, settings.anchor)
        optimizer.step(network, grad_w, grad_b, settings.learning_rate)


def personal_copy(network: Network) -> Network:
    return copy.deepcopy(network)


class Personal:
    """Personal copies of the shipped networks, and the examples they learned, in the order taught."""

    def __init__(
        self, shipped: dict[str, Network], framings: dict[str, str], settings: Teaching = Teaching(), rehearsal=None
    ):
        self.shipped = shipped
        self.rehearsal = rehearsal  # {framing: (images (m, 784) float32, labels (m,))}, or None
        self.framings = framings  # network name -> framing of its inputs
        self.settings = settings
        self.networks = {name: personal_copy(network) for name, network in shipped.items()}
        self.strokes: list[Strokes] = []  # every example's drawing, in the order taught
        self.labels: list[int] = []
        # Each framing's inputs of the first examples; the rest are drawn when a lesson needs them (rendered()).
        self.inputs: dict[str, list[np.ndarray]] = {framing: [] for framing in set(framings.values())}

    def remember(self, strokes: Strokes, label: int) -> None:
        """Keep an example for rehearsal without learning from it (the copies already have: restored ones). It is
        drawn only when a later lesson needs it, so restoring copies costs no drawing at all."""
        self.strokes.append(strokes)
        self.labels.append(int(label))

    def rendered(self, framing: str) -> np.ndarray:
        """Every example as a network of this framing sees it, (n, 784), drawing those not drawn yet."""
        inputs = self.inputs[framing]
        inputs.extend(example_input(strokes, framing) for strokes in self.strokes[len(inputs) :])
        return np.array(inputs)

    def teach(self, strokes: Strokes, label: int) -> None:
        """Learn one more example: every personal copy takes settings.steps steps towards reading it as label."""
        new = {framing: example_input(strokes, framing) for framing in self.inputs}  # all drawn before any change
        for framing, x in new.items():
            self.rendered(framing)
            self.inputs[framing].append(x)
        self.remember(strokes, label)
        labels = np.array(self.labels)
        batches = {}  # one set of copies for all the networks of a framing
        for framing in self.inputs:
            rng = np.random.default_rng((self.settings.seed, len(labels)))
            rehearsal = self.rehearsal[framing] if self.rehearsal else None
            batches[framing] = distorted_batches(self.rendered(framing), labels, rehearsal, rng, self.settings)
        for name, network in self.networks.items():
            fine_tune(network, self.shipped[name], *batches[self.framings[name]], self.settings)
