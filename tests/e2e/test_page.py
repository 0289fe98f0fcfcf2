"""The real page in Chromium: drawing with mouse and touch, every button, failures and offline use."""

from __future__ import annotations

import json

import numpy as np
import pytest

from train import pendigits
from train.browser import draw_with_mouse, fit_to_box, press, wait_until_loaded

pytestmark = pytest.mark.e2e


def held_out_examples() -> list[pendigits.PenDigit]:
    """The first held-out digit of each kind 0-9 (writers never seen in training)."""
    path = pendigits.default_path()
    if not path.exists():
        pytest.skip(f"{path} absent: the pen-digit data lives outside the project")
    digits = pendigits.held_out_digits(pendigits.read_digits(path))
    return [next(d for d in digits if d.label == label) for label in range(10)]


def open_page(context, server):
    page = context.new_page()
    page.goto(server.url)
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    return page


def test_every_button_reads_drawn_digits(context, server):
    page = open_page(context, server)
    box = page.locator("#pad").bounding_box()
    right = {name: 0 for name in ["B1", "B2", "B3", "B4", "vote"]}
    for digit in held_out_examples():
        page.click("#clear")
        draw_with_mouse(page, fit_to_box(digit.strokes, box))
        for name in ["B1", "B2", "B3", "B4", "vote"]:
            result = press(page, "#vote" if name == "vote" else f'button[data-model="{name}"]', len(digit.strokes))
            assert result["state"] == "done" and result["model"] == name
            probabilities = json.loads(result["probs"])
            assert len(probabilities) == 10 and abs(sum(probabilities) - 1) < 1e-3
            assert int(result["digit"]) == int(np.argmax(probabilities))
            assert int(result["strokes"]) == len(digit.strokes)
            right[name] += int(result["digit"]) == digit.label
    assert right["vote"] >= 9, right
    assert min(right.values()) >= 8, right
    # the 28x28 picture and the four answers side by side are shown
    assert page.locator("#chart svg").count() == 1
    assert all(page.inner_text(f'[data-answer="{n}"]').isdigit() for n in ["B1", "B2", "B3", "B4", "vote"])


def test_blank_undo_and_clear(context, server):
    page = open_page(context, server)
    assert press(page, "#vote")["state"] == "idle"  # nothing drawn
    box = page.locator("#pad").bounding_box()
    one = [np.array([[box["x"] + 140, box["y"] + 50], [box["x"] + 140, box["y"] + 230]])]
    dash = [np.array([[box["x"] + 20, box["y"] + 20], [box["x"] + 60, box["y"] + 25]])]
    draw_with_mouse(page, one + dash)
    assert press(page, "#vote", 2)["strokes"] == "2"
    page.click("#undo")
    result = press(page, 'button[data-model="B1"]', 1)
    assert result["strokes"] == "1" and result["digit"] == "1"
    page.click("#clear")
    assert page.get_attribute("#result", "data-state") == "idle"
    page.mouse.click(box["x"] + 100, box["y"] + 100)  # a dot is not a digit
    assert press(page, "#vote")["state"] == "idle"


def test_drawing_by_touch(browser, server):
    context = browser.new_context(has_touch=True)
    try:
        page = open_page(context, server)
        box = page.locator("#pad").bounding_box()
        x = box["x"] + box["width"] / 2
        session = context.new_cdp_session(page)

        def touch(kind, y):
            points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
            session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", box["y"] + 40)
        for y in range(50, 250, 10):
            touch("touchMove", box["y"] + y)
        touch("touchEnd", 0)
        result = press(page, "#vote", 1)
        assert result["digit"] == "1"
        assert page.evaluate("window.scrollY") == 0  # no scrolling while drawing
    finally:
        context.close()


def test_a_corrupted_weight_file_disables_only_that_network(context, server, dist):
    data = bytearray((dist / "weights" / "B2.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    context.route("**/weights/B2.npz", lambda route: route.fulfill(body=bytes(data)))
    page = open_page(context, server)
    assert page.is_disabled('button[data-model="B2"]')
    assert "sha256" in page.get_attribute('button[data-model="B2"]', "title")
    assert "B2: disabled" in page.inner_text("#labels")
    box = page.locator("#pad").bounding_box()
    seven = held_out_examples()[7]
    draw_with_mouse(page, fit_to_box(seven.strokes, box))
    assert press(page, 'button[data-model="B1"]', len(seven.strokes))["digit"] == "7"
    assert press(page, "#vote", len(seven.strokes))["digit"] == "7"


def test_works_offline_after_the_first_visit(context, server):
    page = open_page(context, server)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    for _ in range(100):  # the worker takes control once it has cached every file
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    server.stop()
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    box = page.locator("#pad").bounding_box()
    digit = held_out_examples()[0]
    draw_with_mouse(page, fit_to_box(digit.strokes, box))
    assert press(page, "#vote", len(digit.strokes))["digit"] == "0"
