"""The built page in Chromium: drawing with mouse, touch, pen and keyboard; live reading and every button;
answers that never go stale; loading, failures and retrying; layouts; offline use.

Digits are drawn with the pen trajectories of writers the networks never saw (see train/pendigits.py), scaled
to a natural size in the box, so the answers checked are the committed networks' real answers. Screenshots of
each layout go to test-output/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import shutil
import time

import numpy as np
import pytest

from builder.server import QuietHandler
from files import ROOT, SITE, WEIGHTS
from harness.browser import draw_with_mouse, fit_to_box, wait_for_service_worker, wait_until_loaded
from harness.strokes import in_box
from recognizer.app import Reader, loaded
from recognizer.models import read_manifest
from train import pendigits

pytestmark = pytest.mark.e2e
MODELS = read_manifest(WEIGHTS)  # the networks the page lists, as models.json says
NAMES = [entry["name"] for entry in MODELS] + ["vote"]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
EXAMPLES = json.loads((SITE / "examples.json").read_text())["examples"]

# Test hooks, never part of the shipped page (added to a test's browser before the page loads):
# - window.shown: every state #result takes, in order (its data attributes);
# - window.posted: the network of each reading the page asks its worker for;
# - window.progress: each loading progress message, with the status line and byte figure the page then shows;
# - window.holding = true holds the worker's answers back (a slow worker) until window.release(), which waits
#   for at least one to be held, delivers them and resolves to how many it held.
HOOKS = """(() => {
  Object.assign(window, { shown: [], posted: [], progress: [], holding: false });
  const held = [];
  const readings = new Set(); // the ids of the page's "read" requests: their replies are the answers held
  window.release = async () => {
    while (!held.length) await new Promise((resolve) => setTimeout(resolve, 5));
    window.holding = false;
    const count = held.length;
    held.splice(0).forEach((deliver) => deliver());
    return count;
  };
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.call === "read") {
      window.posted.push(message.args.model);
      readings.add(message.id);
    }
    return post.call(this, message, ...rest);
  };
  const onmessage = Object.getOwnPropertyDescriptor(Worker.prototype, "onmessage");
  Object.defineProperty(Worker.prototype, "onmessage", {
    set(handler) {
      onmessage.set.call(this, (event) => {
        if (window.holding && readings.has(event.data.id)) return held.push(() => handler(event));
        handler(event);
        if (event.data.event === "progress") {
          const shows = (id) => document.getElementById(id).textContent;
          window.progress.push({ ...event.data, status: shows("status"), figures: shows("received") });
        }
      });
    },
  });
  document.addEventListener("DOMContentLoaded", () => {
    const result = document.getElementById("result");
    new MutationObserver(() => window.shown.push({ ...result.dataset })).observe(result, { attributes: true });
  });
})()"""


@pytest.fixture(scope="module")
def held_out(pen_digits) -> list[pendigits.PenDigit]:
    """The first held-out digit of each kind, 0 to 9."""
    digits = pendigits.held_out_digits(pen_digits)
    return [next(d for d in digits if d.label == label) for label in range(10)]


def open_page(context, server):
    page = context.new_page()
    page.add_init_script(HOOKS)
    page.goto(server.url)
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    return page


def button(name: str) -> str:
    return "#vote" if name == "vote" else f'button[data-model="{name}"]'


def result_of(page) -> dict:
    return page.eval_on_selector("#result", "r => ({...r.dataset})")


def wait_for_answer(page, name: str, strokes: int) -> dict:
    """#result once it holds `name`'s answer (or "idle") for a drawing of `strokes` strokes."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = result_of(page)
        if data.get("strokes") == str(strokes) and (
            data["state"] == "idle" or (data["state"] == "done" and data.get("model") == name)
        ):
            return data
        assert data["state"] != "error", page.inner_text("#status")
        page.wait_for_timeout(10)
    raise AssertionError(f"no answer from {name} for a drawing of {strokes} strokes: {result_of(page)}")


def ask(page, name: str, strokes: int) -> dict:
    page.click(button(name))
    return wait_for_answer(page, name, strokes)


def draw(page, strokes: list[np.ndarray]) -> None:
    draw_with_mouse(page, fit_to_box(strokes, page.locator("#pad").bounding_box()))


def ink_on_pad(page) -> int:
    """How many of the drawing box's pixels have ink."""
    return page.evaluate(
        """() => { const pad = document.getElementById('pad');
        const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
        let n = 0; for (let i = 3; i < data.length; i += 4) n += data[i] > 0; return n; }"""
    )


def seen_ink(page) -> int:
    """How many pixels of the 28x28 picture of the network's input are lit."""
    return page.evaluate(
        """() => { const data = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;
        let n = 0; for (let i = 0; i < data.length; i += 4) n += data[i] > 64; return n; }"""
    )


def dash(page, height: float = 0.12) -> list[np.ndarray]:
    """A short stroke across the top left of the box (`height`: how far down, as a share of the box)."""
    box = page.locator("#pad").bounding_box()
    y = box["y"] + height * box["height"]
    return [np.array([[box["x"] + 30, y], [box["x"] + 80, y + 5]])]


def vertical_line(page) -> list[np.ndarray]:
    """A "1": one stroke down the middle of the box, in page coordinates."""
    box = page.locator("#pad").bounding_box()
    x = box["x"] + box["width"] / 2
    return [np.array([[x + 0.05 * (y - box["y"]) * 0.2, y] for y in np.linspace(box["y"] + 40, box["y"] + 240, 15)])]


def test_every_button_reads_held_out_writers_digits(context, server, held_out):
    page = open_page(context, server)
    right = dict.fromkeys(NAMES, 0)
    for digit in held_out:
        page.click("#clear")
        draw(page, digit.strokes)
        probabilities = {}
        for name in NAMES:
            result = ask(page, name, len(digit.strokes))
            probabilities[name] = json.loads(result["probs"])
            assert len(probabilities[name]) == 10 and sum(probabilities[name]) == pytest.approx(1, abs=1e-4)
            assert int(result["digit"]) == int(np.argmax(probabilities[name]))
            right[name] += int(result["digit"]) == digit.label
        # The vote is the average of the four, and the table shows each network's own answer.
        four = np.mean([probabilities[name] for name in NAMES[:4]], axis=0)
        np.testing.assert_allclose(probabilities["vote"], four, atol=1e-5)
        for name in NAMES:
            shown = page.inner_text(f'[data-answer="{name}"]')
            assert shown == str(int(np.argmax(probabilities[name]))), name
        assert page.locator("#chart svg[role=img]").count() == 1
        assert page.inner_text("#digit") == result["digit"]
        assert seen_ink(page) > 20  # the 28x28 image the network saw is shown
    assert right["vote"] >= 9, right
    assert min(right.values()) >= 8, right


def test_the_buttons_and_their_colour_key_are_made_from_models_json(context, server):
    page = open_page(context, server)
    for entry in MODELS:
        shown = page.locator(button(entry["name"]))
        assert shown.get_attribute("class") == entry["colour"]
        assert "-".join(map(str, entry["layers"])) in shown.inner_text()
        assert f"{100 * entry['test_accuracy']:.2f}%" in shown.inner_text()
    key = page.inner_text("#key")
    for colour in {entry["colour"] for entry in MODELS}:
        assert page.locator(f"#key .swatch.{colour}").count() == 1
    for per_epoch in {entry["trained_on"]["images_per_epoch"] for entry in MODELS}:
        assert f"{per_epoch:,} images an epoch" in key  # what each colour's networks saw, from the fields
    assert page.locator("#answer-names th").all_inner_texts() == [*NAMES[:-1], "Vote"]


def test_drawing_works_at_once_while_python_loads(context, server):
    held = []
    context.route("**/pyodide/pyodide.asm.wasm.zst", lambda route: held.append(route))  # held until we have drawn
    page = context.new_page()
    page.goto(server.url)
    assert result_of(page)["state"] == "loading"
    assert "Loading Python" in page.inner_text("#status")
    assert page.is_disabled("#vote")
    draw_with_mouse(page, vertical_line(page))
    assert ink_on_pad(page) > 1000
    assert held, "the runtime was not requested"
    held[0].fallback()
    assert wait_until_loaded(page) in ("reading", "done")  # the drawing is read as soon as Python is ready...
    assert wait_for_answer(page, "vote", 1)["digit"] == "1"  # ...without a press
    assert ask(page, "vote", 1)["digit"] == "1"


def test_undo_clear_and_blank_drawings(context, server):
    page = open_page(context, server)
    assert ask(page, "vote", 0)["state"] == "idle"  # nothing drawn
    assert "draw a digit" in page.inner_text("#status")
    box = page.locator("#pad").bounding_box()
    page.mouse.click(box["x"] + 100, box["y"] + 100)  # a dot is not a digit
    assert ask(page, "B1", 1)["state"] == "idle"
    page.click("#undo")
    assert ink_on_pad(page) == 0

    draw_with_mouse(page, vertical_line(page) + dash(page))
    assert ask(page, "vote", 2)["state"] == "done"
    page.evaluate("window.holding = true")  # the next answer waits, so what the page shows meanwhile is seen
    page.click("#undo")  # the dash goes: the answer for two strokes goes with it, and the one left is read
    assert result_of(page) == {"state": "reading", "model": "vote", "strokes": "1", "silenced": "0"}
    assert page.inner_text("#status") == "Reading…"
    assert page.evaluate("window.release()") == 1
    assert wait_for_answer(page, "vote", 1)["digit"] == "1"
    assert ask(page, "B1", 1)["digit"] == "1"
    page.click("#clear")
    assert result_of(page) == {"state": "idle", "strokes": "0", "silenced": "0"}
    assert ink_on_pad(page) == 0 and page.inner_text("#digit") == "–"


def test_keyboard_alone(context, server):
    page = open_page(context, server)
    draw_with_mouse(page, vertical_line(page))
    page.focus('button[data-model="B2"]')
    page.keyboard.press("Enter")
    assert wait_for_answer(page, "B2", 1)["digit"] == "1"
    page.keyboard.press("Tab")  # to B3
    page.keyboard.press("Space")
    assert wait_for_answer(page, "B3", 1)["digit"] == "1"
    page.keyboard.press("Control+z")  # undo the only stroke: a blank drawing again
    assert result_of(page)["state"] == "idle" and ink_on_pad(page) == 0
    draw_with_mouse(page, vertical_line(page))
    page.keyboard.press("Escape")  # clear
    assert result_of(page)["state"] == "idle" and ink_on_pad(page) == 0


def test_touch_on_a_phone_draws_without_scrolling(new_context, server):
    context = new_context(viewport={"width": 390, "height": 640}, is_mobile=True, has_touch=True)
    page = open_page(context, server)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    for selector in ["#pad", *map(button, NAMES), "#undo", "#clear"]:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    assert page.evaluate("document.documentElement.scrollHeight") > 640  # the page could scroll...

    session = context.new_cdp_session(page)
    (stroke,) = vertical_line(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(stroke) - 1)
    for kind, (x, y) in zip(kinds, stroke, strict=True):
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": float(x), "y": float(y)}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert page.evaluate("window.scrollY") == 0  # ...but a finger on the box draws instead
    assert ask(page, "vote", 1)["digit"] == "1"


def test_pen_draws(context, server):
    page = open_page(context, server)
    session = context.new_cdp_session(page)
    (stroke,) = vertical_line(page)
    events = [("mousePressed", stroke[0]), *[("mouseMoved", p) for p in stroke[1:]], ("mouseReleased", stroke[-1])]
    for kind, (x, y) in events:
        session.send(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": float(x), "y": float(y), "button": "left", "buttons": 1, "clickCount": 1,
             "pointerType": "pen"},
        )  # fmt: skip
    assert ask(page, "B4", 1)["digit"] == "1"


def test_broken_weight_files_disable_only_their_networks(context, server, dist, held_out):
    tampered = bytearray((dist / "weights" / "B2.npz").read_bytes())
    tampered[len(tampered) // 2] ^= 0xFF
    context.route("**/weights/B2.npz", lambda route: route.fulfill(body=bytes(tampered)))
    context.route("**/weights/B4.npz", lambda route: route.fulfill(status=404, body="not found"))
    page = open_page(context, server)
    assert page.is_disabled(button("B2")) and page.is_disabled(button("B4"))
    problems = page.inner_text("#problems")
    assert "B2 is disabled: B2.npz: sha256 does not match models.json" in problems
    assert "B4 is disabled: B4.npz: missing" in problems
    assert "sha256" in page.get_attribute(button("B2"), "title")

    seven = held_out[7]
    draw(page, seven.strokes)
    probabilities = {name: json.loads(ask(page, name, len(seven.strokes))["probs"]) for name in ["B1", "B3", "vote"]}
    assert int(np.argmax(probabilities["vote"])) == 7
    np.testing.assert_allclose(probabilities["vote"], np.mean([probabilities["B1"], probabilities["B3"]], 0), atol=1e-5)
    assert page.inner_text('[data-answer="B2"]') == "–"


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ("numpy wheel", r"NumPy did not load \(pyodide/numpy-[^ ]+\.whl could not be downloaded or does not match"),
        ("runtime", r"the Python runtime did not start \(pyodide/pyodide\.asm\.wasm\.zst: HTTP 404\)"),
        ("list of networks", r"could not download the list of networks \(weights/models\.json\): HTTP 404"),
        ("recognizer wheel", r"the recognizer package \(py/recognizer-.+\.whl\) did not install \(.+: HTTP 404\)"),
        ("WebAssembly", r"^This browser cannot run WebAssembly"),
        ("damaged runtime", r"did not start \(pyodide/pyodide\.asm\.wasm\.zst is damaged or not the file of this"),
        ("damaged library", r"did not start \(pyodide/python_stdlib\.zip is damaged or not the file of this version\)"),
        ("damaged decoder", r"did not start \(pyodide/zstddec\.wasm is damaged or not the file of this version\)"),
    ],
)
def test_a_failed_load_says_what_failed_and_drawing_still_works(context, server, dist, broken, says):
    if broken.startswith("damaged"):
        files = {"damaged runtime": "pyodide.asm.wasm.zst", "damaged decoder": "zstddec.wasm"}
        file = files.get(broken, "python_stdlib.zip")
        damaged = bytearray((dist / "pyodide" / file).read_bytes())
        middle = len(damaged) // 2
        damaged[middle : middle + 64] = bytes(byte ^ 0xFF for byte in damaged[middle : middle + 64])
        context.route(f"**/pyodide/{file}", lambda route: route.fulfill(body=bytes(damaged)))
    elif broken == "numpy wheel":
        context.route("**/pyodide/numpy-*.whl", lambda route: route.fulfill(body=b"PK\x03\x04 not numpy"))
    elif broken == "runtime":
        context.route("**/pyodide/pyodide.asm.wasm.zst", lambda route: route.fulfill(status=404, body="not found"))
    elif broken == "recognizer wheel":
        context.route("**/py/recognizer-*.whl", lambda route: route.fulfill(status=404, body="not found"))
    elif broken == "list of networks":
        context.route("**/weights/models.json", lambda route: route.fulfill(status=404, body="not found"))
    else:
        context.add_init_script("delete globalThis.WebAssembly")
    page = context.new_page()
    page.goto(server.url)
    assert wait_until_loaded(page) == "error"
    status = page.inner_text("#status")
    assert re.search(says, status), status
    assert status.startswith("Python could not start: ") or broken == "WebAssembly"
    assert page.locator("#vote").is_disabled()
    assert page.locator(".networks button:enabled").count() == 0  # no network to ask
    assert page.is_visible("#retry") == (broken != "WebAssembly")  # a browser without it cannot do better
    draw_with_mouse(page, vertical_line(page))
    assert ink_on_pad(page) > 1000


def test_works_offline_after_the_first_visit(context, server, held_out):
    page = open_page(context, server)
    assert python_start(page) == "fresh"
    page.wait_for_selector('body[data-python-snapshot="saved"]')  # saved while loading went on
    wait_for_service_worker(page, seconds=10)
    server.stop()
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "snapshot"  # Python started from the snapshot the first visit saved
    zero = held_out[0]
    draw(page, zero.strokes)
    assert ask(page, "vote", len(zero.strokes))["digit"] == "0"


def python_start(page) -> str:
    return page.get_attribute("body", "data-python-start")


# Damages the saved snapshot of Python (site/worker/snapshot.js: a 16-byte header of magic and description length; the
# description as JSON; Pyodide's memory snapshot, gzipped; the site-packages files, gzipped) in one of several ways.
DAMAGE_SNAPSHOT = r"""async (damage) => {
  const through = async (bytes, transform) =>
    new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer());
  const [name] = (await caches.keys()).filter((n) => n.includes("python snapshot"));
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  let bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  const [magic, descriptionLength] = new Uint32Array(bytes.buffer, 0, 2);
  const description = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + descriptionLength)));
  const memoryStart = 16 + descriptionLength;
  let memory = bytes.subarray(memoryStart, memoryStart + description.memory.packed);
  let files = bytes.subarray(memoryStart + description.memory.packed);
  if (damage === "not a snapshot") {
    bytes = new Uint8Array(65536 * 4).fill(7);
  } else if (damage === "cut short") {
    bytes = bytes.subarray(0, bytes.length - 1000);
  } else if (damage === "a damaged packing") {
    bytes[memoryStart + (description.memory.packed >> 1)] ^= 0xff; // inside the gzipped memory
  } else {
    if (damage === "another runtime's memory") {
      const plain = await through(memory, new DecompressionStream("gzip"));
      plain[20] ^= 0xff; // in the build id of Pyodide's own header
      memory = await through(plain, new CompressionStream("gzip"));
    } else if (damage === "a damaged library") {
      const plain = await through(files, new DecompressionStream("gzip"));
      let offset = 0;
      for (const [path, length] of description.files) {
        if (path.includes("_multiarray_umath")) {
          for (let i = offset; i < offset + 8; i += 1) plain[i] ^= 0xff; // its WebAssembly magic and version
          break;
        }
        offset += length;
      }
      files = await through(plain, new CompressionStream("gzip"));
    } else if (damage === "answers otherwise") {
      const selfTest = description.about.selfTest;
      description.about.selfTest = selfTest.replace(/"probs":\[[^\]]*\]/, '"probs":[1,0,0,0,0,0,0,0,0,0]');
      if (description.about.selfTest === selfTest) return false;
    } else {  // "another table layout": as if this browser laid out the function table otherwise than recorded
      const library = description.dynlibs.loads.find((load) => load.tableSize > 0);
      if (!library) return false;
      library.tableBase -= 1;
    }
    description.memory.packed = memory.length;
    description.packedFiles = files.length;
    const rewritten = new TextEncoder().encode(JSON.stringify(description));
    const header = new Uint32Array([magic, rewritten.length, 0, 0]);
    bytes = new Uint8Array(await new Blob([header, rewritten, memory, files]).arrayBuffer());
  }
  await cache.put(request, new Response(bytes));
  return description.about.selfTest.length > 0;
}"""


def reload_with_a_damaged_snapshot(context, server, damage: str):
    """A first visit, its snapshot damaged, and the reload that finds it: (the page, started afresh; the console
    warnings of the reload)."""
    page = open_page(context, server)
    assert python_start(page) == "fresh"
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    assert page.evaluate(DAMAGE_SNAPSHOT, damage)
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "fresh"
    return page, warnings


@pytest.mark.parametrize(
    "damage",
    [
        "not a snapshot",
        "cut short",
        "a damaged packing",
        "another runtime's memory",
        "a damaged library",
        "answers otherwise",
    ],
)
def test_a_damaged_snapshot_is_replaced_by_a_fresh_start(context, server, held_out, damage):
    page, warnings = reload_with_a_damaged_snapshot(context, server, damage)
    assert any("snapshot could not be used, starting afresh" in warning for warning in warnings), warnings
    if damage == "a damaged packing":  # named in one line
        assert any("the snapshot's memory is damaged" in warning for warning in warnings), warnings
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    page.reload()  # the fresh start saved a good snapshot again
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "snapshot"
    four = held_out[4]
    draw(page, four.strokes)
    assert ask(page, "vote", len(four.strokes))["digit"] == "4"


def test_a_browser_that_cannot_restore_the_snapshot_starts_afresh_and_keeps_no_snapshot(context, server, held_out):
    page, warnings = reload_with_a_damaged_snapshot(context, server, "another table layout")
    assert any("would load at table slot" in warning for warning in warnings), warnings
    assert page.get_attribute("body", "data-python-snapshot") == "refused"  # and none is saved
    page.wait_for_selector("#offline[data-offline]", timeout=30_000)
    line = page.inner_text("#offline")
    assert "Python starts afresh on each visit: this browser cannot restore a snapshot of it" in line, line
    assert [name for name, _ in kept_snapshots(page)] == ["python-snapshot-refused"]  # a note, not the 12 MB
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "fresh" and page.get_attribute("body", "data-python-snapshot") == "refused"
    page.wait_for_timeout(1000)  # a snapshot would have been saved by now
    assert [name for name, _ in kept_snapshots(page)] == ["python-snapshot-refused"]
    five = held_out[5]
    draw(page, five.strokes)
    assert ask(page, "vote", len(five.strokes))["digit"] == "5"


# What the snapshot cache holds, each as [name, version]: a snapshot ("python-snapshot"), or a note that this
# browser refused one ("python-snapshot-refused").
SNAPSHOT_ENTRIES = """async () => {
  const [name] = (await caches.keys()).filter((n) => n.includes("python snapshot"));
  const keys = (await (await caches.open(name)).keys()).map((r) => new URL(r.url));
  return keys.map((url) => [url.pathname.split("/").pop(), url.searchParams.get("version")]);
}"""


def kept_snapshots(page) -> list[tuple[str, str]]:
    return [tuple(entry) for entry in page.evaluate(SNAPSHOT_ENTRIES)]


# Relabels the saved snapshot as another version's (a snapshot left by an earlier deployment); resolves to the
# snapshot keys there are afterwards.
RELABEL_SNAPSHOT = """async () => {
  const [name] = (await caches.keys()).filter((n) => n.includes("python snapshot"));
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  const other = request.url.replace(/version=[^&]+/, "version=an-earlier-one");
  await cache.put(other, await cache.match(request));
  await cache.delete(request);
  return (await cache.keys()).map((r) => r.url.split("version=")[1]);
}"""


def test_a_snapshot_of_another_version_is_not_used_and_is_deleted(context, server, held_out, dist):
    version = json.loads((dist / "build.json").read_text())["version"]
    page = open_page(context, server)
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    assert page.evaluate(RELABEL_SNAPSHOT) == ["an-earlier-one"]
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "fresh"  # the other version's snapshot would not fit this runtime
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    assert kept_snapshots(page) == [("python-snapshot", version)]  # one snapshot, this version's: the other is gone
    three = held_out[3]
    draw(page, three.strokes)
    assert ask(page, "vote", len(three.strokes))["digit"] == "3"


# --- live reading: answers that never go stale ----------------------------------------------------------


def pressed(page) -> list[str]:
    """The networks whose buttons are pressed (aria-pressed): the one that reads."""
    chosen = "buttons => buttons.filter((b) => b.ariaPressed === 'true').map((b) => b.dataset.model || 'vote')"
    return page.eval_on_selector_all(".networks button", chosen)


def test_a_finished_stroke_is_read_at_once_by_the_chosen_network(context, server, held_out):
    page = open_page(context, server)
    assert pressed(page) == ["vote"]
    three = held_out[3]
    draw(page, three.strokes)
    result = wait_for_answer(page, "vote", len(three.strokes))  # no press
    assert result["digit"] == "3" and result["sure"] == "true"
    assert re.fullmatch(r"The vote reads 3, >?\d+\.\d% sure\.", page.inner_text("#status"))
    assert page.locator("#chart svg[role=img]").count() == 1 and page.locator("#bars svg[role=img]").count() == 1
    assert set(page.evaluate("window.posted")) == {"vote"}

    assert ask(page, "B2", len(three.strokes))["digit"] == "3"  # a button chooses who reads, and reads now
    assert pressed(page) == ["B2"]
    page.click("#clear")
    draw(page, three.strokes)
    assert wait_for_answer(page, "B2", len(three.strokes))["digit"] == "3"  # B2 reads from now on, unasked
    assert page.evaluate("window.posted")[-1] == "B2"


@pytest.mark.parametrize("change", ["undo", "clear", "new stroke"])
def test_an_answer_for_strokes_no_longer_in_the_box_is_never_shown(context, server, change):
    page = open_page(context, server)
    draw_with_mouse(page, vertical_line(page) + dash(page))
    wait_for_answer(page, "vote", 2)
    page.evaluate("window.holding = true")  # a slow worker: its answer comes after the drawing changed
    page.click("#vote")
    before = page.evaluate("window.shown.length")
    if change == "undo":
        page.click("#undo")
        strokes, state, status = 1, "reading", "Reading…"
    elif change == "clear":
        page.click("#clear")
        strokes, state, status = 0, "idle", "Draw a digit in the box, or try an example."
    else:
        draw_with_mouse(page, dash(page, height=0.9))
        strokes, state, status = 3, "reading", "Reading…"
    # The status line says at once that the drawing changed, and #result is about the box's strokes.
    assert (result_of(page)["state"], result_of(page)["strokes"]) == (state, str(strokes))
    assert page.inner_text("#status") == status
    assert page.evaluate("window.release()") == 1  # the answer for two strokes arrives now...
    final = wait_for_answer(page, "vote", strokes)
    page.wait_for_timeout(200)
    shown = page.evaluate("window.shown")[before:]
    assert [s for s in shown if s["state"] == "done" and s["strokes"] != str(strokes)] == []  # ...and is dropped
    assert result_of(page) == final
    if change == "clear":
        assert final == {"state": "idle", "strokes": "0", "silenced": "0"} and page.inner_text("#digit") == "–"
    else:
        assert final["state"] == "done"


def test_quick_presses_collapse_into_the_newest(context, server):
    page = open_page(context, server)
    draw_with_mouse(page, vertical_line(page))
    wait_for_answer(page, "vote", 1)
    posted, seen = page.evaluate("[window.posted.length, window.shown.length]")
    # 500 presses in a row, ending on B3: one request is with the worker, the rest collapse into the newest.
    page.evaluate(
        """() => { const buttons = [...document.querySelectorAll('.networks button')];
        for (let i = 0; i < 499; i++) buttons[i % buttons.length].click();
        document.querySelector('button[data-model="B3"]').click(); }"""
    )
    assert wait_for_answer(page, "B3", 1)["digit"] == "1"
    page.wait_for_timeout(300)  # time for any further answer to arrive
    requests = page.evaluate("window.posted").__getitem__(slice(posted, None))
    assert len(requests) == 2 and requests[-1] == "B3", requests  # the first press, then only the last
    answers = [s for s in page.evaluate("window.shown")[seen:] if s["state"] == "done"]
    assert [s["model"] for s in answers] == ["B3"]  # no answer to an earlier press was shown
    assert pressed(page) == ["B3"]


@pytest.fixture(scope="module")
def unsure_digit(held_out, pen_digits) -> pendigits.PenDigit:
    """A held-out digit that the vote reads well below "sure" when drawn into the box, and that looks like a digit
    (checked natively)."""
    reader = loaded(WEIGHTS)
    for digit in pendigits.held_out_digits(pen_digits):
        answer = reader.recognize("vote", in_box(digit.strokes))
        if answer["state"] == "done" and max(answer["probs"]) < 0.6 and answer["digit_like"]:
            return digit
    pytest.fail("every held-out digit is read with 60% or more")


def test_an_unsure_answer_says_so_and_names_the_likeliest_digits(context, server, unsure_digit):
    page = open_page(context, server)
    draw(page, unsure_digit.strokes)
    result = wait_for_answer(page, "vote", len(unsure_digit.strokes))
    assert result["sure"] == "false"
    status = page.inner_text("#status")
    assert re.fullmatch(r"The vote is not sure: maybe \d \([\d.]+%\)(, \d \([\d.]+%\))* or \d \([\d.]+%\)\.", status)
    named = [(int(digit), float(share)) for digit, share in re.findall(r"(\d) \(([\d.]+)%\)", status)]
    probabilities = json.loads(result["probs"])
    likeliest = list(np.argsort(probabilities)[::-1][: len(named)])
    assert [digit for digit, _ in named] == likeliest  # the likeliest digits, likeliest first...
    for digit, share in named:
        assert share == pytest.approx(100 * probabilities[digit], abs=0.051)  # ...each with its own share
    assert page.inner_text("#reads") == "maybe" and page.inner_text("#digit") == result["digit"]


# --- models.json: odd names and bad entries -----------------------------------------------------------------


def serve_models_json(context, dist, change) -> dict:
    """models.json as served, after change(its models); returns it."""
    manifest = json.loads((dist / "weights" / "models.json").read_text())
    change(manifest["models"])
    body = json.dumps(manifest)
    context.route("**/weights/models.json", lambda route: route.fulfill(body=body, content_type="application/json"))
    return manifest


def test_a_name_with_a_double_quote_is_a_name_like_any_other(context, server, dist):
    serve_models_json(context, dist, lambda models: models[0].update(name='B"1'))
    page = open_page(context, server)
    quoted = page.locator("""button[data-model='B"1']""")
    assert quoted.inner_text().startswith('B"1') and quoted.is_enabled()
    assert page.locator("#answer-names th").all_inner_texts()[0] == 'B"1'
    draw_with_mouse(page, vertical_line(page))
    assert wait_for_answer(page, "vote", 1)["digit"] == "1"
    quoted.click()
    assert wait_for_answer(page, 'B"1', 1)["digit"] == "1"
    assert page.inner_text("""[data-answer='B"1']""") == "1"
    assert page.inner_text("#status").startswith('B"1 reads 1')


def test_each_bad_models_json_entry_shows_its_own_reason_and_the_others_work(context, server, dist, tmp_path):
    def spoil(models):
        models[1]["framing"] = "sideways"
        models[2]["file"] = "B9.npz"
        models[3]["test_accuracy"] = "99.44%"

    manifest = serve_models_json(context, dist, spoil)
    # The reasons are Python's own: the same models.json loaded natively, beside the same weight files.
    for weights in (dist / "weights").glob("*.npz"):
        shutil.copy(weights, tmp_path)
    (tmp_path / "models.json").write_text(json.dumps(manifest))
    reasons = {model["name"]: model["reason"] for model in Reader().load(tmp_path)["models"] if not model["ok"]}
    assert sorted(reasons) == ["B2", "B3", "B4"]

    page = open_page(context, server)
    problems = page.inner_text("#problems")
    for name, reason in reasons.items():
        assert f"{name} is disabled: {reason}" in problems
        assert page.is_disabled(button(name))
    assert page.is_enabled(button("B1")) and page.is_enabled("#vote")
    draw_with_mouse(page, vertical_line(page))
    vote = wait_for_answer(page, "vote", 1)
    assert vote["digit"] == "1"
    assert json.loads(vote["probs"]) == json.loads(ask(page, "B1", 1)["probs"])  # the vote of B1 alone


# --- loading: the bytes to come, retrying -----------------------------------------------------------------


class TricklingHost(QuietHandler):
    """Files trickle out 32 KiB every 20 ms (about 13 Mbit/s), so a first load's bytes arrive over seconds."""

    def copyfile(self, source, outputfile):
        try:
            while chunk := source.read(32768):
                outputfile.write(chunk)
                time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (the test is over)


def test_loading_says_the_bytes_to_come_and_counts_them_as_they_stream_in(context, host, dist):
    listed = json.loads((dist / "build.json").read_text())["first_load"]
    total = sum(entry["bytes"] for entry in listed.values())
    megabytes = f"{total / 1e6:.1f} MB"
    page = context.new_page()
    page.add_init_script(HOOKS)
    page.goto(host(TricklingHost))
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    progress = page.evaluate("window.progress")
    assert {p["total"] for p in progress} == {total}  # build.json's total, from the first message on
    assert progress[0]["step"] == 1 and progress[0]["status"].startswith(f"Loading Python, {megabytes}: step 1 of 3")
    received = [p["received"] for p in progress]
    assert received == sorted(received) and received[-1] == total  # every listed file arrived, counted once
    assert len({r for r in received if 0 < r < total}) >= 5  # the bar moves...
    assert len({p["received"] for p in progress if p["step"] == 1}) >= 3  # ...through the runtime's step too
    # Counted within files as they stream, not file by file: figures that no set of whole files adds up to.
    whole_files = {0}
    for entry in listed.values():
        whole_files |= {done + entry["bytes"] for done in whole_files}
    assert len(set(received) - whole_files) >= 3, received
    assert all(p["figures"] == f"{p['received'] / 1e6:.1f} of {megabytes}" for p in progress)


def test_a_failed_download_can_be_retried_without_losing_the_drawing(context, server):
    failed = []

    def fail_once(route):
        if failed:
            route.fallback()
        else:
            failed.append(route.request.url)
            route.fulfill(status=503, body="busy")

    context.route("**/pyodide/numpy-*.whl", fail_once)
    page = context.new_page()
    page.add_init_script(HOOKS)
    page.goto(server.url)
    draw_with_mouse(page, vertical_line(page))
    assert wait_until_loaded(page) == "error"
    assert re.search(r"NumPy did not load \(pyodide/numpy-[^ ]+\.whl: HTTP 503\)", page.inner_text("#status"))
    page.click("#retry")
    assert result_of(page)["state"] == "loading" and not page.is_visible("#retry")
    assert wait_for_answer(page, "vote", 1)["digit"] == "1"  # loaded, and the drawing kept and read
    assert len(failed) == 1 and ink_on_pad(page) > 1000
    assert page.locator("button[data-model]").count() == len(MODELS)  # the buttons made once


# --- examples, layouts ------------------------------------------------------------------------------------


def test_examples_can_be_tried_with_the_keyboard_alone(context, server):
    page = open_page(context, server)
    for _ in range(20):  # Tab from the top of the page to "Try an example"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "example":
            break
    else:
        pytest.fail("Tab never reaches the example button")
    for example in EXAMPLES:
        page.keyboard.press("Escape")  # clear, so that each answer is the next example's
        page.keyboard.press("Enter")
        result = wait_for_answer(page, "vote", len(example["strokes"]))
        assert (result["digit"], result["sure"]) == (str(example["label"]), "true")
        assert ink_on_pad(page) > 1000
    assert [a["label"] for a in EXAMPLES] == sorted({a["label"] for a in EXAMPLES}) and len(EXAMPLES) == 5


PHONE = {"is_mobile": True, "has_touch": True}
LAYOUTS = {
    "phone-portrait": {"viewport": {"width": 390, "height": 844}, **PHONE},
    "phone-landscape": {"viewport": {"width": 844, "height": 390}, **PHONE},
    "narrow-320": {"viewport": {"width": 320, "height": 640}, **PHONE},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
}
# Which parts must be in view together, with nothing scrolled.
IN_VIEW = {
    "phone-portrait": ["#pad", "#vote", "#status"],
    "phone-landscape": ["#pad", "#undo", "#vote", "#result", "#digit"],
    "narrow-320": ["#pad", "#vote"],
    "desktop": ["#pad", "#vote", "#result", "#digit", "#chart", "#bars"],
    "dark": ["#pad", "#vote", "#result", "#digit", "#chart", "#bars"],
}

# Each number in the networks' button labels (784, 99.44%, ...) that the layout broke over two lines.
BROKEN_NUMBERS = """() => {
  const broken = [];
  for (const label of document.querySelectorAll(".networks button span")) {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    const whole = texts.map((t) => t.data).join("");
    for (const match of whole.matchAll(/[0-9.]+%?/g)) {
      const at = (offset) => {
        for (const t of texts) {
          if (offset <= t.length) return [t, offset];
          offset -= t.length;
        }
      };
      const range = document.createRange();
      range.setStart(...at(match.index));
      range.setEnd(...at(match.index + match[0].length));
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""

# WCAG's contrast ratio of two CSS colours (rgb(...)), and the colours this needs.
CONTRAST = """([a, b]) => {
  const luminance = (css) => {
    const [r, g, b] = css.match(/[0-9.]+/g).slice(0, 3).map((v) => v / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_fits_and_is_saved_as_a_screenshot(new_context, server, layout):
    page = open_page(new_context(**LAYOUTS[layout]), server)
    page.click("#example")
    assert wait_for_answer(page, "vote", len(EXAMPLES[0]["strokes"]))["digit"] == str(EXAMPLES[0]["label"])
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{layout}.png")  # the viewport: what is in view together

    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    for selector in IN_VIEW[layout]:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, selector
        assert box["x"] + box["width"] <= width + 0.5 and box["y"] + box["height"] <= height + 0.5, selector
    assert page.evaluate(BROKEN_NUMBERS) == []
    assert page.is_visible(".keyboard-help") == (layout in ("desktop", "dark"))  # only with a keyboard and mouse
    page_colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    for selector, least in [("body", 7), ("header p", 4.5), ("#status", 7), ("#chart svg text", 4.5)]:
        colour = page.eval_on_selector(selector, "e => getComputedStyle(e).color")  # svg text: currentColor
        assert page.evaluate(CONTRAST, [colour, page_colour]) >= least, (selector, colour, page_colour)
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (layout == "dark")
    assert (page.evaluate(CONTRAST, [page_colour, "rgb(0, 0, 0)"]) < 1.5) == dark  # a dark page, or a light one
    pad = page.eval_on_selector("#pad", "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert page.evaluate(CONTRAST, pad) >= 7  # the ink stands out from the box in either theme
