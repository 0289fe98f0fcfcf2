"""Browser tests: the built dist/ served on loopback, driven in Debian's Chromium by Playwright.

Every request that would leave 127.0.0.1 fails the test that made it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from train.browser import DIST, FLAGS, Server, ensure_chromium


@pytest.fixture(scope="session")
def dist() -> Path:
    if not (DIST / "build.json").exists():
        pytest.fail("dist/ is not built: run `python build.py` first (the test command does)")
    return DIST


@pytest.fixture(scope="session")
def browser(dist):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def server(dist):
    server = Server()
    yield server
    try:
        server.stop()
    except OSError:
        pass


@pytest.fixture
def context(browser, server):
    """A fresh profile whose every request must stay on loopback."""
    context = browser.new_context()
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
