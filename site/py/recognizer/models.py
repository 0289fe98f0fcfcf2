"""The model files in site/weights: one .npz per network and models.json describing them.

Each .npz holds arrays w0, b0, w1, b1, ... with w_i of shape (n_in, n_out) and b_i of shape (n_out,). As publishing
writes them, each w_i is int8 with a scale per output column, s_i of shape (n_out,) in float32: weight = w_i * s_i,
s_i being the column's largest magnitude over 127 (compressed, about a quarter of float32's bytes), and b_i is
float16. A file may also hold w_i in float16 or float32 without s_i. Everything is read into float32, which
everything computes in. models.json lists, for each network, its name, file, layer sizes, activation, framing,
training set, test accuracy, temperature and the file's sha256. Every
entry is checked on its own, and every file against its entry before any of its arrays is read; what is wrong is
one line, and it disables that network alone: one broken entry or file disables one button, not the page.
models.json's "check" entry describes check.npz, the check that a drawing is a digit at all (digitlike.py), checked
the same way; a bad one costs only the check.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .digitlike import Check
from .network import ACTIVATIONS, Network
from .preprocess import FRAMINGS

MANIFEST = "models.json"
STORED = np.dtype("<f2")  # the biases as network_to_bytes writes them: float16, little-endian on any machine
READABLE = {STORED: "float16", np.dtype("<f4"): "float32"}  # what biases, and weights without scales, may be
QUANTISED = np.dtype("i1")  # weights as int8, each output column times its scale
SCALE = np.dtype("<f4")  # the scales: float32
ALLOWED = {"w": {QUANTISED: "int8", **READABLE}, "s": {SCALE: "float32"}, "b": READABLE}  # by an array's first letter
MOST_WEIGHTS = 4_000_000  # weights and biases a network may have (16 MB as float32; B4 has 363,000)
MOST_BYTES = 4 * MOST_WEIGHTS + 65_536  # a weights file's size: its arrays plus room for the zip's headers


class WeightsError(Exception):
    """A weight file or manifest entry that cannot be used; the message is one line naming the problem."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(weights_dir: str | Path) -> list:
    """models.json's list of entries, unchecked (check_entry checks each); WeightsError if there is no list."""
    path = Path(weights_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise WeightsError(f"{path}: missing") from None
    except ValueError as e:  # not UTF-8 or not JSON
        raise WeightsError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("models"), list):
        raise WeightsError(f'{path}: not a valid manifest (expected {{"models": [...]}})')
    if not manifest["models"]:
        raise WeightsError(f"{MANIFEST} lists no networks")
    return manifest["models"]


# --- one entry of models.json ----------------------------------------------------------------------


def shown(value) -> str:
    """A value as an error message quotes it: its repr, on one line, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_text(value) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) and len(value) <= 40 and value.isprintable()


def is_layers(value, outputs: int = 10) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(is_count(n) and n > 0 for n in value)
        and value[0] == 784
        and value[-1] == outputs
        and sum((n_in + 1) * n_out for n_in, n_out in zip(value[:-1], value[1:], strict=True)) <= MOST_WEIGHTS
    )


def is_training_record(value) -> bool:
    """trained_on as publish writes it: {"sets": [{name, images, writers?}], "augmentation"?, "images_per_epoch"?}."""
    if not isinstance(value, dict):
        return False
    sets, augmentation = value.get("sets", []), value.get("augmentation", {"copies": 0, "kinds": []})
    return (
        isinstance(sets, list)
        and all(isinstance(s, dict) and is_text(s.get("name")) and is_count(s.get("images")) for s in sets)
        and all(is_count(s.get("writers", 0)) for s in sets)
        and isinstance(augmentation, dict)
        and is_count(augmentation.get("copies"))
        and isinstance(augmentation.get("kinds"), list)
        and all(is_text(kind) for kind in augmentation["kinds"])
        and is_count(value.get("images_per_epoch", 0))
    )


# Every field models.json's entries may have: (required, the test its value must pass, what the test asks).
FIELDS = {
    "name": (True, is_text, "a name of 1 to 40 printable characters"),
    "file": (True, lambda v: isinstance(v, str) and re.fullmatch(r"[\w.-]+\.npz", v), "a file name ending .npz"),
    "layers": (True, is_layers, f"a list of layer sizes from 784 to 10 with at most {MOST_WEIGHTS:,} weights"),
    "activation": (True, lambda v: v in ACTIVATIONS, f"one of {', '.join(ACTIVATIONS)}"),
    "framing": (True, lambda v: v in FRAMINGS, f"one of {', '.join(FRAMINGS)}"),
    "colour": (False, lambda v: isinstance(v, str) and re.fullmatch(r"[a-z]+", v), "a colour's name"),
    "test_accuracy": (False, lambda v: is_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "temperature": (False, lambda v: is_number(v) and v > 0, "a positive number"),
    "sha256": (False, lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v), "64 hexadecimal digits"),
    "trained_on": (False, is_training_record, "a record of data sets, images and augmentation"),
}


def entry_problems(entry) -> dict[str, str]:
    """What is wrong with each field of one models.json entry, by field: {} for a good entry."""
    if not isinstance(entry, dict):
        return {"entry": f"{MANIFEST}: an entry is {shown(entry)}, not an object"}
    problems = {}
    for field, (required, test, expected) in FIELDS.items():
        if field not in entry:
            if required:
                problems[field] = f"{MANIFEST}: {field} missing"
        elif not test(entry[field]):
            problems[field] = f"{MANIFEST}: {field} {shown(entry[field])} is not {expected}"
    return problems


def check_entry(entry) -> None:
    """WeightsError naming the first thing wrong with one models.json entry, if anything is."""
    problems = entry_problems(entry)
    if problems:
        raise WeightsError(next(iter(problems.values())))


# --- one weights file ------------------------------------------------------------------------------


def array_headers(data: bytes) -> dict[str, tuple[tuple[int, ...], np.dtype, int]]:
    """{array name: (shape, dtype, bytes of data)} from the .npy headers in a .npz, without reading an array.

    A compressed member is decompressed only as far as its header; its bytes of data are the size the zip
    declares, which is all that reading it can decompress."""
    read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    headers = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            with archive.open(member) as npy:
                version = np.lib.format.read_magic(npy)
                if version not in read_header:
                    raise ValueError(f"unsupported .npy version {version}")
                shape, _, dtype = read_header[version](npy)
                headers[member.filename.removesuffix(".npy")] = (shape, dtype, member.file_size - npy.tell())
    return headers


def check_headers(headers: dict, layers: list[int], name: str) -> None:
    """The arrays a file declares must be exactly w_i (n_in, n_out) and b_i (n_out,) for each layer, each in float16
    or float32; or w_i in int8 with its scales s_i (n_out,) in float32."""
    expected = {}
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:], strict=True)):
        expected[f"w{i}"], expected[f"b{i}"] = (n_in, n_out), (n_out,)
        if headers.get(f"w{i}", (None, None))[1] == QUANTISED:
            expected[f"s{i}"] = (n_out,)
    for array, shape in expected.items():
        if array not in headers:
            raise WeightsError(f"{name}: array {array} missing")
        declared, dtype, size = headers[array]
        if declared != shape:
            raise WeightsError(f"{name}: {array} has shape {declared}, expected {shape}")
        allowed = ALLOWED[array[0]]
        if dtype not in allowed:
            raise WeightsError(f"{name}: {array} is {dtype}, expected {' or '.join(allowed.values())}")
        if size != dtype.itemsize * math.prod(shape):
            needs = dtype.itemsize * math.prod(shape)
            raise WeightsError(f"{name}: {array} holds {size:,} bytes, its shape needs {needs:,}")
    if len(headers) != len(expected):
        raise WeightsError(f"{name}: has {len(headers)} arrays, expected {len(expected)}")


def verified_headers(data: bytes, entry: dict, name: str) -> dict:
    """The .npy headers of a file (array_headers) once its sha256 is its entry's: WeightsError naming the file when
    it is not, or is no readable .npz."""
    if "sha256" in entry and sha256_bytes(data) != entry["sha256"]:
        raise WeightsError(f"{name}: sha256 does not match models.json (file corrupted or replaced)")
    try:
        return array_headers(data)
    except Exception as e:  # zipfile and the .npy header reader raise several kinds for a damaged file
        raise WeightsError(f"{name}: not a readable .npz ({type(e).__name__})") from None


def network_from_bytes(data: bytes, entry: dict) -> Network:
    """Check data against its manifest entry (hash, then array names, shapes and dtypes from the headers alone,
    so a file cannot make us read more than its entry's layers need) and build the network."""
    name = entry.get("file", entry.get("name", "?"))
    headers = verified_headers(data, entry, name)
    layers = entry["layers"]
    check_headers(headers, layers, name)
    with np.load(io.BytesIO(data)) as arrays:  # float32: the forward pass and teaching compute in it
        weights = [weights_of(arrays, i) for i in range(len(layers) - 1)]
        biases = [arrays[f"b{i}"].astype(np.float32) for i in range(len(layers) - 1)]
    activation = entry.get("activation", "relu")
    if activation not in ACTIVATIONS:
        raise WeightsError(f"{name}: unknown activation {activation!r}")
    return Network(weights, biases, activation, entry.get("temperature", 1.0))


def weights_of(arrays, i: int) -> np.ndarray:
    """Layer i's weights in float32: w_i as stored, or times its column scales s_i where w_i is int8."""
    w = arrays[f"w{i}"].astype(np.float32)
    return w * arrays[f"s{i}"] if arrays[f"w{i}"].dtype == QUANTISED else w


def quantised(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(q, s): w as int8 q and a float32 scale per output column s, w ~ q * s; s is the column's largest magnitude
    over 127, so each column spans the whole of int8 (a column of zeros keeps the scale 1)."""
    most = np.abs(w).max(axis=0)
    scale = np.where(most > 0, most / 127, 1).astype(SCALE)
    return np.clip(np.rint(w / scale), -127, 127).astype(QUANTISED), scale


def network_to_bytes(network: Network) -> bytes:
    """The network's weights file: its weights as int8 with a scale per output column, its biases in float16,
    compressed (the site serves .npz as it is)."""
    arrays = {}
    for i, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
        if not np.all(np.isfinite(w)):
            raise ValueError("a weight is not a number")
        arrays[f"w{i}"], arrays[f"s{i}"] = quantised(np.asarray(w, dtype=np.float32))
        arrays[f"b{i}"] = np.asarray(b)
    if not all(np.all(np.abs(b) <= np.finfo(STORED).max) for b in network.biases):
        raise ValueError("a bias is beyond float16's range or not a number")  # it would be stored as inf or nan
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{name: a if name[0] in "ws" else a.astype(STORED) for name, a in arrays.items()})
    return buffer.getvalue()


def file_bytes(weights_dir: str | Path, entry: dict) -> bytes:
    """The bytes of an entry's file, after a look at its size."""
    path = Path(weights_dir) / entry["file"]
    if not path.is_file():
        raise WeightsError(f"{entry['file']}: missing")
    if path.stat().st_size > MOST_BYTES:
        raise WeightsError(f"{entry['file']}: {path.stat().st_size:,} bytes, more than a network's {MOST_BYTES:,}")
    return path.read_bytes()


def load_network(weights_dir: str | Path, entry: dict) -> Network:
    """The network of one checked entry, read from its file."""
    return network_from_bytes(file_bytes(weights_dir, entry), entry)


@dataclass
class Listed:
    """One network models.json lists, loaded or not."""

    name: str  # as shown: its own name, or "entry 3" when it has none usable, "B1 (entry 5)" for a second B1
    entry: dict  # its fields that passed their checks
    network: Network | None  # None when it did not load
    reason: str = ""  # why it did not load


def load_listed(weights_dir: str | Path, taken: frozenset[str] = frozenset()) -> list[Listed]:
    """Every network models.json lists, in its order, each loaded or disabled with its reason alone.

    `taken`: names an entry may not have (the app's "vote"). WeightsError only when models.json itself is
    unusable."""
    listed, names = [], set(taken)
    for number, entry in enumerate(read_manifest(weights_dir), 1):
        problems = entry_problems(entry)
        good = {k: v for k, v in entry.items() if k not in problems} if isinstance(entry, dict) else {}
        name = good.get("name", f"entry {number}")
        if name in names:
            problems.setdefault("name", f"{MANIFEST}: entry {number}'s name {shown(name)} is already taken")
            name = f"{name} (entry {number})"
        names.add(name)
        if problems:
            listed.append(Listed(name, good, None, next(iter(problems.values()))))
            continue
        try:
            listed.append(Listed(name, good, load_network(weights_dir, entry)))
        except WeightsError as e:
            listed.append(Listed(name, good, None, str(e)))
    return listed


def load_models(weights_dir: str | Path) -> tuple[dict[str, Network], dict[str, str]]:
    """Every network the manifest lists: ({name: network}, {name: reason it could not be loaded})."""
    listed = load_listed(weights_dir)
    return {m.name: m.network for m in listed if m.network}, {m.name: m.reason for m in listed if not m.network}


# --- the check of whether a drawing is a digit at all (digitlike.py): models.json's "check" -------------------

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
    manifest = json.loads((Path(weights_dir) / MANIFEST).read_text())  # read_manifest has checked it parses
    entry = manifest.get("check") if isinstance(manifest, dict) else None
    if not isinstance(entry, dict):
        raise WeightsError(f"{MANIFEST}: no check entry")
    for field, (required, test, expected) in CHECK_FIELDS.items():
        if field not in entry:
            if required:
                raise WeightsError(f"{MANIFEST}: check's {field} missing")
        elif not test(entry[field]):
            raise WeightsError(f"{MANIFEST}: check's {field} {shown(entry[field])} is not {expected}")
    return entry


CHECK_ARRAYS = ("mean", "basis", "references", "scale")
REFERENCE_DTYPE = np.dtype("i1")  # the references' coordinates as int8, each coordinate times its scale


def check_arrays(headers: dict, layers: list[int], name: str) -> None:
    """A check file holds mean (784,), basis (k, 784), references (n, k + 1) in int8 with their scale (k + 1,), and
    the network's w_i, b_i."""
    network = {k: v for k, v in headers.items() if k not in CHECK_ARRAYS}
    check_headers(network, layers, name)
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
    check_arrays(verified_headers(data, entry, name), entry["layers"], name)
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
