"""The model files in site/weights: one .npz per network and models.json describing them.

Each .npz holds arrays w0, b0, w1, b1, ... with w_i of shape (n_in, n_out) and b_i of shape (n_out,). As publishing
writes them, each w_i is int8 with a scale per output column, s_i of shape (n_out,) in float32: weight = w_i * s_i,
s_i being the column's largest magnitude over 127 (compressed, about a quarter of float32's bytes), and b_i is
float16. A file may also hold w_i in float16 or float32 without s_i. Everything is read into float32. models.json
lists, for each network, its name, file, layer sizes, activation, framing, training set, test accuracy, temperature
and the file's sha256. Every entry is verified on its own, and every file against its entry before any of its arrays
is read; what is wrong is one line, and it disables that network alone. Its "check" entry describes check.npz, the
digit check, which digitlike.py reads the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .entries import MANIFEST, MOST_WEIGHTS, WeightsError, entry_problems, shown
from .network import ACTIVATIONS, Network

STORED = np.dtype("<f2")  # the biases as network_to_bytes writes them: float16, little-endian on any machine
READABLE = {STORED: "float16", np.dtype("<f4"): "float32"}  # what biases, and weights without scales, may be
QUANTISED = np.dtype("i1")  # weights as int8, each output column times its scale
SCALE = np.dtype("<f4")  # the scales: float32
ALLOWED = {"w": {QUANTISED: "int8", **READABLE}, "s": {SCALE: "float32"}, "b": READABLE}  # by an array's first letter
MOST_BYTES = 4 * MOST_WEIGHTS + 65_536  # a weights file's size: its arrays plus room for the zip's headers


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(weights_dir: str | Path) -> list:
    """models.json's list of entries, not yet verified (entries.verify_entry); WeightsError if there is no list."""
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


def verify_headers(headers: dict, layers: list[int], name: str) -> None:
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
    verify_headers(headers, layers, name)
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


def file_head(path: str | Path, most: int) -> bytes:
    """At most `most` bytes of a file (one the worker wrote): a bigger one is cut short, then refused as damaged."""
    with open(path, "rb") as file:
        return file.read(most)


def file_bytes(weights_dir: str | Path, entry: dict) -> bytes:
    """The bytes of an entry's file, after a look at its size."""
    path = Path(weights_dir) / entry["file"]
    if not path.is_file():
        raise WeightsError(f"{entry['file']}: missing")
    if path.stat().st_size > MOST_BYTES:
        raise WeightsError(f"{entry['file']}: {path.stat().st_size:,} bytes, more than a network's {MOST_BYTES:,}")
    return path.read_bytes()


def load_network(weights_dir: str | Path, entry: dict) -> Network:
    """The network of one verified entry, read from its file."""
    return network_from_bytes(file_bytes(weights_dir, entry), entry)


@dataclass
class Listed:
    """One network models.json lists, loaded or not."""

    name: str  # as shown: its own name, or "entry 3" when it has none usable, "B1 (entry 5)" for a second B1
    entry: dict  # its fields that passed verification
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
