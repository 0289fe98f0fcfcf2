"""The built page in Chromium: drawing with mouse, touch, pen and keyboard; every button; failures; offline use.

Digits are drawn with the pen trajectories of writers the networks never saw (see train/pendigits.py), scaled
to a natural size in the box, so the answers checked are the committed networks' real answers.
"""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest

from evaluation.browser import draw_with_mouse, fit_to_box, wait_for_service_worker, wait_until_loaded
from files import WEIGHTS
from recognizer.models import read_manifest
from train import pendigits

pytestmark = pytest.mark.e2e
MODELS = read_manifest(WEIGHTS)  # the networks the page lists, as models.json says
NAMES = [entry["name"] for entry in MODELS] + ["vote"]


@pytest.fixture(scope="module")
def held_out(pen_digits) -> list[pendigits.PenDigit]:
    """The first held-out digit of each kind, 0 to 9."""
    digits = pendigits.held_out_digits(pen_digits)
    return [next(d for d in digits if d.label == label) for label in range(10)]


def open_page(context, server):
    page = context.new_page()
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
    context.route("**/pyodide/pyodide.asm.wasm.gz", lambda route: held.append(route))  # held until we have drawn
    page = context.new_page()
    page.goto(server.url)
    assert result_of(page)["state"] == "loading"
    assert "Loading Python" in page.inner_text("#status")
    assert page.is_disabled("#vote")
    draw_with_mouse(page, vertical_line(page))
    assert ink_on_pad(page) > 1000
    assert held, "the runtime was not requested"
    held[0].fallback()
    assert wait_until_loaded(page) == "idle"
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

    dash = [np.array([[box["x"] + 30, box["y"] + 30], [box["x"] + 80, box["y"] + 35]])]
    draw_with_mouse(page, vertical_line(page) + dash)
    assert ask(page, "vote", 2)["state"] == "done"
    page.click("#undo")  # the dash goes
    assert result_of(page)["state"] == "done"  # the answer stays, for the drawing it was given
    assert ask(page, "B1", 1)["digit"] == "1"
    page.click("#clear")
    assert result_of(page) == {"state": "idle"}
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
        ("runtime", r"the Python runtime did not start \(pyodide/pyodide\.asm\.wasm\.gz: HTTP 404\)"),
        ("list of networks", r"could not download the list of networks \(weights/models\.json\): HTTP 404"),
        ("recognizer wheel", r"the recognizer package \(py/recognizer-.+\.whl\) did not install \(.+: HTTP 404\)"),
        ("WebAssembly", r"^This browser cannot run WebAssembly"),
    ],
)
def test_a_failed_load_says_what_failed_and_drawing_still_works(context, server, broken, says):
    if broken == "numpy wheel":
        context.route("**/pyodide/numpy-*.whl", lambda route: route.fulfill(body=b"PK\x03\x04 not numpy"))
    elif broken == "runtime":
        context.route("**/pyodide/pyodide.asm.wasm.gz", lambda route: route.fulfill(status=404, body="not found"))
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


# Overwrites the saved interpreter snapshot with bytes that are not one; resolves to how many it damaged.
DAMAGE_SNAPSHOT = """async () => {
  let damaged = 0;
  for (const name of (await caches.keys()).filter((n) => n.includes("python snapshot"))) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      await cache.put(request, new Response(new Uint8Array(65536 * 4).fill(7)));
      damaged += 1;
    }
  }
  return damaged;
}"""


def test_a_damaged_snapshot_is_replaced_by_a_fresh_start(context, server, held_out):
    page = open_page(context, server)
    assert python_start(page) == "fresh"
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    assert page.evaluate(DAMAGE_SNAPSHOT) == 1
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "fresh"
    page.wait_for_selector('body[data-python-snapshot="saved"]')
    page.reload()  # the fresh start saved a good snapshot again
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert python_start(page) == "snapshot"
    four = held_out[4]
    draw(page, four.strokes)
    assert ask(page, "vote", len(four.strokes))["digit"] == "4"
