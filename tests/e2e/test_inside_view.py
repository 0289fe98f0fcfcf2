"""The inside view in Chromium: every layer of the network that reads a held-out writer's 7, the fired counts, the
probabilities, a neuron's weight picture, the heat map, silencing and restoring a neuron, keyboard use, and its
layouts on a phone and in the dark theme (screenshots go to test-output/screenshots/)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from files import ROOT, WEIGHTS
from harness.browser import draw_with_mouse, fit_to_box, wait_until_loaded
from harness.browser import open_page as loaded_page
from recognizer.models import load_listed
from train import pendigits

pytestmark = pytest.mark.e2e
SCREENSHOTS = ROOT / "test-output" / "screenshots"
LISTED = {model.name: model for model in load_listed(WEIGHTS, taken=frozenset({"vote", "check"}))}

# For each layer element of the view: its data, and how many of its neurons its picture shows lit (a pixel each,
# the page's own colour where a neuron is at 0).
LAYERS = """(part) => {
  const page = getComputedStyle(document.body).backgroundColor.match(/[0-9]+/g).map(Number);
  return [...part.querySelectorAll('[data-layer]')].map((row) => {
    const canvas = row.querySelector('.neurons canvas');
    if (!canvas) return { ...row.dataset };
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    for (let j = 0; j < Number(row.dataset.size); j++) {
      lit += [0, 1, 2].some((k) => Math.abs(pixels[4 * j + k] - page[k]) > 1);
    }
    return { ...row.dataset, lit };
  });
}"""


# The colour of the weight picture's pixel i: [r, g, b].
PIXEL = """([selector, i]) => {
  const canvas = document.querySelector(selector);
  const [x, y] = [i % canvas.width, Math.floor(i / canvas.width)];
  return [...canvas.getContext('2d').getImageData(x, y, 1, 1).data].slice(0, 3);
}"""

# How many of a canvas's pixels are not white: the heat map drew something.
COLOURED = """(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0; for (let i = 0; i < data.length; i += 4) n += data[i] + data[i + 1] + data[i + 2] < 750; return n;
}"""


@pytest.fixture(scope="module")
def seven(pen_digits) -> list[np.ndarray]:
    return next(d for d in pendigits.held_out_digits(pen_digits) if d.label == 7).strokes


# Whether neuron j (from 1) of a layer's picture is lit: [now, in the picture taken before (window.taken)].
LIT = """([network, layer, j]) => {
  const page = getComputedStyle(document.body).backgroundColor.match(/[0-9]+/g).map(Number);
  const canvas = document.querySelector(`.inside-network[data-network="${network}"] [data-layer="${layer}"] canvas`);
  const lit = (pixels) => [0, 1, 2].some((k) => Math.abs(pixels[4 * (j - 1) + k] - page[k]) > 1);
  const now = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return [lit(now), window.taken ? lit(window.taken) : null];
}"""


def lit_neuron(page, network: str, layer: int, j: int) -> tuple[bool, bool | None]:
    return tuple(page.evaluate(LIT, [network, layer, j]))


def take_picture(page, network: str, layer: int) -> None:
    """Keep a layer's picture as it is now (window.taken), for lit_neuron to compare with later."""
    page.evaluate(
        """([network, layer]) => {
        const row = document.querySelector(`.inside-network[data-network="${network}"] [data-layer="${layer}"]`);
        const canvas = row.querySelector('canvas');
        window.taken = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    }""",
        [network, layer],
    )


def open_page(context, server):
    return loaded_page(context, server.url)


def draw(page, strokes) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the box in view: opening the view scrolled down to it
    draw_with_mouse(page, fit_to_box(strokes, page.locator("#pad").bounding_box()))


def inside_done(page, model: str, strokes: int) -> dict:
    page.wait_for_selector(f'#inside[data-state="done"][data-model="{model}"][data-strokes="{strokes}"]')
    page.wait_for_selector(f'#result[data-state="done"][data-model="{model}"]')
    return page.eval_on_selector("#inside", "e => ({...e.dataset})")


def viewing(context, server, strokes, model: str):
    """A page with the view open, showing `model` reading the drawing."""
    page = open_page(context, server)
    page.click("#inside-toggle")
    draw(page, strokes)
    page.click(f'button[data-model="{model}"]')
    inside_done(page, model, len(strokes))
    return page


def dataset(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "e => ({...e.dataset})")


def part(network: str) -> str:
    return f'.inside-network[data-network="{network}"]'


def test_the_view_is_closed_at_first_and_shows_every_layer_of_the_vote_when_opened(context, server, seven):
    page = open_page(context, server)
    assert page.get_attribute("#inside-toggle", "aria-expanded") == "false" and page.is_hidden("#inside")
    draw(page, seven)
    page.wait_for_selector('#result[data-state="done"]')
    assert page.get_attribute("#inside", "data-state") == "idle"  # closed: nothing inside was asked for
    page.click("#inside-toggle")
    assert page.get_attribute("#inside-toggle", "aria-expanded") == "true"
    inside = inside_done(page, "vote", len(seven))  # opening reads the drawing again, with the view
    assert inside["silenced"] == "0"
    result = dataset(page, "#result")
    assert result["digit"] == "7"
    names = page.eval_on_selector_all(".inside-network", "parts => parts.map((p) => p.dataset.network)")
    assert names == list(LISTED)
    for name in names:
        layers = page.eval_on_selector(part(name), LAYERS)
        hidden, out = [r for r in layers if r["layer"] not in ("0", "out")], layers[-1]
        assert [int(r["size"]) for r in hidden] == LISTED[name].entry["layers"][1:-1]
        for row in hidden:
            assert 0 < int(row["active"]) <= int(row["size"])
            # fired: lit (all but the weakest, whose brightness rounds to the page's colour)
            assert int(row["active"]) - 3 <= row["lit"] <= int(row["active"])
        assert out["layer"] == "out"
        probs, scores = json.loads(out["probs"]), json.loads(out["scores"])
        assert len(probs) == len(scores) == 10 and sum(probs) == pytest.approx(1, abs=1e-5)
        assert int(np.argmax(scores)) == int(np.argmax(probs))
        # the step from the scores to the pie: p = softmax(z / T)
        z = np.array(scores) / LISTED[name].network.temperature
        np.testing.assert_allclose(probs, np.exp(z - z.max()) / np.exp(z - z.max()).sum(), atol=2e-3)
    vote = dataset(page, '.vote-average[data-network="vote"]')
    assert json.loads(vote["probs"]) == json.loads(result["probs"])  # the vote's part is #result's pie
    average = np.mean([json.loads(dataset(page, f"{part(n)} [data-layer='out']")["probs"]) for n in names], axis=0)
    np.testing.assert_allclose(json.loads(vote["probs"]), average, atol=2e-6)
    maps = page.query_selector_all("[data-why]")
    assert [m.get_attribute("data-why") for m in maps] == names  # the four heat maps side by side
    assert all(page.evaluate(COLOURED, m) > 20 for m in maps)


def test_a_single_networks_view_has_the_answers_own_probabilities_and_is_remembered_open(context, server, seven):
    page = viewing(context, server, seven, "B2")
    assert page.eval_on_selector_all(".inside-network", "parts => parts.map((p) => p.dataset.network)") == ["B2"]
    out = dataset(page, f"{part('B2')} [data-layer='out']")
    assert json.loads(out["probs"]) == json.loads(dataset(page, "#result")["probs"])
    assert page.eval_on_selector_all("[data-why]", "maps => maps.map((m) => m.dataset.why)") == ["B2"]
    assert page.is_hidden(".vote-average") or not page.query_selector(".vote-average")
    page.reload()
    assert wait_until_loaded(page) == "idle"
    assert page.get_attribute("#inside-toggle", "aria-expanded") == "true" and page.is_visible("#inside")


def test_a_neuron_shows_its_weights_and_silencing_it_changes_the_answer_until_restored(context, server, seven):
    page = viewing(context, server, seven, "B2")
    before = dataset(page, "#result")
    # the neuron that adds most to 7's score, as its layer's summary names it
    summary = page.inner_text(f"{part('B2')} [data-layer='1'] .summary")
    strongest = int(summary.split("Carrying 7: ")[1].split(" ")[0])
    page.click(f'{part("B2")} [data-neuron="1:{strongest}"]')
    picture = f'[data-weights="1:{strongest}"]'
    page.wait_for_selector(picture)
    weights = LISTED["B2"].network.weights[0][:, strongest - 1]
    red, blue = (
        page.evaluate(PIXEL, [picture, int(weights.argmax())]),
        page.evaluate(PIXEL, [picture, int(weights.argmin())]),
    )
    assert red[0] > red[2] and blue[2] > blue[0]  # its strongest weight drawn red, its most negative blue
    assert "activation" in page.inner_text("#neuron-text")

    take_picture(page, "B2", 1)
    page.click("#silence")
    page.wait_for_selector('#result[data-silenced="1"][data-state="done"][data-model="B2"]')
    inside_done(page, "B2", len(seven))
    silenced = dataset(page, "#result")
    assert silenced["probs"] != before["probs"]  # the answer follows
    assert page.get_attribute("#inside", "data-silenced") == "1"
    cell = f'{part("B2")} [data-neuron="1:{strongest}"]'
    assert page.eval_on_selector(cell, "c => c.classList.contains('silenced')")
    assert lit_neuron(page, "B2", 1, strongest) == (False, True)  # lit before; at 0 now
    assert page.is_visible("#altered") and "B2 (1 neuron silenced)" in page.inner_text("#altered")
    assert page.eval_on_selector('button[data-model="B2"]', "b => b.classList.contains('altered')")
    page.click("#vote")  # the vote is altered too, and says so
    inside_done(page, "vote", len(seven))
    assert page.is_visible("#altered") and dataset(page, "#result")["silenced"] == "1"
    page.click('button[data-model="B2"]')
    inside_done(page, "B2", len(seven))
    page.click(cell)
    page.click("#restore")
    page.wait_for_selector('#result[data-silenced="0"][data-state="done"][data-model="B2"]')
    assert dataset(page, "#result")["probs"] == before["probs"]  # restored
    assert page.is_hidden("#altered")

    page.click(cell)
    page.click("#silence")
    page.wait_for_selector('#result[data-silenced="1"][data-state="done"]')
    page.reload()  # a reload forgets it
    assert wait_until_loaded(page) == "idle" and page.get_attribute("#result", "data-silenced") == "0"


def test_neurons_are_chosen_by_keyboard(context, server, seven):
    page = viewing(context, server, seven, "B1")
    page.focus(f'{part("B1")} [data-neuron="1:1"]')
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")  # 25 to a row
    assert page.evaluate("document.activeElement.dataset.neuron") == "1:27"
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-weights="1:27"]')
    page.keyboard.press("Tab")  # one stop per layer: Tab leaves the grid
    assert page.evaluate("document.activeElement.dataset.neuron") != "1:28"
    label = page.get_attribute(f'{part("B1")} [data-layer="1"] .neurons', "aria-label")
    assert label.startswith("Layer 1 of B1, 100 neurons: ") and " active. Carrying 7: " in label  # its text summary


@pytest.mark.parametrize("layout", ["narrow-320", "dark"])
def test_the_view_fits_a_phone_and_follows_the_dark_theme(new_context, server, seven, layout):
    options = {
        "narrow-320": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
        "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
    }[layout]
    page = open_page(new_context(**options), server)
    page.click("#inside-toggle")
    page.click("#example")
    page.wait_for_selector('#inside[data-state="done"]')
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    page.click(f'{part("B4")} [data-neuron="1:1"]')
    page.wait_for_selector('[data-weights="1:1"]')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#inside").screenshot(path=SCREENSHOTS / f"inside-{layout}.png")
    ink = page.eval_on_selector("#inside", "e => getComputedStyle(e).color")
    assert (ink == "rgb(230, 230, 230)") == (layout == "dark")  # the theme's ink


def test_every_neuron_has_a_name_from_the_start_and_is_24_px_on_a_phone(new_context, server):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = open_page(new_context(**phone), server)
    page.click("#inside-toggle")
    page.click("#example")
    page.wait_for_selector('#inside[data-state="done"]')
    cells = page.eval_on_selector_all(
        ".neurons button",
        "cells => cells.map((c) => [c.getAttribute('aria-label'), c.getBoundingClientRect().height])",
    )
    assert len(cells) == sum(sum(model.entry["layers"][1:-1]) for model in LISTED.values())  # every network's
    assert all(label and label.startswith("neuron ") and " of layer " in label for label, _ in cells)
    assert min(height for _, height in cells) >= 24  # WCAG 2.5.8's target size on a touch screen
