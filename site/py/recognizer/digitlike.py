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

import io
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .entries import FIELDS, MANIFEST, WeightsError, is_layers, is_number, shown
from .linalg import product
from .models import READABLE, file_bytes, verified_headers, verify_headers
from .network import Network

DIGIT, NOT_A_DIGIT = 0, 1  # the check network's outputs


def nearest(q: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each row of coordinates q, the distance to the nearest of `points` (infinite when there are none)."""
    if len(points) == 0:
        return np.full(len(q), np.inf, dtype=np.float32)
    squared = (q * q).sum(axis=1)[:, None] - 2 * product(q, points.T) + (points * points).sum(axis=1)[None]
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
        c = product(centred, self.basis.T)
        rest = centred - product(c, self.basis)
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
        near = (nearest(q, self.references) <= self.farthest) & (self.doubt(x) <= self.most_doubt)
        return near | (nearest(q, self.examples) <= self.farthest)

    def with_examples(self, x: np.ndarray) -> Check:
        """The check for a person who taught these drawings ((n, 784) inputs) as digits."""
        return replace(self, examples=self.coordinates(x) if len(x) else np.zeros((0, 0), np.float32))


# --- the check's file: models.json's "check" entry and check.npz, verified as a network's are (models.py) --------

MOST_REFERENCES = 20_000  # reference digits the check may hold
CHECK_FIELDS = {
    "file": FIELDS["file"],
    "layers": (True, lambda v: is_layers(v, outputs=2), "a list of layer sizes from 784 to 2"),
    "activation": FIELDS["activation"],
    "framing": FIELDS["framing"],
    "farthest": (True, lambda v: is_number(v) and v > 0, "a positive number"),
    "most_doubt": (True, is_number, "a number"),
    "sha256": FIELDS["sha256"],
}


def read_check_entry(weights_dir: str | Path) -> dict:
    """models.json's "check" entry, checked field by field; WeightsError naming the first problem."""
    manifest = json.loads((Path(weights_dir) / MANIFEST).read_text())  # read_manifest has made sure it parses
    entry = manifest.get("check") if isinstance(manifest, dict) else None
    if not isinstance(entry, dict):
        raise WeightsError(f"{MANIFEST}: no check entry")
    for name, (required, test, expected) in CHECK_FIELDS.items():
        if name not in entry:
            if required:
                raise WeightsError(f"{MANIFEST}: check's {name} missing")
        elif not test(entry[name]):
            raise WeightsError(f"{MANIFEST}: check's {name} {shown(entry[name])} is not {expected}")
    return entry


CHECK_ARRAYS = ("mean", "basis", "references", "scale")
REFERENCE_DTYPE = np.dtype("i1")  # the references' coordinates as int8, each coordinate times its scale


def verify_arrays(headers: dict, layers: list[int], name: str) -> None:
    """A check file holds mean (784,), basis (k, 784), references (n, k + 1) in int8 with their scale (k + 1,), and
    the network's w_i, b_i."""
    network = {k: v for k, v in headers.items() if k not in CHECK_ARRAYS}
    verify_headers(network, layers, name)
    shapes = {k: headers.get(k, ((), None, 0))[0] for k in CHECK_ARRAYS}
    k = shapes["basis"][0] if len(shapes["basis"]) == 2 else 0
    n = shapes["references"][0] if len(shapes["references"]) == 2 else 0
    expected = {"mean": (784,), "basis": (k, 784), "references": (n, k + 1), "scale": (k + 1,)}
    if shapes != expected or not (0 < k < 784 and 0 < n <= MOST_REFERENCES):
        raise WeightsError(f"{name}: not a check (mean (784,), basis (k, 784), up to {MOST_REFERENCES:,} references)")
    for array, declared in expected.items():
        _, dtype, size = headers[array]
        allowed = (REFERENCE_DTYPE,) if array == "references" else tuple(READABLE)
        if dtype not in allowed or size != dtype.itemsize * math.prod(declared):
            raise WeightsError(f"{name}: {array} is not {' or '.join(map(str, allowed))} of its shape")


def check_from_bytes(data: bytes, entry: dict) -> Check:
    """The check of a file, after its hash and its arrays' headers (as for a network's file)."""
    name = entry["file"]
    verify_arrays(verified_headers(data, entry, name), entry["layers"], name)
    with np.load(io.BytesIO(data)) as arrays:
        read = {key: arrays[key].astype(np.float32) for key in arrays.files}
    count = len(entry["layers"]) - 1
    network = Network([read[f"w{i}"] for i in range(count)], [read[f"b{i}"] for i in range(count)], entry["activation"])
    references = read["references"] * read["scale"]
    return Check(read["mean"], read["basis"], references, entry["farthest"], network, entry["most_doubt"])


def load_check(weights_dir: str | Path, entry: dict | None = None) -> Check:
    """The check models.json describes (its entry, read_check_entry's, if already read), from its file; WeightsError
    with one line when it cannot be used."""
    entry = entry or read_check_entry(weights_dir)
    return check_from_bytes(file_bytes(weights_dir, entry), entry)
