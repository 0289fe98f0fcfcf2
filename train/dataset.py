"""What the networks learn from: base images, renderings of drawn digits, and the pool of distortions.

The base set is MNIST's first 50,000 training digits (or EMNIST's 240,000 when its folder is given), plus,
when the pen-trajectory file is present, the digits of the training writers drawn exactly as the page
draws a user's strokes. The pool holds AUGMENTED_COPIES versions of every base image (the original and
distorted ones), made once per seed and cached; training draws from it every epoch.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from recognizer import preprocess

from . import augment, data, pendigits
from .trainer import TrainingSet, as_inputs, write_atomically

POOL_IMAGES = 2_200_000  # images the pool may hold in all (about 1.7 GB as uint8)


def frame_images(images: np.ndarray, framing: str) -> np.ndarray:
    """MNIST-framed (n, 784) inputs seen through another framing (EMNIST's), one image at a time."""
    if framing == "mnist":
        return images
    framed = [preprocess.frame_emnist(image.reshape(28, 28)) for image in images]
    return np.stack([np.zeros(784, np.float32) if f is None else f for f in framed]).astype(np.float32)


def drawn_digits(framing: str, cache_dir: Path) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The training writers' pen digits drawn through the page's own preprocessing: (uint8 images, labels).

    None, with the reason printed, when the pen-trajectory file is absent.
    """
    try:
        path = pendigits.default_path()
        digits = pendigits.training_digits(pendigits.read_digits(path))
    except pendigits.PendigitsError as e:
        print(f"drawn digits not used: {e}")
        return None
    cache = cache_dir / f"drawn-{framing}-{len(digits)}.npz"
    if cache.exists():
        with np.load(cache) as saved:
            return saved["images"], saved["labels"], saved["description"].item()
    print(f"drawing {len(digits)} pen digits of the training writers ({framing} framing)...", flush=True)
    inputs = [preprocess.to_network_input(d.strokes, framing) for d in digits]
    keep = [i for i, x in enumerate(inputs) if x is not None]
    images = np.round(np.stack([inputs[i] for i in keep]).reshape(-1, 28, 28) * 255).astype(np.uint8)
    labels = np.array([digits[i].label for i in keep], dtype=np.uint8)
    writers = sorted({d.writer for d in digits})
    description = f"{len(keep):,} pen-drawn digits of {len(writers)} training writers (pendigits)"
    import io

    buffer = io.BytesIO()
    np.savez(buffer, images=images, labels=labels, description=np.array(description))
    write_atomically(cache, buffer.getvalue())
    return images, labels, description


def pool_of(images: np.ndarray, copies: int, seed: int, cache_dir: Path) -> np.ndarray:
    """(copies, n, 784) uint8: the originals, then copies - 1 distorted versions; cached by content."""
    key = hashlib.sha256(images.tobytes() + repr((copies, seed, augment.AugmentParams())).encode()).hexdigest()
    cache = cache_dir / f"pool-{key[:16]}.npy"
    if cache.exists():
        print(f"augmented pool: reusing {cache.name}")
        return np.load(cache)
    print(f"augmented pool: {copies - 1} distorted copies of {len(images):,} images (made once, cached)")
    distorted = augment.generate_pool(images, copies - 1, seed, processes=2)
    pool = np.concatenate([images[None], distorted]).reshape(copies, len(images), 784)
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_name(cache.name + ".partial.npy")
    np.save(temporary, pool)
    temporary.replace(cache)
    return pool


def training_set(
    emnist_folder: Path | None, with_drawn: bool, copies: int, seed: int, cache_dir: Path = data.DATA_DIR
) -> tuple[TrainingSet, str]:
    """The training set and the framing its images have ("mnist" or "emnist")."""
    mnist = data.load_mnist(cache_dir)
    if emnist_folder is None:
        images, labels, framing = mnist.train_images, mnist.train_labels, "mnist"
        described = [f"MNIST train ({len(images):,} digits; the last 10,000 kept for validation)"]
    else:
        emnist = data.load_emnist(emnist_folder)
        images, labels, framing = emnist.train_images, emnist.train_labels, "emnist"
        described = [f"EMNIST digits train ({len(images):,} digits)"]
    if with_drawn and (drawn := drawn_digits(framing, cache_dir)) is not None:
        images = np.concatenate([images, drawn[0]])
        labels = np.concatenate([labels, drawn[1]])
        described.append(drawn[2])
    copies = max(2, min(copies, POOL_IMAGES // len(images)))
    pool = pool_of(images, copies, seed, cache_dir)
    validation = frame_images(as_inputs(mnist.validation_images.reshape(-1, 784)), framing)
    description = " + ".join(described) + f", each in {copies - 1} distorted versions (affine, elastic, thickness)"
    return TrainingSet(pool, labels.astype(np.int64), validation, mnist.validation_labels, description), framing
