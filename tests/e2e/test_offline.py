"""Keeping the site for offline use, as the page tells it: ready offline, ready but for a file it could do
without, or not kept; on hosts that serve files the way this one does not."""

from __future__ import annotations

import json
import re

import pytest

from builder.server import QuietHandler
from harness.browser import draw_with_mouse, fit_to_box, wait_for_service_worker, wait_until_loaded
from train import pendigits

pytestmark = pytest.mark.e2e


class ZstdEncodingHost(QuietHandler):
    """A host that sends .zst files with "Content-Encoding: zstd": the browser unpacks them on the way."""

    def end_headers(self) -> None:
        if self.path.split("?")[0].endswith(".zst"):
            self.send_header("Content-Encoding", "zstd")
        super().end_headers()


class HostWithoutB4(QuietHandler):
    """A host where one network's weights file is missing."""

    def do_GET(self) -> None:
        if self.path.split("?")[0].endswith("/weights/B4.npz"):
            return self.send_error(404)
        return super().do_GET()


@pytest.fixture(scope="module")
def seven(pen_digits) -> pendigits.PenDigit:
    return next(d for d in pendigits.held_out_digits(pen_digits) if d.label == 7)


def offline_line(page) -> tuple[str, str]:
    page.wait_for_selector("#offline[data-offline]", timeout=30_000)
    return page.get_attribute("#offline", "data-offline"), page.inner_text("#offline")


def reads(page, digit: pendigits.PenDigit) -> str:
    page.click("#clear")
    draw_with_mouse(page, fit_to_box(digit.strokes, page.locator("#pad").bounding_box()))
    page.wait_for_selector(f'#result[data-state="done"][data-strokes="{len(digit.strokes)}"]')
    return page.get_attribute("#result", "data-digit")


def test_the_page_says_it_is_ready_offline_and_how_much_it_keeps(context, server, dist, seven):
    page = context.new_page()
    page.goto(server.url)
    assert wait_until_loaded(page) == "idle"
    state, text = offline_line(page)
    assert state == "ready" and text.startswith("Ready offline: this page works without a network.")
    kept = re.search(r" It keeps ([0-9]+\.[0-9]) MB in this browser\.", text)
    assert kept, text
    first_visit = sum(file["bytes"] for file in json.loads((dist / "build.json").read_text())["first_load"].values())
    assert float(kept[1]) >= round(first_visit / 1e6, 1)  # at least what the first visit fetched is kept
    wait_for_service_worker(page, seconds=10)
    server.stop()
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert offline_line(page)[0] == "ready"  # asked again: kept on the visit before
    assert reads(page, seven) == "7"


# The saved snapshot of Python: [its bytes as kept, the bytes of Python's memory and files it packs].
SNAPSHOT_SIZES = """async () => {
  const [name] = (await caches.keys()).filter((n) => n.includes("python snapshot"));
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  const [, descriptionLength] = new Uint32Array(bytes.buffer, 0, 2);
  const description = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + descriptionLength)));
  const files = description.files.reduce((sum, [, length]) => sum + length, 0);
  return [bytes.length, description.memory.length + files];
}"""


def test_the_snapshot_is_kept_packed_and_the_storage_line_counts_it(context, server, dist):
    page = context.new_page()
    page.goto(server.url)
    assert wait_until_loaded(page) == "idle"
    page.wait_for_selector('body[data-python-snapshot="saved"]', timeout=60_000)
    kept, plain = page.evaluate(SNAPSHOT_SIZES)
    assert kept < 0.4 * plain, (kept, plain)  # zeros and repeats packed away (about 12 of 41 MB)
    first_visit = sum(file["bytes"] for file in json.loads((dist / "build.json").read_text())["first_load"].values())
    for _ in range(100):  # the line is said again once the snapshot is saved
        said = re.search(r" It keeps ([0-9]+\.[0-9]) MB in this browser\.", offline_line(page)[1])
        if said and float(said[1]) >= round((first_visit + kept) / 1e6, 1):
            break
        page.wait_for_timeout(100)
    assert said and round((first_visit + kept) / 1e6, 1) <= float(said[1]) <= 25, offline_line(page)[1]


def test_a_host_that_unpacks_zst_files_on_the_way_still_gets_an_offline_copy(context, host, seven):
    page = context.new_page()
    page.goto(host(ZstdEncodingHost))
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert offline_line(page)[0] == "ready", page.inner_text("#offline")
    wait_for_service_worker(page, seconds=10)
    host.stop()
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert reads(page, seven) == "7"


def test_one_missing_network_costs_only_itself_offline(context, host, seven):
    page = context.new_page()
    page.goto(host(HostWithoutB4))
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    state, text = offline_line(page)
    assert state == "partial" and "except weights/B4.npz, which could not be kept" in text
    wait_for_service_worker(page, seconds=10)
    host.stop()
    page.reload()
    assert wait_until_loaded(page) == "idle", page.inner_text("#status")
    assert page.is_disabled('button[data-model="B4"]') and page.is_enabled('button[data-model="B1"]')
    assert reads(page, seven) == "7"
