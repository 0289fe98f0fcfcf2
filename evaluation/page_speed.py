"""python -m evaluation page-speed: the page in headless Chromium on loopback, medians of several runs,
beside the targets. Build the site first (python3 build.py).

Each run uses a fresh browser profile:
- first visit: from navigation until #result leaves "loading" (Python, NumPy, our package and the weights
  loaded), read from the page's own performance marks, so no polling delay is counted;
- repeat visit: the browser is closed, the server stopped, and the same profile opens the page again: the
  service worker serves everything from its cache, and Python starts from the snapshot the first visit saved
  ("Python snapshot" in the lines below; "fresh" where it had to start afresh);
- Vote: from the click on Vote until the answer is on screen (the frame after #result shows it), 10 presses,
  once the live answer to the drawing (read as its stroke ended) is in, so that no press waits behind it.
Also: the time each loading step took, and the size of dist/.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from .browser import FLAGS, Server, ensure_chromium, wait_for_service_worker, wait_until_loaded

TARGETS = {"first": 4.0, "repeat": 2.0, "vote": 50.0, "size": 16.0}
VOTES = 10

# Milliseconds since navigation at which each loading step began and Python was ready (app.js's marks).
MARKS = "() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))"

# Starts watching for the next vote answer; the promise resolves to ms from the click to the frame after it.
WATCH_VOTE = """() => {
  const result = document.getElementById('result');
  window.voteTime = new Promise((resolve) => {
    let clicked = null;
    document.getElementById('vote').addEventListener('click', (event) => (clicked = event.timeStamp), { once: true });
    const observer = new MutationObserver(() => {
      if (clicked !== null && result.dataset.state === 'done' && result.dataset.model === 'vote') {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clicked)));  // painted
      }
    });
    observer.observe(result, { attributes: true });
  });
}"""


def launch(playwright, profile: str, executable: str):
    return playwright.chromium.launch_persistent_context(profile, executable_path=executable, args=FLAGS)


def loaded_marks(page) -> dict:
    state = wait_until_loaded(page)
    if state != "idle":
        raise RuntimeError(f"the page ended in state {state}: {page.inner_text('#status')}")
    return {**page.evaluate(MARKS), "python": page.get_attribute("body", "data-python-start")}


def draw_a_one(page) -> None:
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 0.15 * box["height"])
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(box["x"] + box["width"] / 2 + i, box["y"] + (0.15 + 0.035 * i) * box["height"])
    page.mouse.up()


def one_run(playwright, executable: str, dist: Path) -> dict:
    server = Server(dist)
    with tempfile.TemporaryDirectory() as profile:
        context = launch(playwright, profile, executable)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.url)
        first = loaded_marks(page)
        wait_for_service_worker(page, seconds=20)
        draw_a_one(page)
        page.wait_for_selector('#result[data-state="done"]')  # the live answer to the stroke
        votes = []
        for _ in range(VOTES):
            page.evaluate(WATCH_VOTE)
            page.click("#vote")
            votes.append(page.evaluate("window.voteTime"))
        context.close()
        server.stop()

        context = launch(playwright, profile, executable)  # the same profile, the server gone
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.url)
        repeat = loaded_marks(page)
        context.close()
    return {"first": first, "repeat": repeat, "votes": votes}


def steps(marks: dict[str, float]) -> str:
    """How long each loading step took, from app.js's marks ("loading step 2: NumPy" when it began)."""
    began = sorted((time, name.split(": ", 1)[1]) for name, time in marks.items() if name.startswith("loading step"))
    ends = [time for time, _ in began[1:]] + [marks["python ready"]]
    return f"Python {marks['python']}: " + ", ".join(
        f"{name} {(end - start) / 1000:.2f}" for (start, name), end in zip(began, ends, strict=True)
    )


def benchmark(runs: int, dist: Path) -> None:
    from playwright.sync_api import sync_playwright

    firsts, repeats, votes = [], [], []
    with sync_playwright() as playwright:
        executable = ensure_chromium()
        for run in range(1, runs + 1):
            result = one_run(playwright, executable, dist)
            firsts.append(result["first"]["python ready"] / 1000)
            repeats.append(result["repeat"]["python ready"] / 1000)
            votes.extend(result["votes"])
            print(
                f"run {run}: first visit {firsts[-1]:.2f} s ({steps(result['first'])}); "
                f"repeat offline {repeats[-1]:.2f} s ({steps(result['repeat'])}); "
                f"Vote {statistics.median(result['votes']):.1f} ms",
                flush=True,
            )
    size = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file()) / 1e6
    figures = {
        "first": statistics.median(firsts),
        "repeat": statistics.median(repeats),
        "vote": statistics.median(votes),
        "size": size,
    }
    rows = [
        ("first visit, until ready", "first", "s", f"median of {len(firsts)}"),
        ("repeat visit, server stopped", "repeat", "s", f"median of {len(repeats)}"),
        ("Vote, click to answer shown", "vote", "ms", f"median of {len(votes)}"),
        ("all of dist/", "size", "MB", ""),
    ]
    print()
    for label, key, unit, note in rows:
        verdict = "ok" if figures[key] <= TARGETS[key] else "over"
        print(f"{label:30} {figures[key]:7.2f} {unit:2}  target <= {TARGETS[key]:g} {unit:2}  {verdict:4}  {note}")
