"""python -m evaluation step-speed: one learning step in slow motion and "Fool it", timed in the built page
(headless Chromium on loopback; needs dist/), and fooling measured natively on MNIST's test digits.

- In the page, on a held-out writer's 7 read by B4 and stepped towards 1: "Take this step" pressed PRESSES times,
  each timed from the click to the frame after the next step's every phase is shown (goal: 100 ms); Next and Back
  pressed PRESSES times in turn, each to the frame after its phase is shown (goal: 30 ms); the Vote pressed
  PRESSES times with the sections closed (goal: 50 ms). All timed in the page: Playwright's waits poll.
- Bytes: a first visit's bytes until ready (served as GitHub Pages serves), and with --before DIR those of a build
  without the sections, from the commit before them (goal: at most 20 KB more).
- Fooling, natively with the page's code (recognizer/step.py): the first DIGITS of MNIST's test digits that B1
  reads right, each moved towards every other digit until B1 reads it, and again until the vote does: the ink
  each took (the change's L2 norm, pixels 0..1), how often it worked within the limit of steps, whether the input
  that fooled B1 fools the other networks and the vote too, and whether the "not a digit" check noticed.
Then docs/step.png (the errors going back through B4's layers and one neuron's update) and docs/fool.png (B1
fooled into reading 3), the README's pictures.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np

from files import DATA, DOCS, WEIGHTS, shown
from harness.browser import Server, ensure_chromium, screenshot_between
from recognizer import step
from recognizer.app import loaded
from recognizer.network import vote

from .inside_speed import a_held_out_seven, report_first_visit, seven_drawn, verdict
from .page_speed import vote_times

PRESSES = 20
DIGITS = 50
GOALS = {"step ms": 100.0, "phase ms": 30.0, "vote ms": 50.0, "added KB": 20.0}

# Starts watching for the next click on `button`; the promise resolves to ms from the click to the frame after
# #step shows what it asked for: a new step (data-steps changed, state done) or another phase.
WATCH = """([button, what]) => {
  const view = document.getElementById('step');
  const before = { steps: view.dataset.steps, phase: view.dataset.phase };
  window.stepTime = new Promise((resolve) => {
    let clicked = null;
    // Heard before the page's own listener (capture), which may change #step at once: Next and Back do.
    const hear = (event) => event.target.closest(button) && (clicked = event.timeStamp);
    window.addEventListener('click', hear, { capture: true, once: true });
    const shown = () => view.dataset.state === 'done' && view.dataset[what] !== before[what];
    const observer = new MutationObserver(() => {
      if (clicked !== null && shown()) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clicked)));  // painted
      }
    });
    observer.observe(view, { attributes: true });
  });
}"""


def timed(page, button: str, what: str) -> float:
    page.evaluate(WATCH, [button, what])
    page.click(button)
    took = page.evaluate("Promise.race([window.stepTime, new Promise((r) => setTimeout(() => r(null), 30000))])")
    if took is None:
        raise RuntimeError(f"{button} showed nothing new in 30 s: {page.inner_text('#step-status')}")
    return took


def page_times(playwright, executable: str, dist: Path, seven: list) -> dict:
    """{"vote": [...], "step": [...], "phase": [...]}: ms of each press."""
    server = Server(dist, pages=True)
    browser, page = seven_drawn(playwright, executable, server, seven, {"width": 1280, "height": 800})
    times = {"vote": vote_times(page, PRESSES)}  # every section closed
    page.click('button[data-model="B4"]')
    page.wait_for_selector('#result[data-state="done"][data-model="B4"]')
    page.click("#step-toggle")
    page.wait_for_selector('#step[data-state="done"][data-model="B4"]')
    page.select_option("#step-target", "1")
    page.wait_for_function("() => document.getElementById('step-target').value === '1'")
    page.wait_for_selector('#step[data-state="done"]')
    times["step"] = [timed(page, "#step-again", "steps") for _ in range(PRESSES)]
    times["phase"] = [
        timed(page, button, "phase") for _ in range(PRESSES // 2) for button in ("#step-next", "#step-back")
    ]
    browser.close()
    server.stop()
    return times


def pictures(playwright, executable: str, dist: Path, seven: list) -> list[Path]:
    """docs/step.png: B4's step of the seven towards 1, from the errors going back to the update; docs/fool.png: B1
    fooled into reading 3."""
    server = Server(dist)
    browser, page = seven_drawn(playwright, executable, server, seven, {"width": 1200, "height": 900})
    page.click('button[data-model="B4"]')
    page.click("#step-toggle")
    page.wait_for_selector('#step[data-state="done"][data-model="B4"]')
    page.select_option("#step-target", "1")
    page.wait_for_function("() => document.getElementById('step-target').value === '1'")
    page.wait_for_selector('#step[data-state="done"]')
    for _ in range(5):
        page.click("#step-next")
    paths = [DOCS / "step.png", DOCS / "fool.png"]  # step.png: from the errors going back to the update
    screenshot_between(page, '[data-phase-view="hidden-error"]', '[data-phase-view="update"]', paths[0])
    page.click("#step-toggle")
    page.click("#fool-toggle")
    page.select_option("#fool-model", "B1")
    page.select_option("#fool-target", "3")
    page.click("#fool-start")
    page.wait_for_selector('#fool[data-state="done"], #fool[data-state="failed"]')
    page.locator("#fool").screenshot(path=paths[1])
    browser.close()
    server.stop()
    return paths


# --- fooling, natively -------------------------------------------------------------------------------------


def test_digits_b1_reads(reader, count: int) -> tuple[np.ndarray, np.ndarray]:
    from train.data import as_inputs, load_mnist

    digits = load_mnist(DATA)
    x = as_inputs(digits.test_images.reshape(len(digits.test_images), -1))
    right = np.flatnonzero(reader.networks["B1"].predict(x) == digits.test_labels)[:count]
    return x[right], digits.test_labels[right].astype(int)


def fooling(reader, x: np.ndarray, labels: np.ndarray) -> dict:
    """For each digit and each other target: the ink that fooled B1, and the vote; what B1's fooled input does to
    the others; and whether the check still took each fooled input for a digit."""
    networks = reader.networks
    voters = list(networks.values())
    check = reader.shipped.check
    rows = []
    for image, label in zip(x, labels, strict=True):
        for target in range(10):
            if target == label:
                continue
            one, all_ = step.fool([networks["B1"]], image, target), step.fool(voters, image, target)
            fooled = one["input"]
            answers = {name: int(net.probabilities(fooled).argmax()) for name, net in networks.items()}
            answers["vote"] = int(vote([net.probabilities(fooled) for net in voters]).argmax())
            rows.append(
                {
                    "label": int(label),
                    "target": target,
                    "B1": {key: one[key] for key in ("fooled", "l2", "pixels", "steps")},
                    "vote": {key: all_[key] for key in ("fooled", "l2", "pixels", "steps")},
                    "also": {name: answer == target for name, answer in answers.items() if name != "B1"},
                    "digit_like": {
                        "B1": bool(check.digit_like(fooled[None, :])[0]),
                        "vote": bool(check.digit_like(all_["input"][None, :])[0]),
                        "original": bool(check.digit_like(image[None, :])[0]),
                    },
                }
            )
    return rows


def share(values) -> str:
    values = list(values)
    return f"{100 * sum(values) / len(values):5.1f}%"


def report_fooling(rows: list[dict]) -> None:
    print(f"fooling, natively: {len(rows) // 9} MNIST test digits B1 reads right, each towards the 9 other digits")
    print(f"  step {step.FOOL_STEP} (L2) at a time, at most {step.FOOL_STEPS} steps; ink = the change's L2 norm")
    for who in ("B1", "vote"):
        done = [row[who] for row in rows if row[who]["fooled"]]
        inks = [r["l2"] for r in done]
        print(
            f"  {who:4}: fooled {share(r[who]['fooled'] for r in rows)} within the limit; median ink "
            f"{statistics.median(inks):.2f} (quartiles {np.percentile(inks, 25):.2f}-{np.percentile(inks, 75):.2f}), "
            f"median pixels moved > {step.CHANGED}: {statistics.median(r['pixels'] for r in done):.0f}, "
            f"median steps {statistics.median(r['steps'] for r in done):.0f}"
        )
    by_target = []
    for target in range(10):
        mine = [row for row in rows if row["target"] == target and row["B1"]["fooled"] and row["vote"]["fooled"]]
        if mine:
            b1, all_ = (statistics.median(r[w]["l2"] for r in mine) for w in ("B1", "vote"))
            by_target.append(f"{target}: {b1:.2f}/{all_:.2f}")
    print(f"  median ink by target, B1/vote: {', '.join(by_target)}")
    ratio = [r["vote"]["l2"] / r["B1"]["l2"] for r in rows if r["B1"]["fooled"] and r["vote"]["fooled"]]
    print(f"  the vote needs {statistics.median(ratio):.2f} times B1's ink (median of the pairs both fooled)")
    fooled_b1 = [r for r in rows if r["B1"]["fooled"]]
    also = ", ".join(f"{name} {share(r['also'][name] for r in fooled_b1)}" for name in fooled_b1[0]["also"])
    print(f"  the input that fools B1 also fools: {also}")
    print(
        "  the 'not a digit' check calls it a digit: "
        f"the originals {share(r['digit_like']['original'] for r in rows)}, "
        f"fooled B1 {share(r['digit_like']['B1'] for r in fooled_b1)}, "
        f"fooled vote {share(r['digit_like']['vote'] for r in rows if r['vote']['fooled'])}"
    )


def benchmark(dist: Path, before: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a log
    seven = a_held_out_seven()
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        times = page_times(playwright, executable, dist, seven)
        print(f"in the page (Chromium), medians of {PRESSES} presses, from the click to the frame after it is shown:")
        for key, what in [("step", "B4's next step, every phase"), ("phase", "Next or Back"), ("vote", "Vote, closed")]:
            median = statistics.median(times[key])
            goal = GOALS[f"{key} ms"]
            print(f"  {what:28} {median:6.1f} ms  goal <= {goal:g} ms  {verdict(median, goal)}")
        report_first_visit(playwright, executable, dist, before, GOALS["added KB"])
        for path in pictures(playwright, executable, dist, seven):
            print(f"wrote {shown(path)}")
    reader = loaded(WEIGHTS)
    rows = fooling(reader, *test_digits_b1_reads(reader, DIGITS))
    report_fooling(rows)
    path = DOCS / "fooling.json"
    path.write_text(json.dumps(rows) + "\n")
    print(f"wrote {shown(path)}")
