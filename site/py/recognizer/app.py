"""What the page's worker calls: load the networks once, then read drawings. Answers are JSON-able dicts.

Every press runs all the networks that loaded (each takes well under a millisecond), so the page can show
their answers side by side; the vote is the average of their probabilities.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .chart import bar_chart, percent, pie_chart
from .models import WeightsError, load_listed, shown
from .network import Network, vote
from .preprocess import Strokes, to_network_input

VOTE = "vote"
SURE = 0.9  # below this probability for its answer the page says it is not sure (chosen in docs/results.md)
CANDIDATES = 3  # how many digits an answer lists, likeliest first
_networks: dict[str, Network] = {}  # the networks that loaded, by name
_entries: dict[str, dict] = {}  # every network models.json lists, loaded or not
_failures: dict[str, str] = {}  # why a listed network did not load


def data_sets(trained_on: dict) -> str:
    """The data sets a network learned from, as models.json lists them: "MNIST + pen digits"."""
    return " + ".join(data_set["name"] for data_set in trained_on.get("sets", [])) or "unknown data"


def training_summary(trained_on: dict) -> str:
    """Its data sets and how many images it saw an epoch: "MNIST + pen digits, 54,996 images an epoch"."""
    per_epoch = trained_on.get("images_per_epoch")
    return data_sets(trained_on) + (f", {per_epoch:,} images an epoch" if per_epoch else "")


def training_details(trained_on: dict) -> str:
    """Everything models.json says about a network's training data, in one sentence."""
    parts = []
    for data_set in trained_on.get("sets", []):
        writers = f" by {data_set['writers']} writers" if "writers" in data_set else ""
        parts.append(f"{data_set['name']} ({data_set['images']:,} digits{writers})")
    text = " + ".join(parts) or "unknown data"
    augmentation = trained_on.get("augmentation")
    if augmentation:
        text += f", each in {augmentation['copies']} distorted versions ({', '.join(augmentation['kinds'])})"
    per_epoch = trained_on.get("images_per_epoch")
    return text + (f"; {per_epoch:,} images an epoch" if per_epoch else "")


def describe(name: str, entry: dict) -> dict:
    """What the page shows about a network: its architecture, colour, training data and test accuracy.

    entry: the fields of its models.json entry that passed their checks (models.entry_problems); every value
    shown is a string, empty or "untested" for a field that is missing."""
    layers = "-".join(map(str, entry.get("layers", [])))
    accuracy = f"{100 * entry['test_accuracy']:.2f}%" if "test_accuracy" in entry else "untested"
    trained_on = entry.get("trained_on", {})
    return {
        "name": name,
        "layers": layers,
        "colour": entry.get("colour", ""),
        "accuracy": accuracy,
        "trained_on": training_summary(trained_on),
        "details": training_details(trained_on),
    }


def colour_key(described: list[dict]) -> list[dict]:
    """The key to the buttons' colours: for each colour, its networks and what they were trained on."""
    key = {}
    for model in described:
        group = key.setdefault(model["colour"], {"colour": model["colour"], "names": [], "trained_on": []})
        group["names"].append(model["name"])
        if model["trained_on"] not in group["trained_on"]:
            group["trained_on"].append(model["trained_on"])
    return [{**group, "trained_on": "; ".join(group["trained_on"])} for group in key.values()]


def load(weights_dir: str | Path) -> dict:
    """Load every network models.json lists: each is ready, or disabled with a one-line reason of its own.

    A missing or unreadable models.json, or one listing no networks, raises models.WeightsError: then nothing
    can be read."""
    listed = load_listed(weights_dir, taken=frozenset({VOTE}))
    _entries.clear()
    _entries.update({model.name: model.entry for model in listed})
    _networks.clear()
    _networks.update({model.name: model.network for model in listed if model.network})
    _failures.clear()
    _failures.update({model.name: model.reason for model in listed if not model.network})
    models = [
        {**describe(model.name, model.entry), "ok": model.network is not None, "reason": model.reason}
        for model in listed
    ]
    return {"models": models, "key": colour_key(models), "ready": sorted(_networks)}


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_drawing(strokes) -> None:
    """ValueError with one line unless strokes is a list of strokes, each a list of (x, y) pairs of numbers."""
    if not isinstance(strokes, list | tuple):
        raise ValueError(f"a drawing is a list of strokes, not {shown(strokes)}")
    for i, stroke in enumerate(strokes, 1):
        if not isinstance(stroke, list | tuple):
            raise ValueError(f"stroke {i} is {shown(stroke)}, not a list of (x, y) points")
        for j, point in enumerate(stroke, 1):
            if not (isinstance(point, list | tuple) and len(point) == 2 and all(map(is_number, point))):
                raise ValueError(f"stroke {i}, point {j} is {shown(point)}, not an (x, y) pair of numbers")


def recognize(model: str, strokes: Strokes) -> dict:
    """The answer of `model` (a network's name or "vote") to a drawing, with every loaded network's answer.

    strokes: a list of strokes, each a list of (x, y) points in the drawing's pixels, y down; anything else
    raises ValueError. A blank or nearly blank drawing gives {"state": "idle"}; a network that is unknown or did
    not load raises ValueError.
    """
    check_drawing(strokes)
    if model != VOTE and model not in _networks:
        if model in _failures:
            raise ValueError(f"{model} is disabled: {_failures[model]}")
        raise ValueError(f"{model}: no such network (known: {', '.join([*_entries, VOTE])})")
    if not _networks:
        raise ValueError("no network is loaded")
    framings = {_entries[name]["framing"] for name in _networks}
    inputs = {framing: to_network_input(strokes, framing) for framing in sorted(framings)}
    if any(x is None for x in inputs.values()):
        return {"state": "idle", "model": model, "strokes": len(strokes)}
    probabilities = {
        name: network.probabilities(inputs[_entries[name]["framing"]]) for name, network in _networks.items()
    }
    probabilities[VOTE] = vote(list(probabilities.values()))
    chosen = probabilities[model]
    # The picture shown is the input of the chosen network; for the vote, of the first network (B1).
    seen_by = model if model != VOTE else next(iter(_networks))
    title = "The vote" if model == VOTE else model
    likeliest = np.argsort(-chosen, kind="stable")[:CANDIDATES]
    return {
        "state": "done",
        "model": model,
        "digit": int(chosen.argmax()),
        "probs": [round(float(p), 6) for p in chosen],
        "confidence": percent(float(chosen.max())),  # as the chart's legend writes it: one rounding rule
        "sure": bool(chosen.max() >= SURE),
        "candidates": [{"digit": int(d), "confidence": percent(float(chosen[d]))} for d in likeliest],
        "input": np.round(inputs[_entries[seen_by]["framing"]], 3).tolist(),
        "chart_svg": pie_chart(chosen.tolist(), f"{title} reads"),
        "bars_svg": bar_chart(chosen.tolist(), f"{title}'s likeliest digits"),
        "answers": {name: int(p.argmax()) for name, p in probabilities.items()},
        "strokes": len(strokes),
    }


# --- JSON in, JSON out: what the page's worker calls, so no Python object crosses into JavaScript ---------


def load_json(weights_dir: str) -> str:
    """load() as JSON; {"error": reason} when models.json itself is unusable (then nothing can be read)."""
    try:
        return json.dumps(load(weights_dir))
    except WeightsError as error:
        return json.dumps({"error": str(error)})


def recognize_json(model: str, strokes: str) -> str:
    """recognize() with the strokes and the answer as JSON."""
    return json.dumps(recognize(model, json.loads(strokes)))
