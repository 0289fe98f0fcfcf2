"""Driving the real page in Firefox and WebKit, as browser.py does in Chromium with Playwright: shared by the
browser tests of every engine and the page-speed benchmark.

Each engine is Debian's own package, spoken to in one of the W3C's two WebDriver protocols (Playwright's own
Firefox and WebKit builds are downloads, which this machine cannot make):
- Firefox (`firefox-esr`) serves WebDriver BiDi itself: JSON messages over a WebSocket;
- WebKit (WebKitGTK's MiniBrowser, `webkit2gtk-driver`) is driven by WebKitWebDriver, classic WebDriver: JSON
  over HTTP. WebKitGTK needs a display: each browser gets its own Xvfb.
Both take the same pointer actions, so a drawing is one list of actions whichever engine draws it.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from base64 import b64decode, b64encode
from pathlib import Path

import numpy as np

from harness.browser import LOAD_TIMEOUT, ensure_debian_package

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
XVFB = "/usr/bin/Xvfb"
PACKAGES = {FIREFOX: "firefox-esr", WEBKIT_DRIVER: "webkit2gtk-driver", XVFB: "xvfb"}
WINDOW = (1280, 900)
START_TIMEOUT = 60  # s, for a browser to start and answer

# A fresh Firefox profile that does not look for updates, telemetry or first-run pages (nothing leaves loopback).
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "browser.safebrowsing.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.topsites.contile.enabled": False,
}


class EngineError(RuntimeError):
    """The browser, or its driver, refused or failed: one line saying which engine and why."""


def stroke_actions(strokes: list[np.ndarray], pointer: str = "mouse") -> list[dict]:
    """W3C pointer actions drawing `strokes` (viewport coordinates): press, move through every point, release."""
    steps = []
    for stroke in strokes:
        points = np.rint(np.asarray(stroke, dtype=float)).astype(int).tolist()
        steps.append({"type": "pointerMove", "x": points[0][0], "y": points[0][1], "duration": 0})
        steps.append({"type": "pointerDown", "button": 0})
        steps += [{"type": "pointerMove", "x": x, "y": y, "duration": 10} for x, y in points[1:]]
        steps.append({"type": "pointerUp", "button": 0})
    return [{"type": "pointer", "id": pointer, "parameters": {"pointerType": pointer}, "actions": steps}]


# W3C WebDriver's code points for the keys the page's keyboard use needs (any other key is its own character).
KEYS = {"Enter": "\ue007", "Tab": "\ue004", "Escape": "\ue00c", "Control": "\ue009", "Space": " "}


def key_actions(chord: str) -> list[dict]:
    """W3C key actions pressing a chord such as "Control+z": each key down in order, then up in reverse."""
    keys = [KEYS.get(key, key) for key in chord.split("+")]
    steps = [{"type": "keyDown", "value": k} for k in keys] + [{"type": "keyUp", "value": k} for k in reversed(keys)]
    return [{"type": "key", "id": "keyboard", "actions": steps}]


def as_json_of(expression: str) -> str:
    """A script whose value is `expression`'s (awaited), as JSON: both protocols return a string as it is."""
    return f"(async () => JSON.stringify(await ({expression})))()"


class Tab:
    """One fresh browser profile with one tab, as a test uses it, whatever the engine. A subclass supplies the
    transport: _evaluate (a JSON string), _navigate, _reload, _perform (pointer and key actions), _answer_dialog,
    _screenshot (base64 PNG) and _quit. A dialog the page opens stays open until it is answered (answer_dialog)."""

    engine = ""
    version = ""
    watched = False  # whether `requested` and `console` are filled (Firefox's BiDi events; WebKit has none)

    def __init__(self):
        self.requested: list[str] = []  # the address of every request the pages made, the workers' too
        self.console: list[str] = []  # every console message and error, as the browser logged it

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited), as JSON makes it."""
        text = self._evaluate(as_json_of(expression))
        return None if text is None else json.loads(text)

    def goto(self, url: str) -> None:
        self._navigate(url)

    def reload(self) -> None:
        self._reload()

    def wait_for(self, expression: str, timeout: float = LOAD_TIMEOUT / 1000):
        """The expression's value once it is truthy (polled); an error after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except EngineError:
                value = None  # between two documents (a reload): ask again
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.engine}: after {timeout} s, still not {expression}")
            time.sleep(0.05)

    def wait_for_selector(self, selector: str, timeout: float = LOAD_TIMEOUT / 1000) -> None:
        """Once an element matches the CSS selector (as Playwright's page.wait_for_selector)."""
        self.wait_for(f"document.querySelector({json.dumps(selector)}) !== null", timeout)

    def wait_until_loaded(self, timeout: float = LOAD_TIMEOUT / 1000) -> str:
        """Wait for Python to be ready (#result leaves "loading", also across a reload); returns #result's state."""
        self.wait_for_selector('#result:not([data-state="loading"])', timeout)
        return self.attribute("#result", "data-state")

    def wait_until_kept(self, timeout: float = 30) -> None:
        """Wait until a later visit can start offline from the snapshot: it is saved, and the service worker (which
        has kept every file) controls the page."""
        self.wait_for_selector('body[data-python-snapshot="saved"]', timeout)
        self.wait_for("navigator.serviceWorker.controller !== null", timeout)

    def attribute(self, selector: str, name: str) -> str | None:
        return self.evaluate(f"document.querySelector({json.dumps(selector)}).getAttribute({json.dumps(name)})")

    def text(self, selector: str) -> str:
        return self.evaluate(f"document.querySelector({json.dumps(selector)}).innerText")

    def box(self, selector: str) -> dict:
        """The element's box in the viewport, scrolled into view first (Firefox restores a scroll on reload)."""
        script = f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            e.scrollIntoView({{ block: "center" }}); const r = e.getBoundingClientRect();
            return {{ x: r.x, y: r.y, width: r.width, height: r.height }}; }})()"""
        return self.evaluate(script)

    def click(self, selector: str) -> None:
        """A real click (pointer actions) at the middle of the element."""
        self._perform(self._click_actions(selector))

    def _click_actions(self, selector: str) -> list[dict]:
        box = self.box(selector)
        return stroke_actions([np.array([[box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]])])

    def draw(self, strokes: list[np.ndarray], pointer: str = "mouse") -> None:
        self._perform(stroke_actions(strokes, pointer))

    def press(self, chord: str) -> None:
        """Keys pressed together, such as "Enter" or "Control+z", into whatever has the focus."""
        self._perform(key_actions(chord))

    def focus(self, selector: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")

    def click_and_answer(self, selector: str, accept: bool) -> None:
        """Click an element that opens a dialog (confirm), then accept or dismiss the dialog once it is open."""
        self._perform_opening_dialog(self._click_actions(selector))
        self.answer_dialog(accept)

    def _perform_opening_dialog(self, actions: list[dict]) -> None:
        self._perform(actions)

    def choose_file(self, selector: str, path: Path) -> None:
        """Put a file in an <input type="file">, as choosing it in the browser's dialog does (neither protocol has
        one way for both engines: the file is sent as base64). Its change event fires just after this returns, so
        that a dialog the page opens then can be answered (click_and_answer's retry)."""
        data = json.dumps(b64encode(path.read_bytes()).decode())
        script = f"""(() => {{ const input = document.querySelector({json.dumps(selector)});
            const bytes = Uint8Array.from(atob({data}), (c) => c.charCodeAt(0));
            const chosen = new DataTransfer();
            chosen.items.add(new File([bytes], {json.dumps(path.name)}));
            input.files = chosen.files;
            setTimeout(() => input.dispatchEvent(new Event("change", {{ bubbles: true }})), 0);
            return true; }})()"""
        self.evaluate(script)

    def answer_dialog(self, accept: bool, timeout: float = 10) -> None:
        """Accept or dismiss the dialog (confirm) the page opens, once it is open."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._answer_dialog(accept)
            except EngineError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # not open yet

    def screenshot(self, path: Path) -> None:
        """The viewport, as a PNG file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b64decode(self._screenshot()))

    def close(self) -> None:
        self._quit()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Firefox(Tab):
    """Debian's Firefox in a new profile (or in `profile`, a folder kept for a later browser: a person coming
    back), headless, speaking WebDriver BiDi on a free port."""

    engine = "firefox"
    watched = True

    def __init__(self, profile: str | None = None):
        from websockets.sync.client import connect

        super().__init__()
        self.kept = profile is not None
        self.profile = profile or tempfile.mkdtemp(prefix="firefox-profile-")
        prefs = "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items())
        with open(os.path.join(self.profile, "user.js"), "w") as file:
            file.write(prefs)
        width, height = WINDOW
        self.process = subprocess.Popen(
            [ensure_debian_package(FIREFOX, PACKAGES[FIREFOX]), "--headless", "--no-remote", "--profile",
             self.profile, f"--window-size={width},{height}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        address = self._listening_address()
        self.ids = itertools.count(1)
        self.socket = connect(f"{address}/session", max_size=None, open_timeout=START_TIMEOUT, legacy=True)
        capabilities = {"alwaysMatch": {"unhandledPromptBehavior": {"default": "ignore"}}}
        self.version = self._send("session.new", {"capabilities": capabilities})["capabilities"]["browserVersion"]
        self.context = self._send("browsingContext.getTree", {})["contexts"][0]["context"]
        self._send("session.subscribe", {"events": ["network.beforeRequestSent", "log.entryAdded"]})

    def _listening_address(self) -> str:
        """Read Firefox's own line saying where its BiDi server listens; then keep its output drained."""
        lines = []
        timer = threading.Timer(START_TIMEOUT, self.process.kill)
        timer.start()
        try:
            for line in self.process.stderr:
                lines.append(line)
                if found := re.search(r"WebDriver BiDi listening on (ws://\S+)", line):
                    threading.Thread(target=self.process.stderr.read, daemon=True).start()
                    return found.group(1)
        finally:
            timer.cancel()
        self._quit()
        raise EngineError(f"firefox: did not start ({''.join(lines[-3:]).strip() or 'no output'})")

    def _send(self, method: str, params: dict, timeout: float = START_TIMEOUT):
        number = self._send_only(method, params)
        while True:
            message = json.loads(self.socket.recv(timeout=timeout))
            if message.get("type") == "event":
                self._note(message["method"], message["params"])
            elif message.get("id") == number:
                if message.get("type") == "error":
                    raise EngineError(f"firefox: {method}: {message['error']}: {message.get('message', '')}")
                return message["result"]

    def _note(self, event: str, params: dict) -> None:
        if event == "network.beforeRequestSent":
            self.requested.append(params["request"]["url"])
        elif event == "log.entryAdded":
            self.console.append(params.get("text") or "")

    def _send_only(self, method: str, params: dict) -> int:
        """Send a command without waiting for its answer (skipped when it comes); its id."""
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        return number

    def _evaluate(self, script: str):
        target = {"context": self.context}
        result = self._send("script.evaluate", {"expression": script, "target": target, "awaitPromise": True})
        if result["type"] == "exception":
            raise EngineError(f"firefox: {result['exceptionDetails']['text']}")
        return result["result"].get("value")

    def _navigate(self, url: str) -> None:
        self._send("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def _reload(self) -> None:
        self._send("browsingContext.reload", {"context": self.context, "wait": "complete"})

    def _perform(self, actions: list[dict]) -> None:
        self._send("input.performActions", {"context": self.context, "actions": actions})

    def _perform_opening_dialog(self, actions: list[dict]) -> None:
        # Firefox answers the actions only once the dialog they opened is closed.
        self._send_only("input.performActions", {"context": self.context, "actions": actions})

    def _answer_dialog(self, accept: bool) -> None:
        self._send("browsingContext.handleUserPrompt", {"context": self.context, "accept": accept})

    def _screenshot(self) -> str:
        return self._send("browsingContext.captureScreenshot", {"context": self.context})["data"]

    def _quit(self) -> None:
        try:
            self._send("browser.close", {}, timeout=10)
        except Exception:  # noqa: BLE001 -- already gone, or never answered: it is ended below either way
            pass
        stop(self.process)
        if not self.kept:
            shutil.rmtree(self.profile, ignore_errors=True)


class WebKit(Tab):
    """WebKitGTK's MiniBrowser with a new, ephemeral profile, on its own Xvfb display, driven by WebKitWebDriver."""

    engine = "webkit"

    def __init__(self):
        super().__init__()
        self.display, self.xvfb = start_xvfb()
        port = free_port()
        self.driver = subprocess.Popen(
            [ensure_debian_package(WEBKIT_DRIVER, PACKAGES[WEBKIT_DRIVER]), f"--port={port}"],
            env={**os.environ, "DISPLAY": self.display},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        self.session = None
        options = {"binary": minibrowser(), "args": ["--automation"]}
        wanted = {"webkitgtk:browserOptions": options, "unhandledPromptBehavior": "ignore"}
        capabilities = {"capabilities": {"alwaysMatch": wanted}}
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                started = self._call("POST", "/session", capabilities)
                break
            except (urllib.error.URLError, ConnectionError) as error:
                if time.monotonic() > deadline or self.driver.poll() is not None:
                    self._quit()
                    raise EngineError(f"webkit: WebKitWebDriver did not start ({error})") from error
                time.sleep(0.1)
        self.session = started["sessionId"]
        self.version = started["capabilities"]["browserVersion"]
        width, height = WINDOW
        self._call("POST", f"/session/{self.session}/window/rect", {"width": width, "height": height})

    def _call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data, {"Content-Type": "application/json"}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            value = json.load(error).get("value", {})
            raise EngineError(f"webkit: {value.get('error', error.code)}: {value.get('message', '')}") from None

    def _evaluate(self, script: str):
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": f"return {script};", "args": []})

    def _navigate(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def _reload(self) -> None:
        self._call("POST", f"/session/{self.session}/refresh", {})

    def _perform(self, actions: list[dict]) -> None:
        self._call("POST", f"/session/{self.session}/actions", {"actions": actions})
        self._call("DELETE", f"/session/{self.session}/actions")  # release, as a person's hand would

    def _answer_dialog(self, accept: bool) -> None:
        self._call("POST", f"/session/{self.session}/alert/{'accept' if accept else 'dismiss'}", {})

    def _screenshot(self) -> str:
        return self._call("GET", f"/session/{self.session}/screenshot")

    def _quit(self) -> None:
        if self.session:
            try:
                self._call("DELETE", f"/session/{self.session}")
            except (EngineError, OSError):
                pass  # the browser is gone already
        stop(self.driver)
        stop(self.xvfb)


ENGINES = {"firefox": Firefox, "webkit": WebKit}


def open_tab(engine: str) -> Tab:
    """A new browser of that engine, with a fresh profile and one blank tab."""
    return ENGINES[engine]()


def minibrowser() -> str:
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if not found:
        raise EngineError("webkit: WebKitGTK's MiniBrowser is missing: apt-get install webkit2gtk-driver")
    return found[-1]


def start_xvfb() -> tuple[str, subprocess.Popen]:
    """A virtual display of its own (Xvfb picks a free number and says it): (DISPLAY, the process)."""
    read, write = os.pipe()
    width, height = WINDOW
    xvfb = subprocess.Popen(
        [ensure_debian_package(XVFB, PACKAGES[XVFB]), "-displayfd", str(write), "-screen", "0",
         f"{width + 100}x{height + 200}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as said:
        number = said.readline().strip()
    if not number:
        stop(xvfb)
        raise EngineError("webkit: Xvfb did not start a display")
    return f":{number}", xvfb


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
