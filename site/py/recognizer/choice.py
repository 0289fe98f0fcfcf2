"""What a visitor chose in "Train your own": the form's fields, each within its limits, as training's Settings.

A field that is not allowed is refused in one line naming the field and what it must be.
"""

from __future__ import annotations

from dataclasses import dataclass

from .training import Settings

PART = 10_000  # most digits in one part of the training digits (digitfiles.Digits)
TRAINING_PARTS = 5  # train-1 .. train-5: MNIST's first 50,000 training digits

# What a visitor may choose: (least, most) of each field.
LIMITS = {
    "epochs": (1, 100),
    "digits": (100, TRAINING_PARTS * PART),
    "rate": (1e-4, 1.0),
    "l2": (0.0, 0.01),
    "batch": (1, 1000),
    "seed": (0, 2**31 - 1),
}
# Each field's label, as the form shows it: what an error line names.
LABELS = {"layers": "Hidden layers", "epochs": "Epochs", "digits": "Training digits", "rate": "Learning rate"}
LABELS |= {"l2": "L2", "batch": "Batch size", "seed": "Seed"}
HIDDEN = (1, 4)  # hidden layers
NEURONS = (10, 400)  # in each
DEFAULTS = {"layers": "100,10", "epochs": 5, "digits": 50_000, "rate": 0.1, "l2": 2e-5, "batch": 128}
DEFAULTS |= {"distort": False, "seed": 1}  # B1's layers: 97.5% on MNIST's test digits in 5 epochs (README)


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
        whole = "a whole" if kind is int else "a"
        raise ValueError(f"{LABELS[name]} must be {whole} number from {plain(least)} to {plain(most)}")
    return parsed


def plain(number: float) -> str:
    """A limit as a person writes it: 2147483647, 0.0001, 0.01 (never 2.14748e+09 or 1e-04)."""
    return str(int(number)) if float(number).is_integer() else f"{number:f}".rstrip("0")


def hidden_allowed(sizes) -> bool:
    """Whether hidden layers of these sizes may be yours: 1 to 4 layers of 10 to 400 neurons (what the form allows,
    and all a network of yours may have, however it came)."""
    return HIDDEN[0] <= len(sizes) <= HIDDEN[1] and all(NEURONS[0] <= n <= NEURONS[1] for n in sizes)


def hidden_layers(text) -> tuple[int, ...]:
    """ "100,10" -> (100, 10); ValueError unless it is 1 to 4 layers of 10 to 400 neurons."""
    allowed = f"{HIDDEN[0]} to {HIDDEN[1]} sizes of {NEURONS[0]} to {NEURONS[1]} neurons"
    problem = f"{LABELS['layers']} must be {allowed}, like 100,10"
    try:
        sizes = tuple(int(size) for size in str(text).replace(" ", "").split(","))
    except ValueError:
        raise ValueError(problem) from None
    if not hidden_allowed(sizes):
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


def defaults() -> dict:
    """The form's defaults and limits: what a visitor may choose."""
    return {"defaults": DEFAULTS, "limits": {**LIMITS, "hidden": HIDDEN, "neurons": NEURONS}}
