"""python -m evaluation drawn: how well the networks read digits people drew, by writers they never saw.

The held-out writers' pen trajectories (see train/pendigits.py) are drawn two ways:
- "page": into the real page in Chromium with Playwright's mouse, as a person would, at a natural size in
  the box with small variations of size, position and speed from a fixed seed, then Vote is pressed (every
  press also shows the four networks' answers);
- "native": the same strokes through the same Python preprocessing and networks, without a browser: fast.
Figures go to docs/drawn.json (read by `python -m evaluation report`) and a picture of misread digits.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import numpy as np

from files import DOCS, WEIGHTS
from train import pendigits

from .pictures import plot_misread
from .report import confusion_matrix, summary_of

SEED = 2024


def chosen_digits(per_digit: int | None, digits: list | None = None) -> list[pendigits.PenDigit]:
    """The held-out writers' digits; with per_digit, the first that many of each kind."""
    digits = digits or pendigits.held_out_digits(pendigits.read_digits())
    if per_digit is None:
        return digits
    return [d for label in range(10) for d in [d for d in digits if d.label == label][:per_digit]]


def variations(count: int) -> list[dict]:
    """Per digit: height as a share of the box, offset from the centre, mouse events per point (speed)."""
    rng = np.random.default_rng(SEED)
    return [
        {
            "height": rng.uniform(0.45, 0.75),
            "offset": tuple(rng.uniform(-0.1, 0.1, 2)),
            "steps": int(rng.integers(1, 4)),
        }
        for _ in range(count)
    ]


def native_answers(digits: list[pendigits.PenDigit]) -> tuple[list[dict], list[list[float]]]:
    """Every network's answer for every digit, and the vote's input image, computed natively."""
    from recognizer import app

    app.load(WEIGHTS)
    answers, inputs = [], []
    for digit in digits:
        result = app.recognize("vote", [s.tolist() for s in digit.strokes])
        answers.append(result["answers"])
        inputs.append(result["input"])
    return answers, inputs


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


def page_answers(digits: list[pendigits.PenDigit], pages: int = 2, dist: Path | None = None) -> list[dict]:
    """Every network's answer for every digit, drawn into the built page with the mouse. The digits are dealt
    to `pages` browsers working at once (each draws its share in order); each keeps its own variation."""
    from .browser import ensure_chromium

    chromium = ensure_chromium()  # once, here: two installs at once would fight over apt's lock
    shares = [(digits[i::pages], variations(len(digits))[i::pages], dist, i, chromium) for i in range(pages)]
    if pages == 1:
        answers = [draw_in_page(*shares[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(pages) as pool:
            # Taken as they finish: a failed share raises at once, and leaving the block stops the other browsers.
            finished = dict(pool.imap_unordered(draw_share, enumerate(shares)))
        answers = [finished[i] for i in range(pages)]
    return [answers[i % pages][i // pages] for i in range(len(digits))]  # dealt back into the digits' order


def draw_share(numbered_share: tuple[int, tuple]) -> tuple[int, list[dict]]:
    number, share = numbered_share
    return number, draw_in_page(*share)


def draw_in_page(
    digits: list[pendigits.PenDigit], variations: list[dict], dist: Path | None, page_number: int, chromium: str
) -> list[dict]:
    """One browser's share: draw each digit, press Vote, read the four networks' answers and the vote."""
    from playwright.sync_api import sync_playwright

    from .browser import DIST, FLAGS, Server, draw_with_mouse, fit_to_box, press, wait_until_loaded

    server = Server(dist or DIST)
    answers = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page()
        page.goto(server.url)
        if wait_until_loaded(page) != "idle":
            raise RuntimeError(f"the page did not load: {page.inner_text('#status')}")
        box = page.locator("#pad").bounding_box()
        began = time.perf_counter()
        for i, (digit, variation) in enumerate(zip(digits, variations, strict=True)):
            try:
                page.click("#clear")
                strokes = fit_to_box(digit.strokes, box, variation["height"], variation["offset"])
                draw_with_mouse(page, strokes, variation["steps"])
                press(page, "#vote", len(digit.strokes))
            except Exception as e:  # Playwright's errors or no answer: name the digit, to draw it again by hand
                raise RuntimeError(f"page {page_number + 1}, a {digit.label} by writer {digit.writer}: {e}") from None
            cells = page.eval_on_selector_all("[data-answer]", "cs => cs.map(c => [c.dataset.answer, c.textContent])")
            answers.append({name: int(text) for name, text in cells})
            if (i + 1) % 50 == 0 or i + 1 == len(digits):
                rate = (i + 1) / (time.perf_counter() - began)
                print(f"page {page_number + 1}: {i + 1}/{len(digits)} drawn ({rate:.2f} digits/s)", flush=True)
        browser.close()
    server.stop()
    return answers


def summary(digits, answers) -> dict:
    """For each network that answered, and the vote: accuracy, accuracy per digit and the most common mistakes."""
    truth = np.array([d.label for d in digits])
    return {name: summary_of(confusion_matrix(truth, np.array([a[name] for a in answers]))) for name in answers[0]}


def benchmark(mode: str = "both", per_digit: int | None = None, pages: int = 2, dist: Path | None = None) -> dict:
    """Natively on every held-out digit; in the page on all of them too, or the first per_digit of each kind."""
    digits = chosen_digits(None)
    writers = sorted({d.writer for d in digits})
    print(f"{len(digits)} digits by the {len(writers)} held-out writers {writers}")
    native, inputs = native_answers(digits)
    results = {"digits": len(digits), "writers": writers, "native": summary(digits, native)}
    shown = (digits, native)
    if mode in ("page", "both"):
        subset = chosen_digits(per_digit, digits)
        index = {id(d): i for i, d in enumerate(digits)}
        page = page_answers(subset, pages, dist)
        native_subset = [native[index[id(d)]] for d in subset]
        results["page"] = summary(subset, page)
        results["page_digits"] = len(subset)
        results["agreement"] = {
            name: float(np.mean([p[name] == n[name] for p, n in zip(page, native_subset, strict=True)]))
            for name in native[0]
        }
        inputs = [inputs[index[id(d)]] for d in subset]
        shown = (subset, page)
    plot_misread(*shown, inputs, DOCS / "misread-drawn.png")
    for label in [m for m in ("page", "native") if m in results]:
        figures = "  ".join(f"{n} {100 * summary['accuracy']:.2f}%" for n, summary in results[label].items())
        print(f"{label:>6}: {figures}")
    if "agreement" in results:
        print("agreement page/native: " + "  ".join(f"{n} {100 * v:.1f}%" for n, v in results["agreement"].items()))
    DOCS.mkdir(exist_ok=True)
    (DOCS / "drawn.json").write_text(json.dumps(results, indent=1))
    return results
