"""The pool of distorted copies: deterministic, whatever the number of processes that make it."""

import numpy as np
import pytest

from train import pool


def bars(n: int) -> np.ndarray:
    images = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        images[i, 5 : 20 + i % 5, 10 + i % 7 : 14 + i % 7] = 255
    return images


def test_pool_is_uint8_deterministic_and_independent_of_the_process_count():
    images = bars(10)
    one = pool.generate_pool(images, 3, seed=5, chunk_size=4, progress=False)
    two = pool.generate_pool(images, 3, seed=5, chunk_size=4, processes=2, progress=False)
    assert one.shape == (3, 10, 28, 28) and one.dtype == np.uint8
    np.testing.assert_array_equal(one, two)
    assert not np.array_equal(one[0], one[1])  # copies differ
    other = pool.generate_pool(images, 3, seed=6, chunk_size=4, progress=False)
    assert not np.array_equal(one, other)


def test_a_pool_is_made_of_uint8_images_only():
    with pytest.raises(ValueError, match="uint8"):
        pool.generate_pool(np.zeros((3, 28, 28), np.float32), 2, seed=0)


def test_a_cached_pool_holds_the_originals_then_their_copies_and_is_reused(tmp_path, capsys):
    images = bars(6)
    made = pool.pool_of(images, 3, seed=2, cache_dir=tmp_path)
    assert made.shape == (3, 6, 784)
    np.testing.assert_array_equal(made[0], images.reshape(6, 784))
    np.testing.assert_array_equal(made[1:], pool.generate_pool(images, 2, seed=2, progress=False).reshape(2, 6, 784))
    assert [p.name.startswith("pool-") for p in tmp_path.iterdir()] == [True]  # one file, nothing half-written
    again = pool.pool_of(images, 3, seed=2, cache_dir=tmp_path)
    assert "reusing" in capsys.readouterr().out
    np.testing.assert_array_equal(made, again)
