"""python -m train check: fit the check that tells digits from drawings that are not digits (recognizer.digitlike).

What it is fitted on, all of it the project's own:
- digits: MNIST's first 50,000 training digits and the pen digits of 15 of the 20 training writers, drawn as the
  page draws (and, for the check network, the same pool of distortions the networks learn from);
- not digits: drawings train/nondigits.py makes (FIT_SEED), distorted the same way.
The limits are chosen on what none of that saw: the pen digits of the 5 other training writers (CHOOSING_WRITERS),
each limit letting through all but 1 in 400 of them. The held-out writers are never used, nor the non-digits
the report measures on (nondigits.HELD_OUT_SEED).
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from files import DATA, atomic_path
from recognizer.digitlike import Check, check_from_bytes
from recognizer.preprocess import to_network_input

from . import data, nondigits, pendigits
from .config import CHECK, CHECK_COPIES
from .dataset import TrainingSet, drawn_digits
from .pool import pool_of
from .publish import check_to_bytes
from .trainer import train

# Training writers held back from the fitting to choose the limits: every fourth of the 20, from the second.
CHOOSING_WRITERS = frozenset({2, 8, 14, 20, 26})
MNIST_REFERENCES = 2_000  # MNIST training digits among the reference digits, beside the pen digits
COMPONENTS = 32  # principal components the distance is measured in (plus what they leave out)
LET_THROUGH = 1 / 400  # of the choosing writers' digits, the share each limit may call not a digit
FIT_COUNT, VALIDATION_COUNT = 40_000, 2_000  # non-digits made to fit the network, and to pick its best epoch
FIT_SEED, VALIDATION_SEED = 2, 3
FRAMING = "mnist"  # the framing of B1-B4, whose inputs the check looks at


def framed(drawing_strokes) -> np.ndarray:
    return to_network_input([np.asarray(s).tolist() for s in drawing_strokes], FRAMING)


def rendered_non_digits(count: int, seed: int, cache_dir: Path = DATA) -> tuple[np.ndarray, np.ndarray]:
    """`count` non-digits of nondigits.non_digits(seed), framed as the page frames drawings: (uint8 images (n, 784),
    their kinds). Drawn in two processes, and cached."""
    cache = cache_dir / f"nondigits-{seed}-{count}.npz"
    if cache.exists():
        with np.load(cache) as saved:
            return saved["images"], saved["kinds"]
    drawings = nondigits.non_digits(count, seed)
    inputs = []
    with multiprocessing.get_context("spawn").Pool(2) as workers:
        for x in workers.imap(framed, [d.strokes for d in drawings], chunksize=100):
            inputs.append(x)
            if len(inputs) % 1000 == 0 or len(inputs) == count:
                end = "\n" if len(inputs) == count else ""
                print(f"\rdrawing non-digits (seed {seed}): {len(inputs):,} of {count:,}", end=end, flush=True)
    images = np.round(np.stack(inputs) * 255).astype(np.uint8)
    kinds = np.array([d.kind for d in drawings])
    with atomic_path(cache) as temporary, open(temporary, "wb") as file:  # a file object: savez adds no suffix
        np.savez(file, images=images, kinds=kinds)
    return images, kinds


@dataclass
class KnownDigits:
    """The digits the check is fitted on, and those its limits are chosen on."""

    fitting: np.ndarray  # (n, 784) uint8: MNIST training digits, then the fitting writers' pen digits
    labels: np.ndarray
    fitting_pen: np.ndarray  # which rows of `fitting` are pen digits
    choosing: np.ndarray  # (m, 784) uint8: the choosing writers' pen digits


def digits(cache_dir: Path = DATA) -> KnownDigits:
    """MNIST's training digits and the fitting writers' pen digits; the choosing writers' pen digits apart."""
    mnist = data.load_mnist(cache_dir)
    pen, pen_labels, _ = drawn_digits(FRAMING, cache_dir)
    writers = np.array([d.writer for d in pendigits.training_digits(pendigits.read_digits())])
    if len(writers) != len(pen):
        raise data.DataError("the training writers' drawn digits do not match their pen digits: delete data/drawn-*")
    choosing = np.isin(writers, list(CHOOSING_WRITERS))
    pen = pen.reshape(-1, 784)
    fitting = np.concatenate([mnist.train_images.reshape(-1, 784), pen[~choosing]])
    labels = np.concatenate([mnist.train_labels, pen_labels[~choosing]])
    fitting_pen = np.arange(len(fitting)) >= len(mnist.train_images)
    return KnownDigits(fitting, labels, fitting_pen, pen[choosing])


def principal_components(images: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, basis (count, 784)) of the images' inputs."""
    x = data.as_inputs(images)
    mean = x.mean(axis=0)
    _, _, directions = np.linalg.svd(x - mean, full_matrices=False)
    return mean, directions[:count]


def limit(scores: np.ndarray) -> float:
    """The score above which only LET_THROUGH of these digits' scores lie."""
    return float(np.quantile(scores, 1 - LET_THROUGH))


def fit_check(cache_dir: Path = DATA) -> tuple[Check, dict]:
    """The check and what models.json records of it (how it was fitted, and its limits)."""
    known = digits(cache_dir)
    references = np.concatenate([known.fitting[:MNIST_REFERENCES], known.fitting[known.fitting_pen]])
    mean, basis = principal_components(np.concatenate([known.fitting[:20_000], references]), COMPONENTS)

    others, kinds = rendered_non_digits(FIT_COUNT, FIT_SEED, cache_dir)
    validation_others, _ = rendered_non_digits(VALIDATION_COUNT, VALIDATION_SEED, cache_dir)
    network, history = train_network(known, others, validation_others, cache_dir)

    check = Check(mean, basis, np.zeros((0, COMPONENTS + 1), np.float32), np.inf, network, np.inf)
    check = as_published(replace(check, references=check.coordinates(data.as_inputs(references))))
    choosing = data.as_inputs(known.choosing)
    farthest, most_doubt = limit(check.distance(choosing)), limit(check.doubt(choosing))
    entry = {
        "layers": network.layers,
        "activation": network.activation,
        "framing": FRAMING,
        "farthest": round(farthest, 4),
        "most_doubt": round(most_doubt, 4),
        "fitted_on": {
            "references": {"MNIST": MNIST_REFERENCES, "pen digits": int(known.fitting_pen.sum())},
            "components": COMPONENTS,
            "network": {
                "digits": len(known.labels),
                "non-digits": {kind: int((kinds == kind).sum()) for kind in nondigits.KINDS},
                "seed": FIT_SEED,
            },
            "limits": {"writers": sorted(CHOOSING_WRITERS), "digits": len(choosing), "let_through": LET_THROUGH},
        },
        "training": {**CHECK.as_dict(), "copies": CHECK_COPIES, "seconds": round(sum(history.seconds))},
    }
    return replace(check, farthest=farthest, most_doubt=most_doubt), entry


def train_network(known: KnownDigits, others: np.ndarray, validation_others: np.ndarray, cache_dir: Path):
    """The check network, trained as B1-B4 are (trainer.py) on digits (label 0) and non-digits (label 1), each
    image in the same distorted versions; its best epoch chosen on MNIST's validation digits and other non-digits.
    Returns (the network, its training History)."""
    digit_pool = pool_of(known.fitting.reshape(-1, 28, 28), CHECK_COPIES, CHECK.seed, cache_dir)
    other_pool = pool_of(others.reshape(-1, 28, 28), CHECK_COPIES, CHECK.seed, cache_dir)
    pool = np.concatenate([digit_pool, other_pool], axis=1)
    del digit_pool, other_pool
    labels = np.concatenate([np.zeros(len(known.fitting), np.int64), np.ones(len(others), np.int64)])
    mnist = data.load_mnist(cache_dir)
    validation = np.concatenate([mnist.validation_images.reshape(-1, 784), validation_others])
    validation_labels = np.concatenate([np.zeros(len(mnist.validation_images)), np.ones(len(validation_others))])
    training_set = TrainingSet(pool, labels, data.as_inputs(validation), validation_labels.astype(np.int64), {})
    return train("check", CHECK, training_set, None)


def check_arrays(check: Check) -> dict[str, np.ndarray]:
    """What check.npz holds: the references' coordinates as int8 times a scale for each coordinate (half the bytes
    of float16, in steps of 1/127 of the largest coordinate: far finer than the limit on distance)."""
    scale = np.abs(check.references).max(axis=0) / 127
    references = np.round(check.references / scale).astype(np.int8)
    arrays = {"mean": check.mean, "basis": check.basis, "references": references, "scale": scale}
    for i, (w, b) in enumerate(zip(check.network.weights, check.network.biases, strict=True)):
        arrays[f"w{i}"], arrays[f"b{i}"] = w, b
    return arrays


def as_published(check: Check) -> Check:
    """The check as the page loads it from its file (float16 arrays, int8 references): its limits are fitted on it."""
    entry = {
        "file": "check.npz",
        "layers": check.network.layers,
        "activation": check.network.activation,
        "farthest": check.farthest,
        "most_doubt": check.most_doubt,
    }
    return check_from_bytes(check_to_bytes(check_arrays(check)), entry)
