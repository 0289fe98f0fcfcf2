"""Your own network: trained in the page, from scratch, on MNIST's digits, by the Run that trained B1-B4.

The page fetches MNIST in parts (builder/digits.py) and hands each to a Trainer as it arrives (digitfiles.Digits);
training starts on the first, in a Session (session.py) that the worker runs slice by slice. When it stops, the
network is written as the shipped ones are (models.py: int8 weights), read back, scored again on the test digits
and its temperature fitted on 5,000 validation digits it never learned from: then it is "Yours", and reads
drawings beside B1-B4 (app.py). Every answer is JSON-able.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .choice import PART, choice_from, defaults
from .digitfiles import Digits
from .entries import WeightsError, verify_entry
from .models import MOST_BYTES, array_headers, file_head, network_from_bytes, network_to_bytes, sha256_bytes
from .network import Network
from .session import GRID, Session
from .shipped import describe
from .temperature import temperature_of
from .training import accuracy

NAME = "yours"  # its key among the networks, and the button's data-model
COLOUR = "orange"  # its button's colour: neither the original's blue nor its green
MOST_PART_BYTES = PART * 800 + 65_536  # a part's images and labels, with room for the zip's headers
MOST_FILE_BYTES = MOST_BYTES  # a weights file, as models.py allows


@dataclass
class Yours:
    network: Network
    entry: dict  # as a models.json entry: name, layers, framing, test accuracy, temperature, sha256
    data: bytes  # its file, in the shipped networks' format
    in_vote: bool = False


def finished_network(network: Network, trained_on: dict | None, digits: Digits) -> Yours:
    """Your network as the shipped ones are kept: written in their format and read back, then scored on the
    10,000 test digits and its temperature fitted on the validation digits (ValueError until they arrive)."""
    test_x, test_labels = digits.needed("test")
    validation_x, validation_labels = digits.needed("validation")
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


class Trainer:
    """The digits as they arrive, the training session, and your network: what "Train your own" asks of Python.

    Each call answers with the training's status ({"training": ...}) where it has one, and your network as its
    button shows it ({"yours": ...}, None without one)."""

    def __init__(self):
        self.digits = Digits()
        self.session: Session | None = None
        self.made: Session | None = None  # the session whose network is yours
        self.yours: Yours | None = None

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
        """Train for about `seconds`; once the session has finished, its network becomes yours."""
        session = self.session
        if session is None:
            raise ValueError("nothing is training: press Start")
        try:
            session.work(seconds)
        finally:
            if session.finished and not session.failed and self.made is not session:
                self.make_yours(session)
        return self.status(pictures)

    def stop(self) -> dict:
        """Stop training where it is: the network as it is now becomes yours."""
        if self.session is None or self.session.failed:
            raise ValueError("nothing is training")
        self.session.stopped = True
        if self.made is not self.session:
            self.make_yours(self.session)
        return self.status()

    def make_yours(self, session: Session) -> None:
        choice = session.choice
        trained_on = {"sets": [{"name": "MNIST", "images": choice.digits}], "images_per_epoch": choice.digits}
        self.make_current(finished_network(session.run.network, trained_on, self.digits))
        self.made = session

    def status(self, pictures: bool = False) -> dict:
        if self.session is None:
            return {"training": {"state": "idle"}, **self.button()}
        status = self.session.status(pictures)
        if status["waiting"] and status["state"] == "training":
            status["state"] = "loading"
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
        is; ValueError with one line, and nothing changes, when the file is damaged or foreign."""
        network = network_of_file(file_head(path, MOST_FILE_BYTES))
        self.make_current(finished_network(network, None, self.digits))
        return self.button()

    def restore(self, path: str, entry: dict) -> dict:
        """Your network as this browser stored it: its file and its entry (verified, the file by its sha256)."""
        data = file_head(path, MOST_FILE_BYTES)
        try:
            verify_entry(entry)
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
