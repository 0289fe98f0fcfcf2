"""The built page in Firefox and WebKit, each Debian's own, driven over WebDriver (evaluation/engines.py): a
first visit that reads a drawn digit live, by mouse and by finger; a repeat visit with the server stopped that
starts Python from the snapshot and answers offline; one correction taught and kept; a bad models.json entry
that costs only its network; and the fallbacks for what an engine lacks (WebKit: navigator.storage's estimate
and persist). A screenshot of each engine's answer goes to test-output/screenshots/. Chromium runs every
browser test (the other files), Playwright's routes and hooks included.
"""

from __future__ import annotations

import json
import shutil

import pytest

from builder.server import QuietHandler
from evaluation import engines
from evaluation.browser import fit_to_box
from files import ROOT, WEIGHTS
from recognizer import app
from train import pendigits

pytestmark = pytest.mark.e2e
SCREENSHOTS = ROOT / "test-output" / "screenshots"  # beside Chromium's layouts (git-ignored)


@pytest.fixture(params=list(engines.ENGINES))
def tab(request, dist):
    try:
        tab = engines.open_tab(request.param)
    except (engines.EngineError, OSError, RuntimeError) as error:
        pytest.fail(f"{request.param} could not be started: {error}")
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def digits(pen_digits) -> dict[int, pendigits.PenDigit]:
    """The first held-out digit of each kind."""
    held_out = pendigits.held_out_digits(pen_digits)
    return {label: next(d for d in held_out if d.label == label) for label in range(10)}


def open_page(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for("document.querySelector('#result').dataset.state !== 'loading'")
    assert result_of(tab)["state"] == "idle", tab.text("#status")


def result_of(tab) -> dict:
    return tab.evaluate("({...document.getElementById('result').dataset})")


def draw_and_read(tab, strokes, pointer: str = "mouse") -> dict:
    """Clear the box, draw, and return #result once the chosen network (the vote) has read this drawing."""
    tab.click("#clear")
    tab.draw(fit_to_box(strokes, tab.box("#pad")), pointer)
    done = f'#result[data-state="done"][data-strokes="{len(strokes)}"]'
    tab.wait_for(f"document.querySelector({json.dumps(done)}) !== null", timeout=20)
    return result_of(tab)


def python_start(tab) -> str:
    return tab.attribute("body", "data-python-start")


def offline_line(tab) -> str:
    tab.wait_for("document.getElementById('offline').dataset.offline", timeout=30)
    assert tab.attribute("#offline", "data-offline") == "ready", tab.text("#offline")
    return tab.text("#offline")


def has_storage_estimate(tab) -> bool:
    return tab.evaluate("Boolean(navigator.storage && navigator.storage.estimate)")


def test_a_first_visit_is_ready_and_reads_a_drawn_digit_live(tab, server, digits):
    open_page(tab, server.url)
    assert python_start(tab) == "fresh"
    seven = draw_and_read(tab, digits[7].strokes)  # read as the stroke ends: no button pressed
    assert (seven["model"], seven["digit"], seven["sure"], seven["digitLike"]) == ("vote", "7", "true", "true")
    assert tab.text("#status").startswith("The vote reads 7")
    pie = "document.querySelector('#chart svg')"
    assert tab.evaluate(f"{pie}.querySelectorAll('circle, path').length") >= 1  # the pie is drawn, and shown
    assert tab.evaluate(f"{pie}.getBoundingClientRect().width") > 100
    tab.screenshot(SCREENSHOTS / f"{tab.engine}.png")
    # By finger: Firefox's driver touches; WebKit's sends touch as a mouse, which draws the same.
    assert draw_and_read(tab, digits[3].strokes, pointer="touch")["digit"] == "3"


def test_a_repeat_visit_starts_from_the_snapshot_and_answers_offline(tab, server, digits):
    open_page(tab, server.url)
    tab.wait_for("document.body.dataset.pythonSnapshot === 'saved'", timeout=30)
    tab.wait_for("navigator.serviceWorker.controller !== null", timeout=30)
    line = offline_line(tab)
    if has_storage_estimate(tab):
        assert "It keeps" in line and " MB in this browser." in line
    else:  # WebKit: no estimate of the storage used, so the line says only that it is kept
        assert line == "Ready offline: this page works without a network."
    server.stop()
    tab.reload()
    tab.wait_for("document.querySelector('#result') && document.querySelector('#result').dataset.state !== 'loading'")
    assert result_of(tab)["state"] == "idle", tab.text("#status")
    assert python_start(tab) == "snapshot"  # the hook's table layout holds in this engine too
    assert draw_and_read(tab, digits[0].strokes)["digit"] == "0"


def test_one_correction_is_learned_and_kept_across_a_reload(tab, server, slashed_zeros):
    open_page(tab, server.url)
    tab.wait_for("document.querySelector('#personal[data-learning=\"false\"]') !== null", timeout=30)
    before = draw_and_read(tab, slashed_zeros[0])
    assert before["digit"] != "0"
    tab.click('button[data-teach="0"]')
    tab.wait_for("document.getElementById('result').dataset.state === 'done'", timeout=30)
    after = result_of(tab)
    assert (after["digit"], after["strokes"]) == ("0", before["strokes"])  # the same drawing, read anew
    assert tab.attribute("#personal", "data-examples") == "1"
    assert f"Without your examples: {before['digit']}" in tab.text("#shipped")
    # Kept without navigator.storage.persist too (WebKit has none: the page does not ask there).
    tab.reload()
    tab.wait_for("document.querySelector('#personal[data-answering=\"true\"]') !== null", timeout=30)
    assert tab.attribute("#personal", "data-examples") == "1"
    assert draw_and_read(tab, slashed_zeros[0])["digit"] == "0"


class SpoiledModelsJson(QuietHandler):
    """A host whose models.json gives B2 a framing there is not."""

    def do_GET(self) -> None:
        if self.path.split("?")[0].endswith("/weights/models.json"):
            body = json.dumps(spoiled_manifest(self.directory)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()


def spoiled_manifest(directory) -> dict:
    with open(f"{directory}/weights/models.json") as file:
        manifest = json.load(file)
    next(m for m in manifest["models"] if m["name"] == "B2")["framing"] = "sideways"
    return manifest


def test_a_bad_models_json_entry_costs_only_its_network(tab, host, dist, digits, tmp_path):
    # The reason is Python's own: the same models.json loaded natively, beside the same weight files.
    for weights in (dist / "weights").glob("*.npz"):
        shutil.copy(weights, tmp_path)
    (tmp_path / "models.json").write_text(json.dumps(spoiled_manifest(dist)))
    try:
        reasons = {model["name"]: model["reason"] for model in app.load(tmp_path)["models"] if not model["ok"]}
    finally:
        app.load(WEIGHTS)  # the module's networks, as the other tests expect them
    assert list(reasons) == ["B2"]

    open_page(tab, host(SpoiledModelsJson))
    assert f"B2 is disabled: {reasons['B2']}" in tab.text("#problems")
    disabled = (
        "[...document.querySelectorAll('.networks button')].filter((b) => b.disabled).map((b) => b.dataset.model)"
    )
    assert tab.evaluate(disabled) == ["B2"]
    four = draw_and_read(tab, digits[4].strokes)
    assert four["digit"] == "4"
    assert tab.text('[data-answer="B2"]') == "–" and tab.text('[data-answer="B1"]') == "4"
