"""python -m evaluation lab-speed: "Where it goes wrong" timed in the built page (headless Chromium on loopback,
served as GitHub Pages serves; needs dist/), and docs/lab.png, the README's picture of it.

- Opening, first: the section opened on a page whose browser has not fetched the test digits yet: from the click to
  the frame after the vote's matrix is shown (the digits fetched, and read by every network in the page).
- Opening again: the section closed and opened OPENINGS times, the digits there: from the click to the frame after
  the vote's matrix is shown (goal: 1 s, the median); and the vote chosen after B1 OPENINGS times: from the choice
  to the frame after the vote's matrix is worked out anew and shown.
- Opening on a new visit: the page loaded again (the digits in the browser's cache) and the section opened, twice.
- The map's dot: held-out writers' one-stroke digits drawn in turn with the section open: from the stroke's end to
  the frame after #map's data-x and data-y change (goal: 30 ms, the median).
- Vote with the section closed: PRESSES presses (goal: 50 ms, the median).
- Bytes: a first visit's bytes until ready, and with --before DIR those of a build without the section (goal: at
  most 20 KB more).
All timed in the page (event times and a MutationObserver): Playwright's waits poll.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from files import DOCS, shown
from harness.browser import FLAGS, Server, draw_with_mouse, ensure_chromium, fit_to_box, screenshot_between
from train import pendigits

from .inside_speed import report_first_visit, verdict
from .page_speed import vote_times

OPENINGS = 5
DRAWINGS = 20
PRESSES = 20
GOALS = {"open ms": 1000.0, "dot ms": 30.0, "vote ms": 50.0, "added KB": 20.0}

# Starts watching for the next click on the lab's toggle (or the next choice of network); resolves to ms from it to
# the frame after the vote's matrix is shown.
WATCH_OPEN = """(kind) => {
  const lab = document.getElementById('lab');
  window.labTime = new Promise((resolve) => {
    let clicked = null;
    const hear = (event) => event.target.closest('#lab-toggle, #lab-model') && (clicked = event.timeStamp);
    window.addEventListener(kind, hear, { capture: true, once: true });
    const shown = () => lab.dataset.state === 'done' && lab.dataset.model === 'vote' && !lab.hidden
      && document.querySelectorAll('#confusion [data-cell]').length === 100;
    const observer = new MutationObserver(() => {
      if (clicked !== null && shown()) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clicked)));  // painted
      }
    });
    observer.observe(lab, { attributes: true, subtree: true, childList: true });
  });
}"""

# Starts watching the next stroke's end; resolves to ms from it to the frame after the map's dot has moved.
WATCH_DOT = """() => {
  const map = document.getElementById('map');
  const before = [map.dataset.x, map.dataset.y].join();
  window.dotTime = new Promise((resolve) => {
    let ended = null;
    document.getElementById('pad').addEventListener('pointerup', (event) => (ended = event.timeStamp),
      { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (ended !== null && [map.dataset.x, map.dataset.y].join() !== before) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - ended)));
      }
    });
    observer.observe(map, { attributes: true });
  });
}"""


def waited(page, promise: str, what: str) -> float:
    took = page.evaluate(f"Promise.race([{promise}, new Promise((r) => setTimeout(() => r(null), 120000))])")
    if took is None:
        raise RuntimeError(f"{what} did not happen in 120 s: {page.inner_text('#lab-status')}")
    return took


def opened(page) -> float:
    page.evaluate(WATCH_OPEN, "click")
    page.click("#lab-toggle")
    return waited(page, "window.labTime", "the vote's matrix")


def chosen(page) -> float:
    """ms from choosing the vote (after B1) to its matrix on screen."""
    page.select_option("#lab-model", "B1")
    page.wait_for_selector('#lab[data-state="done"][data-model="B1"]')
    page.evaluate(WATCH_OPEN, "change")
    page.select_option("#lab-model", "vote")
    return waited(page, "window.labTime", "the vote's matrix")


def one_stroke_digits(count: int) -> list:
    """The first held-out writers' one-stroke digits, taking the kinds in turn."""
    held_out = [d for d in pendigits.held_out_digits(pendigits.read_digits()) if len(d.strokes) == 1]
    by_kind = [[d for d in held_out if d.label == label] for label in range(10)]
    return [by_kind[i % 10][i // 10].strokes for i in range(count) if by_kind[i % 10][i // 10 :]]


def page_times(playwright, executable: str, dist: Path) -> dict:
    """ms of each timing: {"first", "again", "chosen", "visit", "dot", "vote"}."""
    server = Server(dist, pages=True)
    browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector('#result[data-state="idle"]', timeout=60_000)
    times = {"first": [opened(page)], "again": []}
    for _ in range(OPENINGS):
        page.click("#lab-toggle")  # closed
        times["again"].append(opened(page))
    times["chosen"] = [chosen(page) for _ in range(OPENINGS)]
    page.wait_for_selector('#map[data-points="2000"]')
    times["dot"] = []
    for strokes in one_stroke_digits(DRAWINGS):
        page.click("#clear")
        page.evaluate(WATCH_DOT)
        draw_with_mouse(page, fit_to_box(strokes, page.locator("#pad").bounding_box()))
        times["dot"].append(waited(page, "window.dotTime", "the map's dot"))
    page.wait_for_selector('#result[data-state="done"]')
    page.click("#lab-toggle")  # closed: the answer's time as without the section
    page.evaluate("localStorage.clear()")  # opened by the click below, not remembered
    times["vote"] = vote_times(page, PRESSES)
    times["visit"] = []
    for _ in range(2):
        page.reload()
        page.wait_for_selector('#result[data-state="idle"]', timeout=60_000)
        times["visit"].append(opened(page))
        page.evaluate("localStorage.clear()")
    context.close()
    browser.close()
    server.stop()
    return times


def picture(playwright, executable: str, dist: Path) -> Path:
    """docs/lab.png: B1's matrix with its 9-read-as-4 cell open and one of them chosen, beside the map."""
    server = Server(dist)
    browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(server.url)
    page.wait_for_selector('#result[data-state="idle"]', timeout=60_000)
    page.click("#lab-toggle")
    page.wait_for_selector('#lab[data-state="done"][data-model="vote"]', timeout=120_000)
    page.select_option("#lab-model", "B1")
    page.wait_for_selector('#lab[data-state="done"][data-model="B1"]')
    page.click('[data-cell="9:4"]')
    page.click("#lab-digits [data-test-index] button[aria-pressed]")
    page.wait_for_selector("#lab-chosen:not([hidden]) [data-model='vote']")
    page.locator("#lab-digits [data-test-index] button.open").first.click()
    page.wait_for_selector("#map-neighbours [data-test-index]")
    paths = [DOCS / "lab.png", DOCS / "lab-map.png"]
    screenshot_between(page, "#lab-title", "#lab-chosen", paths[0])  # from the title to the chosen digit's whys
    page.locator(".lab-map").screenshot(path=paths[1])
    browser.close()
    server.stop()
    return paths


def benchmark(dist: Path, before: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a log
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        times = page_times(playwright, executable, dist)
        print("in the page (Chromium), from the click or the stroke's end to the frame after it is shown:")
        print(f"  first opening (1.6 MB of test digits fetched, read by 4 networks): {times['first'][0]:7.0f} ms")
        rows = [
            ("again", "open", f"opening again, median of {OPENINGS}"),
            ("chosen", "open", f"the vote chosen after B1, median of {OPENINGS}"),
            ("dot", "dot", f"the map's dot after a stroke, median of {len(times['dot'])}"),
            ("vote", "vote", f"Vote with the section closed, median of {PRESSES}"),
        ]
        for key, goal_key, what in rows:
            median = statistics.median(times[key])
            goal = GOALS[f"{goal_key} ms"]
            print(f"  {what:47} {median:7.1f} ms  goal <= {goal:g} ms  {verdict(median, goal)}")
        visits = ", ".join(f"{t:.0f}" for t in times["visit"])
        print(f"  opening on a new visit (digits from the cache, read again): {visits} ms")
        report_first_visit(playwright, executable, dist, before, GOALS["added KB"])
        for path in picture(playwright, executable, dist):
            print(f"wrote {shown(path)}")
