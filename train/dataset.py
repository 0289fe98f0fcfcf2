"""What the networks learn from: base images, renderings of drawn digits, and the pool of distortions.

The base set is MNIST's first 50,000 training digits (or EMNIST's 240,000 when its folder is given), plus
the digits of the 20 training writers of the pen-digit set, drawn exactly as the page draws a person's
strokes. The pool (pool.py) holds AUGMENTED_COPIES versions of every base image, and training draws from it
every epoch. What a network saw is recorded as structured fields (`trained_on`), which models.json keeps.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from files import DATA, write_atomically
from recognizer import preprocess

from . import data, pendigits
from .pool import POOL_IMAGES, pool_of

AUGMENTATION = ["affine", "elastic", "thickness"]  # the kinds of distortion augment.py applies


@dataclass
class TrainingSet:
    pool: np.ndarray  # (copies, n, 784) uint8: copy 0 holds the originals, the rest distorted versions
    labels: np.ndarray  # (n,)
    validation_inputs: np.ndarray  # (m, 784) float32 in [0, 1]
    validation_labels: np.ndarray
    trained_on: dict  # what the images are: {"sets": [...], "augmentation": {...}}


def drawn_digits(framing: str, cache_dir: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """The training writers' pen digits drawn through the page's own preprocessing: (uint8 images, labels,
    number of writers)."""
    digits = pendigits.training_digits(pendigits.read_digits())
    writers = len({d.writer for d in digits})
    cache = cache_dir / f"drawn-{framing}-{len(digits)}.npz"
    if cache.exists():
        with np.load(cache) as saved:
            return saved["images"], saved["labels"], writers
    print(f"drawing {len(digits)} pen digits of the training writers ({framing} framing)...", flush=True)
    inputs = [preprocess.to_network_input(d.strokes, framing) for d in digits]
    keep = [i for i, x in enumerate(inputs) if x is not None]
    images = np.round(np.stack([inputs[i] for i in keep]).reshape(-1, 28, 28) * 255).astype(np.uint8)
    labels = np.array([digits[i].label for i in keep], dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=labels)
    write_atomically(cache, buffer.getvalue())
    return images, labels, writers


def base_images(
    emnist_folder: Path | None, with_drawn: bool, cache_dir: Path = DATA
) -> tuple[np.ndarray, np.ndarray, str, list[dict]]:
    """The images the pool distorts, their labels, their framing ("mnist" or "emnist") and the data sets they
    come from, as models.json records them."""
    if emnist_folder is None:
        mnist = data.load_mnist(cache_dir)
        images, labels, framing = mnist.train_images, mnist.train_labels, "mnist"
        sets = [{"name": "MNIST", "images": len(images)}]
    else:
        emnist = data.load_emnist(emnist_folder)
        images, labels, framing = emnist.train_images, emnist.train_labels, "emnist"
        sets = [{"name": "EMNIST digits", "images": len(images)}]
    if with_drawn:
        drawn_images, drawn_labels, writers = drawn_digits(framing, cache_dir)
        images = np.concatenate([images, drawn_images])
        labels = np.concatenate([labels, drawn_labels])
        sets.append({"name": "pen digits", "images": len(drawn_images), "writers": writers})
    return images, labels, framing, sets


def pool_copies(n_images: int, copies: int) -> int:
    """How many versions of each image the pool holds: as asked, within the pool's size (at least two)."""
    return max(2, min(copies, POOL_IMAGES // n_images))


def training_set(
    emnist_folder: Path | None, with_drawn: bool, copies: int, seed: int, cache_dir: Path = DATA
) -> tuple[TrainingSet, str]:
    """The training set and the framing its images have ("mnist" or "emnist")."""
    images, labels, framing, sets = base_images(emnist_folder, with_drawn, cache_dir)
    copies = pool_copies(len(images), copies)
    pool = pool_of(images, copies, seed, cache_dir)
    mnist = data.load_mnist(cache_dir)  # validation is always on MNIST's held-back 10,000
    validation = preprocess.frame_images(data.as_inputs(mnist.validation_images.reshape(-1, 784)), framing)
    trained_on = {"sets": sets, "augmentation": {"copies": copies - 1, "kinds": AUGMENTATION}}
    return TrainingSet(pool, labels.astype(np.int64), validation, mnist.validation_labels, trained_on), framing
