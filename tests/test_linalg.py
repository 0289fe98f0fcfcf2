"""The page's matrix product (recognizer.linalg): the same numbers as NumPy's `@`, whatever the shape or layout.

Natively `product` is NumPy's own matmul; the page's way (`page_product`) is tested here directly, since Pyodide
is where it runs.
"""

import numpy as np
import pytest

from recognizer import linalg
from recognizer.linalg import LENGTH, ROWS, page_product, rows_product
from recognizer.training import product_operands

SHAPES = [
    (0, 784, 100),  # no rows
    (1, 784, 100),  # one drawing read
    (ROWS - 1, LENGTH, 30),  # just below where the row loop is used
    (ROWS, LENGTH, 30),  # where it starts
    (ROWS, LENGTH - 1, 30),
    (128, 784, 100),  # a minibatch through B1's first layer
    (784, 128, 100),  # its weight gradient
    (128, 100, 784),
    (128, 10, 10),
    (37, 300, 1),  # one output column
    (300, 0, 5),  # empty dot products: zeros
]


@pytest.mark.parametrize(("m", "k", "n"), SHAPES)
def test_the_page_product_equals_numpys(m, k, n):
    rng = np.random.default_rng(m * 1000 + k + n)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    got = page_product(a, b)
    assert got.shape == (m, n) and got.dtype == np.float32
    np.testing.assert_allclose(got, a @ b, rtol=1e-5, atol=1e-5 * np.sqrt(k))


def test_transposed_views_are_multiplied_as_the_arrays_they_show():
    """Backpropagation hands over a^T and W^T as views: their values count, not their memory layout."""
    for a, b in product_operands([784, 30, 20, 10], 64, np.random.default_rng(0)):
        np.testing.assert_allclose(page_product(a, b), a @ b, rtol=1e-5, atol=1e-4)


def test_rows_product_multiplies_rows_by_rows():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    bt = np.array([[1, 0, 0], [1, 1, 1]], dtype=np.float32)
    np.testing.assert_array_equal(rows_product(a, bt), [[0, 3], [3, 12]])


def test_the_row_loop_is_taken_only_where_it_was_measured_faster(monkeypatch):
    used = []
    monkeypatch.setattr(linalg, "rows_product", lambda a, bt: used.append((a.shape, bt.shape)) or a @ bt.T)
    rng = np.random.default_rng(0)
    for m, k, n in [(ROWS, LENGTH, 3), (ROWS - 1, LENGTH, 3), (ROWS, LENGTH - 1, 3), (1, 784, 300)]:
        page_product(rng.random((m, k), dtype=np.float32), rng.random((k, n), dtype=np.float32))
    assert used == [((ROWS, LENGTH), (3, LENGTH))]


def test_one_image_as_a_vector_is_multiplied_too():
    rng = np.random.default_rng(1)
    x, w = rng.random(784, dtype=np.float32), rng.random((784, 10), dtype=np.float32)
    np.testing.assert_allclose(page_product(x, w), x @ w, rtol=1e-5)


def test_natively_the_product_is_numpys_own():
    assert not linalg.IN_PAGE and linalg.product is np.matmul
