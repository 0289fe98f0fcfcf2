"""Reading a drawing: the shipped networks, the person's personal copies of them, and their own network.

Every press runs all the networks that loaded (each takes well under a millisecond), so the page can show
their answers side by side; the vote is the average of their probabilities. Every answer also says whether the
drawing looks like a digit at all (digitlike.py): one that does not is never called sure. A Reader holds what
reads: the shipped networks (shipped.py), the teaching (teach.py) and your network (yours.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chart import bar_chart, percent, pie_chart
from .digitlike import Check
from .examples import drawing_problem
from .inside import incoming, neuron_named, silenced_neurons, view, with_silenced
from .network import Network, vote
from .preprocess import Strokes, to_network_input
from .shipped import CHECK, VOTE, Shipped, load_shipped
from .teach import Teacher
from .yours import NAME as YOURS
from .yours import Trainer

NOT_A_DIGIT = "not a digit"  # what the pie of a drawing that is not digit-like says across it
SURE = 0.9  # below this probability for its answer the page says it is not sure (chosen in docs/results.md)
CANDIDATES = 3  # how many digits an answer lists, likeliest first


@dataclass
class Reading:
    """What every answer to a drawing starts from."""

    inputs: dict[str, np.ndarray]  # the drawing framed for the networks, by framing
    personal: dict[str, Network] | None  # the personal copies, when they answer
    quiet: dict[str, list]  # the silenced neurons, by network (inside.py)
    answering: dict[str, Network]  # the networks that answer: shipped or personal (and yours), silenced neurons silent
    voters: list[str]  # those the vote averages
    probabilities: dict[str, np.ndarray]  # each answering network's, and the vote's
    shown: dict[str, list[float]]  # the same, as the page shows them (6 decimals)


class Reader:
    def __init__(self):
        self.shipped = Shipped()
        self.teacher = Teacher(self.shipped)
        self.trainer = Trainer()

    def load(self, weights_dir: str | Path) -> dict:
        """Load every network models.json lists (shipped.load_shipped); what was taught for others is forgotten."""
        self.shipped, status = load_shipped(weights_dir)
        self.teacher.reset(self.shipped)
        return status

    @property
    def networks(self) -> dict[str, Network]:
        return self.shipped.networks

    def framing_of(self, name: str) -> str:
        """How a network's input is framed, as models.json (or for yours, its entry) says."""
        return self.entry_of(name)["framing"]

    def entry_of(self, name: str) -> dict:
        """A network's models.json entry (for yours, its own)."""
        return self.trainer.yours.entry if name == YOURS else self.shipped.entries[name]

    def with_yours(self, networks: dict[str, Network]) -> tuple[dict[str, Network], list[str]]:
        """The networks and yours, if there is one, and the names the vote averages: yours only when it votes."""
        mine = self.trainer.yours
        if mine is None:
            return networks, list(networks)
        return networks | {YOURS: mine.network}, [*networks, *([YOURS] if mine.in_vote else [])]

    def answers_of(self, networks: dict, inputs: dict, voters: list[str] | None = None) -> dict[str, np.ndarray]:
        """Each network's probabilities for the drawing (inputs by framing), and the vote's: of `voters`, or all."""
        probabilities = {name: net.probabilities(inputs[self.framing_of(name)]) for name, net in networks.items()}
        probabilities[VOTE] = vote([probabilities[name] for name in (voters or networks)])
        return probabilities

    def looks_like_a_digit(self, check: Check | None, inputs: dict[str, np.ndarray]) -> bool:
        """The digit check's judgement of the drawing (inputs by framing); without one, every drawing is a digit."""
        return check is None or bool(check.digit_like(inputs[self.shipped.framing_of(CHECK)])[0])

    def reading(self, model: str, strokes: Strokes, silenced: dict | None) -> Reading | None:
        """Every loaded network's probabilities for a drawing; None for a blank or nearly blank one. ValueError with
        one line for strokes that are not strokes, a network that is unknown or did not load, or a bad neuron."""
        problem = drawing_problem(strokes)
        if problem:
            raise ValueError(problem)
        shipped, mine = self.shipped, self.trainer.yours
        if model not in {*shipped.networks, VOTE, *([YOURS] if mine else [])}:
            if model in shipped.failures:
                raise ValueError(f"{model} is disabled: {shipped.failures[model]}")
            known = [name for name in shipped.entries if name != CHECK]
            raise ValueError(f"{model}: no such network (known: {', '.join([*known, VOTE])})")
        if not shipped.networks:
            raise ValueError("no network is loaded")
        framings = {**shipped.framings(), **({CHECK: shipped.framing_of(CHECK)} if shipped.check else {})}
        framings |= {YOURS: mine.entry["framing"]} if mine else {}
        inputs = {framing: to_network_input(strokes, framing) for framing in sorted(set(framings.values()))}
        if any(x is None for x in inputs.values()):
            return None
        personal = self.teacher.networks()
        networks, voters = self.with_yours(personal or shipped.networks)
        quiet = silenced_neurons(silenced or {}, networks)
        answering = with_silenced(networks, quiet)
        probabilities = self.answers_of(answering, inputs, voters)
        shown = {name: [round(float(p), 6) for p in probs] for name, probs in probabilities.items()}
        return Reading(inputs, personal, quiet, answering, voters, probabilities, shown)

    def recognize(self, model: str, strokes: Strokes, silenced: dict | None = None) -> dict:
        """The answer of `model` (a network's name or "vote") to a drawing, with every loaded network's answer.

        strokes: a list of strokes, each a list of (x, y) points in the drawing's pixels, y down; anything else
        raises ValueError. A blank or nearly blank drawing gives {"state": "idle"}; a network that is unknown or
        did not load raises ValueError. silenced: neurons that send nothing, by network ({"B2": ["1:17"]}:
        inside.py)."""
        read = self.reading(model, strokes, silenced)
        if read is None:
            return idle(model, strokes)
        inputs, personal, probabilities = read.inputs, read.personal, read.probabilities
        chosen = probabilities[model]
        digit_like = self.looks_like_a_digit(self.teacher.check() if personal else self.shipped.check, inputs)
        # The picture shown is the input of the chosen network; for the vote, of the first network (B1).
        seen_by = model if model != VOTE else next(iter(self.networks))
        title = {VOTE: "The vote", YOURS: "Yours"}.get(model, model)
        likeliest = np.argsort(-chosen, kind="stable")[:CANDIDATES]
        return {
            "state": "done",
            "model": model,
            "digit": int(chosen.argmax()),
            "probs": read.shown[model],
            "confidence": percent(float(chosen.max())),  # as the chart's legend writes it: one rounding rule
            "sure": bool(chosen.max() >= SURE) and digit_like,
            "digit_like": digit_like,
            "digit_like_of": dict.fromkeys(probabilities, digit_like),  # the one check judges every answer
            "candidates": [{"digit": int(d), "confidence": percent(float(chosen[d]))} for d in likeliest],
            "input": np.round(inputs[self.framing_of(seen_by)], 3).tolist(),
            "chart_svg": pie_chart(chosen.tolist(), f"{title} reads", "" if digit_like else NOT_A_DIGIT),
            "bars_svg": bar_chart(chosen.tolist(), f"{title}'s likeliest digits"),
            "answers": {name: int(p.argmax()) for name, p in probabilities.items()},
            "strokes": len(strokes),
            "personal": personal is not None,  # answered by the copies that learned the person's examples
            **({"shipped": self.shipped_answer(model, inputs, read.quiet)} if personal else {}),
            "silenced": {name: len(neurons) for name, neurons in read.quiet.items() if neurons},  # altered networks
        }

    def shipped_answer(self, model: str, inputs: dict[str, np.ndarray], quiet: dict) -> dict:
        """What the shipped networks (before any teaching; silenced neurons silent) read, beside the personal one."""
        networks, voters = self.with_yours(self.networks)
        chosen = self.answers_of(with_silenced(networks, quiet), inputs, voters)[model]
        digit_like = self.looks_like_a_digit(self.shipped.check, inputs)
        return {
            "digit": int(chosen.argmax()),
            "confidence": percent(float(chosen.max())),
            "sure": bool(chosen.max() >= SURE) and digit_like,
            "digit_like": digit_like,
        }

    def inside(self, model: str, strokes: Strokes, silenced: dict | None = None) -> dict:
        """What happens inside `model` as it reads the drawing (inside.view, each network with its own framing of
        it), explaining the answer recognize() gives; {"state": "idle"} for a blank drawing. Errors as recognize's."""
        read = self.reading(model, strokes, silenced)
        if read is None:
            return idle(model, strokes)
        shown = read.answering if model != VOTE else {name: read.answering[name] for name in read.voters}
        own = {name: read.inputs[self.framing_of(name)] for name in shown}
        answer = {"digit": int(read.probabilities[model].argmax()), "probs": read.shown}
        return {"state": "done", "strokes": len(strokes), **view(model, shown, own, read.quiet, answer)}

    def neuron(self, network: str, neuron: str) -> dict:
        """What a hidden neuron of the answering network looks for (inside.incoming)."""
        networks = self.teacher.networks() or self.networks
        if network not in networks:
            raise ValueError(f"no network {network} is loaded")
        return {"network": network, **incoming(networks[network], neuron_named(neuron, networks[network]))}


def idle(model: str, strokes: Strokes) -> dict:
    """The answer, and the inside view, of a blank or nearly blank drawing."""
    return {"state": "idle", "model": model, "strokes": len(strokes)}


def loaded(weights_dir: str | Path) -> Reader:
    """A Reader of the networks in weights_dir (as the page's, loaded through api.py's "load")."""
    reader = Reader()
    reader.load(weights_dir)
    return reader
