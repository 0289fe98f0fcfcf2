"""One entry of models.json, verified field by field: what is wrong is one line naming the field and its value.

Each field has a test its value must pass (FIELDS); an entry with a bad field disables its network alone.
"""

from __future__ import annotations

import math
import re

from .network import ACTIVATIONS
from .preprocess import FRAMINGS

MANIFEST = "models.json"
MOST_WEIGHTS = 4_000_000  # weights and biases a network may have (16 MB as float32; B4 has 363,000)


class WeightsError(Exception):
    """A weight file or manifest entry that cannot be used; the message is one line naming the problem."""


def shown(value) -> str:
    """A value as an error message quotes it: its repr, on one line, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_text(value) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) and len(value) <= 40 and value.isprintable()


def is_layers(value, outputs: int = 10) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(is_count(n) and n > 0 for n in value)
        and value[0] == 784
        and value[-1] == outputs
        and sum((n_in + 1) * n_out for n_in, n_out in zip(value[:-1], value[1:], strict=True)) <= MOST_WEIGHTS
    )


def is_training_record(value) -> bool:
    """trained_on as publish writes it: {"sets": [{name, images, writers?}], "augmentation"?, "images_per_epoch"?}."""
    if not isinstance(value, dict):
        return False
    sets, augmentation = value.get("sets", []), value.get("augmentation", {"copies": 0, "kinds": []})
    return (
        isinstance(sets, list)
        and all(isinstance(s, dict) and is_text(s.get("name")) and is_count(s.get("images")) for s in sets)
        and all(is_count(s.get("writers", 0)) for s in sets)
        and isinstance(augmentation, dict)
        and is_count(augmentation.get("copies"))
        and isinstance(augmentation.get("kinds"), list)
        and all(is_text(kind) for kind in augmentation["kinds"])
        and is_count(value.get("images_per_epoch", 0))
    )


# Every field models.json's entries may have: (required, the test its value must pass, what the test asks).
FIELDS = {
    "name": (True, is_text, "a name of 1 to 40 printable characters"),
    "file": (True, lambda v: isinstance(v, str) and re.fullmatch(r"[\w.-]+\.npz", v), "a file name ending .npz"),
    "layers": (True, is_layers, f"a list of layer sizes from 784 to 10 with at most {MOST_WEIGHTS:,} weights"),
    "activation": (True, lambda v: v in ACTIVATIONS, f"one of {', '.join(ACTIVATIONS)}"),
    "framing": (True, lambda v: v in FRAMINGS, f"one of {', '.join(FRAMINGS)}"),
    "colour": (False, lambda v: isinstance(v, str) and re.fullmatch(r"[a-z]+", v), "a colour's name"),
    "test_accuracy": (False, lambda v: is_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "temperature": (False, lambda v: is_number(v) and v > 0, "a positive number"),
    "sha256": (False, lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v), "64 hexadecimal digits"),
    "trained_on": (False, is_training_record, "a record of data sets, images and augmentation"),
}


def entry_problems(entry) -> dict[str, str]:
    """What is wrong with each field of one models.json entry, by field: {} for a good entry."""
    if not isinstance(entry, dict):
        return {"entry": f"{MANIFEST}: an entry is {shown(entry)}, not an object"}
    problems = {}
    for field, (required, test, expected) in FIELDS.items():
        if field not in entry:
            if required:
                problems[field] = f"{MANIFEST}: {field} missing"
        elif not test(entry[field]):
            problems[field] = f"{MANIFEST}: {field} {shown(entry[field])} is not {expected}"
    return problems


def verify_entry(entry) -> None:
    """WeightsError naming the first thing wrong with one models.json entry, if anything is."""
    problems = entry_problems(entry)
    if problems:
        raise WeightsError(next(iter(problems.values())))
