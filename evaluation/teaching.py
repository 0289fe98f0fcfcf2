"""python -m evaluation teaching: what the page's "It was: D" buttons teach, measured natively with the shipped code.

Every drawing goes through the page's preprocessing and every correction through the page's learning
(recognizer.learn.Personal), so these are the figures of what a person's browser does. Three measurements,
each person being one writer of the pen digits (train/pendigits.py), and nothing shared between people:
- writers: teach k drawings of each digit (k = 1, 2, 5: the first ones the writer drew), then read the rest
  of that writer's digits; the vote's error before and after, per digit and overall;
- styles: ways real people write that the shipped networks misread, made from each writer's own strokes
  (harness/styles.py); a person corrects a misread drawing of the style, one after another, and after each
  correction the personal vote reads the writer's other drawings of the style, and all their other digits;
- forgetting: MNIST's test accuracy of every personal copy after the most teaching above.
By default on the held-out writers (measuring only); `--writers training` runs the same on the 20 training
writers, which is what the settings in recognizer.learn.Teaching were chosen on.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import numpy as np

from files import DATA, DOCS, REHEARSAL, WEIGHTS, shown
from harness.native import loaded_networks, native_inputs, vote_answers
from harness.strokes import as_strokes
from harness.styles import STYLES
from recognizer.learn import Personal, Teaching, rehearsal_from_bytes
from recognizer.network import Network
from train import pendigits

from .measure import framed_inputs
from .pictures import plot_teaching

KS = (1, 2, 5)  # drawings taught of each digit
CORRECTIONS = 5  # a style's first drawings that may be corrected; the writer's others of the style are read


# --- teaching --------------------------------------------------------------------------------


def first_k(labels: np.ndarray, k: int) -> np.ndarray:
    """A mask of the first k drawings of each digit, in the order the writer drew them."""
    taught = np.zeros(len(labels), bool)
    for d in range(10):
        taught[np.flatnonzero(labels == d)[:k]] = True
    return taught


def error_by_digit(truth: np.ndarray, answers: np.ndarray) -> dict:
    """How many drawings were read wrong, in all and of each digit, out of how many."""
    wrong = answers != truth
    return {
        "wrong": int(wrong.sum()),
        "read": len(truth),
        "wrong_per_digit": np.bincount(truth[wrong], minlength=10).tolist(),
        "read_per_digit": np.bincount(truth, minlength=10).tolist(),
    }


def teach_writer(shipped, framings, digits, inputs, k: int, settings: Teaching, rehearsal) -> tuple[dict, Personal]:
    """Teach one writer's first k drawings of each digit; the vote's error on the rest before and after.

    inputs: measure.native_inputs of all the writer's digits."""
    truth = np.array([d.label for d in digits])
    taught = first_k(truth, k)
    personal = Personal(shipped, framings, settings, rehearsal)
    for i in np.flatnonzero(taught):
        personal.teach(as_strokes(digits[i].strokes), digits[i].label)
    rest = {framing: x[~taught] for framing, x in inputs.items()}
    before = error_by_digit(truth[~taught], vote_answers(shipped, framings, rest))
    after = error_by_digit(truth[~taught], vote_answers(personal.networks, framings, rest))
    return {"writer": digits[0].writer, "taught": int(taught.sum()), "before": before, "after": after}, personal


def correct_style(shipped, framings, digits, style: str, settings: Teaching, rehearsal) -> dict | None:
    """One writer corrects drawings of a style one by one; after each, the vote reads their others.

    Returns, for 0..CORRECTIONS corrections, the share of the writer's other drawings of the style read
    right, and of all their other (unstyled) digits. None when the writer has too few drawings of the digit."""
    label, restyle = STYLES[style]
    styled = [as_strokes(restyle(d.strokes)) for d in digits if d.label == label]
    if len(styled) <= CORRECTIONS + 2:
        return None
    corrections, others = styled[:CORRECTIONS], native_inputs(styled[CORRECTIONS:], set(framings.values()))
    plain = native_inputs([d.strokes for d in digits if d.label != label], set(framings.values()))
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


def native(which: str, settings: Teaching, data_dir=DATA) -> dict:
    """Every writer's sessions (KS and STYLES), each through the shipped code, with MNIST after each."""
    from train.data import load_mnist

    digits = pendigits.read_digits()
    chosen = pendigits.held_out_digits(digits) if which == "held-out" else pendigits.training_digits(digits)
    writers = by_writer(chosen)
    shipped, framings = loaded_networks(WEIGHTS)
    rehearsal = rehearsal_from_bytes(REHEARSAL.read_bytes(), set(framings.values()))  # the page's own
    mnist = load_mnist(data_dir)
    mnist_inputs = framed_inputs(mnist.test_images, framings)
    mnist_labels = mnist.test_labels.astype(int)
    shipped_mnist = mnist_accuracy(shipped, mnist_inputs, mnist_labels)
    results = {"writers": which, "settings": asdict(settings), "mnist_shipped": shipped_mnist, "k": {}, "styles": {}}
    print(f"{len(chosen)} digits by {len(writers)} {which} writers; teaching settings {asdict(settings)}")
    began = time.perf_counter()
    inputs = {w: native_inputs([d.strokes for d in own], set(framings.values())) for w, own in writers.items()}
    for k in KS:
        sessions = []
        for writer, own in writers.items():
            session, personal = teach_writer(shipped, framings, own, inputs[writer], k, settings, rehearsal)
            sessions.append({**session, "mnist": mnist_accuracy(personal.networks, mnist_inputs, mnist_labels)})
        results["k"][str(k)] = sessions
        print(f"k={k}: {summary_line(sessions, shipped_mnist)}  ({time.perf_counter() - began:.0f} s)", flush=True)
    for style in STYLES:
        sessions = [
            session
            for own in writers.values()
            if (session := correct_style(shipped, framings, own, style, settings, rehearsal))
        ]
        results["styles"][style] = sessions
        print(f"{style}: {style_line(sessions)}  ({time.perf_counter() - began:.0f} s)", flush=True)
    return results


def pooled(sessions: list[dict], when: str) -> float:
    return sum(s[when]["wrong"] for s in sessions) / sum(s[when]["read"] for s in sessions)


def mnist_drops(sessions: list[dict], shipped_mnist: dict[str, float]) -> dict[str, tuple[float, float]]:
    """For each network: (mean, largest) drop of MNIST test accuracy over the personal copies, in points."""
    return {
        name: (
            100 * float(np.mean([accuracy - s["mnist"][name] for s in sessions])),
            100 * max(accuracy - s["mnist"][name] for s in sessions),
        )
        for name, accuracy in shipped_mnist.items()
    }


def summary_line(sessions: list[dict], shipped_mnist: dict[str, float]) -> str:
    before, after = pooled(sessions, "before"), pooled(sessions, "after")
    drops = mnist_drops(sessions, shipped_mnist)
    worst = ", ".join(f"{name} {mean:.2f}/{most:.2f}" for name, (mean, most) in drops.items())
    return f"vote error {100 * before:.2f}% -> {100 * after:.2f}%; MNIST test drop, mean/largest (points): {worst}"


def style_line(sessions: list[dict]) -> str:
    style = np.mean([s["read_style"] for s in sessions], axis=0)
    others = np.mean([s["read_others"] for s in sessions], axis=0)
    read = " ".join(f"{100 * v:.0f}" for v in style)
    return f"style read {read}% after 0..{CORRECTIONS} corrections; others " + " ".join(
        f"{100 * v:.2f}" for v in others
    )


# --- in the page: how long one correction takes -------------------------------------------------------------


def page_speed(dist, corrections: int = 6) -> list[float]:
    """Seconds from pressing "It was" to the personal copies' answer in the built page in Chromium, for each of
    `corrections` examples in turn (the first also fetches the rehearsal digits)."""
    from playwright.sync_api import sync_playwright

    from harness.browser import FLAGS, Server, ensure_chromium, wait_until_loaded

    from .page_speed import answer_time

    server = Server(dist)
    seconds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=FLAGS)
        page = browser.new_page()
        page.goto(server.url)
        if wait_until_loaded(page) != "idle":
            raise RuntimeError(f"the page did not load: {page.inner_text('#status')}")
        for _ in range(corrections):
            page.click("#example")
            page.wait_for_selector('#result[data-state="done"]')
            digit = page.get_attribute("#result", "data-digit")
            seconds.append(answer_time(page, f'[data-teach="{digit}"]') / 1000)  # "learning", then the answer
        browser.close()
    server.stop()
    return seconds


# --- the report -------------------------------------------------------------------------------------------


def percent(x: float) -> str:
    return f"{100 * x:.2f}%"


def writers_section(results: dict) -> list[str]:
    lines = [
        "| taught per digit | vote's error before | after | change "
        "| MNIST test drop per copy, mean / largest (points) |",
        "|---|---|---|---|---|",
    ]
    for k, sessions in results["k"].items():
        before, after = pooled(sessions, "before"), pooled(sessions, "after")
        drops = mnist_drops(sessions, results["mnist_shipped"])
        drop = ", ".join(f"{name} {mean:.2f} / {most:.2f}" for name, (mean, most) in drops.items())
        change = f"{100 * (after - before) / before:+.0f}%" if before else "–"
        lines.append(f"| {k} | {percent(before)} | {percent(after)} | {change} | {drop} |")
    lines += ["", "Per digit (the vote's error on each writer's remaining digits, all writers pooled):", ""]
    lines += ["| taught per digit | | " + " | ".join(map(str, range(10))) + " |", "|---|---|" + "---|" * 10]
    for k, sessions in results["k"].items():
        for when in ("before", "after"):
            wrong = np.sum([s[when]["wrong_per_digit"] for s in sessions], axis=0)
            read = np.sum([s[when]["read_per_digit"] for s in sessions], axis=0)
            lines.append(f"| {k} | {when} | " + " | ".join(map(percent, wrong / read)) + " |")
    return lines


def corrections_needed(session: dict, enough: float = 0.9) -> int | None:
    """How many corrections it took until the writer's other drawings of the style were read right `enough`."""
    return next((c for c, read in enumerate(session["read_style"]) if read >= enough), None)


def styles_section(results: dict) -> list[str]:
    lines = [
        f"| style | writers | read right after 0, 1, ..., {CORRECTIONS} corrections (mean over writers) "
        "| corrections until 90% (per writer) | writers at 90% or more after 3 "
        "| their other digits, before → after 3 |",
        "|---|---|---|---|---|---|",
    ]
    for style, sessions in results["styles"].items():
        read = np.mean([s["read_style"] for s in sessions], axis=0)
        others = np.mean([s["read_others"] for s in sessions], axis=0)
        reached = sum(s["read_style"][3] >= 0.9 for s in sessions)
        needed = sorted(corrections_needed(s) for s in sessions if corrections_needed(s) is not None)
        never = sum(corrections_needed(s) is None for s in sessions)
        needed_text = ", ".join(map(str, needed)) + (f", more than {CORRECTIONS} for {never}" if never else "")
        row = ", ".join(f"{100 * v:.0f}%" for v in read)
        others = f"{percent(others[0])} → {percent(others[3])}"
        lines.append(f"| {style} | {len(sessions)} | {row} | {needed_text} | {reached} of {len(sessions)} | {others} |")
    return lines


def write_report(results: dict, path) -> None:
    settings = results["settings"]
    speed = results.get("page_seconds")
    lines = [
        '# Teaching: what "It was" teaches the networks',
        "",
        "![The styles, one held-out writer's drawing each (the added stroke in red); how many of each writer's other"
        " drawings of a style the vote reads right after each correction; the vote's error before and after"
        " teaching](teaching.png)",
        "",
        f"Made by `python -m evaluation teaching` ({results['writers']} writers of the pen digits, each a person of"
        " their own; natively through the page's own preprocessing and learning, recognizer.learn). Settings"
        f" (recognizer.learn.Teaching): {json.dumps(settings)}.",
        "",
        "## Each writer teaches k drawings of each digit, then the rest of their digits are read",
        "",
        *writers_section(results),
        "",
        "## Styles the shipped networks misread, corrected one drawing at a time",
        "",
        *styles_section(results),
        "",
    ]
    if speed:
        lines += [
            "## In the page",
            "",
            f'From pressing "It was" to the personal copies\' answer, in headless Chromium on this machine: first'
            f" correction {speed[0]:.2f} s (it also fetches the rehearsal digits), then "
            + ", ".join(f"{s:.2f}" for s in speed[1:])
            + " s.",
            "",
        ]
    path.write_text("\n".join(lines))


def benchmark(which: str = "held-out", settings: Teaching | None = None, dist=None) -> dict:
    """The native measurements, and with `dist` the page's speed; docs/teaching.json and docs/teaching.md for the
    held-out writers (the training writers' figures, which chose the settings, are printed only)."""
    results = native(which, settings or Teaching())
    writer = min(pendigits.HELD_OUT_WRITERS)
    digits = [d for d in pendigits.read_digits() if d.writer == writer]
    samples = {
        style: restyle(next(d for d in digits if d.label == label).strokes)
        for style, (label, restyle) in STYLES.items()
    }
    if dist is not None:
        results["page_seconds"] = page_speed(dist)
        print("in the page, one correction: " + ", ".join(f"{s:.2f}" for s in results["page_seconds"]) + " s")
    if which == "held-out" and settings is None:
        DOCS.mkdir(exist_ok=True)
        (DOCS / "teaching.json").write_text(json.dumps(results, indent=1))
        write_report(results, DOCS / "teaching.md")
        errors = {k: (pooled(s, "before"), pooled(s, "after")) for k, s in results["k"].items()}
        plot_teaching(results, errors, samples, DOCS / "teaching.png")
        print(f"wrote {shown(DOCS / 'teaching.md')}")
    return results
