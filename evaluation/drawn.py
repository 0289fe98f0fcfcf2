"""python -m evaluation drawn: how well the networks read digits people drew, by writers they never saw.

The held-out writers' pen trajectories (see train/pendigits.py) are drawn two ways:
- "page": into the real page in Chromium with Playwright's mouse, as a person would, at a natural size in
  the box with small variations of size, position and speed from a fixed seed, then Vote is pressed (every
  press also shows the four networks' answers);
- "native": the same strokes through the same Python preprocessing and networks, without a browser: fast.
Each reading is every network's answer, whether each judged the drawing digit-like, and whether the vote was
sure. Figures go to docs/drawn.json (read by `python -m evaluation report`) and a picture of misread digits. The
drawing machinery serves any drawings: `python -m evaluation offdigits` draws non-digits with it.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import numpy as np

from files import DOCS, WEIGHTS
from train import pendigits

from .measure import chosen_digits, confusion_matrix, summary_of
from .pictures import plot_check_set, plot_misread

SEED = 2024


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


def reading(answer: dict) -> dict:
    """What a reading records of recognizer.app's answer (or of the page's, which shows the same)."""
    return {"answers": answer["answers"], "digit_like": answer["digit_like_of"], "sure": answer["sure"]}


def native_readings(drawings: list) -> tuple[list[dict], list[list[float]]]:
    """Every drawing's reading (anything with .strokes), and the vote's input image, computed natively."""
    from recognizer.app import loaded

    reader = loaded(WEIGHTS)
    readings, inputs = [], []
    for drawing in drawings:
        result = reader.recognize("vote", [np.asarray(s).tolist() for s in drawing.strokes])
        readings.append(reading(result))
        inputs.append(result["input"])
    return readings, inputs


def page_readings(drawings: list, pages: int = 2, dist: Path | None = None) -> list[dict]:
    """Every drawing's reading, drawn into the built page with the mouse. The drawings are dealt to `pages`
    browsers working at once (each draws its share in order); each keeps its own variation."""
    from harness.browser import ensure_chromium

    chromium = ensure_chromium()  # once, here: two installs at once would fight over apt's lock
    shares = [(drawings[i::pages], variations(len(drawings))[i::pages], dist, i, chromium) for i in range(pages)]
    if pages == 1:
        answers = [draw_in_page(*shares[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(pages) as pool:
            # Taken as they finish: a failed share raises at once, and leaving the block stops the other browsers.
            finished = dict(pool.imap_unordered(draw_share, enumerate(shares)))
        answers = [finished[i] for i in range(pages)]
    return [answers[i % pages][i // pages] for i in range(len(drawings))]  # dealt back into the drawings' order


def draw_share(numbered_share: tuple[int, tuple]) -> tuple[int, list[dict]]:
    number, share = numbered_share
    return number, draw_in_page(*share)


def named(drawing) -> str:
    """A drawing as an error message names it, to draw it again by hand."""
    if isinstance(drawing, pendigits.PenDigit):
        return f"a {drawing.label} by writer {drawing.writer}"
    return f"the {drawing.name!r} ({drawing.kind})"


def draw_in_page(drawings: list, variations: list[dict], dist: Path | None, page_number: int, chromium: str) -> list:
    """One browser's share: draw each drawing, press Vote, read the four networks' answers and the vote's, and
    whether each judged the drawing digit-like."""
    from playwright.sync_api import sync_playwright

    from harness.browser import DIST, FLAGS, Server, draw_with_mouse, fit_to_box, press, wait_until_loaded

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
        for i, (drawing, variation) in enumerate(zip(drawings, variations, strict=True)):
            try:
                page.click("#clear")
                strokes = fit_to_box(drawing.strokes, box, variation["height"], variation["offset"])
                draw_with_mouse(page, strokes, variation["steps"])
                result = press(page, "#vote", len(drawing.strokes))
            except Exception as e:  # Playwright's errors or no answer: name the drawing, to draw it again by hand
                raise RuntimeError(f"page {page_number + 1}, {named(drawing)}: {e}") from None
            answers.append(page_reading(page, result))
            if (i + 1) % 50 == 0 or i + 1 == len(drawings):
                rate = (i + 1) / (time.perf_counter() - began)
                print(f"page {page_number + 1}: {i + 1}/{len(drawings)} drawn ({rate:.2f} drawings/s)", flush=True)
        browser.close()
    server.stop()
    return answers


def page_reading(page, result: dict) -> dict:
    """The reading on screen: each network's answer and judgement (the table's cells), and whether the vote, the
    answer of `result` (#result's data), is sure."""
    script = "cs => cs.map(c => [c.dataset.answer, c.textContent, c.dataset.digitLike])"
    cells = page.eval_on_selector_all("[data-answer]", script)
    return {
        "answers": {name: int(text) for name, text, _ in cells},
        "digit_like": {name: like == "true" for name, _, like in cells},
        "sure": result["sure"] == "true",
    }


def summary(digits, readings: list[dict]) -> dict:
    """For each network that answered, and the vote: accuracy, accuracy per digit and the most common mistakes,
    and how often it called a digit not a digit at all."""
    truth = np.array([d.label for d in digits])
    return {
        name: {
            **summary_of(confusion_matrix(truth, np.array([r["answers"][name] for r in readings]))),
            "not_a_digit": float(np.mean([not r["digit_like"][name] for r in readings])),
        }
        for name in readings[0]["answers"]
    }


def sure_share(readings: list[dict]) -> float:
    """How often the vote was sure."""
    return float(np.mean([r["sure"] for r in readings]))


def benchmark(mode: str = "both", per_digit: int | None = None, pages: int = 2, dist: Path | None = None) -> dict:
    """Natively on every held-out digit; in the page on all of them too, or the first per_digit of each kind."""
    digits = chosen_digits(None)
    writers = sorted({d.writer for d in digits})
    print(f"{len(digits)} digits by the {len(writers)} held-out writers {writers}")
    native, inputs = native_readings(digits)
    results = {"digits": len(digits), "writers": writers, "native": summary(digits, native)}
    results["sure"] = {"native": sure_share(native)}
    shown = (digits, native)
    if mode in ("page", "both"):
        subset = chosen_digits(per_digit, digits)
        index = {id(d): i for i, d in enumerate(digits)}
        page = page_readings(subset, pages, dist)
        native_subset = [native[index[id(d)]] for d in subset]
        results["page"] = summary(subset, page)
        results["sure"]["page"] = sure_share(page)
        results["page_digits"] = len(subset)
        results["agreement"] = {
            name: float(
                np.mean([p["answers"][name] == n["answers"][name] for p, n in zip(page, native_subset, strict=True)])
            )
            for name in native[0]["answers"]
        }
        inputs = [inputs[index[id(d)]] for d in subset]
        shown = (subset, page)
    plot_misread(shown[0], [r["answers"] for r in shown[1]], inputs, DOCS / "misread-drawn.png")
    for label in [m for m in ("page", "native") if m in results]:
        figures = "  ".join(f"{n} {100 * summary['accuracy']:.2f}%" for n, summary in results[label].items())
        print(f"{label:>6}: {figures}")
    for label, share in results["sure"].items():
        not_digits = 100 * results[label]["vote"]["not_a_digit"]
        print(f"{label:>6}: the vote sure on {100 * share:.2f}%, called not a digit {not_digits:.2f}%")
    if "agreement" in results:
        print("agreement page/native: " + "  ".join(f"{n} {100 * v:.1f}%" for n, v in results["agreement"].items()))
    DOCS.mkdir(exist_ok=True)
    (DOCS / "drawn.json").write_text(json.dumps(results, indent=1))
    return results


# --- drawings that are not digits: the check set (harness/offdigits.py), drawn the same way -------------------


def off_digit_summary(drawings: list, readings: list[dict]) -> dict:
    """How often each network and the vote called the drawings not a digit, and how often the vote was sure of a
    digit: over all of them, and by kind and by name."""
    groups = {"all": list(range(len(drawings)))}
    for attribute in ("kind", "name"):
        for i, drawing in enumerate(drawings):
            groups.setdefault(f"{attribute}: {getattr(drawing, attribute)}", []).append(i)
    names = list(readings[0]["answers"])
    return {
        group: {
            "drawings": len(rows),
            "not_a_digit": {n: float(np.mean([not readings[i]["digit_like"][n] for i in rows])) for n in names},
            "sure": float(np.mean([readings[i]["sure"] for i in rows])),
        }
        for group, rows in groups.items()
    }


def off_digit_benchmark(mode: str = "both", pages: int = 2, dist: Path | None = None) -> dict:
    """The check set of letters, shapes, marks and scribbles (harness/offdigits.py), natively and in the page."""
    from harness.offdigits import check_drawings

    drawings = check_drawings()
    print(f"{len(drawings)} drawings that are not digits ({len({d.name for d in drawings})} kinds)")
    results = {"drawings": len(drawings), "native": off_digit_summary(drawings, native_readings(drawings)[0])}
    if mode in ("page", "both"):
        results["page"] = off_digit_summary(drawings, page_readings(drawings, pages, dist))
    for label in [m for m in ("page", "native") if m in results]:
        whole = results[label]["all"]
        print(
            f"{label:>6}: the vote calls {100 * whole['not_a_digit']['vote']:.1f}% not a digit, "
            f"and is sure of a digit for {100 * whole['sure']:.1f}%"
        )
    plot_check_set(drawings, DOCS / "offdigits.png")
    (DOCS / "offdigits.json").write_text(json.dumps(results, indent=1))
    return results
