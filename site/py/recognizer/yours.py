"""Your own network: trained in the page, from scratch, on MNIST's digits, by the Run that trained B1-B4.

The page fetches MNIST in parts (builder/digits.py) and hands each to `add_part` as it arrives; training starts
on the first. A `Session` trains in slices (`work(seconds)`), so the worker answers drawings in between: each
slice takes steps of training.Run, every minibatch distorted first when asked (augment.py, as B1-B4's were).
After each epoch the network is scored on the 10,000 test digits and on 1,000 of its training digits, in
chunks, slice by slice. When it stops, the network is written as the shipped ones are (models.py: int8 weights),
read back, scored again on the test digits and its temperature fitted on 5,000 validation digits it never
learned from: then it is "Yours", and reads drawings beside B1-B4 (app.py). Everything is JSON-able.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .augment import augment
from .digitfiles import digits_from_bytes
from .models import (
    MOST_BYTES,
    WeightsError,
    array_headers,
    check_entry,
    network_from_bytes,
    network_to_bytes,
    sha256_bytes,
)
from .network import Network
from .temperature import temperature_of
from .training import Run, Settings, accuracy, product_flops, product_operands, products_seconds, update_flops

NAME = "yours"  # its key among the networks, and the button's data-model
PART = 10_000  # most digits in one part
TRAINING_PARTS = 5  # train-1 .. train-5: MNIST's first 50,000 training digits
KINDS = [f"train-{i}" for i in range(1, TRAINING_PARTS + 1)] + ["validation", "test"]
CHUNK = 500  # digits scored at once after an epoch: a chunk takes a few milliseconds
TRAIN_SAMPLE = 1_000  # training digits scored after each epoch
GRID = 48  # test digits shown with the network's current answers
FILTERS = 16  # first-layer neurons whose weights are shown as pictures
CURVE = 300  # most points of the loss curve
SMOOTHING = 0.98  # of the loss shown: an average over about the last 50 steps
SAMPLE = 10  # every SAMPLE-th step, the same matrix products alone are timed too: NumPy's own rate, measured here
COLOUR = "orange"  # its button's colour: neither the original's blue nor its green
MOST_PART_BYTES = PART * 800 + 65_536  # a part's images and labels, with room for the zip's headers
MOST_FILE_BYTES = MOST_BYTES  # a weights file, as models.py allows

# What a visitor may choose: (least, most) of each field.
LIMITS = {
    "epochs": (1, 100),
    "digits": (100, TRAINING_PARTS * PART),
    "rate": (1e-4, 1.0),
    "l2": (0.0, 0.01),
    "batch": (1, 1000),
    "seed": (0, 2**31 - 1),
}
HIDDEN = (1, 4)  # hidden layers
NEURONS = (10, 400)  # in each
DEFAULTS = {"layers": "100,10", "epochs": 5, "digits": 50_000, "rate": 0.1, "l2": 2e-5, "batch": 128}
DEFAULTS |= {"distort": False, "seed": 1}  # B1's layers: 97.5% on MNIST's test digits in 5 epochs (README)


# --- the digits, part by part ---------------------------------------------------------------------------------

_training = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64)  # every training part, in place as it arrives
_parts: set[str] = set()  # the kinds that have arrived
_scored: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # validation and test: (inputs (n, 784), labels)


def add_part(kind: str, data: bytes) -> dict:
    """Keep one part of the digits; ValueError with one line naming it when it is damaged or foreign."""
    global _training
    if kind not in KINDS:
        raise ValueError(f"{kind}: not a part of the digits (known: {', '.join(KINDS)})")
    images, labels = digits_from_bytes(data, f"digits/{kind}.npz", PART)
    if kind in KINDS[TRAINING_PARTS:]:
        _scored[kind] = as_inputs(images), labels.astype(np.int64)
    else:
        if len(_training[1]) == 0:  # room for them all at once: a step never copies the digits
            _training = np.zeros((TRAINING_PARTS * PART, 28, 28), np.uint8), np.zeros(TRAINING_PARTS * PART, np.int64)
        if len(labels) != PART:
            raise ValueError(f"digits/{kind}.npz holds {len(labels):,} digits, not {PART:,}")
        first = KINDS.index(kind) * PART
        _training[0][first : first + PART], _training[1][first : first + PART] = images, labels
    _parts.add(kind)
    return parts_status()


def parts_status() -> dict:
    return {"parts": sorted(_parts, key=KINDS.index), "training_digits": arrived_training_digits()}


def arrived_training_digits() -> int:
    """How many training digits have arrived in order, from the first part (a later one waits for those before)."""
    count = 0
    for kind in KINDS[:TRAINING_PARTS]:
        if kind not in _parts:
            break
        count += PART
    return count


def training_digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n training digits (arrived), as inputs (n, 784) float32 in [0, 1] and labels."""
    return as_inputs(_training[0][:n]), _training[1][:n]


def as_inputs(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1).astype(np.float32) * np.float32(1 / 255)


def needed(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The validation or test digits as inputs and labels; ValueError until they have arrived."""
    if kind not in _scored:
        raise ValueError(f"the {kind} digits have not arrived")
    return _scored[kind]


# --- what a visitor chose -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    settings: Settings
    digits: int  # training digits learned from
    distort: bool  # each minibatch distorted as B1-B4's digits were


def number(fields: dict, name: str, kind: type) -> float:
    """A field of the form as a number within its limits; ValueError with one line saying what it must be."""
    least, most = LIMITS[name]
    value = fields.get(name, DEFAULTS[name])
    try:
        parsed = kind(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None or not least <= parsed <= most:
        raise ValueError(f"{name} must be {'a whole' if kind is int else 'a'} number from {least:g} to {most:g}")
    return parsed


def hidden_layers(text) -> tuple[int, ...]:
    """ "100,10" -> (100, 10); ValueError unless it is 1 to 4 layers of 10 to 400 neurons."""
    problem = f"layers must be {HIDDEN[0]} to {HIDDEN[1]} sizes of {NEURONS[0]} to {NEURONS[1]} neurons, like 100,10"
    try:
        sizes = tuple(int(size) for size in str(text).replace(" ", "").split(","))
    except ValueError:
        raise ValueError(problem) from None
    if not HIDDEN[0] <= len(sizes) <= HIDDEN[1] or not all(NEURONS[0] <= n <= NEURONS[1] for n in sizes):
        raise ValueError(problem)
    return sizes


def choice_from(fields: dict) -> Choice:
    """The form's fields (strings or numbers; a missing one takes its default) as a Choice, or ValueError with
    one line for the first field that is not allowed."""
    rate = number(fields, "rate", float)
    settings = Settings(
        layers=(784, *hidden_layers(fields.get("layers", DEFAULTS["layers"])), 10),
        epochs=int(number(fields, "epochs", int)),
        batch_size=int(number(fields, "batch", int)),
        learning_rate=rate,
        final_learning_rate=rate / 100,  # the cosine's end, as B1-B4's: a hundredth of the start
        l2=number(fields, "l2", float),
        seed=int(number(fields, "seed", int)),
    )
    return Choice(settings, int(number(fields, "digits", int)), bool(fields.get("distort", DEFAULTS["distort"])))


# --- a training session ---------------------------------------------------------------------------------------


class Session:
    """A training run in the page, in slices; it keeps what the page shows: the loss curve, every epoch's
    accuracies, the speed."""

    def __init__(self, choice: Choice):
        self.choice = choice
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
        self.products = [0, 0.0]  # the matrix products timed alone: how many steps' worth, in how many seconds
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
        available = min(arrived_training_digits(), self.choice.digits)
        if available == 0:
            return False
        began = time.perf_counter()
        _, rows = self.run.next_batch(available)
        x, labels = batch_inputs(rows, self.run, self.choice)
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
        if self.run.epoch != epoch:
            self.curve.append(round(self.loss, 4))
            self.scoring = {"epoch": epoch + 1, "loss": round(self.loss, 4), "test": 0, "right": 0}
        return True

    def score_chunk(self) -> None:
        """Score the next chunk of test digits; after the last, 1,000 training digits, and the epoch is recorded."""
        scoring = self.scoring
        x, labels = needed("test")
        if scoring["test"] < len(labels):
            rows = slice(scoring["test"], scoring["test"] + CHUNK)
            scoring["right"] += int((self.run.network.predict(x[rows]) == labels[rows]).sum())
            scoring["test"] += len(labels[rows])
            return
        train_x, train_labels = training_digits(min(TRAIN_SAMPLE, self.choice.digits, arrived_training_digits()))
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
        steps, products_time = self.products
        left = (settings.epochs * self.run.epoch_size - self.images) / speed if speed else None
        out = {
            "state": "error" if self.failed else "done" if self.finished else "training",
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
            "products_gflops": round(steps * self.product_flops / products_time / 1e9, 3) if products_time else None,
            "seconds_left": None if left is None or self.finished else round(max(left, 0.0), 1),
            "waiting": arrived_training_digits() == 0,
            "scoring": self.scoring["epoch"] if self.scoring else None,  # the epoch being scored, if one is
        }
        if "test" in _scored:
            out["grid"] = self.run.network.predict(needed("test")[0][:GRID]).tolist()
        if pictures:
            out["filters"] = first_layer_pictures(self.run.network)
        return out


def batch_inputs(rows: np.ndarray, run: Run, choice: Choice) -> tuple[np.ndarray, np.ndarray]:
    """The minibatch's inputs and labels; distorted, when chosen, by a generator of (seed, epoch, step) alone, so
    a run gives the same network however its slices fall."""
    images, labels = _training[0][rows], _training[1][rows]
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


def grid_digits() -> dict:
    """The test digits of the grid, as 784 pixels each (0..255), with their labels: sent to the page once."""
    inputs, labels = needed("test")
    return {"images": np.rint(inputs[:GRID] * 255).astype(int).tolist(), "labels": labels[:GRID].tolist()}


# --- your network ---------------------------------------------------------------------------------------------


@dataclass
class Yours:
    network: Network
    entry: dict  # as a models.json entry: name, layers, framing, test accuracy, temperature, sha256
    data: bytes  # its file, in the shipped networks' format
    in_vote: bool = False


_yours: Yours | None = None


def current() -> Yours | None:
    return _yours


def finished_network(network: Network, trained_on: dict | None) -> Yours:
    """Your network as the shipped ones are kept: written in their format and read back, then scored on the
    10,000 test digits and its temperature fitted on the validation digits (ValueError until they arrive)."""
    test_x, test_labels = needed("test")
    validation_x, validation_labels = needed("validation")
    data = network_to_bytes(network)
    entry = {"name": "Yours", "file": "yours.npz", "layers": network.layers, "activation": "relu", "framing": "mnist"}
    entry["colour"] = COLOUR
    shipped = network_from_bytes(data, entry)
    entry["temperature"] = temperature_of(shipped, validation_x, validation_labels)
    entry["test_accuracy"] = round(accuracy(shipped, test_x, test_labels), 4)
    entry["sha256"] = sha256_bytes(data)
    if trained_on:
        entry["trained_on"] = trained_on
    shipped.temperature = entry["temperature"]
    return Yours(shipped, entry, data)


def keep(yours: Yours) -> None:
    """Make `yours` the network of yours (in the vote if the one before was)."""
    global _yours
    yours.in_vote = _yours.in_vote if _yours else False
    _yours = yours


def network_of_file(data: bytes) -> Network:
    """A network from a weights file (the shipped format: w_i, s_i, b_i), its layers read from the headers;
    ValueError with one line when it is damaged, foreign, or not a digit network."""
    try:
        headers = array_headers(data)
    except Exception as e:  # zipfile and the .npy header reader raise several kinds for a damaged file
        raise ValueError(f"not a weights file: not a readable .npz ({type(e).__name__})") from None
    layers = []
    while f"w{len(layers)}" in headers:
        shape = headers[f"w{len(layers)}"][0]
        if len(shape) != 2 or (layers and layers[-1][1] != shape[0]):
            raise ValueError(f"not a weights file: w{len(layers)} has shape {shape}")
        layers.append(shape)
    layers = [layers[0][0], *(n_out for _, n_out in layers)] if layers else []
    if not layers or layers[0] != 784 or layers[-1] != 10:
        raise ValueError("not a digit network: its layers must go from 784 inputs to 10 outputs")
    try:
        return network_from_bytes(data, {"name": "the file", "layers": layers, "activation": "relu"})
    except WeightsError as e:
        raise ValueError(str(e)) from None


def forget() -> None:
    global _yours
    _yours = None


# --- what the page asks for (app.py wraps each in JSON) -------------------------------------------------------

_session: Session | None = None
_made: Session | None = None  # the session whose network is yours


def start(fields: dict) -> dict:
    """A new training session with the form's fields (replacing any other); ValueError for a field not allowed."""
    global _session
    _session = Session(choice_from(fields))
    return training_status()


def train(seconds: float, pictures: bool) -> dict:
    """Train for about `seconds`; once the session has finished, its network becomes yours."""
    if _session is None:
        raise ValueError("nothing is training: press Start")
    try:
        _session.work(seconds)
    finally:
        if _session.finished and not _session.failed and _made is not _session:
            make_yours(_session)
    return training_status(pictures)


def stop() -> dict:
    """Stop training where it is: the network as it is now becomes yours."""
    if _session is None or _session.failed:
        raise ValueError("nothing is training")
    _session.stopped = True
    if _made is not _session:
        make_yours(_session)
    return training_status()


def make_yours(session: Session) -> None:
    global _made
    choice = session.choice
    trained_on = {"sets": [{"name": "MNIST", "images": choice.digits}], "images_per_epoch": choice.digits}
    keep(finished_network(session.run.network, trained_on))
    _made = session


def training_status(pictures: bool = False) -> dict:
    if _session is None:
        return {"training": {"state": "idle"}}
    status = _session.status(pictures)
    if status["waiting"] and status["state"] == "training":
        status["state"] = "loading"
    return {"training": status}


def set_in_vote(on: bool) -> None:
    if _yours is None:
        raise ValueError("no network of yours to put in the vote")
    _yours.in_vote = bool(on)


def import_file(data: bytes) -> None:
    """Your network from a weights file (as exported): checked whole, then scored and fitted as a trained one is;
    ValueError with one line, and nothing changes, when the file is damaged or foreign."""
    keep(finished_network(network_of_file(data), None))


def restore(data: bytes, entry: dict) -> None:
    """Your network as this browser kept it: its file and its entry (checked, the file against its sha256)."""
    try:
        check_entry(entry)
        network = network_from_bytes(data, entry)
    except WeightsError as e:
        raise ValueError(f"your kept network could not be used: {e}") from None
    keep(Yours(network, entry, data))
