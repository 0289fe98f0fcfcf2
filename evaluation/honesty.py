"""The report's section on drawings that are not digits: how the check (recognizer.digitlike) was chosen, and how
often each network and the vote call a drawing "not a digit", on non-digits and on real digits.

Everything here is computed natively with the shipped code, except the page's figures, which
`python -m evaluation drawn` and `python -m evaluation offdigits` saved (docs/drawn.json, docs/offdigits.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from files import DOCS
from harness.native import loaded_networks, native_inputs
from harness.offdigits import check_drawings
from recognizer.digitlike import Check, load_check
from recognizer.network import vote
from train import check as fitting
from train import nondigits
from train.data import as_inputs, load_mnist

from .measure import chosen_digits, percent
from .pictures import plot_flagged_digits, plot_non_digits


def log_sum_exp(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))[:, 0]


def candidates(networks: dict, check: Check) -> dict:
    """Each way of telling digits from the rest that was measured: a score, higher for less digit-like drawings."""

    def highest_probability(x):
        return -vote([n.probabilities(x) for n in networks.values()]).max(axis=1)

    def energy(x):  # Liu et al. 2020: -T log sum exp(z / T), averaged over the networks
        return -np.mean([n.temperature * log_sum_exp(n.logits(x) / n.temperature) for n in networks.values()], 0)

    return {
        "the vote's highest probability (Hendrycks and Gimpel 2017)": highest_probability,
        "the networks' energy (Liu et al. 2020)": energy,
        "distance to the principal components of digits": lambda x: check.coordinates(x)[:, -1],
        "distance to the nearest reference digit": check.distance,
        "the check network's doubt (it learned from the project's non-digits)": check.doubt,
    }


def flagged_share(scores: np.ndarray, limit: float) -> float:
    return float((scores > limit).mean())


def choice_table(networks: dict, check: Check, choosing: np.ndarray, others: np.ndarray, kinds, validation) -> list:
    """For each candidate, at the limit that lets through all but 1 in 400 of the choosing writers' digits: the share
    of held-out non-digits it calls not a digit (by kind), and of MNIST's validation digits."""
    kind_names = list(nondigits.KINDS)
    lines = [
        "| way of telling | non-digits called not a digit | " + " | ".join(kind_names) + " | MNIST validation |",
        "|---|---|" + "---|" * len(kind_names) + "---|",
    ]
    for name, score in candidates(networks, check).items():
        limit = fitting.limit(score(choosing))
        flagged = score(others) > limit
        by_kind = [percent(flagged[kinds == kind].mean()) for kind in kind_names]
        row = [name, percent(flagged.mean()), *by_kind, percent(flagged_share(score(validation), limit))]
        lines.append("| " + " | ".join(row) + " |")
    flagged = ~check.digit_like(others)
    by_kind = [percent(flagged[kinds == kind].mean()) for kind in kind_names]
    both = percent((~check.digit_like(validation)).mean())
    lines.append("| **the check: nearest reference digit and the check network** | **" + percent(flagged.mean()))
    lines[-1] += "** | " + " | ".join(by_kind) + f" | {both} |"
    return lines


def rate_rows(label: str, results: dict) -> list[str]:
    """Rows of the rates table from a saved summary (offdigits.json's groups)."""
    rows = []
    for group, figures in results.items():
        if group == "all" or group.startswith("kind: "):
            what = f"{label}, {group.removeprefix('kind: ')}s" if group != "all" else f"{label}, all"
            not_digit = figures["not_a_digit"]["vote"]
            rows.append(f"| {what} | {figures['drawings']:,} | {percent(not_digit)} | {percent(figures['sure'])} | |")
    return rows


def digit_like_section(weights_dir: Path, data_dir: Path) -> str:
    networks, framing = loaded_networks(weights_dir)
    check = load_check(weights_dir)
    known = fitting.digits(data_dir)
    choosing = as_inputs(known.choosing)
    images, kinds = fitting.rendered_non_digits(nondigits.HELD_OUT_COUNT, nondigits.HELD_OUT_SEED, data_dir)
    others = as_inputs(images)
    mnist = load_mnist(data_dir)
    validation = as_inputs(mnist.validation_images.reshape(-1, 784))
    test = as_inputs(mnist.test_images.reshape(-1, 784))
    digits = chosen_digits(None)
    drawn = native_inputs([d.strokes for d in digits], {fitting.FRAMING})[fitting.FRAMING]
    flagged_drawn = np.flatnonzero(~check.digit_like(drawn))
    plot_non_digits(nondigits.non_digits(8 * len(nondigits.KINDS), nondigits.HELD_OUT_SEED), DOCS / "nondigits.png")
    plot_flagged_digits([digits[i] for i in flagged_drawn], drawn[flagged_drawn], DOCS / "flagged-digits.png")

    lines = [
        "## Drawings that are not digits",
        "",
        "The networks always answer with a digit, and can be sure of one for a letter, a star or a scribble: their "
        "confidence cannot tell. So every answer also says whether the drawing looks like a digit at all "
        '(`recognizer/digitlike.py`); one that does not is never called sure, and the page says "That does not '
        'look like a digit", with the likeliest digit shown small and the pie greyed. One check judges the drawing '
        "for every network and the vote, so each network's answer carries the same judgement. It asks two "
        "questions of the 28x28 image the networks see: is it near one of "
        f"{len(check.references):,} reference digits ({fitting.MNIST_REFERENCES:,} MNIST training digits and the "
        f"pen digits of 15 training writers), measured in their {fitting.COMPONENTS} principal components plus what "
        "those leave out; and does a small network that learned what is not a digit "
        f"({'-'.join(map(str, check.network.layers))}, trained with the networks' own backpropagation on digits "
        "and on the project's own non-digits) doubt it? Each limit lets through all but 1 in 400 digits of five "
        f"training writers held back from the fitting (writers {', '.join(map(str, sorted(fitting.CHOOSING_WRITERS)))}"
        "); a drawing beyond either is not digit-like (`python -m train check`). A person's taught examples count "
        "as digits beyond question: a drawing as near one of them is digit-like, so an odd digit taught with "
        '"It was" is read as that digit from then on, while the check network itself never changes (teaching '
        "it digits alone would teach it that everything is one).",
        "",
        "The non-digits are made by the project (`train/nondigits.py`) from what it has: random scribbles, "
        "signs of straight strokes and arcs, geometric shapes, pieces of the training writers' digits, parts of "
        "different digits recombined, two digits over each other or side by side, digits crossed out; all drawn "
        "with the page's pen and framing. Some of them come out looking like a digit, as any random drawing may, "
        "so no way of telling reaches all of them. No letters: those are what the check set below measures, and "
        "none of its letters, shapes or marks was fitted on.",
        "",
        "![The project's non-digits, by kind](nondigits.png)",
        "",
        "### How the way was chosen",
        "",
        f"On {len(others):,} non-digits made with another seed than those fitted on, and never fitted on; every "
        "way's limit set as the check's are (all but 1 in 400 of the held-back writers' digits let through):",
        "",
        *choice_table(networks, check, choosing, others, kinds, validation),
        "",
        "The networks' own confidence (highest probability, energy) and the distance to the principal components "
        "leave most non-digits through; the distance to drawn digits and the network that learned from non-digits "
        "each catch more, and different ones, so the check uses both. Tried in trials that are not part of this "
        "code, and left: fine-tuning B1-B4 themselves with outlier exposure (uniform targets for the non-digits, "
        "Hendrycks et al. 2019) lowered their MNIST accuracy by more than the 0.1 points allowed, since some "
        "non-digits look like digits, and caught no more than the check network; a Mahalanobis distance on the "
        "last hidden layer (Lee et al. 2018) and nearest neighbours among the networks' hidden features caught "
        "fewer than the distance in pixels. The networks are unchanged, so every accuracy figure above is too. "
        "Which of these to use was decided on the figures above and on the check set below, looked at natively "
        "while the check was made: the check set is unseen by every fitted number, but not by that choice.",
        "",
        "### How often each network and the vote call a drawing not a digit",
        "",
        "| drawings | how many | called not a digit (the vote and each network) | the vote sure of a digit | "
        "without the check: the vote sure |",
        "|---|---|---|---|---|",
        native_row("the project's non-digits, held out (native)", others, networks, check),
    ]
    offdigits = DOCS / "offdigits.json"
    if offdigits.exists():
        saved = json.loads(offdigits.read_text())
        if "page" in saved:
            lines += rate_rows("letters, shapes, marks, scribbles (page)", saved["page"])
    drawings = check_drawings()
    check_set = native_inputs([d.strokes for d in drawings], {fitting.FRAMING})[fitting.FRAMING]
    for kind in dict.fromkeys(d.kind for d in drawings):
        rows = [i for i, d in enumerate(drawings) if d.kind == kind]
        lines.append(
            native_row(f"letters, shapes, marks, scribbles (native), {kind}s", check_set[rows], networks, check)
        )
    lines.append(native_row("letters, shapes, marks, scribbles (native), all", check_set, networks, check))
    lines.append(native_row("MNIST test digits (native)", test, networks, check))
    drawn_results = DOCS / "drawn.json"
    if drawn_results.exists():
        saved = json.loads(drawn_results.read_text())
        for mode in [m for m in ("page",) if m in saved and "not_a_digit" in saved[m]["vote"]]:
            count = saved["page_digits"] if mode == "page" else saved["digits"]
            not_digit = saved[mode]["vote"]["not_a_digit"]
            lines.append(
                f"| held-out writers' digits ({mode}) | {count:,} | {percent(not_digit)} | "
                f"{percent(saved['sure'][mode])} | |"
            )
    lines.append(native_row("held-out writers' digits (native)", drawn, networks, check))
    lines += [
        "",
        "Page: drawn into the built page in Chromium with the mouse (`python -m evaluation offdigits`, "
        "`python -m evaluation drawn`); native: the same strokes through the same Python. The check set "
        "(`harness/offdigits.py`) is 70 hand-made templates of letters (all but O and I, which are the digits 0 "
        "and 1 by another name, and lowercase letters unlike any digit), shapes, marks and scribbles, each drawn "
        "8 times with the variations of a hand:",
        "",
        "![The check set](offdigits.png)",
        "",
        *per_name_lines(offdigits),
        f"Held-out writers' digits the check calls not a digit (natively, {len(flagged_drawn)} of {len(digits):,}):",
        "",
        "![Digits called not a digit](flagged-digits.png)",
        "",
        "Reproduce: `python -m train check`, then `python -m evaluation offdigits` and `python -m evaluation drawn` "
        "(both need `python3 build.py`), then `python -m evaluation report`.",
        "",
    ]
    return "\n".join(lines)


def native_row(label: str, x: np.ndarray, networks: dict, check: Check) -> str:
    """A row of the rates table, natively: how many, called not a digit, the vote sure of a digit with the check
    and without it (app.SURE alone, as the page answered before the check)."""
    from recognizer.app import SURE

    sure = vote([n.probabilities(x) for n in networks.values()]).max(axis=1) >= SURE
    digit_like = check.digit_like(x)
    return f"| {label} | {len(x):,} | {percent((~digit_like).mean())} | {percent((sure & digit_like).mean())} | " + (
        f"{percent(sure.mean())} |"
    )


def per_name_lines(path: Path) -> list[str]:
    """The share of each template of the check set called not a digit by the vote, in the page (or natively)."""
    if not path.exists():
        return []
    saved = json.loads(path.read_text())
    results = saved.get("page", saved["native"])
    names = [(g.removeprefix("name: "), f) for g, f in results.items() if g.startswith("name: ")]
    shares = ", ".join(f"{name} {percent(figures['not_a_digit']['vote'])}" for name, figures in names)
    mode = "in the page" if "page" in saved else "natively"
    return [f"Called not a digit, {mode}, by template: {shares}.", ""]
