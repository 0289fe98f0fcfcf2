"""python -m evaluation training-speed: how close B4's training gets to NumPy's own matrix-multiply speed,
and how long augmentation takes.

An epoch of minibatch SGD (forward, backward and update over 50,000 images) does a known number of
floating-point operations, counted from the layer shapes. Its rate is compared with the rate NumPy
reaches on the very same matrix products alone, measured in the same run. The difference is what the
training code spends on everything else: activations, softmax, gathering batches, the update.
Augmentation runs in worker processes while the pool is made, so it is timed on its own.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from recognizer.augment import SIZE, AugmentParams, augment
from recognizer.backprop import MomentumSGD, gradients, initial_network
from recognizer.training import product_flops, product_operands, products_seconds, update_flops
from train.config import MODELS
from train.data import as_inputs

IMAGES = 50_000
REPEATS = 5


def matmul_seconds(layers: list[int], batch: int, batches: int, rng: np.random.Generator) -> float:
    """Time of the epoch's matrix products alone, on the same shapes, in float32."""
    return products_seconds(product_operands(layers, batch, rng), batches)


def training_epoch_seconds(layers: list[int], batch: int, batches: int, rng: np.random.Generator) -> float:
    network = initial_network(layers, "relu", rng)
    optimizer = MomentumSGD(network, 0.9)
    pool = rng.integers(0, 256, size=(IMAGES, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, size=IMAGES)
    order = rng.permutation(IMAGES)
    began = time.perf_counter()
    for i in range(batches):
        rows = order[i * batch : (i + 1) * batch]
        grad_w, grad_b, _ = gradients(network, as_inputs(pool[rows]), labels[rows], 2e-5)
        optimizer.step(network, grad_w, grad_b, 0.01)
    return time.perf_counter() - began


def augmentation_seconds(n: int = 50_000, repeats: int = 3, chunk_size: int = 5_000) -> dict[str, float]:
    """Median seconds to augment n images in chunks (as the pool is made), with its parts switched on in turn.

    Random blobs stand in for digits: the cost does not depend on the content.
    """
    rng = np.random.default_rng(0)
    images = (rng.random((n, SIZE, SIZE), dtype=np.float32) < 0.2).astype(np.float32)
    params = AugmentParams()
    cases = {
        "affine": replace(params, elastic_alpha=0.0, thin_fraction=0.0, thick_fraction=0.0),
        "affine + elastic": replace(params, thin_fraction=0.0, thick_fraction=0.0),
        "affine + elastic + thickness": params,
    }
    medians = {}
    for name, case in cases.items():
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            for first in range(0, n, chunk_size):
                augment(images[first : first + chunk_size], rng, params=case)
            seconds.append(time.perf_counter() - start)
        medians[name] = float(np.median(seconds))
    return medians


def benchmark(name: str = "B4") -> None:
    settings = MODELS[name].settings
    layers, batch = list(settings.layers), settings.batch_size
    batches = IMAGES // batch
    products_per_epoch = product_flops(layers, batch) * batches
    flops = products_per_epoch + update_flops(layers) * batches
    rng = np.random.default_rng(0)
    training, products = [], []
    print(
        f"{name} {'-'.join(map(str, layers))}, batch {batch}, {batches * batch:,} images an epoch, "
        f"{flops / 1e9:.1f} GFLOP; {REPEATS} runs each, alternating"
    )
    for _ in range(REPEATS):
        training.append(training_epoch_seconds(layers, batch, batches, rng))
        products.append(matmul_seconds(layers, batch, batches, rng))
    train_rate = flops / np.median(training)
    matmul_rate = products_per_epoch / np.median(products)
    print(f"training epoch: median {np.median(training):.2f} s -> {train_rate / 1e9:.1f} GFLOP/s")
    print(f"matrix products alone: median {np.median(products):.2f} s -> {matmul_rate / 1e9:.1f} GFLOP/s")
    print(f"training rate / matmul rate: {train_rate / matmul_rate:.2f}  (target >= 0.6)")
    print(f"augmenting {IMAGES:,} images, one process, median of 3:")
    for kinds, seconds in augmentation_seconds(IMAGES).items():
        print(f"  {kinds:<30} {seconds:6.2f} s")
