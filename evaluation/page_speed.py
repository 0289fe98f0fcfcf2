"""python -m evaluation page-speed: the page in headless Chromium on loopback, medians of several runs,
beside the targets, and as ratios to bare Pyodide measured in the same run; then the first and repeat visits
in every engine (Chromium, Firefox, WebKit), each beside bare Pyodide in the same engine. Build the site first
(python3 build.py).

Absolute times move by 30% or more between runs and machines, so the start-up goals are ratios to a reference
measured alongside: bare Pyodide (Pyodide 0.29.5's own files and the same NumPy wheel, as they come, loaded on
the main thread as Pyodide's documentation shows: loadPyodide(), loadPackage("numpy"), import numpy). Both are
served as GitHub Pages serves (html, js, json, css, svg and wasm gzipped in transit; .zst, .zip, .whl as they
are), and the bytes each first visit sends are counted.

Each run uses a fresh browser profile:
- first visit: from navigation until #result leaves "loading" (Python, NumPy, our package and the weights
  loaded), read from the page's own performance marks, so no polling delay is counted;
- repeat visit: the browser is closed, the server stopped, and the same profile opens the page again: the
  service worker serves everything from its cache, and Python starts from the snapshot the first visit saved
  ("Python snapshot" in the lines below; "fresh" where it had to start afresh);
- Vote: from the click on Vote until the answer is on screen (the frame after #result shows it), 10 presses,
  once the live answer to the drawing (read as its stroke ended) is in, so that no press waits behind it.
- bare Pyodide: a first visit, then a repeat visit in a new browser on the same profile with the server still
  running (its HTTP cache warm), each until `import numpy` has run.
Also: the time each loading step took, the bytes over the wire, the size of dist/, and each run's first visit
of this site and of bare Pyodide over a simulated slow line (SLOW_LINE, through the benchmark's own server:
builder.server.SlowLine), in a fresh profile.

Per engine (harness/engines.py for Firefox and WebKit), a fresh profile each run: the first visit as above;
the repeat visit with the server stopped, the same address opened again in the same browser (WebKit's
automation profile lasts only as long as its browser, so every engine is measured the same way here), and how
Python started on it ("snapshot" or "fresh"); bare Pyodide's first visit, and its address opened again with
the server still running (the HTTP cache warm).
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
from pathlib import Path

from builder.digits import FOLDER as DIGITS
from builder.lock import page_lock
from builder.pins import PINNED, fetch, tarball_member
from builder.server import SlowLine
from harness import engines
from harness.browser import FLAGS, Server, ensure_chromium, wait_for_service_worker, wait_until_loaded

TARGETS = {"first": 4.0, "repeat": 2.0, "vote": 20.0, "eight vote": 20.0, "size": 16.0}
SLOW_LINE = (10.0, 0.040)  # a phone's slow line: 10 Mbit/s in all, 40 ms before each response
# The start-up goals, as ratios to bare Pyodide's own time (the repeat visit's: no slower than before the
# snapshot was packed); the bytes a first visit may send until ready, and in all (what the service worker keeps
# included); what the browser keeps once the snapshot is saved (navigator.storage.estimate, as the page says).
GOALS = {"first ratio": 0.5, "repeat ratio": 0.31, "first MB": 5.0, "all MB": 7.0, "kept MB": 25.0, "slow ratio": 0.5}

# Bytes the browser keeps for the page, as its storage line says; null where there is no estimate (WebKit).
KEPT = "navigator.storage && navigator.storage.estimate ? navigator.storage.estimate().then((e) => e.usage) : null"
NOT_TIMES = ("python", "kept MB")


BARE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")  # as Pyodide's package has them
BARE_PAGE = """<!doctype html>
<meta charset="utf-8"><title>Bare Pyodide and NumPy</title>
<script src="pyodide.js"></script>
<script>
  loadPyodide()
    .then(async (pyodide) => {
      await pyodide.loadPackage("numpy");
      pyodide.runPython("import numpy");
      performance.mark("python ready");
      document.body.dataset.state = "ready";
    })
    .catch((error) => (document.body.dataset.state = `error: ${error}`));
</script>
"""
VOTES = 10

# Milliseconds since navigation at which each loading step began and Python was ready (app.js's marks).
MARKS = "() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))"

# Starts watching for the answer to the next click on `button`; the promise resolves to ms from the click to the
# frame after #result shows it done (by `model`, when given). Timed in the page: Playwright's waits poll at up to
# 500 ms intervals.
WATCH_ANSWER = """([button, model]) => {
  const result = document.getElementById('result');
  window.answerTime = new Promise((resolve) => {
    let clicked = null;
    document.querySelector(button).addEventListener('click', (event) => (clicked = event.timeStamp), { once: true });
    const observer = new MutationObserver(() => {
      if (clicked !== null && result.dataset.state === 'done' && (!model || result.dataset.model === model)) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - clicked)));  // painted
      }
    });
    observer.observe(result, { attributes: true });
  });
}"""


def answer_time(page, button: str, model: str | None = None) -> float:
    """Ms from a click on `button` until #result's answer (by `model`, when given) is on screen."""
    page.evaluate(WATCH_ANSWER, [button, model])
    page.click(button)
    return page.evaluate("window.answerTime")


def visit(playwright, profile: str, executable: str, url: str):
    """A browser on `profile` (kept between visits) with its page at `url`: (the browser, to close; the page)."""
    context = playwright.chromium.launch_persistent_context(profile, executable_path=executable, args=FLAGS)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    return context, page


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


def draw_an_eight(page) -> None:
    """A figure of eight in one stroke of 120 mouse moves: a drawing as long as people make."""
    box = page.locator("#pad").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 121):
        angle = 2 * math.pi * i / 120
        page.mouse.move(x + 0.125 * box["width"] * math.sin(2 * angle), y - 0.35 * box["height"] * math.sin(angle))
    page.mouse.up()


def vote_times(page, count: int = VOTES) -> list[float]:
    """`count` presses of Vote on the drawing on the pad: each one's ms from the click to its answer on screen."""
    return [answer_time(page, "#vote", "vote") for _ in range(count)]


def bare_pyodide(folder: Path) -> Path:
    """Pyodide's own files, the pinned NumPy wheel as it comes, and a page that loads them: the reference."""
    pyodide = fetch("pyodide")
    for name in BARE_FILES:
        (folder / name).write_bytes(tarball_member(pyodide, name))
    wheel = {PINNED["numpy"].file: fetch("numpy").read_bytes()}
    (folder / PINNED["numpy"].file).write_bytes(wheel[PINNED["numpy"].file])
    lock = page_lock(json.loads(tarball_member(pyodide, "pyodide-lock.json")), wheel)  # names the wheel as it is
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    (folder / "index.html").write_text(BARE_PAGE)
    return folder


def bare_ready(page) -> float:
    """Seconds from navigation until bare Pyodide has imported NumPy."""
    page.wait_for_selector("body[data-state]", state="attached", timeout=120_000)
    state = page.get_attribute("body", "data-state")
    if state != "ready":
        raise RuntimeError(f"bare Pyodide did not load: {state}")
    return page.evaluate(MARKS)["python ready"] / 1000


def bare_run(playwright, executable: str, bare: Path) -> dict:
    """Bare Pyodide's first and repeat visit (the server still there, the HTTP cache warm), in seconds."""
    server = Server(bare, pages=True)
    times = {}
    with tempfile.TemporaryDirectory() as profile:
        for which in ("first", "repeat"):
            context, page = visit(playwright, profile, executable, server.url)
            times[which] = bare_ready(page)
            if which == "first":
                times["first MB"] = server.bytes_sent / 1e6
            context.close()
    server.stop()
    return times


def slow_line_run(playwright, executable: str, dist: Path, bare: Path) -> dict:
    """Seconds until ready on a first visit over a simulated slow line (builder.server.SlowLine), for this site
    and for bare Pyodide: {"ours": s, "bare": s}."""
    times = {}
    for which, folder in (("ours", dist), ("bare", bare)):
        server = Server(folder, pages=True, line=SlowLine(*SLOW_LINE))
        with tempfile.TemporaryDirectory() as profile:
            context, page = visit(playwright, profile, executable, server.url)
            times[which] = loaded_marks(page)["python ready"] / 1000 if which == "ours" else bare_ready(page)
            context.close()
        server.stop()
    return times


def one_run(playwright, executable: str, dist: Path) -> dict:
    server = Server(dist, pages=True)
    with tempfile.TemporaryDirectory() as profile:
        context, page = visit(playwright, profile, executable, server.url)
        first = loaded_marks(page)
        wait_for_service_worker(page, seconds=20)
        page.wait_for_selector('body[data-python-snapshot="saved"]', timeout=60_000)  # for the repeat visit
        # What the page itself fetched (all before it was ready), apart from what the service worker then kept.
        sent_for_offline_copy = server.bytes_for_offline_copy
        sent_until_ready = server.bytes_sent - sent_for_offline_copy
        kept = page.evaluate(KEPT)
        draw_a_one(page)
        page.wait_for_selector('#result[data-state="done"]')  # the live answer to the stroke
        votes = vote_times(page)
        page.click("#clear")
        draw_an_eight(page)
        page.wait_for_selector('#result[data-state="done"]')
        eight_votes = vote_times(page)
        context.close()
        server.stop()

        context, page = visit(playwright, profile, executable, server.url)  # the same profile, the server gone
        repeat = loaded_marks(page)
        context.close()
    return {
        "first": first,
        "repeat": repeat,
        "votes": votes,
        "eight votes": eight_votes,
        "first MB": sent_until_ready / 1e6,
        "offline copy MB": sent_for_offline_copy / 1e6,
        "kept MB": kept / 1e6,
    }


def site_bytes(dist: Path) -> int:
    """dist/'s bytes, but for the digits "Train your own" fetches only when asked for (as build.py budgets them)."""
    return sum(p.stat().st_size for p in dist.rglob("*") if p.is_file() and p.relative_to(dist).parts[0] != DIGITS)


def steps(marks: dict[str, float]) -> str:
    """How long each loading step took, from app.js's marks ("loading step 2: NumPy" when it began)."""
    began = sorted((time, name.split(": ", 1)[1]) for name, time in marks.items() if name.startswith("loading step"))
    ends = [time for time, _ in began[1:]] + [marks["python ready"]]
    return f"Python {marks['python']}: " + ", ".join(
        f"{name} {(end - start) / 1000:.2f}" for (start, name), end in zip(began, ends, strict=True)
    )


class PlaywrightTab(engines.Tab):
    """Chromium through Playwright, with the few calls the engines' tabs have (harness/engines.py)."""

    engine = "chromium"

    def __init__(self, playwright, executable: str):
        super().__init__()
        self.browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        self.version = self.browser.version
        self.page = self.browser.new_context().new_page()

    def _evaluate(self, script: str):
        return self.page.evaluate(script)

    def _navigate(self, url: str) -> None:
        self.page.goto(url)

    def _reload(self) -> None:
        self.page.reload()

    def _quit(self) -> None:
        self.browser.close()


def python_ready(tab) -> float:
    """Seconds from navigation to Python ready, as the page's own mark says (once it has been made)."""
    return tab.evaluate("performance.getEntriesByName('python ready')[0].startTime") / 1000


def engine_run(tab, dist: Path, bare: Path) -> dict:
    """One engine's first visit and offline repeat, then bare Pyodide's, in the same browser."""
    server = Server(dist, pages=True)
    tab.goto(server.url)
    if tab.wait_until_loaded(timeout=120) != "idle":
        raise RuntimeError(f"{tab.engine}: the page did not load: {tab.text('#status')}")
    first = python_ready(tab)
    tab.wait_until_kept(timeout=60)
    kept = tab.evaluate(KEPT)
    server.stop()
    tab.goto(server.url)  # as a person comes back: the same address again
    tab.wait_until_loaded(timeout=120)
    repeat, started = python_ready(tab), tab.attribute("body", "data-python-start")
    server = Server(bare, pages=True)
    tab.goto(server.url)
    tab.wait_for_selector("body[data-state]", timeout=120)
    if tab.attribute("body", "data-state") != "ready":
        raise RuntimeError(f"{tab.engine}: bare Pyodide did not load: {tab.attribute('body', 'data-state')}")
    bare_first = python_ready(tab)
    tab.goto(server.url)
    tab.wait_for_selector("body[data-state]", timeout=120)
    bare_repeat = python_ready(tab)
    server.stop()
    times = {"first": first, "repeat": repeat, "bare first": bare_first, "bare repeat": bare_repeat}
    return {**times, "python": started, "kept MB": None if kept is None else kept / 1e6}


def engines_benchmark(runs: int, dist: Path, reference: Path, playwright, executable: str) -> None:
    """Every engine's first and repeat visit beside bare Pyodide's in the same engine, medians of `runs`."""
    print("\nper engine, medians of", runs, "runs (repeat: the address again, in the same browser, the server stopped)")
    print(f"{'engine':22} {'first s':>8} {'/ bare':>7} {'repeat s':>9} {'/ bare':>7}  repeat started")
    for engine in ("chromium", *engines.ENGINES):
        results = []
        for _ in range(runs):
            tab = PlaywrightTab(playwright, executable) if engine == "chromium" else engines.open_tab(engine)
            with tab:
                version = tab.version
                results.append(engine_run(tab, dist, reference))

        medians = {key: statistics.median(r[key] for r in results) for key in results[0] if key not in NOT_TIMES}
        kept = [r["kept MB"] for r in results if r["kept MB"] is not None]
        storage = f"kept {statistics.median(kept):.1f} MB" if kept else "no storage estimate"
        starts = " and ".join(sorted({r["python"] for r in results}))
        print(
            f"{engine + ' ' + version:22} {medians['first']:8.2f} {medians['first'] / medians['bare first']:7.2f} "
            f"{medians['repeat']:9.2f} {medians['repeat'] / medians['bare repeat']:7.2f}  {starts}"
            f"  (bare Pyodide: first {medians['bare first']:.2f} s, repeat {medians['bare repeat']:.2f} s); {storage}",
            flush=True,
        )


def benchmark(runs: int, dist: Path) -> None:
    from playwright.sync_api import sync_playwright

    ours, bare = [], []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        executable = ensure_chromium()
        reference = bare_pyodide(Path(folder))
        for run in range(1, runs + 1):
            result, base = one_run(playwright, executable, dist), bare_run(playwright, executable, reference)
            result["slow line"] = slow_line_run(playwright, executable, dist, reference)
            # Each run's ratio to bare Pyodide in the same run: the machine's mood of the moment cancels out.
            result["first ratio"] = result["first"]["python ready"] / 1000 / base["first"]
            result["repeat ratio"] = result["repeat"]["python ready"] / 1000 / base["repeat"]
            ours.append(result)
            bare.append(base)
            print(
                f"run {run}: first visit {result['first']['python ready'] / 1000:.2f} s ({steps(result['first'])}), "
                f"{result['first MB']:.2f} MB; repeat offline {result['repeat']['python ready'] / 1000:.2f} s "
                f"({steps(result['repeat'])}); Vote {statistics.median(result['votes']):.1f} ms on a 1, "
                f"{statistics.median(result['eight votes']):.1f} ms on an 8; bare Pyodide: "
                f"first {base['first']:.2f} s, {base['first MB']:.2f} MB, repeat {base['repeat']:.2f} s; slow line: "
                f"first visit {result['slow line']['ours']:.2f} s, bare Pyodide's {result['slow line']['bare']:.2f} s",
                flush=True,
            )

        def median(values) -> float:
            return statistics.median(values)

        figures = {
            "first": median(r["first"]["python ready"] / 1000 for r in ours),
            "repeat": median(r["repeat"]["python ready"] / 1000 for r in ours),
            "vote": median(vote for r in ours for vote in r["votes"]),
            "eight vote": median(vote for r in ours for vote in r["eight votes"]),
            "size": site_bytes(dist) / 1e6,
            "first MB": median(r["first MB"] for r in ours),
            "all MB": median(r["first MB"] + r["offline copy MB"] for r in ours),
            "kept MB": median(r["kept MB"] for r in ours),
            "slow ratio": median(r["slow line"]["ours"] / r["slow line"]["bare"] for r in ours),
        }
        figures["first ratio"] = median(r["first ratio"] for r in ours)
        figures["repeat ratio"] = median(r["repeat ratio"] for r in ours)
        bare_medians = {key: median(b[key] for b in bare) for key in ("first", "repeat", "first MB")}
        rows = [
            ("first visit, until ready", "first", "s", TARGETS),
            ("  / bare Pyodide's first visit", "first ratio", "", GOALS),
            ("repeat visit, server stopped", "repeat", "s", TARGETS),
            ("  / bare Pyodide's repeat visit", "repeat ratio", "", GOALS),
            ("bytes over the wire until ready", "first MB", "MB", GOALS),
            ("  and all, the offline copy's too", "all MB", "MB", GOALS),
            ("kept in the browser", "kept MB", "MB", GOALS),
            ("Vote on a 1, click to answer shown", "vote", "ms", TARGETS),
            ("Vote on an 8 of 120 moves", "eight vote", "ms", TARGETS),
            ("all of dist/ but the digits to train on", "size", "MB", TARGETS),
        ]
        print(
            f"\nmedians of {runs} runs; bare Pyodide: first visit {bare_medians['first']:.2f} s, "
            f"{bare_medians['first MB']:.2f} MB over the wire, repeat visit {bare_medians['repeat']:.2f} s"
        )
        for label, key, unit, goals in rows:
            verdict = "ok" if figures[key] <= goals[key] else "over"
            print(f"{label:34} {figures[key]:7.2f} {unit:2}  goal <= {goals[key]:g} {unit:2}  {verdict}")
        slow, slow_bare = (median(r["slow line"][which] for r in ours) for which in ("ours", "bare"))
        megabits, latency = SLOW_LINE
        verdict = "ok" if figures["slow ratio"] <= GOALS["slow ratio"] else "over"
        print(
            f"first visit over a {megabits:g} Mbit/s line, {1000 * latency:g} ms before each response: {slow:.2f} s, "
            f"bare Pyodide's {slow_bare:.2f} s (ratio {figures['slow ratio']:.2f}, goal <= {GOALS['slow ratio']:g}: "
            f"{verdict})"
        )

        engines_benchmark(runs, dist, reference, playwright, executable)
