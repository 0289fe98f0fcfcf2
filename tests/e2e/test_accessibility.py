"""axe-core (pinned in package-lock.json) finds no accessibility violations on the page with everything open: the
inside view of B2 and of the vote, one learning step walked through and B1 fooled, "Train your own" with a network
of yours, in light and dark, on a desktop and a phone."""

from __future__ import annotations

import pytest

from files import ROOT
from harness.browser import wait_until_loaded

pytestmark = pytest.mark.e2e
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # installed by ./dev test (npm ci)
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAYOUTS = {
    "desktop light": DESKTOP,
    "desktop dark": {**DESKTOP, "color_scheme": "dark"},
    "phone light": PHONE,
    "phone dark": {**PHONE, "color_scheme": "dark"},
}
SMALL = {"layers": "20", "epochs": "1", "digits": "500", "batch": "32"}


def violations(page) -> list[str]:
    """axe-core's violations of the page as it is: "rule (impact): how many elements, the first of them"."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])}, {v['nodes'][0]['target']}" for v in found]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_violations_with_everything_open(new_context, server, layout):
    # axe is put into the page from outside, which its Content-Security-Policy would refuse: only here is it bypassed.
    page = new_context(**LAYOUTS[layout], bypass_csp=True).new_page()
    page.goto(server.url)
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    page.click("#train-toggle")
    page.wait_for_selector("#train-start:enabled")
    for name, value in SMALL.items():
        page.fill(f"#train-{name}", value)
    page.click("#train-start")
    page.wait_for_selector('button[data-model="yours"]', timeout=60_000)
    page.click("#inside-toggle")
    page.click("#example")
    page.click('button[data-model="B2"]')
    page.wait_for_selector('#inside[data-state="done"][data-model="B2"]')
    assert violations(page) == []
    page.click("#vote")
    page.wait_for_selector('#inside[data-state="done"][data-model="vote"]')
    assert violations(page) == []
    page.click("#step-toggle")  # one step walked to its last phase, and B1 fooled
    page.click("#fool-toggle")
    page.wait_for_selector('#step[data-state="done"]')
    for _ in range(7):
        page.click("#step-next")
    page.select_option("#fool-model", "B1")
    page.select_option("#fool-target", "3")
    page.click("#fool-start")
    page.wait_for_selector('#fool[data-state="done"], #fool[data-state="failed"]')
    assert violations(page) == []
    page.click("#lab-toggle")  # the matrix, a cell's digits, one chosen, and the map with the drawing on it
    page.wait_for_selector('#lab[data-state="done"]', timeout=120_000)
    page.click('[data-cell="9:4"]')
    page.click("#lab-digits [data-test-index] button[aria-pressed]")
    page.wait_for_selector("#lab-chosen:not([hidden]) [data-model='vote']")
    page.wait_for_selector("#map-neighbours [data-test-index]")
    assert violations(page) == []
    page.eval_on_selector(".neurons button", "b => b.removeAttribute('aria-label')")  # as the neurons were named once
    assert [found.split(" ")[0] for found in violations(page)] == ["button-name"]  # axe sees what it should
