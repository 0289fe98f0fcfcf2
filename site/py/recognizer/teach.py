"""Teaching in the page: the person's examples ("It was: 4"), kept in order, and the personal copies that learn them.

A Teacher holds one person's teaching for one set of shipped networks: the examples (examples.py verifies each and
writes their file), the rehearsal digits learning mixes in, and the copies (learn.Personal), which learn one
example per call of learn_next so that the page's other requests are answered in between. Until every example is
learned, the shipped networks answer.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict

import numpy as np

from .digitlike import Check
from .examples import examples_file, read_examples_file, valid_examples
from .learn import MOST_REHEARSAL, Personal, Teaching, rehearsal_from_bytes
from .models import file_head
from .network import Network
from .preprocess import to_network_input
from .shipped import CHECK, Shipped

MOST_REHEARSAL_BYTES = MOST_REHEARSAL * 800 + 65_536  # its images and labels, with room for the zip's headers


class Teacher:
    def __init__(self, shipped: Shipped | None = None):
        self.shipped = shipped or Shipped()
        self.examples: list[dict] = []  # every example kept, in the order taught
        self.learner: Personal | None = None  # the personal copies, learning the examples one at a time
        self.rehearsal: dict | None = None  # the rehearsal digits, by framing, once loaded

    def reset(self, shipped: Shipped) -> None:
        """Other shipped networks: nothing learned for the ones before holds, and the rehearsal is framed anew."""
        self.shipped, self.rehearsal = shipped, None
        self.forget()

    def networks(self) -> dict[str, Network] | None:
        """The personal copies once they have learned every example; until then (None) the shipped ones answer."""
        if self.examples and self.learner is not None and len(self.learner.labels) == len(self.examples):
            return self.learner.networks
        return None

    def check(self) -> Check | None:
        """The digit check for this person: a drawing near one of their examples is a digit (digitlike.py)."""
        check = self.shipped.check
        if check is None or self.networks() is None:
            return check
        framing = self.shipped.framing_of(CHECK)
        if framing not in self.learner.inputs:  # the examples are drawn in the networks' framings only
            return check.with_examples(np.stack([to_network_input(e["strokes"], framing) for e in self.examples]))
        return check.with_examples(self.learner.rendered(framing))

    def status(self) -> dict:
        """How many examples are kept (in all and per digit), and how many of them the copies have learned."""
        per_digit = [0] * 10
        for example in self.examples:
            per_digit[example["digit"]] += 1
        return {
            "examples": len(self.examples),
            "per_digit": per_digit,
            "learned": len(self.learner.labels) if self.learner else 0,
            "personal": self.networks() is not None,
        }

    def add(self, examples: list[dict]) -> dict:
        """Add examples ({"digit", "strokes"}) to learn, after verifying all of them (ValueError: none is added)."""
        self.examples.extend(valid_examples(examples))
        return self.status()

    def new_examples(self, text: str) -> dict:
        """The examples a file carries that are not added yet: {"examples": [...], "repeated": how many were};
        ValueError with one line when the file is refused."""
        examples = read_examples_file(text)
        known = {json.dumps(example, sort_keys=True) for example in self.examples}
        new = [example for example in examples if json.dumps(example, sort_keys=True) not in known]
        return {"examples": new, "repeated": len(examples) - len(new)}

    def examples_file(self) -> dict:
        """The text of a file carrying every example (examples.py), for the person to save."""
        return {"text": examples_file(self.examples)}

    def load_rehearsal(self, path: str) -> dict:
        """Read the rehearsal digits learning needs (learn.py); ValueError with one line if the file is bad."""
        data = file_head(path, MOST_REHEARSAL_BYTES)
        self.rehearsal = rehearsal_from_bytes(data, set(self.shipped.framings().values()))
        return {"digits": len(next(iter(self.rehearsal.values()))[1])}

    def new_learner(self) -> Personal:
        return Personal(self.shipped.networks, self.shipped.framings(), Teaching(), self.rehearsal)

    def learn_next(self) -> dict:
        """Teach the copies the first example they have not learned yet (made from the shipped networks at the
        first)."""
        if self.rehearsal is None:
            raise ValueError("the rehearsal digits are not loaded: nothing can be learned without them")
        if self.learner is None:
            self.learner = self.new_learner()
        self.learner.rehearsal = self.rehearsal  # restored copies were made before the rehearsal digits were loaded
        learned = len(self.learner.labels)
        if learned < len(self.examples):
            self.learner.teach(self.examples[learned]["strokes"], self.examples[learned]["digit"])
        return self.status()

    def forget(self) -> dict:
        """Forget every example and the copies: the shipped networks answer again."""
        self.examples.clear()
        self.learner = None
        return self.status()

    def key(self) -> str:
        """What copies are made from: the shipped networks' files and the teaching settings. Saved copies with
        another key were made for other networks (another version of the site) and are learned again."""
        networks = {name: self.shipped.entries[name].get("sha256", "") for name in sorted(self.shipped.networks)}
        return json.dumps({"networks": networks, "teaching": asdict(Teaching())}, sort_keys=True)

    def save(self, path: str) -> dict:
        """The copies, with the key and number of examples they were made from, as one .npz file at path."""
        if self.networks() is None:
            raise ValueError("no personal copies to save: every example must be learned first")
        arrays = {"key": np.array(self.key()), "examples": np.array(len(self.examples))}
        for name, network in self.learner.networks.items():
            for i, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
                arrays[f"{name}.w{i}"], arrays[f"{name}.b{i}"] = w, b
        with open(path, "wb") as file:
            np.savez(file, **arrays)
        return {}

    def restore(self, path: str) -> dict:
        """Use saved copies if they were made from these networks and exactly these examples: {"restored": False}
        (nothing changes) when they were not, or the file is damaged: then the examples are learned again."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["key"]) != self.key() or int(saved["examples"]) != len(self.examples):
                    return {"restored": False}
                copies = {name: restored_copy(name, net, saved) for name, net in self.shipped.networks.items()}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return {"restored": False}
        if not self.examples or None in copies.values():
            return {"restored": False}
        learner = self.new_learner()
        for example in self.examples:
            learner.remember(example["strokes"], example["digit"])
        learner.networks = copies
        self.learner = learner
        return {"restored": True}


def restored_copy(name: str, shipped: Network, saved) -> Network | None:
    """A personal copy of `shipped` from the saved arrays, or None when they do not have its shapes."""
    weights = [saved[f"{name}.w{i}"] for i in range(len(shipped.weights))]
    biases = [saved[f"{name}.b{i}"] for i in range(len(shipped.biases))]
    expected = [(p.shape, p.dtype) for p in shipped.weights + shipped.biases]
    if [(p.shape, p.dtype) for p in weights + biases] != expected:
        return None
    return Network(weights, biases, shipped.activation, shipped.temperature)
