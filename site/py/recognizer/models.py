"""The model files in site/weights: one .npz per network and models.json describing them.

Each .npz holds float32 arrays w0, b0, w1, b1, ... with w_i of shape (n_in, n_out). models.json lists, for
each network, its name, file, layer sizes, activation, framing, training set, test accuracy and the file's
sha256. A file that does not match its entry is refused with a one-line reason; the other networks still
load, so one broken file disables one button, not the page.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from .network import ACTIVATIONS, Network

MANIFEST = "models.json"


class WeightsError(Exception):
    """A weight file or manifest entry that cannot be used; the message is one line naming the problem."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(weights_dir: str | Path) -> list[dict]:
    path = Path(weights_dir) / MANIFEST
    try:
        models = json.loads(path.read_text())["models"]
    except FileNotFoundError:
        raise WeightsError(f"{path}: missing") from None
    except (ValueError, KeyError, TypeError) as e:
        raise WeightsError(f"{path}: not a valid manifest ({e})") from None
    return models


def network_from_bytes(data: bytes, entry: dict) -> Network:
    """Check data against its manifest entry (hash, array names, shapes, dtype) and build the network."""
    name = entry.get("file", entry.get("name", "?"))
    if "sha256" in entry and sha256_bytes(data) != entry["sha256"]:
        raise WeightsError(f"{name}: sha256 does not match models.json (file corrupted or replaced)")
    try:
        with np.load(io.BytesIO(data)) as arrays:
            arrays = dict(arrays)
    except Exception as e:  # np.load raises several kinds for a damaged zip
        raise WeightsError(f"{name}: not a readable .npz ({type(e).__name__})") from None
    layers = entry["layers"]
    weights, biases = [], []
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:], strict=True)):
        w, b = arrays.get(f"w{i}"), arrays.get(f"b{i}")
        if w is None or b is None:
            raise WeightsError(f"{name}: array w{i} or b{i} missing")
        if w.shape != (n_in, n_out) or b.shape != (n_out,):
            raise WeightsError(f"{name}: layer {i} has shape {w.shape}, expected {(n_in, n_out)}")
        if w.dtype != np.float32 or b.dtype != np.float32:
            raise WeightsError(f"{name}: layer {i} is {w.dtype}, expected float32")
        weights.append(w)
        biases.append(b)
    if len(arrays) != 2 * len(weights):
        raise WeightsError(f"{name}: has {len(arrays)} arrays, expected {2 * len(weights)}")
    activation = entry.get("activation", "relu")
    if activation not in ACTIVATIONS:
        raise WeightsError(f"{name}: unknown activation {activation!r}")
    return Network(weights, biases, activation)


def network_to_bytes(network: Network) -> bytes:
    buffer = io.BytesIO()
    arrays = {}
    for i, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
        arrays[f"w{i}"] = np.asarray(w, dtype=np.float32)
        arrays[f"b{i}"] = np.asarray(b, dtype=np.float32)
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def load_models(weights_dir: str | Path) -> tuple[dict[str, Network], dict[str, str]]:
    """Every network the manifest lists: ({name: network}, {name: reason it could not be loaded})."""
    networks, failures = {}, {}
    for entry in read_manifest(weights_dir):
        try:
            data = (Path(weights_dir) / entry["file"]).read_bytes()
            networks[entry["name"]] = network_from_bytes(data, entry)
        except FileNotFoundError:
            failures[entry["name"]] = f"{entry['file']}: missing"
        except WeightsError as e:
            failures[entry["name"]] = str(e)
    return networks, failures
