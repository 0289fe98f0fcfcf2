"""Where a network goes wrong, as maths: its confusion matrix, the digits behind a cell, where two networks
disagree, two linear projections of a layer onto a plane (principal components, Fisher's discriminants), and the
nearest points to one. Pure functions of arrays; the lab (lab.py) applies them to the test digits."""

from __future__ import annotations

import numpy as np

from .linalg import product


def confusion(truth: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """counts[t, p]: how many digits t were read as p."""
    return np.bincount(10 * truth.astype(int) + answers.astype(int), minlength=100).reshape(10, 10)


def recall(counts: np.ndarray) -> np.ndarray:
    """Of each digit's test digits, the share read right."""
    return np.diag(counts) / np.maximum(counts.sum(axis=1), 1)


def in_cell(truth: np.ndarray, probabilities: np.ndarray, true_digit: int, answer: int) -> np.ndarray:
    """The indices of the digits `true_digit` read as `answer`, the surest first (then by index)."""
    answers = probabilities.argmax(axis=1)
    found = np.flatnonzero((truth == true_digit) & (answers == answer))
    return found[np.argsort(-probabilities[found, answer], kind="stable")]


def disagreements(truth: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the digits answers a gets right and b wrong, those b gets right and a wrong), as indices."""
    return np.flatnonzero((a == truth) & (b != truth)), np.flatnonzero((b == truth) & (a != truth))


def principal_axes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the mean, the two directions of greatest variance (h, 2)) of points (n, h): the top right singular vectors
    of the centred points. Each axis's sign is fixed (its largest component positive) so a map never flips."""
    mean = points.mean(axis=0)
    _, _, vt = np.linalg.svd(points - mean, full_matrices=False)
    return mean, signed(vt[:2].T)


def fisher_axes(points: np.ndarray, labels: np.ndarray, ridge: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """(the mean, Fisher's two discriminant directions (h, 2)): those w that most separate the digits' means
    relative to the spread within each digit, the top eigenvectors of S_w^-1 S_b. S_w gets a small ridge (a
    share of its trace) so that neurons that never fire do not make it singular. Solved as a symmetric problem:
    with S_w = L L^T, the eigenvectors v of L^-1 S_b L^-T give w = L^-T v."""
    mean = points.mean(axis=0)
    h = points.shape[1]
    within, between = np.zeros((h, h)), np.zeros((h, h))
    for digit in np.unique(labels):
        group = points[labels == digit].astype(np.float64)
        centred = group - group.mean(axis=0)
        within += centred.T @ centred
        offset = group.mean(axis=0) - mean
        between += len(group) * np.outer(offset, offset)
    within += ridge * np.trace(within) / h * np.eye(h)
    lower = np.linalg.cholesky(within)
    inverse = np.linalg.inv(lower)
    values, vectors = np.linalg.eigh(inverse @ between @ inverse.T)
    axes = inverse.T @ vectors[:, np.argsort(values)[::-1][:2]]
    return mean, signed(axes / np.linalg.norm(axes, axis=0))


def signed(axes: np.ndarray) -> np.ndarray:
    """Each column turned so that its largest component is positive."""
    largest = axes[np.abs(axes).argmax(axis=0), np.arange(axes.shape[1])]
    return axes * np.where(largest < 0, -1.0, 1.0)


def nearest(points: np.ndarray, point: np.ndarray, k: int, norms: np.ndarray | None = None) -> np.ndarray:
    """The indices of the k points nearest `point` (Euclidean), nearest first. The squared distances are taken
    as |p|^2 - 2 p.q + |q|^2: one matrix-vector product (the networks' own: linalg.product), given the points'
    squared norms (computed if not)."""
    norms = (points.astype(np.float64) ** 2).sum(axis=1) if norms is None else norms
    dots = product(points, point.astype(points.dtype)[:, None])[:, 0]
    distances = norms - 2 * dots + float(point @ point)
    closest = np.argpartition(distances, min(k, len(points) - 1))[:k]
    return closest[np.lexsort((closest, distances[closest]))]
