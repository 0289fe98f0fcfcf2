"""The shipped networks: every network models.json lists, loaded or disabled with its reason, and the digit check.

`load_shipped` reads them all once; what the page shows of each (its button, the key to the colours) is made
here from models.json's own fields, so that the page never states a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .digitlike import Check, load_check, read_check_entry
from .models import WeightsError, load_listed
from .network import Network

VOTE = "vote"
CHECK = "check"  # the digit check's entry among the networks' (no network in models.json may take the name)


@dataclass
class Shipped:
    """What models.json lists, as loaded: the networks that read, and why the others did not load."""

    networks: dict[str, Network] = field(default_factory=dict)  # the networks that loaded, by name
    entries: dict[str, dict] = field(default_factory=dict)  # every network listed, loaded or not, and the check's
    failures: dict[str, str] = field(default_factory=dict)  # why a listed network did not load
    check: Check | None = None  # whether a drawing is a digit at all; None when it did not load
    check_failure: str = ""  # why it did not load

    def framing_of(self, name: str) -> str:
        """How a network's input is framed, as models.json says."""
        return self.entries[name]["framing"]

    def framings(self) -> dict[str, str]:
        """Each loaded network's framing of its inputs."""
        return {name: self.framing_of(name) for name in self.networks}


def load_shipped(weights_dir: str | Path) -> tuple[Shipped, dict]:
    """Every network models.json lists, each ready or disabled with a one-line reason of its own, and the status
    the page shows of them. A missing or unreadable models.json, or one listing no networks, raises
    models.WeightsError: then nothing can be read."""
    listed = load_listed(weights_dir, taken=frozenset({VOTE, CHECK}))
    shipped = Shipped(
        networks={model.name: model.network for model in listed if model.network},
        entries={model.name: model.entry for model in listed},
        failures={model.name: model.reason for model in listed if not model.network},
    )
    try:
        shipped.entries[CHECK] = read_check_entry(weights_dir)
        shipped.check = load_check(weights_dir, shipped.entries[CHECK])
    except WeightsError as e:  # then every drawing counts as a digit, as before there was a check
        shipped.check_failure = str(e)
    models = [
        {**describe(model.name, model.entry), "ok": model.network is not None, "reason": model.reason}
        for model in listed
    ]
    check = {"ok": shipped.check is not None, "reason": shipped.check_failure}
    status = {"models": models, "key": colour_key(models), "ready": sorted(shipped.networks), "check": check}
    return shipped, status


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

    entry: the fields of its models.json entry that passed verification (entries.entry_problems); every value
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
