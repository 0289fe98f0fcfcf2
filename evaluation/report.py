"""python -m evaluation report: docs/results.md, measured on the MNIST test set with the committed weights,
and the drawn-digit figures that `python -m evaluation drawn` saved.

Every figure is computed by the forward pass the browser runs (recognizer.network), so the report describes
the shipped code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from files import DATA, DOCS, WEIGHTS
from harness.native import loaded_networks, native_inputs
from recognizer.app import CANDIDATES, SURE
from recognizer.models import read_manifest
from recognizer.network import vote
from recognizer.shipped import training_details
from train.config import MODELS
from train.data import load_mnist

from . import calibration
from .honesty import digit_like_section
from .measure import chosen_digits, confusion_matrix, framed_inputs, percent, summary_of
from .pictures import plot_confusion, plot_training_curves


def test_probabilities(weights_dir: Path, data_dir: Path) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each network's probabilities on the MNIST test images (in its own framing), and the true labels."""
    mnist = load_mnist(data_dir)
    networks, framing = loaded_networks(weights_dir)
    inputs = framed_inputs(mnist.test_images, framing)
    probabilities = {name: net.probabilities(inputs[name]) for name, net in networks.items()}
    probabilities["Vote"] = vote(list(probabilities.values()))
    return probabilities, mnist.test_labels.astype(int)


def per_digit_table(summaries: dict[str, dict]) -> list[str]:
    lines = ["| digit | " + " | ".join(summaries) + " |", "|---|" + "---|" * len(summaries)]
    for digit in range(10):
        lines.append(f"| {digit} | " + " | ".join(percent(s["per_digit"][digit]) for s in summaries.values()) + " |")
    return lines


def confusions_table(summaries: dict[str, dict]) -> list[str]:
    lines = ["| network | true -> answer (count) |", "|---|---|"]
    for name, summary in summaries.items():
        lines.append(f"| {name} | " + ", ".join(f"{i} -> {j} ({n})" for i, j, n in summary["confusions"]) + " |")
    return lines


def mnist_section(weights_dir: Path, data_dir: Path) -> str:
    entries = read_manifest(weights_dir)
    probabilities, truth = test_probabilities(weights_dir, data_dir)
    matrices = {name: confusion_matrix(truth, p.argmax(axis=1)) for name, p in probabilities.items()}
    summaries = {name: summary_of(matrix) for name, matrix in matrices.items()}
    plot_confusion(matrices["Vote"], "Vote on the MNIST test set", DOCS / "confusion-vote.png")
    plot_training_curves(entries, DOCS / "training-curves.png")

    lines = [
        "## MNIST test set (10,000 digits)",
        "",
        "| network | layers | trained on | MNIST test | original app |",
        "|---|---|---|---|---|",
    ]
    for entry in entries:
        name = entry["name"]
        accuracy = summaries[name]["accuracy"]
        original = percent(MODELS[name].original_accuracy) if name in MODELS else ""
        lines.append(
            f"| {name} | {'-'.join(map(str, entry['layers']))} | {training_details(entry.get('trained_on', {}))} "
            f"| **{percent(accuracy)}** | {original} |"
        )
    lines.append(f"| Vote | average of the four | | **{percent(summaries['Vote']['accuracy'])}** | |")
    lines += [
        "",
        "The original's B3 and B4 figures are on EMNIST's test set; ours are all on MNIST's. Each network kept the "
        "epoch that did best on the last 10,000 of MNIST's training digits, which no network trains on.",
        "",
    ]
    lines += ["### Accuracy per digit", "", *per_digit_table(summaries)]
    lines += ["", "### Most common confusions", "", *confusions_table(summaries)]

    lines += [
        "",
        "![Confusion matrix of the vote](confusion-vote.png)",
        "",
        "![Training curves](training-curves.png)",
        "",
        "Training settings (epochs, learning rate, L2, seed, time) are in `site/weights/models.json`.",
        "",
    ]
    return "\n".join(lines)


def drawn_section() -> str:
    """The drawn-digit figures saved by `python -m train drawn` (docs/drawn.json), if it has been run."""
    path = DOCS / "drawn.json"
    if not path.exists():
        return "## Drawn digits\n\nNot measured yet: run `.venv/bin/python -m evaluation drawn`.\n"
    results = json.loads(path.read_text())
    names = list(results["native"])
    page_digits = results.get("page_digits", 0)
    drawn_in_page = (
        "all of them"
        if page_digits == results["digits"]
        else f"{page_digits:,} of them (the first of each kind, equally many per digit)"
    )
    lines = [
        "## Drawn digits (held-out writers)",
        "",
        f"{results['digits']:,} digits by the {len(results['writers'])} writers held out from training and tuning "
        f"(writers {', '.join(map(str, results['writers']))} of the pen-digit set by Alpaydin and Alimoglu). "
        f"*Page*: {drawn_in_page} drawn into the built page in Chromium with the mouse, at a random size (45-75% "
        "of the box), position and speed from a fixed seed, then Vote pressed. *Native*: all of them, the same "
        "strokes through the same Python without a browser. *page = native*: how often both modes gave the same "
        "answer on the page's digits.",
        "",
        "| mode | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for mode in [m for m in ("page", "native") if m in results]:
        lines.append(f"| {mode} | " + " | ".join(percent(results[mode][n]["accuracy"]) for n in names) + " |")
    if "agreement" in results:
        lines.append("| page = native | " + " | ".join(percent(results["agreement"][n]) for n in names) + " |")
    main = "page" if "page" in results else "native"
    lines += ["", f"### Per digit ({main})", "", *per_digit_table(results[main])]
    lines += ["", "### Most common confusions", "", *confusions_table(results[main])]
    lines += [
        "",
        "![Digits the vote misread](misread-drawn.png)",
        "",
        "Reproduce: `python3 build.py`, then `.venv/bin/python -m evaluation drawn` (every held-out digit drawn in "
        "the page by two browsers at once: about 31 minutes on 2 cores; `--per-digit 30` draws 300 in about 5).",
        "",
    ]
    return "\n".join(lines)


def ece_cells(pair: tuple[np.ndarray, np.ndarray], labels: np.ndarray) -> str:
    before, after = (calibration.expected_calibration_error(p, labels) for p in pair)
    return f"{percent(before)} | **{percent(after)}**"


def threshold_row(label: str, probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> str:
    figures = calibration.answers_around(probabilities, labels, threshold)
    return (
        f"| {label} | {percent(figures['not_sure'])} | {percent(figures['sure_accuracy'])} | "
        f"{percent(figures['not_sure_accuracy'])} | {percent(figures['wrong_caught'])} |"
    )


def calibration_section(weights_dir: Path, data_dir: Path) -> str:
    """Each network's temperature, the calibration error before and after it, and how app.SURE was chosen."""
    from recognizer.temperature import fit_temperature

    networks, framing = loaded_networks(weights_dir)
    mnist = load_mnist(data_dir)
    digits = chosen_digits(None)
    sets = {  # name: (inputs for each network, labels)
        "validation": (framed_inputs(mnist.validation_images, framing), mnist.validation_labels.astype(int)),
        "test": (framed_inputs(mnist.test_images, framing), mnist.test_labels.astype(int)),
    }
    drawn = native_inputs([d.strokes for d in digits], set(framing.values()))
    sets["drawn"] = ({n: drawn[framing[n]] for n in networks}, np.array([d.label for d in digits]))
    pairs = {name: calibration.before_and_after(networks, inputs) for name, (inputs, _) in sets.items()}
    labels = {name: labels for name, (_, labels) in sets.items()}
    mistakes = {  # each network's count of wrong answers on a set: what a difference in ECE can rest on
        name: sorted(int((p[1].argmax(axis=1) != labels[name]).sum()) for n, p in pairs[name].items() if n != "Vote")
        for name in ("test", "drawn")
    }

    lines = [
        "## Calibration",
        "",
        "A network is honest about its confidence when, of the answers it gives with confidence about p, a share "
        "of about p is right. Each network's softmax takes its outputs divided by a temperature T "
        "(`softmax(z / T)`), fitted on the validation digits (MNIST's last 10,000 training digits, which no "
        "network trains on) to minimise the negative log-likelihood (`python -m train calibrate`, "
        "`site/py/recognizer/temperature.py`); T never changes a network's answer, only how sure it says it is. "
        "The vote averages the networks' calibrated probabilities. The *expected calibration error* (ECE) puts the "
        f"answers in {calibration.BINS} equal-width bins by confidence and averages |accuracy - confidence| over "
        "the bins, weighted by their answers: 0 is perfectly honest. Drawn digits: the "
        f"{len(digits):,} digits of the held-out writers, natively through the page's preprocessing; they were "
        "never used to fit or choose anything. The networks make "
        f"{mistakes['drawn'][0]} to {mistakes['drawn'][-1]} mistakes on them and {mistakes['test'][0]} to "
        f"{mistakes['test'][-1]} on MNIST test, so differences of a few hundredths of a percent are noise.",
        "",
        "| network | temperature | ECE, MNIST test: before (T = 1) | after | ECE, drawn digits: before | after |",
        "|---|---|---|---|---|---|",
    ]
    for name in pairs["test"]:
        temperature = f"{networks[name].temperature:.4f}" if name in networks else "(average of the four)"
        lines.append(
            f"| {name} | {temperature} | {ece_cells(pairs['test'][name], labels['test'])} | "
            f"{ece_cells(pairs['drawn'][name], labels['drawn'])} |"
        )
    vote_validation = pairs["validation"]["Vote"][1]
    vote_temperature = fit_temperature(np.log(vote_validation), labels["validation"])
    own = {
        name: calibration.expected_calibration_error(
            calibration.softmax(np.log(pairs[name]["Vote"][1]) / vote_temperature), labels[name]
        )
        for name in ("test", "drawn")
    }
    vote_accuracy = {name: (pairs[name]["Vote"][1].argmax(axis=1) == labels[name]).mean() for name in ("test", "drawn")}
    lines += [
        "",
        f"The vote's accuracy with the calibrated networks: {percent(vote_accuracy['test'])} on MNIST test, "
        f"{percent(vote_accuracy['drawn'])} on the drawn digits natively. Averaging "
        "makes the vote a little under-confident (its answers are right more often than it says). A temperature "
        f"of its own, fitted on the validation digits ({vote_temperature:.2f}), would bring its ECE to "
        f"{percent(own['test'])} on MNIST test and {percent(own['drawn'])} on the drawn digits; it is not applied, "
        "so that the vote stays exactly the average of the four networks' probabilities that the page shows.",
        "",
        "### When the page says it is not sure",
        "",
        f"Below `app.SURE` for its answer the page says it is not sure and shows the {CANDIDATES} likeliest "
        "digits. The rule, applied to the vote on the validation digits: the lowest of the candidate thresholds at "
        f"which at most {calibration.MOST_WRONG * 1000:g} in 1,000 answers called sure are wrong.",
        "",
        "| threshold (validation, vote) | not sure | sure answers right | not-sure answers right | mistakes flagged |",
        "|---|---|---|---|---|",
    ]
    for threshold in calibration.THRESHOLDS:
        lines.append(threshold_row(f"{threshold:g}", vote_validation, labels["validation"], threshold))
    chosen = calibration.lowest_sure_threshold(vote_validation, labels["validation"])
    lines += [
        "",
        f"The rule gives {chosen:g}; `app.SURE` is {SURE:g}. At it, on data never used to choose it:",
        "",
        "| network, data | not sure | sure answers right | not-sure answers right | mistakes flagged |",
        "|---|---|---|---|---|",
    ]
    for data_name, shown_name in (("test", "MNIST test"), ("drawn", "drawn digits")):
        for name, pair in pairs[data_name].items():
            lines.append(threshold_row(f"{name}, {shown_name}", pair[1], labels[data_name], SURE))
    return "\n".join([*lines, ""])


def write_report(data_dir: Path = DATA, weights_dir: Path = WEIGHTS) -> Path:
    DOCS.mkdir(exist_ok=True)
    sections = [
        "# Results",
        "",
        "Measured with the shipped forward pass on the committed weights. To reproduce:",
        "",
        "    .venv/bin/python -m train all          # train the four networks (writes site/weights/)",
        "    .venv/bin/python -m train check        # fit the check that a drawing is a digit at all",
        "    .venv/bin/python -m evaluation report  # this page",
        "",
        mnist_section(weights_dir, data_dir),
        calibration_section(weights_dir, data_dir),
        drawn_section(),
        digit_like_section(weights_dir, data_dir),
    ]
    path = DOCS / "results.md"
    path.write_text("\n".join(sections))
    print(f"wrote {path}")
    return path
