"""Where each network goes wrong: what the page's "Where it goes wrong" asks of Python, through api.py's "lab.*"
calls. The Lab holds the sets of test digits (testsets.py: MNIST's test digits, as images; the held-out writers'
pen digits, as strokes) and what each network made of them: its probabilities and its last hidden layer, scored
in the page a batch at a time (Lab.score) by the forward pass that reads drawings. The maths is errors.py's. The
vote's answer is the average of its networks' probabilities, and its "layer" for the map is theirs side by side.
The networks are the shipped ones, and yours when there is one: what teaching changed is not scored.
"""

from __future__ import annotations

import binascii
import time

import numpy as np

from .errors import confusion, disagreements, fisher_axes, in_cell, nearest, principal_axes, recall
from .examples import drawing_problem
from .inside import inside
from .network import Network, vote
from .preprocess import to_network_input
from .shipped import VOTE
from .testsets import BATCH, TestSet, read_set

MAP_DIGITS = 2_000  # the first this many of a set are placed on the map
SHOWN = 48  # digits shown of a cell at a time
NEIGHBOURS = 5  # nearest test digits to the drawing, in the map's layer
PROJECTIONS = ("pca", "fisher")
TRAINING = "training"  # the map's name for the network training in "Train your own", as it is after each epoch


def base64(levels: np.ndarray) -> str:
    return binascii.b2a_base64(levels.astype(np.uint8).tobytes(), newline=False).decode("ascii")


def same(made: list, now: list) -> bool:
    """Whether what an answer was made of (networks, a session, its epochs) is what it would be made of now: the
    same objects, and the same counts."""
    return len(made) == len(now) and all(a is b or (type(a) is int and a == b) for a, b in zip(made, now, strict=True))


class Lab:
    """What the page's "Where it goes wrong" asks of Python: the sets of test digits that have arrived, each
    network's probabilities and last hidden layer on them (scored a batch at a time), and the maps drawn."""

    def __init__(self, reader):
        self.reader = reader
        self.sets: dict[str, TestSet] = {}
        self.scored: dict[tuple[str, str], tuple[Network, list]] = {}  # (set, name) -> (network, [(probs, hidden)])
        self.answered: dict[tuple[str, str], tuple] = {}  # (set, model) -> (networks, probabilities, hidden, norms)
        self.maps: dict[tuple, tuple] = {}  # (set, model, projection) -> (networks, mean, axes, low, span, points)

    def add_set(self, kind: str, path: str) -> dict:
        """Keep a set of test digits from its file (testsets.read_set); ValueError with one line when it is damaged
        or no such set."""
        self.sets[kind] = read_set(kind, path)
        for store in (self.scored, self.answered, self.maps):  # what was made of the set it replaces
            for key in [key for key in store if key[0] == kind]:
                del store[key]
        return {"set": kind, "digits": len(self.sets[kind].labels)}

    def networks(self) -> tuple[dict[str, Network], list[str]]:
        """The networks the lab scores (the shipped ones, and yours) and those the vote averages."""
        return self.reader.with_yours(self.reader.networks)

    def members(self, model: str) -> dict[str, Network]:
        """The networks an answer of `model` is made of: itself, or for the vote its voters."""
        networks, voters = self.networks()
        if model == VOTE:
            return {name: networks[name] for name in voters}
        if model not in networks:
            raise ValueError(f"{model}: no such network (known: {', '.join([*networks, VOTE])})")
        return {model: networks[model]}

    def set_of(self, kind: str) -> TestSet:
        if kind not in self.sets:
            raise ValueError(f"the {kind} digits have not arrived")
        return self.sets[kind]

    def inputs_of(self, kind: str, name: str) -> np.ndarray:
        """A set's digits as the network `name` sees them (its framing), framed once per framing."""
        return self.set_of(kind).inputs(self.reader.framing_of(name))

    def scored_so_far(self, kind: str, name: str, network: Network) -> list:
        """The batches of (probabilities, hidden layer) scored of a set by this network (none if it has changed)."""
        found = self.scored.get((kind, name))
        return found[1] if found and found[0] is network else []

    def left(self) -> dict[tuple[str, str], int]:
        """How many digits of each set each network has still to read (its changes make it read them again)."""
        networks, _ = self.networks()
        counts = {
            (kind, name): len(test.labels) - sum(len(p) for p, _ in self.scored_so_far(kind, name, network))
            for kind, test in self.sets.items()
            for name, network in networks.items()
        }
        return {pair: n for pair, n in counts.items() if n}

    def score(self, seconds: float = 0.2) -> dict:
        """Score the networks on the sets, a batch at a time, for about `seconds`: how far it has got, in digits
        framed and read."""
        networks, _ = self.networks()
        start = time.perf_counter()
        while (left := self.left()) and time.perf_counter() - start < seconds:
            kind, name = next(iter(left))
            network = networks[name]
            parts = self.scored_so_far(kind, name, network)
            self.scored[kind, name] = network, parts
            done = sum(len(p) for p, _ in parts)
            test, framing = self.sets[kind], self.reader.framing_of(name)
            if test.frame(framing, done + BATCH):
                hidden = network.hidden(test.framed[framing][0][done : done + BATCH])
                parts.append((network.from_hidden(hidden), hidden))
        framings = {self.reader.framing_of(name) for name in networks}
        size = sum(len(test.labels) for test in self.sets.values())
        framed = sum(test.framed.get(framing, [None, 0])[1] for test in self.sets.values() for framing in framings)
        left = sum(self.left().values())
        done = framed + size * len(networks) - left
        return {"state": "scoring" if left else "done", "done": done, "total": size * (len(networks) + len(framings))}

    def answers(self, model: str, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probabilities (n, 10), last hidden layer (n, h), its rows' squared norms) of `model` on a set; for the
        vote, the average of its networks' probabilities and their layers side by side. ValueError until they are
        scored. Kept until a network changes."""
        members = self.members(model)
        self.set_of(kind)
        left = self.left()
        if any((kind, name) in left for name in members):
            raise ValueError(f"{model} has not read the {kind} digits yet")
        kept = self.answered.get((kind, model))
        if kept is None or not same(kept[0], list(members.values())):
            parts = {name: self.scored[kind, name][1] for name in members}
            probabilities = {name: np.concatenate([p for p, _ in part]) for name, part in parts.items()}
            hidden = np.concatenate([np.concatenate([h for _, h in part]) for part in parts.values()], axis=1)
            chosen = vote(list(probabilities.values())) if model == VOTE else probabilities[model]
            norms = (hidden.astype(np.float64) ** 2).sum(axis=1)
            kept = self.answered[kind, model] = list(members.values()), chosen, hidden, norms
        return kept[1:]

    def matrix(self, model: str, set: str = "mnist") -> dict:
        """The confusion matrix of `model` on a set: counts[true][answer], its accuracy and each digit's recall."""
        probabilities = self.answers(model, set)[0]
        counts = confusion(self.set_of(set).labels, probabilities.argmax(axis=1))
        return {
            "model": model,
            "set": set,
            "digits": int(counts.sum()),
            "counts": counts.tolist(),
            "accuracy": round(float(np.trace(counts) / counts.sum()), 6),
            "recall": [round(float(r), 6) for r in recall(counts)],
        }

    def card(self, kind: str, index: int, probabilities: np.ndarray) -> dict:
        """One test digit as the page lists it: its index, true digit, its 784 grey levels as bytes in base64 (a
        pen digit's: as the first network sees it), its strokes (a pen digit's), and the answer with its
        probability. Base64 because the page lists dozens at a time: a fifth of the JSON of a list of numbers."""
        test = self.set_of(kind)
        answer = int(probabilities[index].argmax())
        if test.images is not None:
            shown = {"image": base64(test.images[index])}
        else:
            first = next(iter(self.networks()[0]))
            grey = np.rint(self.inputs_of(kind, first)[index] * 255).astype(np.uint8)
            shown = {"image": base64(grey), "strokes": test.drawings[index]}
        return {
            "index": int(index),
            "label": int(test.labels[index]),
            **shown,
            "answer": answer,
            "probability": round(float(probabilities[index, answer]), 6),
        }

    def cell(self, model: str, set: str, truth: int, answer: int, start: int = 0, count: int = SHOWN) -> dict:
        """The digits `truth` that `model` read as `answer`, the surest first: `count` of them from `start`."""
        probabilities = self.answers(model, set)[0]
        found = in_cell(self.set_of(set).labels, probabilities, int(truth), int(answer))
        shown = found[max(int(start), 0) : max(int(start), 0) + min(int(count), 10 * SHOWN)]
        return {"total": len(found), "start": int(start), "digits": [self.card(set, i, probabilities) for i in shown]}

    def digit(self, model: str, set: str, index: int) -> dict:
        """One test digit as `model` reads it, with what every network (and the vote) reads and each network's heat
        map of why it reads its answer (inside.py's)."""
        labels = self.set_of(set).labels
        index = int(index)
        if not 0 <= index < len(labels):
            raise ValueError(f"no test digit {index} in the {set} set")
        networks, _ = self.networks()
        readers = []
        for name in [*networks, VOTE]:
            read = self.card(set, index, self.answers(name, set)[0])
            why = (
                inside(networks[name], self.inputs_of(set, name)[index], read["answer"])["why"] if name != VOTE else []
            )
            readers.append({"model": name, "answer": read["answer"], "probability": read["probability"], "why": why})
        return {"model": model, **self.card(set, index, self.answers(model, set)[0]), "readers": readers}

    def disagree(self, a: str, b: str, set: str = "mnist", count: int = SHOWN) -> dict:
        """How many digits a reads right and b wrong, and the other way round, with the first `count` of each."""
        truth = self.set_of(set).labels
        pa, pb = self.answers(a, set)[0], self.answers(b, set)[0]
        a_only, b_only = disagreements(truth, pa.argmax(axis=1), pb.argmax(axis=1))
        return {
            "a": a,
            "b": b,
            "set": set,
            "a_only": len(a_only),
            "b_only": len(b_only),
            "a_digits": [self.card(set, i, pb) for i in a_only[:count]],  # each with b's wrong answer
            "b_digits": [self.card(set, i, pa) for i in b_only[:count]],  # each with a's wrong answer
        }

    def layer(self, model: str, set: str) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
        """(what it was made of, probabilities, last hidden layer, its squared norms) of the digits the map and the
        nearest digits come from: every digit of the set for a network or the vote; for the network training in
        "Train your own" (TRAINING), the first MAP_DIGITS, as it is after its latest epoch."""
        if model != TRAINING:
            return list(self.members(model).values()), *self.answers(model, set)
        session = self.reader.trainer.session
        if session is None or session.finished:
            raise ValueError("no network is training: start one in “Train your own”")
        made = [session, len(session.history)]
        kept = self.answered.get((set, model))
        if kept is None or not same(kept[0], made):
            network = session.run.network
            test = self.set_of(set)
            while not test.frame("mnist", MAP_DIGITS):
                pass
            hidden = network.hidden(test.framed["mnist"][0][:MAP_DIGITS])
            norms = (hidden.astype(np.float64) ** 2).sum(axis=1)
            kept = self.answered[set, model] = made, network.from_hidden(hidden), hidden, norms
        return kept

    def projection(self, model: str, set: str, kind: str) -> tuple:
        """(mean, axes, low, span, points (m, 2) in 0..1) of the map of `model`'s layer on a set's first
        MAP_DIGITS, made once for the networks as they are."""
        if kind not in PROJECTIONS:
            raise ValueError(f"{kind}: no such projection (known: {', '.join(PROJECTIONS)})")
        made, _, hidden, _ = self.layer(model, set)
        key = (set, model, kind)
        if key not in self.maps or not same(self.maps[key][0], made):
            layer, labels = hidden[:MAP_DIGITS], self.set_of(set).labels[:MAP_DIGITS]
            mean, axes = principal_axes(layer) if kind == "pca" else fisher_axes(layer, labels)
            placed = (layer - mean) @ axes
            low, span = placed.min(axis=0), np.maximum(np.ptp(placed, axis=0), 1e-12)
            self.maps[key] = (made, mean, axes, low, span, (placed - low) / span)
        return self.maps[key][1:]

    def map(self, model: str, set: str = "mnist", projection: str = "pca") -> dict:
        """The first MAP_DIGITS digits of a set placed by a projection of `model`'s last hidden layer, in 0..1 (y
        up), with their true digits; for TRAINING, with the epochs it has trained."""
        points = self.projection(model, set, projection)[4]
        return {
            "model": model,
            "set": set,
            "projection": projection,
            "points": np.round(points, 4).tolist(),
            "labels": self.set_of(set).labels[: len(points)].tolist(),
            **({"epochs": self.layer(model, set)[0][1]} if model == TRAINING else {}),
        }

    def locate(self, model: str, strokes, set: str = "mnist", projection: str = "pca") -> dict:
        """Where the drawing lands on the map (its layer projected as the digits' are: x, y in 0..1, which may fall
        outside), and its NEIGHBOURS nearest test digits in that layer; {"state": "idle"} for a blank drawing."""
        problem = drawing_problem(strokes)
        if problem:
            raise ValueError(problem)
        mean, axes, low, span, _ = self.projection(model, set, projection)
        networks = {TRAINING: self.reader.trainer.session.run.network} if model == TRAINING else self.members(model)
        # The drawing framed once for each framing its networks use.
        framings = {name: "mnist" if name == TRAINING else self.reader.framing_of(name) for name in networks}
        inputs = {framing: to_network_input(strokes, framing) for framing in dict.fromkeys(framings.values())}
        if any(x is None for x in inputs.values()):
            return {"state": "idle", "model": model}
        layer = np.concatenate([network.hidden(inputs[framings[name]]) for name, network in networks.items()])
        x, y = ((layer - mean) @ axes - low) / span
        _, probabilities, hidden, norms = self.layer(model, set)
        closest = nearest(hidden, layer, NEIGHBOURS, norms)
        return {
            "state": "done",
            "model": model,
            "x": round(float(x), 4),
            "y": round(float(y), 4),
            "neighbours": [self.card(set, i, probabilities) for i in closest],
        }
