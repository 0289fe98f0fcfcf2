"""What the page's worker calls: load the networks once, then read drawings. Answers are JSON-able dicts.

Every press runs all the networks that loaded (each is well under a millisecond), so the page can show
their four answers side by side, and the vote is the average of their probabilities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .chart import pie_chart
from .models import load_models, read_manifest
from .network import Network, vote
from .preprocess import Strokes, to_network_input

VOTE = "vote"
_networks: dict[str, Network] = {}
_entries: dict[str, dict] = {}


def describe(entry: dict) -> str:
    """The button's label: architecture, training set and test accuracy."""
    layers = "-".join(map(str, entry["layers"]))
    trained_on = entry["trained_on"].split(" (")[0].split(",")[0]
    if "pen-drawn" in entry["trained_on"]:
        trained_on += " + pen-drawn digits"
    return f"{layers}, {trained_on}, {100 * entry['test_accuracy']:.2f}% on MNIST test"


def load(weights_dir: str | Path) -> dict:
    """Load every network in the manifest; report each as ready or disabled with its reason."""
    networks, failures = load_models(weights_dir)
    _networks.clear()
    _networks.update(networks)
    _entries.clear()
    _entries.update({entry["name"]: entry for entry in read_manifest(weights_dir)})
    return {
        "models": [
            {"name": name, "label": describe(entry), "ok": name in networks, "reason": failures.get(name, "")}
            for name, entry in _entries.items()
        ]
    }


def recognize(model: str, strokes: Strokes) -> dict:
    """The answer of `model` (a network's name or "vote") for the drawing, with all networks' answers."""
    if model != VOTE and model not in _networks:
        reason = "unknown network" if model not in _entries else "its weights could not be loaded"
        raise ValueError(f"{model}: {reason}")
    if not _networks:
        raise ValueError("no network is loaded")
    inputs = {framing: to_network_input(strokes, framing) for framing in {e["framing"] for e in _entries.values()}}
    if all(x is None for x in inputs.values()):
        return {"state": "idle", "strokes": len(strokes)}
    probabilities = {
        name: network.probabilities(inputs[_entries[name]["framing"]]) for name, network in _networks.items()
    }
    probabilities[VOTE] = vote(list(probabilities.values()))
    chosen = probabilities[model]
    framing = _entries[model]["framing"] if model != VOTE else _entries[next(iter(_networks))]["framing"]
    return {
        "state": "done",
        "model": model,
        "digit": int(chosen.argmax()),
        "probs": [round(float(p), 5) for p in chosen],
        "input": np.round(inputs[framing], 3).tolist(),
        "chart_svg": pie_chart(chosen.tolist(), f"{model} reads"),
        "answers": {name: int(p.argmax()) for name, p in probabilities.items()},
        "strokes": len(strokes),
    }
