"""Proof that a built site loads: Node loads it as the page's worker does (builder/prove-dist.mjs), served over
HTTP, and every network answers a drawing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from builder.errors import BuildError, first_error_line
from builder.server import serve_in_thread

NODE_PROGRAM = Path(__file__).with_name("prove-dist.mjs")


def prove(dist: Path) -> dict:
    """Load `dist` under Node as the page's worker does; returns the timings and answers, or stops the build."""
    if not shutil.which("node"):
        raise BuildError("--prove needs Node.js (node) to load dist/")
    httpd, base = serve_in_thread(dist)
    try:
        done = subprocess.run(["node", str(NODE_PROGRAM), str(dist), base], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise BuildError("proof: Node did not finish loading dist/ within 5 minutes") from None
    finally:
        httpd.shutdown()
        httpd.server_close()
    if done.returncode != 0:
        raise BuildError(f"proof: loading dist/ under Node failed: {first_error_line(done.stderr)}")
    return json.loads(done.stdout.strip().splitlines()[-1])
