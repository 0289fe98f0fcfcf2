"""python -m evaluation peers: our page's "Train your own" beside TensorFlow.js, training the same network on the
same digits in the same headless Chromium. Build the site first; `npm ci` installs TensorFlow.js.

Is NumPy under Pyodide a fair way to train in a browser? The yardstick is what a visitor's browser does with the
usual library for it: TensorFlow.js 4.22 with its WebAssembly backend (XNNPACK, SIMD; one thread, since GitHub
Pages cannot send the headers that make a page cross-origin isolated) and its plain JavaScript backend.

- Ours: the built site served as GitHub Pages serves it, "Train your own" with 100,10 hidden layers, 4 epochs,
  10,000 training digits, rate 0.1, batch 128 (L2 2e-5 and the seed as the form has them), Start; the images a
  second and the test accuracy the page shows when done, and its matrix products' rate beside plain np.matmul's
  on the same shapes, when the page reports them.
- TensorFlow.js (evaluation/peers/peers.js, served beside the site): the same layers, He-normal weights, momentum
  SGD 0.9 at rate 0.1, batch 128, cross-entropy with the same L2, shuffled every epoch, on the same first 10,000
  training digits for 4 epochs; model.fit alone timed (the backend ready, the tensors built), then the 10,000 test
  digits scored. Unlike ours, its rate does not decay along a cosine.

Each round runs ours, TensorFlow.js wasm, then TensorFlow.js cpu, each in a fresh browser context of one browser;
the table gives the medians over the rounds.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

import numpy as np

from files import ROOT, shown
from harness.browser import FLAGS, Server, ensure_chromium, wait_until_loaded

from .training_page import digits_of

PAGE = Path(__file__).parent / "peers"  # peers.html and peers.js
TFJS = ROOT / "node_modules" / "@tensorflow"
TFJS_FILES = {  # served in peers/tfjs/: each file, from its package's dist/
    "tf-core.min.js": "tfjs-core",
    "tf-layers.min.js": "tfjs-layers",
    "tf-backend-cpu.min.js": "tfjs-backend-cpu",
    "tf-backend-wasm.min.js": "tfjs-backend-wasm",
    "tfjs-backend-wasm.wasm": "tfjs-backend-wasm",
    "tfjs-backend-wasm-simd.wasm": "tfjs-backend-wasm",
    "tfjs-backend-wasm-threaded-simd.wasm": "tfjs-backend-wasm",
}
FORM = {"#train-layers": "100,10", "#train-epochs": "4", "#train-digits": "10000", "#train-rate": "0.1"}
FORM |= {"#train-batch": "128"}
PEER = {"epochs": 4, "batch": 128, "rate": 0.1, "momentum": 0.9, "l2": 2e-5, "hidden": [100, 10]}
TRAINING_DIGITS = 10_000
RUNS = ["ours", "wasm", "cpu"]  # one round, in order
NAMES = {"ours": "ours (NumPy in Pyodide)", "wasm": "TensorFlow.js wasm", "cpu": "TensorFlow.js cpu"}
TIMEOUT = 900_000  # ms: the longest a run may take


def write_digits(dist: Path, folder: Path) -> None:
    """The first 10,000 training digits and the 10,000 test digits of the parts the page trains on, as raw bytes:
    784 uint8 pixels a digit (ink 255) and one uint8 label a digit."""
    digits = digits_of(dist)
    test_inputs, test_labels = digits.needed("test")
    kinds = {
        "train": (digits.images[:TRAINING_DIGITS], digits.labels[:TRAINING_DIGITS]),
        "test": (np.rint(test_inputs * 255), test_labels),  # back to the bytes the file holds (inputs are / 255)
    }
    folder.mkdir(parents=True)
    for kind, (images, labels) in kinds.items():
        (folder / f"{kind}-images.u8").write_bytes(images.astype(np.uint8).tobytes())
        (folder / f"{kind}-labels.u8").write_bytes(labels.astype(np.uint8).tobytes())


def served_folder(dist: Path, folder: Path) -> None:
    """`folder` as dist/ (linked, unchanged) plus peers/: the benchmark page, TensorFlow.js and the digits."""
    for entry in dist.iterdir():
        (folder / entry.name).symlink_to(entry.resolve())
    peers = folder / "peers"
    (peers / "tfjs").mkdir(parents=True)
    for page_file in PAGE.iterdir():
        (peers / page_file.name).symlink_to(page_file.resolve())
    for name, package in TFJS_FILES.items():
        (peers / "tfjs" / name).symlink_to(TFJS / package / "dist" / name)
    write_digits(dist, peers / "digits")


def our_run(browser, url: str) -> dict:
    """The page's "Train your own" in a fresh context: the form filled, Start, and its figures once it is done."""
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "replace yours?": none exists in a fresh context
    page.goto(url)
    if wait_until_loaded(page) != "idle":
        raise RuntimeError(f"the page did not load: {page.inner_text('#status')}")
    page.click("#train-toggle")
    page.wait_for_selector("#train-data:has-text('are here')", timeout=120_000)
    for selector, value in FORM.items():
        page.fill(selector, value)
    page.click("#train-start")
    page.wait_for_selector('#train-status[data-state="done"]', timeout=TIMEOUT)
    status = page.eval_on_selector("#train-status", "s => ({...s.dataset})")
    context.close()
    return {
        "images a second": float(status["imagesPerSecond"]),
        "test accuracy": float(status["testAccuracy"]),
        "products gflops": float(status["productsGflops"]),
        "matmul gflops": float(status.get("matmulGflops") or 0) or None,  # "0" or absent: not measured
    }


def peer_run(browser, url: str, backend: str) -> dict:
    """TensorFlow.js's run on `backend` in a fresh context (peers.js's trainPeer)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "peers/peers.html")
    page.wait_for_function("typeof window.trainPeer === 'function'")
    result = page.evaluate("settings => trainPeer(settings)", {"backend": backend, **PEER})
    context.close()
    if result["backend"] != backend:
        raise RuntimeError(f"TensorFlow.js ran on {result['backend']}, not {backend}")
    return {"images a second": result["imagesPerSecond"], "test accuracy": result["testAccuracy"], **result}


def browser_facts(browser, url: str) -> dict:
    """The cores the browser reports, and whether the page is cross-origin isolated (threads need it)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "peers/peers.html")
    facts = page.evaluate("({cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated})")
    context.close()
    return facts


def run_line(number: int, name: str, run: dict) -> str:
    line = f"round {number}  {NAMES[name]:24}{run['images a second']:10,.0f} images/s  {run['test accuracy']:7.2%}"
    if name == "ours":
        line += f"  products {run['products gflops']:.2f} GFLOP/s"
        if run["matmul gflops"] is not None:
            line += f", np.matmul alone {run['matmul gflops']:.2f}"
    elif name == "wasm":
        line += f"  ({run['seconds']:.1f} s; SIMD {run['simd']}, threads {run['threads']})"
    else:
        line += f"  ({run['seconds']:.1f} s)"
    return line


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def print_table(runs: dict[str, list[dict]], facts: dict) -> None:
    ours = median(runs["ours"], "images a second")
    rounds = len(runs["ours"])
    print(f"\n{f'medians of {rounds} rounds':28}{'images a second':>16}{'test accuracy':>15}{'ours / it':>11}")
    for name in RUNS:
        rate = median(runs[name], "images a second")
        ratio = "" if name == "ours" else f"{ours / rate:11.2f}"
        print(f"{NAMES[name]:28}{rate:16,.0f}{median(runs[name], 'test accuracy'):15.2%}{ratio}")
    products = f"{median(runs['ours'], 'products gflops'):.2f}"
    matmuls = [run["matmul gflops"] for run in runs["ours"] if run["matmul gflops"] is not None]
    matmul = f", np.matmul alone on the same shapes {statistics.median(matmuls):.2f}" if matmuls else ""
    print(f"\nthe page's matrix products: {products} GFLOP/s{matmul}")
    wasm = runs["wasm"][0]
    print(f"TensorFlow.js wasm: SIMD {wasm['simd']}, threads {wasm['threads']}")
    print(f"navigator.hardwareConcurrency {facts['cores']}, crossOriginIsolated {facts['isolated']}")


def benchmark(dist: Path, rounds: int) -> None:
    missing = [name for name, package in TFJS_FILES.items() if not (TFJS / package / "dist" / name).exists()]
    if missing:
        raise SystemExit(f"error: {', '.join(missing)} missing from {shown(TFJS)}: run `npm ci` first")
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict]] = {name: [] for name in RUNS}
    with tempfile.TemporaryDirectory() as folder:
        served_folder(dist, Path(folder))
        server = Server(Path(folder), pages=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=ensure_chromium(), headless=True, args=FLAGS)
                facts = browser_facts(browser, server.url)
                for number in range(1, rounds + 1):
                    for name in RUNS:
                        run = our_run(browser, server.url) if name == "ours" else peer_run(browser, server.url, name)
                        runs[name].append(run)
                        print(run_line(number, name, run), flush=True)
                browser.close()
        finally:
            server.stop()
    print_table(runs, facts)
