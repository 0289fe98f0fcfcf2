"""The matrix product every network uses: a @ b, the fastest way NumPy offers wherever it runs.

Natively NumPy multiplies with BLAS, and `@` is best. In the page (Pyodide) NumPy has no BLAS: its matmul is a
plain loop. Its einsum, though, has a tight loop for the dot product of two contiguous rows, so there the product
is taken as out[i, j] = a[i] . bt[j] with bt = b^T laid out row by row (copying b^T costs one pass over b, little
beside the product's n times as many operations). Measured under Pyodide 0.29.5 (python -m evaluation peers prints
it for the training shapes): 1.2-2x matmul's rate once a has 8 rows or more and the dot products are 100 numbers
long or more (784-long ones gain most); on fewer rows or shorter dot products the loop's start-up costs more than
it saves, and matmul stays. The result differs from `@`'s only in the order of its sums (float32 rounding).
"""

from __future__ import annotations

import sys

import numpy as np

IN_PAGE = sys.platform == "emscripten"  # Pyodide: NumPy without BLAS
ROWS, LENGTH = 8, 100  # the least rows of a, and dot-product length, at which the row loop beats matmul in the page


def rows_product(a: np.ndarray, bt: np.ndarray) -> np.ndarray:
    """a @ bt.T, each entry the dot product of a row of a with a row of bt (both made contiguous first)."""
    return np.einsum("ij,kj->ik", np.ascontiguousarray(a), np.ascontiguousarray(bt))


def page_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b as the page takes it: by rows where that measured faster than NumPy's matmul without BLAS."""
    if a.ndim == 2 and b.ndim == 2 and a.shape[0] >= ROWS and a.shape[1] >= LENGTH:
        return rows_product(a, b.T)
    return np.matmul(a, b)


product = page_product if IN_PAGE else np.matmul
