"""Drawings that are not digits, in the built page: their own state, words and chart; a digit beside them; and a
person's odd digit, judged not a digit at first, taught until it is read as that digit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from files import REHEARSAL, WEIGHTS
from harness.browser import draw_with_mouse, fit_to_box
from harness.browser import open_page as loaded_page
from harness.offdigits import check_drawings
from harness.strokes import as_strokes
from recognizer.app import loaded

pytestmark = pytest.mark.e2e


def open_page(context, server):
    return loaded_page(context, server.url)


def draw_and_read(page, strokes) -> dict:
    page.click("#clear")
    draw_with_mouse(page, fit_to_box(strokes, page.locator("#pad").bounding_box()))
    page.wait_for_selector(f'#result[data-state="done"][data-strokes="{len(strokes)}"]')
    return page.eval_on_selector("#result", "r => ({...r.dataset})")


def cells(page) -> dict[str, tuple[str, str]]:
    """Each network's cell in the table of answers: (its digit, its data-digit-like)."""
    script = "cs => cs.map(c => [c.dataset.answer, c.textContent, c.dataset.digitLike])"
    return {name: (text, like) for name, text, like in page.eval_on_selector_all("[data-answer]", script)}


def test_a_drawing_that_is_not_a_digit_says_so_and_a_digit_does_not(context, server, not_a_digit, a_digit):
    page = open_page(context, server)
    result = draw_and_read(page, not_a_digit)
    assert max(json.loads(result["probs"])) >= 0.9  # the vote alone would call it sure...
    assert result["digitLike"] == "false" and result["sure"] == "false"  # ...but it is not a digit
    assert result["digit"] in "0123456789"  # the likeliest digit is still given
    assert page.inner_text("#status").startswith("That does not look like a digit.")
    assert page.inner_text("#reads") == "closest"
    assert float(page.eval_on_selector("#digit", "d => parseFloat(getComputedStyle(d).fontSize)")) < 50  # small
    assert "grayscale(1)" in page.eval_on_selector("#chart", "c => getComputedStyle(c).filter")
    assert "not a digit" in page.inner_html("#chart svg")  # the pie is kept, marked
    assert all(like == "false" for _, like in cells(page).values())  # each network's answer says so too
    assert page.locator("td.off").count() == len(cells(page))
    assert page.is_enabled('button[data-teach="0"]')  # an odd digit can still be taught

    page.click('button[data-model="B2"]')  # a network's own answer carries the judgement
    page.wait_for_selector('#result[data-state="done"][data-model="B2"]')
    assert page.get_attribute("#result", "data-digit-like") == "false"
    assert "does not look like a digit to B2" in page.inner_text("#status")

    page.click("#vote")
    result = draw_and_read(page, a_digit)
    assert result["digitLike"] == "true" and result["digit"] == "3"
    assert page.inner_text("#reads") in ("reads", "maybe")
    assert "not a digit" not in page.inner_html("#chart svg")
    assert page.eval_on_selector("#chart", "c => getComputedStyle(c).filter") == "none"
    assert all(like == "true" for _, like in cells(page).values()) and page.locator("td.off").count() == 0


@pytest.fixture(scope="module")
def odd_fours() -> list[list[np.ndarray]]:
    """Triangles (a 4 drawn closed, as some people do) from the check set that the shipped check calls not a digit,
    four of them such that, taught natively through the same code, three as 4 make the fourth a digit-like 4."""
    triangles = [d.strokes for d in check_drawings(per_template=16) if d.name == "triangle"]
    reader = loaded(WEIGHTS)
    refused = [t for t in triangles if not reader.recognize("vote", as_strokes(t))["digit_like"]]
    reader.teacher.load_rehearsal(str(REHEARSAL))
    for start in range(len(refused) - 3):
        reader.teacher.forget()
        chosen = refused[start : start + 4]
        for triangle in chosen[:3]:
            reader.teacher.add([{"digit": 4, "strokes": as_strokes(triangle)}])
            reader.teacher.learn_next()
        answer = reader.recognize("vote", as_strokes(chosen[3]))
        if answer["digit_like"] and answer["digit"] == 4:
            return chosen
    pytest.fail("no four triangles the check refuses that three corrections teach as 4")


def test_a_taught_style_judged_not_a_digit_is_read_as_that_digit_after_its_corrections(context, server, odd_fours):
    page = open_page(context, server)
    page.wait_for_selector('#personal[data-learning="false"]')
    assert draw_and_read(page, odd_fours[3])["digitLike"] == "false"  # before: not a digit
    for triangle in odd_fours[:3]:
        draw_and_read(page, triangle)
        page.click('button[data-teach="4"]')
        page.wait_for_selector('#result[data-state="done"]', timeout=30_000)
    result = draw_and_read(page, odd_fours[3])  # after: the one not taught is a 4
    assert result["digitLike"] == "true" and result["digit"] == "4"
    assert page.inner_text("#shipped").startswith("Your personal copies answer.")


@pytest.mark.parametrize(
    "spoil, says",
    [
        (lambda check: check.update(farthest="far"), "farthest 'far' is not a positive number"),
        (lambda check: check.update(sha256="0" * 64), "check.npz: sha256 does not match models.json"),
    ],
)
def test_a_bad_check_entry_costs_only_the_check(context, server, dist, not_a_digit, spoil, says):
    manifest = json.loads((dist / "weights" / "models.json").read_text())
    spoil(manifest["check"])
    body = json.dumps(manifest)
    context.route("**/weights/models.json", lambda route: route.fulfill(body=body, content_type="application/json"))
    page = open_page(context, server)
    problems = page.inner_text("#problems")
    assert "The check that a drawing is a digit at all is off" in problems and says in problems
    assert page.locator(".networks button:disabled").count() == 0  # every network works
    result = draw_and_read(page, not_a_digit)  # read as before there was a check: a digit, and sure
    assert result["digitLike"] == "true" and result["sure"] == "true"
    assert page.inner_text("#status").startswith("The vote reads")
