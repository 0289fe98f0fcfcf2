"""python -m evaluation training-speed --page: "Train your own" in the built page, with the defaults (B1's layers),
beside the same training run natively; and how fast the page reads while it trains. Build the site first.

- Natively: recognizer.session's Session with the form's defaults, on the parts the build packed (dist/digits/),
  in slices as the worker runs it: its seconds and the test accuracy of the network as it is kept (int8).
- In headless Chromium, the site served as GitHub Pages serves it: the section opened, every part arrived, then
  Start with the defaults; the seconds from the click until it is done, the test accuracy the page shows, its
  images a second, and its rate of operations beside NumPy's own rate on the same matrix products alone (the
  page times those now and then as it trains: the same page, the same run).
- Reading while it trains: the vote's answer, from a click on Vote until it is on screen (page-speed's measure),
  20 times before training starts and 20 times while it trains: the medians.
- The file the page exports, read natively (recognizer.yours.network_of_file) and scored on MNIST's test digits:
  the same accuracy as the page showed.
It also takes docs/training.png: the section as its third epoch ends.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from files import DOCS
from harness.browser import FLAGS, Server, ensure_chromium, wait_until_loaded
from recognizer.choice import choice_from
from recognizer.digitfiles import KINDS, Digits
from recognizer.session import Session
from recognizer.training import accuracy
from recognizer.yours import finished_network, network_of_file

from .page_speed import draw_a_one, vote_times

READINGS = 20
SCREENSHOT = DOCS / "training.png"  # the section while it trains, for the README
GOALS = {"test accuracy": 0.97, "rate ratio": 0.8, "reading ratio": 2.0}


def digits_of(dist: Path) -> Digits:
    """Every part of the digits the build packed (dist/digits/), as the page's worker hands them to Python."""
    digits = Digits()
    for kind in KINDS:
        digits.add(kind, (dist / "digits" / f"{kind}.npz").read_bytes())
    return digits


def native_run(digits: Digits) -> dict:
    """The defaults' session natively, in the worker's slices: its seconds and the kept network's accuracy."""
    session = Session(choice_from({}), digits)
    began = time.perf_counter()
    while not session.finished:
        session.work(0.02)
    seconds = time.perf_counter() - began
    kept = finished_network(session.run.network, None, digits)
    status = session.status()
    last = status["history"][-1]["test_accuracy"]
    return {"seconds": seconds, "test accuracy": last, "kept": kept.entry["test_accuracy"], **rates(status)}


def rates(status: dict) -> dict:
    return {
        "images a second": status["images_per_second"],
        "gflops": status["gflops"],
        "products gflops": status["products_gflops"],
    }


def page_run(dist: Path, folder: Path) -> dict:
    from playwright.sync_api import sync_playwright

    server = Server(dist, pages=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), headless=True, args=FLAGS)
        page = browser.new_page(accept_downloads=True)
        page.goto(server.url)
        if wait_until_loaded(page) != "idle":
            raise RuntimeError(f"the page did not load: {page.inner_text('#status')}")
        page.click("#train-toggle")
        page.wait_for_selector("#train-data:has-text('are here')", timeout=120_000)
        page.evaluate("window.scrollTo(0, 0)")
        draw_a_one(page)
        page.wait_for_selector('#result[data-state="done"]')
        idle = vote_times(page, READINGS)
        page.click("#train-start")
        began = time.perf_counter()
        page.wait_for_selector('#train-status[data-state="training"]', timeout=60_000)
        training = vote_times(page, READINGS)
        still = page.get_attribute("#train-status", "data-state") == "training"
        page.wait_for_selector('#train-status[data-epoch="3"]', timeout=600_000)  # a curve, two epochs' dots
        page.locator(".train-wrap").screenshot(path=str(SCREENSHOT))
        page.wait_for_selector('#train-status[data-state="done"]', timeout=900_000)
        seconds = time.perf_counter() - began
        status = page.eval_on_selector("#train-status", "s => ({...s.dataset})")
        kept = page.inner_text('button[data-model="yours"]').split("\n")[-1]  # the network kept: its int8 weights
        with page.expect_download() as download:
            page.click("#yours-export")
        exported = folder / "yours.npz"
        download.value.save_as(exported)
        browser.close()
    server.stop()
    return {
        "seconds": seconds,
        "test accuracy": float(status["testAccuracy"]),
        "kept": float(kept.rstrip("%")) / 100,
        "images a second": int(status["imagesPerSecond"]),
        "gflops": float(status["gflops"]),
        "products gflops": float(status["productsGflops"]),
        "idle": statistics.median(idle),
        "training": statistics.median(training),
        "trained throughout": still,
        "exported": exported.read_bytes(),
    }


def exported_accuracy(data: bytes, digits: Digits) -> float:
    """The exported file's accuracy on MNIST's 10,000 test digits, natively."""
    x, labels = digits.needed("test")
    return accuracy(network_of_file(data), x, labels)


def benchmark(dist: Path) -> None:
    print("natively: the form's defaults (B1's layers), in the worker's slices", flush=True)
    digits = digits_of(dist)
    native = native_run(digits)
    print(f"  {native['seconds']:.1f} s, {100 * native['kept']:.2f}% of the test digits", flush=True)
    print("in headless Chromium: the same defaults, pressed Start", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        page = page_run(dist, Path(folder))
    from_file = exported_accuracy(page["exported"], digits)
    rate_ratio = page["gflops"] / page["products gflops"]
    reading_ratio = page["training"] / page["idle"]

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"\n{'':44}{'page':>12}{'natively':>12}  goal")
    print(f"{'seconds, Start until done':44}{page['seconds']:12.1f}{native['seconds']:12.1f}")
    accuracy_line = f"{100 * page['test accuracy']:11.2f}%{100 * native['test accuracy']:11.2f}%"
    print(f"{'test accuracy (10,000 digits), last epoch':44}{accuracy_line}")
    kept_line = f"{100 * page['kept']:11.2f}%{100 * native['kept']:11.2f}%"
    print(f"{'  the network kept (int8 weights)':44}{kept_line}  >= 97%: {verdict(page['kept'] >= 0.97)}")
    print(f"{'images a second':44}{page['images a second']:12,}{native['images a second']:12,}")
    print(f"{'training, GFLOP/s':44}{page['gflops']:12.2f}{native['gflops']:12.2f}")
    products = f"{page['products gflops']:12.2f}{native['products gflops']:12.2f}"
    print(f"{'the same matrix products alone, GFLOP/s':44}{products}")
    native_ratio = native["gflops"] / native["products gflops"]
    print(f"{'  ratio':44}{rate_ratio:12.2f}{native_ratio:12.2f}  >= 0.8: {verdict(rate_ratio >= 0.8)}")
    print(f"{'Vote, click to answer shown: idle, ms':44}{page['idle']:12.1f}")
    print(f"{'  while training, ms':44}{page['training']:12.1f}")
    still = "" if page["trained throughout"] else " (training ended before the 20 readings did)"
    print(f"{'  ratio':44}{reading_ratio:12.2f}{'':12}  <= 2: {verdict(reading_ratio <= 2)}{still}")
    same = verdict(round(from_file, 4) == page["kept"])
    print(f"{'the exported file, natively: test accuracy':44}{100 * from_file:11.2f}%{'':12}  as the page: {same}")
