"""Reading drawings without a browser, through the page's own code: the committed networks, the inputs the
page's preprocessing makes of any drawing, and the vote's answers. A test checks the page against these, and a
measurement that uses them measures the shipped code."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recognizer.models import load_models, read_manifest
from recognizer.network import Network, vote


def loaded_networks(weights_dir: Path) -> tuple[dict, dict[str, str]]:
    """The committed networks, every one of which must load, and the framing each expects its inputs in."""
    networks, failures = load_models(weights_dir)
    if failures:
        raise SystemExit("error: " + "; ".join(failures.values()))
    return networks, {entry["name"]: entry["framing"] for entry in read_manifest(weights_dir)}


def native_inputs(drawings: list, framings: set[str]) -> dict[str, np.ndarray]:
    """For each framing, the network inputs (n, 784) of every drawing (a list of strokes, each an array or list of
    (x, y) points), made by the page's own preprocessing from the strokes as the page would send them."""
    from recognizer.preprocess import to_network_input

    return {
        framing: np.stack(
            [to_network_input([np.asarray(s).tolist() for s in strokes], framing) for strokes in drawings]
        )
        for framing in framings
    }


def vote_answers(networks: dict[str, Network], framings: dict[str, str], inputs: dict[str, np.ndarray]) -> np.ndarray:
    """The vote's digit for each drawing (inputs by framing, from native_inputs)."""
    return vote([net.probabilities(inputs[framings[name]]) for name, net in networks.items()]).argmax(axis=1)
