"""The four networks, their buttons' colours and how each is trained: the one place these facts live.

Everything else reads them: training writes them into site/weights/models.json, which the page, the report
and the tests read. Architectures and colours are the original app's. B1 and B2 see MNIST's 50,000 training
digits (and the training writers' pen digits) each epoch; B3 and B4, which the original trained on EMNIST's
240,000 digits, see 240,000 images an epoch, made from the same digits by augmentation (or EMNIST itself when
its folder is given). Every epoch draws fresh distortions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from recognizer.training import Settings  # how a run learns: shared with the page's own training


@dataclass(frozen=True)
class Model:
    colour: str  # its button on the page: the original's blue for its MNIST networks, green for its EMNIST ones
    original_accuracy: float  # what the original app reached (its author's figures; B3 and B4 on EMNIST's test)
    settings: Settings


MODELS: dict[str, Model] = {
    "B1": Model("blue", 0.9801, Settings(layers=(784, 100, 10, 10), epochs=300)),
    "B2": Model("blue", 0.9801, Settings(layers=(784, 150, 200, 100, 10), epochs=200)),
    "B3": Model("green", 0.9895, Settings(layers=(784, 250, 10), epochs=60, epoch_size=240_000)),
    "B4": Model("green", 0.9919, Settings(layers=(784, 300, 250, 200, 10), epochs=60, epoch_size=240_000)),
}

# The check that a drawing is a digit at all (train/check.py): a network with two outputs, digit and not a digit.
CHECK = Settings(layers=(784, 128, 2), epochs=30, learning_rate=0.02)
CHECK_COPIES = 10  # versions of each image, digit or not, in the check's pool

AUGMENTED_COPIES = 40  # distorted versions of each training image kept in the pool (copy 0 is the original)


def settings_for(name: str, **overrides) -> Settings:
    """The settings of network `name`, with command-line overrides (None means keep the default)."""
    return replace(MODELS[name].settings, **{k: v for k, v in overrides.items() if v is not None})
