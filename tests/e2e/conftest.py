"""Browser tests: the built dist/ served on loopback, driven in Debian's Chromium by Playwright.

Chromium comes from apt (installed here when missing); Playwright never downloads a browser. Every
request that would leave 127.0.0.1 fails the test that made it.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> str:
    if not Path(CHROMIUM).exists():
        if shutil.which("apt-get") is None:
            pytest.fail(f"{CHROMIUM} is missing and apt-get is not available to install it")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)
    return CHROMIUM


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, *args):
        pass


class Server:
    """dist/ on a free loopback port, in a thread; can be stopped and started again on the same port."""

    def __init__(self):
        self.port = 0
        self.start()

    def start(self):
        handler = functools.partial(QuietHandler, directory=str(DIST))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(scope="session")
def dist() -> Path:
    if not (DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python build.py` first (the test command does)")
    return DIST


@pytest.fixture(scope="session")
def browser(dist):
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def server(dist):
    server = Server()
    yield server
    try:
        server.stop()
    except Exception:
        pass


@pytest.fixture
def context(browser, server):
    """A fresh profile whose every request must stay on loopback."""
    context = browser.new_context(service_workers="allow")
    escaped: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "blob:", "data:")):
            route.continue_()
        else:
            escaped.append(url)
            route.abort()

    context.route("**/*", guard)
    yield context
    context.close()
    assert not escaped, f"requests left loopback: {escaped}"
