"""Browser tests: the built site served on loopback, driven in Debian's Chromium by Playwright.

Build first (`python build.py`); the site tested is dist/, or the folder $DIST names. Every request that would
leave 127.0.0.1 fails the test that made it, and so does any Content-Security-Policy violation.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from builder.server import make_server
from files import DIST as BUILT
from files import REHEARSAL, WEIGHTS
from harness import browser as helpers
from harness.native import loaded_networks, native_inputs, vote_answers
from harness.strokes import as_strokes
from harness.styles import STYLES
from recognizer.app import loaded
from recognizer.learn import Personal, rehearsal_from_bytes
from train import pendigits

DIST = Path(os.environ.get("DIST", BUILT))


@pytest.fixture(scope="session")
def dist() -> Path:
    if not (DIST / "build.json").exists():
        pytest.fail(f"{DIST} is not a built site: run `python build.py` first (the test command does)")
    return DIST


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return helpers.ensure_chromium()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        pytest.fail(f"Chromium is missing and could not be installed with apt-get ({e}): apt-get install chromium")


@pytest.fixture(scope="session")
def browser(dist, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=helpers.FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def server(dist):
    """dist/ on a free loopback port, in a thread; a test may stop it to go offline."""
    server = helpers.Server(dist)
    yield server
    try:
        server.stop()
    except OSError:
        pass  # already stopped


@pytest.fixture
def host(dist):
    """host(handler class) -> the URL of dist/ served by it in a thread; stop() takes every such host down."""
    servers = []

    def serve(handler):
        httpd = make_server(dist, quiet=True)
        httpd.RequestHandlerClass = functools.partial(handler, directory=str(dist))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    def stop():
        while servers:
            httpd = servers.pop()
            httpd.shutdown()
            httpd.server_close()

    serve.stop = stop
    yield serve
    stop()


@pytest.fixture
def new_context(browser, server):
    """Make fresh browser profiles (options as for browser.new_context) watched for escaping requests, CSP
    violations and errors nothing handled (an exception, or a promise rejected with no one to hear it), from the
    page, its worker and the service worker alike."""
    contexts, escaped, violations, unhandled = [], [], [], []

    def guard(route):
        if helpers.on_loopback(route.request.url):
            route.fallback()  # to a test's own route, if any, else to the server
        else:
            escaped.append(route.request.url)
            route.abort()

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)
        elif message.type == "error" and "Uncaught" in message.text:
            unhandled.append(message.text)

    def make(**options):
        context = browser.new_context(**options)
        context.route("**/*", guard)
        context.on("console", watch)
        context.on("weberror", lambda error: unhandled.append(str(error.error)))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not escaped, f"requests left loopback: {escaped}"
    assert not violations, f"Content-Security-Policy violations: {violations}"
    assert not unhandled, f"errors nothing handled: {unhandled}"


@pytest.fixture
def context(new_context):
    return new_context()


def vote_reads(networks, framings, strokes) -> int:
    return int(vote_answers(networks, framings, native_inputs([strokes], set(framings.values())))[0])


@pytest.fixture(scope="module")
def slashed_zeros(pen_digits) -> list[list[np.ndarray]]:
    """Four struck-through zeros by one held-out writer, all misread by the shipped vote; natively, teaching the
    first three makes the personal vote read the fourth as 0."""
    networks, framings = loaded_networks(WEIGHTS)
    rehearsal = rehearsal_from_bytes(REHEARSAL.read_bytes(), set(framings.values()))
    restyle = STYLES["slashed 0"][1]
    for writer in sorted(pendigits.HELD_OUT_WRITERS):
        zeros = [restyle(d.strokes) for d in pen_digits if d.writer == writer and d.label == 0]
        misread = [z for z in zeros if vote_reads(networks, framings, as_strokes(z)) != 0][:4]
        if len(misread) < 4:
            continue
        personal = Personal(networks, framings, rehearsal=rehearsal)
        for zero in misread[:3]:
            personal.teach(as_strokes(zero), 0)
        if vote_reads(personal.networks, framings, as_strokes(misread[3])) == 0:
            return misread
    pytest.fail("no held-out writer has four misread struck-through zeros that three corrections fix")


@pytest.fixture(scope="module")
def a_digit(pen_digits, check_margin) -> list[np.ndarray]:
    """A held-out writer's 3, well within the check's limits, that the vote reads as 3."""
    reader = loaded(WEIGHTS)
    threes = [d.strokes for d in pendigits.held_out_digits(pen_digits) if d.label == 3][:20]
    read = [s for s in threes if reader.recognize("vote", as_strokes(s))["digit"] == 3]
    return min(read, key=check_margin)
