"""python -m evaluation teaching: what the page's "It was: D" buttons teach, measured natively with the shipped code.

Every drawing goes through the page's preprocessing and every correction through the page's learning
(recognizer.learn.Personal), so these are the figures of what a person's browser does. Three measurements,
each person being one writer of the pen digits (train/pendigits.py), and nothing shared between people:
- writers: teach k drawings of each digit (k = 1, 2, 5: the first ones the writer drew), then read the rest
  of that writer's digits; the vote's error before and after, per digit and overall;
- styles: ways real people write that the shipped networks misread, made from each writer's own strokes
  (STYLES); a person corrects a misread drawing of the style, one after another, and after each correction
  the personal vote reads the writer's other drawings of the style, and all their other digits;
- forgetting: MNIST's test accuracy of every personal copy after the most teaching above.
By default on the held-out writers (measuring only); `--writers training` runs the same on the 20 training
writers, which is what the settings in recognizer.learn.Teaching were chosen on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict

import numpy as np

from files import DATA, WEIGHTS
from recognizer.learn import Personal, Teaching
from recognizer.network import Network, vote
from recognizer.preprocess import to_network_input
from train import pendigits

from .report import framed_inputs, loaded_networks

KS = (1, 2, 5)  # drawings taught of each digit
CORRECTIONS = 5  # a style's first drawings that may be corrected; the writer's others of the style are read


# --- styles: strokes some people add, on each writer's own drawings (x right, y down) ---------------------


def extent(strokes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(strokes)
    return points.min(axis=0), points.max(axis=0)


def slashed_zero(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """A zero struck through from lower left to upper right, the stroke running past the ring, as programmers
    and Scandinavians write it."""
    low, high = extent(strokes)
    past = 0.15 * (high[1] - low[1])
    return [*strokes, np.array([[low[0] - past, high[1] + past], [high[0] + past, low[1] - past]])]


def flagged_one(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """A one with a long flag, drawn first from halfway down on the left up to the top, as much of Europe
    writes it."""
    low, high = extent(strokes)
    points = np.concatenate(strokes)
    top = points[np.argmin(points[:, 1])]
    height = high[1] - low[1]
    return [np.array([top + [-0.8 * height, 0.5 * height], top]), *strokes]


STYLES: dict[str, tuple[int, Callable]] = {
    "slashed 0": (0, slashed_zero),
    "1 with a long flag": (1, flagged_one),
}


# --- reading and teaching --------------------------------------------------------------------------------


def as_strokes(strokes: list[np.ndarray]) -> list[list[list[float]]]:
    return [s.tolist() for s in strokes]


def network_inputs(framings: dict[str, str], strokes: list) -> dict[str, np.ndarray]:
    """For each framing, every drawing as the page's preprocessing gives it to a network: (n, 784)."""
    return {f: np.stack([to_network_input(s, f) for s in strokes]) for f in set(framings.values())}


def vote_answers(networks: dict[str, Network], framings: dict[str, str], inputs: dict[str, np.ndarray]) -> np.ndarray:
    """The vote's digit for each drawing (inputs from network_inputs)."""
    return vote([net.probabilities(inputs[framings[name]]) for name, net in networks.items()]).argmax(axis=1)


def first_k(labels: np.ndarray, k: int) -> np.ndarray:
    """A mask of the first k drawings of each digit, in the order the writer drew them."""
    taught = np.zeros(len(labels), bool)
    for d in range(10):
        taught[np.flatnonzero(labels == d)[:k]] = True
    return taught


def error_by_digit(truth: np.ndarray, answers: np.ndarray) -> dict:
    return {
        "overall": float(np.mean(answers != truth)),
        "per_digit": [float(np.mean(answers[truth == d] != d)) if np.any(truth == d) else None for d in range(10)],
        "wrong": int(np.sum(answers != truth)),
        "read": len(truth),
    }


def teach_writer(
    shipped, framings, digits, inputs, k: int, settings: Teaching, rehearsal=None
) -> tuple[dict, Personal]:
    """Teach one writer's first k drawings of each digit; the vote's error on the rest before and after.

    inputs: network_inputs of all the writer's digits."""
    truth = np.array([d.label for d in digits])
    taught = first_k(truth, k)
    personal = Personal(shipped, framings, settings, rehearsal)
    for i in np.flatnonzero(taught):
        personal.teach(as_strokes(digits[i].strokes), digits[i].label)
    rest = {framing: x[~taught] for framing, x in inputs.items()}
    before = error_by_digit(truth[~taught], vote_answers(shipped, framings, rest))
    after = error_by_digit(truth[~taught], vote_answers(personal.networks, framings, rest))
    return {"writer": digits[0].writer, "taught": int(taught.sum()), "before": before, "after": after}, personal


def correct_style(shipped, framings, digits, style: str, settings: Teaching, rehearsal=None) -> dict | None:
    """One writer corrects drawings of a style one by one; after each, the vote reads their others.

    Returns, for 0..CORRECTIONS corrections, the share of the writer's other drawings of the style read
    right, and of all their other (unstyled) digits. None when the writer has too few drawings of the digit."""
    label, restyle = STYLES[style]
    styled = [as_strokes(restyle(d.strokes)) for d in digits if d.label == label]
    if len(styled) <= CORRECTIONS + 2:
        return None
    corrections, others = styled[:CORRECTIONS], network_inputs(framings, styled[CORRECTIONS:])
    plain = network_inputs(framings, [as_strokes(d.strokes) for d in digits if d.label != label])
    plain_truth = np.array([d.label for d in digits if d.label != label])
    personal = Personal(shipped, framings, settings, rehearsal)
    style_right, plain_right = [], []
    for correction in [None, *corrections]:
        if correction is not None:
            personal.teach(correction, label)
        style_right.append(float(np.mean(vote_answers(personal.networks, framings, others) == label)))
        plain_right.append(float(np.mean(vote_answers(personal.networks, framings, plain) == plain_truth)))
    return {"writer": digits[0].writer, "style": style, "read_style": style_right, "read_others": plain_right}


def mnist_accuracy(networks: dict[str, Network], inputs: dict[str, np.ndarray], labels: np.ndarray) -> dict:
    return {name: float(np.mean(net.predict(inputs[name]) == labels)) for name, net in networks.items()}


# --- the benchmark -------------------------------------------------------------------------------------


def by_writer(digits: list[pendigits.PenDigit]) -> dict[int, list[pendigits.PenDigit]]:
    writers: dict[int, list] = {}
    for digit in digits:
        writers.setdefault(digit.writer, []).append(digit)
    return writers


def benchmark(which: str = "held-out", settings: Teaching | None = None, data_dir=DATA) -> dict:
    settings = settings or Teaching()
    from train.data import load_mnist

    digits = pendigits.read_digits()
    chosen = pendigits.held_out_digits(digits) if which == "held-out" else pendigits.training_digits(digits)
    writers = by_writer(chosen)
    shipped, framings = loaded_networks(WEIGHTS)
    mnist = load_mnist(data_dir)
    mnist_inputs = framed_inputs(mnist.test_images, framings)
    mnist_labels = mnist.test_labels.astype(int)
    results = {
        "writers": which,
        "settings": asdict(settings),
        "mnist_shipped": mnist_accuracy(shipped, mnist_inputs, mnist_labels),
    }
    began = time.perf_counter()
    inputs = {writer: network_inputs(framings, [as_strokes(d.strokes) for d in own]) for writer, own in writers.items()}
    results["k"] = {}
    for k in KS:
        sessions = []
        for own in writers.values():
            session, personal = teach_writer(shipped, framings, own, inputs[own[0].writer], k, settings)
            session["mnist"] = mnist_accuracy(personal.networks, mnist_inputs, mnist_labels)
            sessions.append(session)
        results["k"][k] = sessions
        print(
            f"k={k}: " + summary_line(sessions, results["mnist_shipped"]) + f"  ({time.perf_counter() - began:.0f} s)",
            flush=True,
        )
    results["styles"] = {}
    for style in STYLES:
        sessions = [s for own in writers.values() if (s := correct_style(shipped, framings, own, style, settings))]
        results["styles"][style] = sessions
        print(f"{style}: " + style_line(sessions) + f"  ({time.perf_counter() - began:.0f} s)", flush=True)
    return results


def pooled(sessions: list[dict], when: str) -> float:
    return sum(s[when]["wrong"] for s in sessions) / sum(s[when]["read"] for s in sessions)


def summary_line(sessions: list[dict], shipped_mnist: dict[str, float]) -> str:
    before, after = pooled(sessions, "before"), pooled(sessions, "after")
    drops = {name: max(accuracy - s["mnist"][name] for s in sessions) for name, accuracy in shipped_mnist.items()}
    worst = ", ".join(f"{name} {100 * drop:.2f}" for name, drop in drops.items())
    return f"vote error {100 * before:.2f}% -> {100 * after:.2f}%; largest MNIST test drop (points): {worst}"


def style_line(sessions: list[dict]) -> str:
    style = np.mean([s["read_style"] for s in sessions], axis=0)
    others = np.mean([s["read_others"] for s in sessions], axis=0)
    return (
        "style read "
        + " ".join(f"{100 * v:.0f}" for v in style)
        + "%; others "
        + " ".join(f"{100 * v:.2f}" for v in others)
    )


if __name__ == "__main__":
    import sys

    benchmark(sys.argv[1], Teaching(**json.loads(sys.argv[2])) if len(sys.argv) > 2 else None)
