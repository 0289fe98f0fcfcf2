"""One learning step in slow motion and "Fool it" in Chromium, on a held-out writer's 7: every phase in turn, the
target's probability rising, the gradient check, a step taken and reset (the networks that read unchanged), B1
fooled into reading 3, and the box in view beside an open section on a wide screen and on a phone (screenshots go
to test-output/screenshots/)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from files import ROOT
from harness.browser import draw_with_mouse, fit_to_box
from harness.browser import open_page as loaded_page
from train import pendigits

pytestmark = pytest.mark.e2e
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHASES = ["forward", "cost", "output-error", "hidden-error", "gradient", "update", "after", "check"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def seven(pen_digits) -> list[np.ndarray]:
    return next(d for d in pendigits.held_out_digits(pen_digits) if d.label == 7).strokes


def open_page(context, server):
    return loaded_page(context, server.url)


def draw(page, strokes) -> None:
    draw_with_mouse(page, fit_to_box(strokes, page.locator("#pad").bounding_box()))
    page.wait_for_selector(f'#result[data-state="done"][data-strokes="{len(strokes)}"]')


def step_of(page) -> dict:
    return page.eval_on_selector("#step", "e => ({...e.dataset})")


def step_done(page, model: str, target: int, steps: int) -> dict:
    """#step once Python's step for `model` towards `target`, `steps` on from the network that reads, is shown for
    the drawing in the box."""
    page.wait_for_function(
        """([model, target, steps]) => {
            const step = document.getElementById('step');
            const strokes = document.getElementById('result').dataset.strokes;
            return step.dataset.state === 'done' && step.dataset.model === model && step.dataset.steps === steps
              && step.dataset.strokes === strokes && document.getElementById('step-target').value === target;
        }""",
        arg=[model, str(target), str(steps)],
    )
    return step_of(page)


def test_a_step_in_slow_motion_raises_the_targets_probability_and_acts_on_a_copy(context, server, seven):
    page = open_page(context, server)
    page.click("#step-toggle")
    draw(page, seven)
    page.click('button[data-model="B4"]')
    page.wait_for_selector('#result[data-state="done"][data-model="B4"]')
    probabilities = page.get_attribute("#result", "data-probs")
    assert step_done(page, "B4", 7, 0)["phase"] == "forward"  # towards the answer, by default
    page.select_option("#step-target", "1")
    first = step_done(page, "B4", 1, 0)

    seen = []
    for phase in PHASES:
        seen.append(step_of(page)["phase"])
        assert page.is_visible(f'[data-phase-view="{phase}"]')
        if phase != "check":
            assert not page.is_visible(f'[data-phase-view="{PHASES[PHASES.index(phase) + 1]}"]')  # not yet
            page.click("#step-next")
    assert seen == PHASES and page.is_disabled("#step-next")
    page.click("#step-back")
    assert step_of(page)["phase"] == "after" and not page.is_visible('[data-phase-view="check"]')

    assert float(first["after"]) > float(first["before"])  # the step raised p1
    assert float(first["cost"]) > 0
    errors = page.eval_on_selector_all("[data-delta-layer]", "rows => rows.map((r) => ({...r.dataset}))")
    assert sorted(int(e["deltaLayer"]) for e in errors) == [1, 2, 3]  # B4's three hidden layers
    assert [int(e["size"]) for e in sorted(errors, key=lambda e: e["deltaLayer"])] == [300, 250, 200]
    assert all(0 < int(e["nonzero"]) <= int(e["size"]) for e in errors)
    assert float(page.get_attribute("[data-gradient-check]", "data-max-relative-error")) < 1e-3
    assert page.eval_on_selector_all("[data-gradient-check] tr", "rows => rows.length") == 1 + 3 * 4

    page.click("#step-again")  # the copy takes the step: the next one starts where it ended
    taken = step_done(page, "B4", 1, 1)
    assert taken["phase"] == "forward"
    assert float(taken["before"]) == pytest.approx(float(first["after"]), rel=1e-3)
    assert "1 step on from the network that reads" in page.inner_text("#step-status")
    page.click("#clear")  # the networks that read never changed
    draw(page, seven)
    assert page.get_attribute("#result", "data-probs") == probabilities
    back = step_done(page, "B4", 7, 1)  # a new drawing: towards its answer again, from the copy
    page.select_option("#step-target", "1")
    page.click("#step-reset")
    back = step_done(page, "B4", 1, 0)
    assert back["before"] == first["before"] and back["after"] == first["after"]


def test_the_phases_are_walked_by_keyboard_and_a_neuron_is_chosen(context, server, seven):
    page = open_page(context, server)
    page.click("#step-toggle")
    draw(page, seven)
    step_done(page, "B1", 7, 0)  # the vote reads: the step is of B1
    page.focus("#step-next")
    for _ in range(4):
        page.keyboard.press("Enter")
    assert step_of(page)["phase"] == "gradient"
    page.fill("#step-neuron", "5")
    page.press("#step-neuron", "Enter")
    page.locator("#step-neuron").blur()
    page.wait_for_function(
        "() => document.querySelector('[data-phase-view=\"gradient\"] p.equation').textContent.includes('[:, 5]')"
    )
    assert step_of(page)["phase"] == "gradient"  # the phase stays where it was
    label = page.get_attribute('[data-phase-view="gradient"] canvas', "aria-label")
    assert label.startswith("∂C/∂W for neuron 5 of layer 1")  # each picture has a text summary


def test_b1_is_fooled_into_reading_3(context, server, seven):
    page = open_page(context, server)
    page.click("#fool-toggle")
    draw(page, seven)
    page.select_option("#fool-model", "B1")
    page.select_option("#fool-target", "3")
    page.click("#fool-start")
    page.wait_for_selector('#fool[data-state="done"], #fool[data-state="failed"]')
    fool = page.eval_on_selector("#fool", "e => ({...e.dataset})")
    assert fool["state"] == "done" and fool["model"] == "B1" and fool["target"] == "3"
    fooled = json.loads(fool["fooled"])
    assert fooled["B1"] is True and set(fooled) == {"B1", "B2", "B3", "B4", "vote", "digit_like"}
    assert 0 < float(fool["l2"]) and int(fool["pixels"]) > 0 and int(fool["steps"]) > 0
    assert page.inner_text('[data-answer-fooled="B1"]') == "3"
    assert page.inner_text("#fool-status").startswith("B1 now reads 3: ")
    assert page.get_attribute("#result", "data-digit") == "7"  # the drawing itself is as it was
    page.click("#clear")
    assert page.get_attribute("#fool", "data-state") == "idle" and page.is_disabled("#fool-start")


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.parametrize("layout", ["wide", "phone"])
@pytest.mark.parametrize(
    ("toggle", "picture"),
    [("#step-toggle", '[data-phase-view="forward"] canvas.picture'), ("#inside-toggle", ".inside-network canvas")],
)
def test_the_box_stays_in_view_beside_the_open_sections_first_picture(
    new_context, server, seven, layout, toggle, picture
):
    page = open_page(new_context(**(WIDE if layout == "wide" else PHONE)), server)
    draw(page, seven)
    page.click(toggle)
    page.wait_for_selector(picture)
    page.locator(picture).first.scroll_into_view_if_needed()
    assert in_view(page, f"{picture} >> nth=0") and in_view(page, "#pad")
    if layout == "phone":
        assert in_view(page, "#pinned") and page.inner_text("#pinned") == page.inner_text("#status")  # the answer
    page.mouse.wheel(0, 600)  # further down the section: the box stays
    page.wait_for_timeout(200)
    assert in_view(page, "#pad")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{toggle[1:]}-{layout}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
