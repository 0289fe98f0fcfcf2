"""Your own network: trained in the page, from scratch, on MNIST's digits, by the Run that trained B1-B4.

The page fetches MNIST in parts (builder/digits.py) and hands each to a Trainer as it arrives (digitfiles.Digits);
training starts on the first, in a Session (session.py) that the worker runs slice by slice. When it stops, the
network is written as the shipped ones are (models.py: int8 weights), read back, scored again on the test digits
and its temperature fitted on 5,000 validation digits it never learned from: then it is "Yours", and reads
drawings beside B1-B4 (app.py). Every answer is JSON-able.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .choice import HIDDEN, NEURONS, PART, choice_from, defaults, hidden_allowed
from .digitfiles import Digits
from .entries import WeightsError, verify_entry
from .models import MOST_BYTES, array_headers, file_head, network_from_bytes, network_to_bytes, sha256_bytes
from .network import Network
from .session import GRID, Session, chunk_rows
from .shipped import describe
from .temperature import DECIMALS, fit_temperature

NAME = "yours"  # its key among the networks, and the button's data-model
COLOUR = "orange"  # its button's colour: neither the original's blue nor its green
MOST_PART_BYTES = PART * 800 + 65_536  # a part's images and labels, with room for the zip's headers
MOST_FILE_BYTES = MOST_BYTES  # a weights file, as models.py allows
SCORED = ("validation", "test")  # the digits a network is scored on before it is yours


@dataclass
class Yours:
    network: Network
    entry: dict  # as a models.json entry: name, layers, framing, test accuracy, temperature, sha256
    data: bytes  # its file, in the shipped networks' format
    in_vote: bool = False


class Finishing:
    """A network on its way to being yours, kept as the shipped ones are: written in their format and read back,
    then its outputs z computed on the 5,000 validation and 10,000 test digits a chunk at a time (work(seconds), so
    that the worker answers drawings in between), its temperature fitted on the first and its accuracy counted on
    the second. ValueError until those digits have arrived."""

    def __init__(self, network: Network, trained_on: dict | None, digits: Digits):
        self.scored = {kind: digits.needed(kind) for kind in SCORED}
        self.data = network_to_bytes(network)
        self.entry = {"name": "Yours", "file": "yours.npz", "layers": network.layers, "activation": "relu"}
        self.entry |= {"framing": "mnist", "colour": COLOUR, **({"trained_on": trained_on} if trained_on else {})}
        self.network = network_from_bytes(self.data, self.entry)
        self.logits: dict[str, list[np.ndarray]] = {kind: [] for kind in SCORED}

    def done(self, kind: str) -> int:
        return sum(map(len, self.logits[kind]))

    def progress(self) -> dict:
        return {"scored": sum(map(self.done, SCORED)), "of": sum(len(labels) for _, labels in self.scored.values())}

    def work(self, seconds: float) -> Yours | None:
        """Score for about `seconds` (a chunk at least): yours once every digit is scored, else None (call again)."""
        deadline = time.perf_counter() + seconds
        worked = False
        for kind in SCORED:
            x, _ = self.scored[kind]
            while (start := self.done(kind)) < len(x):
                if worked and time.perf_counter() > deadline:
                    return None
                self.logits[kind].append(self.network.logits(x[start : start + chunk_rows(self.network.layers)]))
                worked = True
        z = {kind: np.concatenate(self.logits[kind]) for kind in SCORED}
        labels = {kind: self.scored[kind][1] for kind in SCORED}
        self.network.temperature = round(fit_temperature(z["validation"], labels["validation"]), DECIMALS)
        accuracy = float((z["test"].argmax(axis=1) == labels["test"]).mean())
        self.entry |= {"temperature": self.network.temperature, "test_accuracy": round(accuracy, 4)}
        self.entry["sha256"] = sha256_bytes(self.data)
        return Yours(self.network, self.entry, self.data)


def finished_network(network: Network, trained_on: dict | None, digits: Digits) -> Yours:
    """Your network, finished at once (where nothing waits on it: the training benchmark)."""
    return Finishing(network, trained_on, digits).work(math.inf)


def network_of_file(data: bytes) -> Network:
    """A network from a weights file (the shipped format: w_i, s_i, b_i), its layers read from the headers and
    held to the rule of what yours may be (layers_problem) before any array is read; ValueError with one line when
    it is damaged, foreign, not a digit network, or larger than yours may be."""
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
    problem = layers_problem(layers)
    if problem:
        raise ValueError(problem)
    try:
        return network_from_bytes(data, {"name": "the file", "layers": layers, "activation": "relu"})
    except WeightsError as e:
        raise ValueError(str(e)) from None


def layers_problem(layers: list[int]) -> str | None:
    """What keeps a network of these layers from being yours, or None: the one rule for a network trained here, an
    imported one and a stored one alike (what the form allows: choice.py)."""
    if hidden_allowed(layers[1:-1]):
        return None
    allowed = f"{HIDDEN[0]} to {HIDDEN[1]} hidden layers of {NEURONS[0]} to {NEURONS[1]} neurons"
    return f"a {'-'.join(map(str, layers))} network cannot be yours: yours has {allowed}"


class Trainer:
    """The digits as they arrive, the training session, and your network: what "Train your own" asks of Python.

    Each call answers with the training's status ({"training": ...}) where it has one, and your network as its
    button shows it ({"yours": ...}, None without one)."""

    def __init__(self):
        self.digits = Digits()
        self.session: Session | None = None
        self.made: Session | None = None  # the session whose network is yours
        self.yours: Yours | None = None
        self.finishing: Finishing | None = None  # the session's network, being measured before it becomes yours
        self.importing: Finishing | None = None  # an imported network, the same

    # --- the digits ---------------------------------------------------------------------------------------

    def defaults(self) -> dict:
        """The form's defaults and limits (choice.py)."""
        return defaults()

    def add_part(self, kind: str, path: str) -> dict:
        """One part of the digits, from the file the worker wrote; ValueError naming it when it is damaged."""
        return self.digits.add(kind, file_head(path, MOST_PART_BYTES))

    def grid(self) -> dict:
        """The test digits of the grid, as 784 pixels each (0..255), with their labels: sent to the page once."""
        inputs, labels = self.digits.needed("test")
        return {"images": np.rint(inputs[:GRID] * 255).astype(int).tolist(), "labels": labels[:GRID].tolist()}

    # --- training -----------------------------------------------------------------------------------------

    def start(self, fields: dict) -> dict:
        """A new session with the form's fields (replacing any other); ValueError for a field not allowed."""
        self.session = Session(choice_from(fields), self.digits)
        return self.status()

    def train(self, seconds: float, pictures: bool = False) -> dict:
        """Train for about `seconds`. Once the session has finished, its network is kept and measured (Finishing),
        slice by slice as well, and then it is yours."""
        session = self.session
        if session is None:
            raise ValueError("nothing is training: press Start")
        deadline = time.perf_counter() + seconds
        try:
            session.work(seconds)
        finally:
            if session.finished and not session.failed and self.made is not session:
                self.finish(session)
        if self.finishing is not None:
            mine = self.finishing.work(deadline - time.perf_counter())
            if mine is not None:
                self.finishing = None
                self.make_current(mine)
        return self.status(pictures)

    def stop(self) -> dict:
        """Stop training where it is: the network as it is now is measured (train goes on doing that), then it is
        yours. Stopped before its first step (the digits still arriving), the session is dropped and yours stays
        as it was."""
        session = self.session
        if session is None or session.failed:
            raise ValueError("nothing is training")
        if session.images == 0:
            self.session = None
            return self.status()
        if self.made is not session:  # not finished already
            session.stopped = True
            self.finish(session)
        return self.status()

    def finish(self, session: Session) -> None:
        """The session's network, on its way to being yours."""
        choice = session.choice
        trained_on = {"sets": [{"name": "MNIST", "images": choice.digits}], "images_per_epoch": choice.digits}
        self.finishing = Finishing(session.run.network, trained_on, self.digits)
        self.made = session

    def status(self, pictures: bool = False) -> dict:
        if self.session is None:
            return {"training": {"state": "idle"}, **self.button()}
        status = self.session.status(pictures)
        if status["waiting"] and status["state"] == "training":
            status["state"] = "loading"
        if self.finishing is not None:  # trained, and being measured: not done until it is yours
            status |= {"state": "training", "finishing": self.finishing.progress()}
        return {"training": status, **self.button()}

    # --- your network -------------------------------------------------------------------------------------

    def button(self) -> dict:
        """Your network as its button shows it (shipped.describe), and whether it votes; None without one."""
        if self.yours is None:
            return {"yours": None}
        button = {**describe(NAME, self.yours.entry), "label": "Yours", "ok": True, "in_vote": self.yours.in_vote}
        return {"yours": button}

    def make_current(self, yours: Yours) -> None:
        """Make `yours` the network of yours (in the vote if the one before was)."""
        yours.in_vote = self.yours.in_vote if self.yours else False
        self.yours = yours

    def vote(self, on: bool) -> dict:
        if self.yours is None:
            raise ValueError("no network of yours to put in the vote")
        self.yours.in_vote = bool(on)
        return self.button()

    def import_file(self, path: str) -> dict:
        """Your network from a weights file (as exported): verified whole, then scored and fitted as a trained one
        is, slice by slice (score); ValueError with one line, and nothing changes, when the file is damaged or
        foreign."""
        network = network_of_file(file_head(path, MOST_FILE_BYTES))
        self.importing = Finishing(network, None, self.digits)
        return {"importing": self.importing.progress()}

    def score(self, seconds: float) -> dict:
        """Score the network being imported for about `seconds`; once it is scored, it is yours."""
        if self.importing is None:
            raise ValueError("nothing is being imported")
        mine = self.importing.work(seconds)
        if mine is None:
            return {"importing": self.importing.progress()}
        self.importing = None
        self.make_current(mine)
        return {"importing": None, **self.button()}

    def restore(self, path: str, entry: dict) -> dict:
        """Your network as this browser stored it: its file and its entry (verified, the file by its sha256)."""
        data = file_head(path, MOST_FILE_BYTES)
        try:
            verify_entry(entry)
            problem = layers_problem(entry["layers"])
            if problem:
                raise WeightsError(problem)
            network = network_from_bytes(data, entry)
        except WeightsError as e:
            raise ValueError(f"your stored network could not be used: {e}") from None
        self.make_current(Yours(network, entry, data))
        return self.button()

    def export(self, path: str) -> dict:
        """Write your network's file to path; its entry (stored beside it, so a reload needs no digits)."""
        if self.yours is None:
            raise ValueError("no network of yours to export")
        with open(path, "wb") as file:
            file.write(self.yours.data)
        return {"entry": self.yours.entry}

    def forget(self) -> dict:
        self.yours = None
        return self.button()
