"""Page benchmark: headless Chromium on loopback, medians of several runs, beside the targets.

    .venv/bin/python bench/page.py [--runs 5]      (build dist/ first: python3 build.py)

First visit: a fresh profile, from navigation until #result leaves "loading" (Python, NumPy, our package and
the weights loaded). Repeat visit: the same profile after the service worker has cached the site, with the
server stopped. Vote: from the click until the answer is shown. Size: all of dist/.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from train.browser import DIST, FLAGS, Server, ensure_chromium, wait_until_loaded  # noqa: E402

VOTE_TIMING = """async () => {
  const result = document.querySelector('#result');
  const answered = new Promise((resolve) => new MutationObserver((_, observer) => {
    if (result.dataset.state === 'done') { observer.disconnect(); resolve(); }
  }).observe(result, { attributes: true }));
  result.dataset.state = 'idle';
  const start = performance.now();
  document.querySelector('#vote').click();
  await answered;
  await new Promise(requestAnimationFrame);  // until the answer is painted
  return performance.now() - start;
}"""


def visit_times(playwright, executable: str) -> tuple[float, float, list[float]]:
    """(first visit s, repeat offline visit s, vote ms list) with one fresh profile."""
    server = Server()
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=executable, args=FLAGS)
        page = context.new_page()
        began = time.perf_counter()
        page.goto(server.url)
        wait_until_loaded(page)
        first = time.perf_counter() - began
        for _ in range(200):
            if page.evaluate("() => navigator.serviceWorker.controller !== null"):
                break
            page.wait_for_timeout(50)
        box = page.locator("#pad").bounding_box()
        page.mouse.move(box["x"] + 140, box["y"] + 50)
        page.mouse.down()
        for y in range(50, 231, 10):
            page.mouse.move(box["x"] + 140 + (y - 50) / 6, box["y"] + y)
        page.mouse.up()
        votes = [page.evaluate(VOTE_TIMING) for _ in range(5)]
        server.stop()
        began = time.perf_counter()
        page.reload()
        state = wait_until_loaded(page)
        repeat = time.perf_counter() - began
        if state != "idle":
            raise RuntimeError(f"offline visit ended in state {state}: {page.inner_text('#status')}")
        context.close()
    return first, repeat, votes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (DIST / "build.json").exists():
        print("dist/ is not built: run python3 build.py first", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    firsts, repeats, votes = [], [], []
    with sync_playwright() as playwright:
        executable = ensure_chromium()
        for run in range(args.runs):
            first, repeat, vote = visit_times(playwright, executable)
            firsts.append(first)
            repeats.append(repeat)
            votes.extend(vote)
            print(
                f"run {run + 1}: first {first:.2f} s, repeat offline {repeat:.2f} s, "
                f"vote {statistics.median(vote):.1f} ms"
            )
    size = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file()) / 1e6
    print(f"first visit until ready:   median {statistics.median(firsts):.2f} s   (target <= 4.0 s)")
    print(f"repeat visit, offline:     median {statistics.median(repeats):.2f} s   (target <= 2.0 s)")
    print(f"Vote until answer shown:   median {statistics.median(votes):.1f} ms  (target <= 50 ms)")
    print(f"all of dist/:              {size:.1f} MB          (target <= 16 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
