"""The pool of distorted copies that training draws from: made once per seed, in worker processes, and cached.

A pool is uint8 (copies, n, 784): copy 0 holds the base images themselves, the others distorted versions
(augment.py). Each chunk of each copy gets its own random generator from (seed, copy, chunk), so the pool is
the same whether one process makes it or several.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from files import atomic_path
from recognizer.augment import SIZE, AugmentParams, augment, require_shape, to_uint8

POOL_IMAGES = 2_200_000  # images a pool may hold in all (about 1.7 GB as uint8)


_worker_images: np.ndarray | None = None


def _set_worker_images(images: np.ndarray) -> None:
    global _worker_images
    _worker_images = images


def _augment_chunk(
    images: np.ndarray, copy: int, chunk: int, chunk_size: int, seed: int, params: AugmentParams
) -> np.ndarray:
    """One copy of one chunk of images, with a generator that depends only on (seed, copy, chunk)."""
    # The same stream as SeedSequence(seed).spawn(...)[copy].spawn(...)[chunk]: independent of scheduling.
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(copy, chunk)))
    part = images[chunk * chunk_size : (chunk + 1) * chunk_size]
    return to_uint8(augment(part, rng, params=params))


def _worker_task(task: tuple) -> tuple[int, int, np.ndarray]:
    copy, chunk, chunk_size, seed, params = task
    return copy, chunk, _augment_chunk(_worker_images, copy, chunk, chunk_size, seed, params)


def generate_pool(
    images: np.ndarray,
    copies: int,
    seed: int,
    *,
    params: AugmentParams = AugmentParams(),
    processes: int = 1,
    chunk_size: int = 5_000,
    progress: bool = True,
) -> np.ndarray:
    """`copies` augmented versions of every image: uint8 (copies, n, 28, 28).

    The result depends on (images, copies, seed, params, chunk_size) only, never on the number of processes.
    """
    images = np.ascontiguousarray(images)
    require_shape(images)
    if images.dtype != np.uint8:
        raise ValueError(f"expected uint8 images (0..255), got {images.dtype}")
    n = len(images)
    pool = np.empty((copies, n, SIZE, SIZE), np.uint8)
    chunks = -(-n // chunk_size)
    tasks = [(copy, chunk, chunk_size, seed, params) for copy in range(copies) for chunk in range(chunks)]
    started = time.perf_counter()

    def store(done: int, copy: int, chunk: int, result: np.ndarray) -> None:
        pool[copy, chunk * chunk_size : chunk * chunk_size + len(result)] = result
        if progress:
            seconds = time.perf_counter() - started
            left = seconds / done * (len(tasks) - done)
            print(
                f"\raugmenting: {done}/{len(tasks)} chunks of {chunk_size:,} images, "
                f"{seconds:.0f} s, about {left:.0f} s left",
                end="\n" if done == len(tasks) else "",
                file=sys.stderr,
                flush=True,
            )

    if processes <= 1:
        for done, task in enumerate(tasks, 1):
            copy, chunk = task[:2]
            store(done, copy, chunk, _augment_chunk(images, *task))
    elif tasks:
        # "spawn" starts clean interpreters, safe even when the caller runs threads; as with any spawning
        # code, a calling script needs the `if __name__ == "__main__":` guard.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(processes, context, _set_worker_images, (images,)) as workers:
            futures = [workers.submit(_worker_task, task) for task in tasks]
            for done, future in enumerate(as_completed(futures), 1):
                store(done, *future.result())
    return pool


def pool_of(images: np.ndarray, copies: int, seed: int, cache_dir: Path) -> np.ndarray:
    """(copies, n, 784) uint8: the originals, then copies - 1 distorted versions; cached by content."""
    key = hashlib.sha256(images.tobytes() + repr((copies, seed, AugmentParams())).encode()).hexdigest()
    cache = cache_dir / f"pool-{key[:16]}.npy"
    if cache.exists():
        print(f"augmented pool: reusing {cache.name}")
        return np.load(cache)
    print(f"augmented pool: {copies - 1} distorted copies of {len(images):,} images (made once, cached)")
    distorted = generate_pool(images, copies - 1, seed, processes=2)
    pool = np.concatenate([images[None], distorted]).reshape(copies, len(images), 784)
    with atomic_path(cache) as temporary:
        with open(temporary, "wb") as file:  # a file object: np.save would add ".npy" to a name
            np.save(file, pool)
    return pool
