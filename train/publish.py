"""Writing a trained network into site/weights: its .npz and its entry in models.json, both atomically; its
fitted temperature (recognizer/temperature.py) into its entry; and the rehearsal digits the page learns beside."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np

from files import REHEARSAL, WEIGHTS, write_atomically
from recognizer.models import MANIFEST, STORED, network_from_bytes, network_to_bytes, read_manifest, sha256_bytes
from recognizer.network import Network

REHEARSAL_PER_DIGIT = 100  # MNIST training digits of each kind the page rehearses while it learns (learn.py)


def read_entries(weights_dir: Path) -> dict[str, dict]:
    if not (weights_dir / MANIFEST).exists():
        return {}  # the first network published
    return {entry["name"]: entry for entry in read_manifest(weights_dir)}


def compact_json(value) -> str:
    """Indented JSON, but with lists of numbers kept on one line each, so the file stays readable."""
    text = json.dumps(value, indent=1)
    return re.sub(r"\[[-0-9.,e\s]*\]", lambda m: " ".join(m.group().split()), text) + "\n"


def as_published(network: Network) -> Network:
    """The network as the page will load it from its file (int8 weights), to measure what is shipped."""
    entry = {"layers": network.layers, "activation": network.activation, "temperature": network.temperature}
    return network_from_bytes(network_to_bytes(network), entry)


def publish(network: Network, entry: dict, weights_dir: Path = WEIGHTS) -> dict:
    """Save `network` as <name>.npz and record `entry` (plus file, layers, sha256) in models.json."""
    data = network_to_bytes(network)
    entry = {
        "name": entry["name"],
        "file": f"{entry['name']}.npz",
        "layers": network.layers,
        "activation": network.activation,
        **{k: v for k, v in entry.items() if k != "name"},
        "sha256": sha256_bytes(data),
    }
    write_atomically(weights_dir / entry["file"], data)
    entries = read_entries(weights_dir)
    entries[entry["name"]] = entry
    write_manifest(entries, weights_dir)
    return entry


def write_manifest(entries: dict[str, dict], weights_dir: Path, check: dict | None = None) -> None:
    """models.json with these networks' entries and the check's (`check`, or the one it has)."""
    check = check or read_check(weights_dir)
    manifest = {"models": [entries[name] for name in sorted(entries)], **({"check": check} if check else {})}
    write_atomically(weights_dir / MANIFEST, compact_json(manifest).encode())


def read_check(weights_dir: Path) -> dict | None:
    path = weights_dir / MANIFEST
    return json.loads(path.read_text()).get("check") if path.exists() else None


def check_to_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The check's file: its arrays in float16, or int8 as they are, compressed."""
    buffer = io.BytesIO()
    stored = {name: a if a.dtype == np.int8 else np.asarray(a, dtype=STORED) for name, a in arrays.items()}
    np.savez_compressed(buffer, **stored)
    return buffer.getvalue()


def publish_check(arrays: dict[str, np.ndarray], entry: dict, weights_dir: Path = WEIGHTS) -> dict:
    """Save the check's arrays as check.npz (check_to_bytes), and its entry (plus file and sha256) in models.json."""
    data = check_to_bytes(arrays)
    entry = {"file": "check.npz", **entry, "sha256": sha256_bytes(data)}
    write_atomically(weights_dir / entry["file"], data)
    write_manifest(read_entries(weights_dir), weights_dir, entry)
    return entry


def with_temperature(entry: dict, temperature: float) -> dict:
    """The entry with its temperature, placed after its test accuracy (before the long training record)."""
    fields = [(key, value) for key, value in entry.items() if key != "temperature"]
    keys = [key for key, _ in fields]
    at = keys.index("test_accuracy") + 1 if "test_accuracy" in keys else len(fields)
    return dict([*fields[:at], ("temperature", temperature), *fields[at:]])


def record_temperatures(temperatures: dict[str, float], weights_dir: Path = WEIGHTS) -> None:
    """Write each network's temperature into its models.json entry; the weights files are not touched."""
    entries = read_entries(weights_dir)
    for name, temperature in temperatures.items():
        entries[name] = with_temperature(entries[name], temperature)
    write_manifest(entries, weights_dir)


def rehearsal_digits(labels: np.ndarray, per_digit: int = REHEARSAL_PER_DIGIT) -> np.ndarray:
    """Indices of the first `per_digit` images of each digit, in their order in the set."""
    return np.sort(np.concatenate([np.flatnonzero(labels == d)[:per_digit] for d in range(10)]))


def publish_rehearsal(images: np.ndarray, labels: np.ndarray, path: Path = REHEARSAL) -> Path:
    """site/rehearsal.npz: MNIST training digits (uint8) that teaching in the page rehearses, so that
    learning a person's examples does not make the networks forget the digits they learned from."""
    chosen = rehearsal_digits(labels)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=images[chosen].astype(np.uint8), labels=labels[chosen].astype(np.uint8))
    write_atomically(path, buffer.getvalue())
    return path
