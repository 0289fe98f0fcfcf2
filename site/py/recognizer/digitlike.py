"""Does the drawing look like a digit at all? The check made before any answer is called sure.

The four networks always answer with a digit, and they can be sure of one for a drawing that is no digit at all:
a letter, a star, a scribble. Their confidence cannot tell (they are confident about an "A"), so the check asks two
other questions of the framed drawing, the 28x28 image the networks see:

1. Is it near a digit someone drew? The distance from the drawing to the nearest of a few thousand reference
   digits (pen digits of training writers and MNIST training digits), measured in the principal components of
   digits, plus the length of what those components leave out:

       c = V (x - m),   r = |x - m - V^T c|,   distance = min over references of |(c, r) - (c_i, r_i)|

   A drawing far from every digit ever drawn is not one, however sure a network is of it.
2. Does a small network that learned what is not a digit say it is not one? It has two outputs, digit and not a
   digit, and learned them from digits and from drawings the project made that are not digits (scribbles, shapes,
   pieces and recombinations of digits: train/nondigits.py); its doubt is the log-odds of "not a digit".

Each question has a limit, fitted so that very few digits of writers it never saw pass it (train/check.py); a
drawing is digit-like when it is within both. A person's taught examples count as digits beyond question: a drawing
as near one of them as the limit allows is digit-like, so a style the networks were taught is read as a digit from
then on, while every other drawing is judged as before (the check network itself never changes, so teaching digits
cannot teach it that everything is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .network import Network

DIGIT, NOT_A_DIGIT = 0, 1  # the check network's outputs


def nearest(q: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each row of coordinates q, the distance to the nearest of `points` (infinite when there are none)."""
    if len(points) == 0:
        return np.full(len(q), np.inf, dtype=np.float32)
    squared = (q * q).sum(axis=1)[:, None] - 2 * q @ points.T + (points * points).sum(axis=1)[None]
    return np.sqrt(np.maximum(squared.min(axis=1), 0))


@dataclass
class Check:
    mean: np.ndarray  # (784,) the mean framed digit
    basis: np.ndarray  # (k, 784) principal directions of framed digits, orthonormal rows
    references: np.ndarray  # (n, k + 1) each reference digit's coordinates (c, r)
    farthest: float  # a drawing farther than this from every reference is not a digit
    network: Network  # outputs (digit, not a digit)
    most_doubt: float  # log-odds of "not a digit" above which a drawing is not a digit
    examples: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # a person's, as references

    def coordinates(self, x: np.ndarray) -> np.ndarray:
        """(c, r) of each row of x (n, 784): its principal components and the length of the rest."""
        centred = np.atleast_2d(np.asarray(x, dtype=np.float32)) - self.mean
        c = centred @ self.basis.T
        rest = centred - c @ self.basis
        return np.hstack([c, np.sqrt((rest * rest).sum(axis=1, keepdims=True))])

    def distance(self, x: np.ndarray) -> np.ndarray:
        """Each drawing's distance to its nearest reference digit."""
        return nearest(self.coordinates(x), self.references)

    def doubt(self, x: np.ndarray) -> np.ndarray:
        """The check network's log-odds that each drawing is not a digit."""
        z = self.network.logits(np.atleast_2d(x))
        return z[:, NOT_A_DIGIT] - z[:, DIGIT]

    def digit_like(self, x: np.ndarray) -> np.ndarray:
        """For each drawing: near a reference digit and not doubted by the check network, or near an example."""
        q = self.coordinates(x)
        checked = (nearest(q, self.references) <= self.farthest) & (self.doubt(x) <= self.most_doubt)
        return checked | (nearest(q, self.examples) <= self.farthest)

    def with_examples(self, x: np.ndarray) -> Check:
        """The check for a person who taught these drawings ((n, 784) inputs) as digits."""
        return replace(self, examples=self.coordinates(x) if len(x) else np.zeros((0, 0), np.float32))
