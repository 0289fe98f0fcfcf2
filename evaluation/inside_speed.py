"""python -m evaluation inside-speed: what the inside view costs, in headless Chromium on loopback (needs dist/).

- Readings: a held-out writer's 7 is drawn, then B4 and the vote are pressed PRESSES times each with the inside
  view closed and PRESSES times with it open (in alternating blocks, so that the machine's mood of the moment
  touches both alike), each timed from the click until the frame after the answer is on screen, and with the
  view open until the frame after the view shows it too (the page draws the view once the answer is painted).
  The goal: the view open adds at most 15 ms to the answer's median. The window is tall enough to show the answer
  and the view's first layers together, as a person watching them would.
- Bytes: a first visit's bytes over the wire until ready (served as GitHub Pages serves), of this site and, with
  --before DIR, of a build without the view, made from the commit before it; the goal: at most 20 KB more.
Then docs/inside.png: the view of B2 reading the 7, the neuron that carries it most chosen (the README's picture).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from files import DOCS, WEIGHTS, shown
from harness.browser import FLAGS, Server, draw_with_mouse, ensure_chromium, fit_to_box, wait_for_service_worker
from recognizer.app import loaded
from train import pendigits

from .page_speed import loaded_marks, visit

PRESSES = 50
BLOCK = 10
GOALS = {"added ms": 15.0, "added KB": 20.0, "vote ms": 50.0}
MODELS = ("B4", "vote")
VIEWPORT = {"width": 1280, "height": 1500}  # the answer and the view's first layers on screen together

# Starts watching for the next answer of `model`; the promise resolves to ms from the click to the frame after the
# answer is on screen, and (with the inside view open) to the frame after the view shows it too.
WATCH = """([model, open]) => {
  const result = document.getElementById('result');
  const inside = document.getElementById('inside');
  const button = model === 'vote' ? document.getElementById('vote') : document.querySelector(`[data-model="${model}"]`);
  const painted = (clicked) => new Promise((resolve) =>
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clicked))));
  window.answerTime = new Promise((resolve) => {
    let clicked = null;
    let answer = null;
    button.addEventListener('click', (event) => (clicked = event.timeStamp), { once: true });
    const observer = new MutationObserver(() => {
      if (clicked === null) return;
      if (!answer && result.dataset.state === 'done' && result.dataset.model === model) answer = painted(clicked);
      const viewed = !open || (inside.dataset.state === 'done' && inside.dataset.model === model);
      if (answer && viewed) {
        observer.disconnect();
        Promise.all([answer, open ? painted(clicked) : answer]).then(([a, v]) => resolve({ answer: a, view: v }));
      }
    });
    observer.observe(result, { attributes: true });
    if (inside) observer.observe(inside, { attributes: true });  // a build without the view has none
  });
}"""


def a_held_out_seven() -> list:
    """The first held-out writer's 7 that the vote reads as 7."""
    reader = loaded(WEIGHTS)
    for digit in pendigits.held_out_digits(pendigits.read_digits()):
        if digit.label == 7 and reader.recognize("vote", [s.tolist() for s in digit.strokes])["digit"] == 7:
            return digit.strokes
    raise RuntimeError("no held-out 7 that the vote reads as 7")


def set_open(page, open_: bool) -> None:
    if (page.get_attribute("#inside-toggle", "aria-expanded") == "true") != open_:
        page.click("#inside-toggle")
    page.wait_for_selector('#result[data-state="done"]')
    if open_:
        page.wait_for_selector('#inside[data-state="done"]')


def timed_presses(page, model: str, open_: bool, count: int) -> list[float]:
    selector = "#vote" if model == "vote" else f'button[data-model="{model}"]'
    times = []
    for _ in range(count):
        page.evaluate(WATCH, [model, open_])
        page.click(selector)
        times.append(page.evaluate("window.answerTime"))
    return times


def first_visit_bytes(playwright, executable: str, dist: Path) -> int:
    """Bytes over the wire until ready on a first visit, as page-speed counts them (not what the service worker
    keeps afterwards)."""
    server = Server(dist, pages=True)
    with tempfile.TemporaryDirectory() as profile:
        context, page = visit(playwright, profile, executable, server.url)
        loaded_marks(page)
        wait_for_service_worker(page, seconds=20)
        sent = server.bytes_sent - server.bytes_for_offline_copy
        context.close()
    server.stop()
    return sent


def verdict(value: float, goal: float) -> str:
    return "ok" if value <= goal else "over"


def report_first_visit(playwright, executable: str, dist: Path, before: Path | None, goal_kb: float) -> None:
    """Prints a first visit's bytes until ready, and with `before` (a build without the feature) how many more it
    sends: at most goal_kb is the goal."""
    ours = first_visit_bytes(playwright, executable, dist)
    print(f"bytes over the wire until ready, first visit: {ours / 1e6:.3f} MB")
    if before:
        theirs = first_visit_bytes(playwright, executable, before)
        added = (ours - theirs) / 1e3
        print(
            f"  a build without it ({before}): {theirs / 1e6:.3f} MB: {added:+.1f} KB  "
            f"goal <= +{goal_kb:g} KB  {verdict(added, goal_kb)}"
        )


def seven_drawn(playwright, executable: str, server: Server, seven: list, viewport: dict):
    """A new Chromium with the page of `server` open and the seven drawn and read: (the browser, to close; the page)."""
    browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
    page = browser.new_page(viewport=viewport)
    page.goto(server.url)
    page.wait_for_selector('#result[data-state="idle"]', timeout=60_000)
    draw_with_mouse(page, fit_to_box(seven, page.locator("#pad").bounding_box()))
    page.wait_for_selector('#result[data-state="done"]')
    return browser, page


def press_times(playwright, executable: str, dist: Path, seven: list, views: tuple[bool, ...]) -> dict:
    """{(model, view open): [{answer, view}: ms, ...]} for B4 and the vote, the seven drawn once."""
    server = Server(dist, pages=True)
    browser, page = seven_drawn(playwright, executable, server, seven, VIEWPORT)
    times = {(model, open_): [] for model in MODELS for open_ in views}
    for _ in range(PRESSES // BLOCK):
        for model, open_ in times:
            if True in views:
                set_open(page, open_)
            times[model, open_] += timed_presses(page, model, open_, BLOCK)
    browser.close()
    server.stop()
    return times


def median(times: list[dict], which: str) -> float:
    return statistics.median(t[which] for t in times)


def picture(playwright, executable: str, dist: Path, seven: list) -> Path:
    """docs/inside.png: B2's view of the seven, with the neuron that adds most to its score chosen."""
    server = Server(dist)
    browser, page = seven_drawn(playwright, executable, server, seven, {"width": 900, "height": 1200})
    page.click('button[data-model="B2"]')
    page.click("#inside-toggle")
    page.wait_for_selector('#inside[data-state="done"][data-model="B2"]')
    page.click('.inside-network [data-layer="1"] .neurons .path')  # one of the neurons that carry the answer
    page.wait_for_selector("[data-weights]")
    path = DOCS / "inside.png"
    page.locator("#inside").screenshot(path=path)
    browser.close()
    server.stop()
    return path


def benchmark(dist: Path, before: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    seven = a_held_out_seven()
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        times = press_times(playwright, executable, dist, seven, (False, True))
        print(f"from the click until the answer is on screen, median of {PRESSES} presses each (Chromium):")
        for model in MODELS:
            closed, opened = median(times[model, False], "answer"), median(times[model, True], "answer")
            added = opened - closed
            print(
                f"  {model:5} view closed {closed:6.1f} ms, open {opened:6.1f} ms: {added:+.1f} ms  "
                f"goal <= +{GOALS['added ms']:g} ms  {verdict(added, GOALS['added ms'])}; the view itself on screen at "
                f"{median(times[model, True], 'view'):.1f} ms"
            )
        vote = median(times["vote", False], "answer")
        goal = GOALS["vote ms"]
        print(f"  Vote with the view closed {vote:.1f} ms  goal <= {goal:g} ms  {verdict(vote, goal)}")
        if before:
            theirs = press_times(playwright, executable, before, seven, (False,))
            print(
                f"  a build without the view ({before}): B4 {median(theirs['B4', False], 'answer'):.1f} ms, "
                f"Vote {median(theirs['vote', False], 'answer'):.1f} ms"
            )
        report_first_visit(playwright, executable, dist, before, GOALS["added KB"])
        print(f"wrote {shown(picture(playwright, executable, dist, seven))}")
