"""Driving the real page in Debian's Chromium with Playwright: a loopback server for dist/ and a mouse that
draws pen trajectories. Shared by the browser tests, the drawn-digit benchmark and the page-speed benchmark."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from builder.server import serve_in_thread
from files import DIST

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOAD_TIMEOUT = 60_000  # ms


def ensure_debian_package(path: str, package: str) -> str:
    """`path`, installed from Debian's `package` with apt-get when missing (no test tool downloads a browser)."""
    if not Path(path).exists():
        if shutil.which("apt-get") is None:
            raise RuntimeError(f"{path} is missing and apt-get is not available to install {package}")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True)
    return path


def ensure_chromium() -> str:
    return ensure_debian_package(CHROMIUM, "chromium")


class Server:
    """dist/ on a free loopback port, served as `build.py --serve` serves it (or, with `pages`, as GitHub Pages
    does, counting the bytes sent, over `line` if given), in a thread; it can be stopped (to test offline use)."""

    def __init__(self, directory: Path = DIST, pages: bool = False, line=None):
        self.httpd, self.url = serve_in_thread(directory, pages, line)

    @property
    def bytes_sent(self) -> int:
        return self.httpd.bytes_sent

    @property
    def bytes_for_offline_copy(self) -> int:
        """Of bytes_sent, those the service worker asked for (with pages=True)."""
        return self.httpd.bytes_for_offline_copy

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def on_loopback(url: str) -> bool:
    """Whether a request stays on this machine (the tests' one network: every other request fails a test)."""
    parts = urlsplit(url)
    return parts.scheme in ("blob", "data") or (parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1")


def wait_until_loaded(page) -> str:
    """Wait for Python to be ready; returns #result's state. Selector waits, since the page's CSP forbids eval."""
    page.wait_for_selector('#result:not([data-state="loading"])', timeout=LOAD_TIMEOUT)
    return page.get_attribute("#result", "data-state")


def open_page(context, url: str):
    """A new page of `context` at `url`, once Python is ready and the box idle."""
    page = context.new_page()
    page.goto(url)
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    return page


def wait_for_service_worker(page, seconds: float) -> None:
    """Wait until the service worker (registered once Python is ready) controls the page, which it does once it
    has cached every file of the site."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(round(seconds * 20)):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(50)
    raise RuntimeError(f"the service worker did not take control within {seconds} s")


def inside_box(strokes, box, margin=0.03) -> bool:
    """Whether every point of the strokes lies within the box (a bounding box), `margin` of its width in from
    each side: as fit_to_box places a digit."""
    points = np.concatenate(strokes)
    low = np.array([box["x"], box["y"]]) + margin * box["width"] - 1e-6
    high = np.array([box["x"] + box["width"], box["y"] + box["height"]]) - margin * box["width"] + 1e-6
    return bool((points >= low).all() and (points <= high).all())


def fit_to_box(
    strokes: list[np.ndarray], box: dict, height: float = 0.6, offset=(0.0, 0.0), margin: float = 0.03
) -> list[np.ndarray]:
    """Strokes scaled so the digit is `height` of the box tall, centred (plus `offset`, in box fractions), and
    kept inside the box (`margin` from each side): a wide digit is made smaller and moved in, since a stroke
    that began outside the box would not be drawn at all."""
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    size = np.maximum(high - low, 1)
    corner, sides = np.array([box["x"], box["y"]]), np.array([box["width"], box["height"]])
    room = sides * (1 - 2 * margin)
    scale = min(height * box["height"] / max(size[1], size[0] * 0.8), *(room / size))
    half = size * scale / 2
    centre = np.clip(
        corner + sides * (0.5 + np.asarray(offset)),
        corner + sides * margin + half,
        corner + sides * (1 - margin) - half,
    )
    return [(s - (low + high) / 2) * scale + centre for s in strokes]


def draw_with_mouse(page, strokes: list[np.ndarray], steps: int = 2) -> None:
    """Press, move through every point (with `steps` intermediate mouse events), release: one stroke each."""
    for stroke in strokes:
        points = np.asarray(stroke, dtype=float).tolist()  # Playwright wants plain floats
        page.mouse.move(*points[0])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(x, y, steps=steps)
        page.mouse.up()


def press(page, selector: str, strokes: int | None = None) -> dict:
    """Click a network's button and return #result's data once it shows that network's answer for a drawing of
    `strokes` strokes; with strokes=None (a blank drawing), after the worker would have had time to answer.

    The page reads live: a finished stroke is read by the chosen network without a press, so an answer may be on
    screen before the click. The click itself replaces it at once (data-state "reading": the page never shows
    an answer to an earlier request as current), so what this returns is the pressed button's own answer."""
    model = "vote" if selector == "#vote" else selector.split('"')[1]
    page.click(selector)
    if strokes is None:
        page.wait_for_timeout(500)
        return page.eval_on_selector("#result", "r => ({...r.dataset})")
    result = {}
    for _ in range(1000):
        result = page.eval_on_selector("#result", "r => ({...r.dataset})")
        if result["state"] == "done" and result["model"] == model and result["strokes"] == str(strokes):
            return result
        page.wait_for_timeout(10)
    raise TimeoutError(f"no answer from {model}: {result}")


def screenshot_between(page, top: str, bottom: str, path) -> None:
    """A screenshot of the page's width of `top`'s element, from its top to the bottom of `bottom`'s element."""
    clip = page.evaluate(
        """([top, bottom]) => {  // in the page's own coordinates
          const first = document.querySelector(top).getBoundingClientRect();
          const last = document.querySelector(bottom).getBoundingClientRect();
          return { x: first.x + scrollX, y: first.y + scrollY, width: first.width, height: last.bottom - first.y };
        }""",
        [top, bottom],
    )
    page.screenshot(path=path, clip=clip, full_page=True)
