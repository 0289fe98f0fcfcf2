"""Zstandard at its highest level (zstd --ultra -22), for Pyodide's WebAssembly: 2.3 MB where gzip -9 makes
2.8 MB; and the decoder the page unpacks it with once it has arrived (site/unpack-wasm.js): zstd's own, built to
WebAssembly, 54 KB, as the pinned npm package zstddec carries it (builder/pins.py)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

from builder.errors import BuildError, first_error_line
from builder.pins import tarball_member


def run_zstd(options: list[str], data: bytes) -> bytes:
    """The zstd command (Debian's package zstd) run on data, from standard input to standard output."""
    if not shutil.which("zstd"):
        raise BuildError("zstd is needed to compress Pyodide's WebAssembly (Debian: apt-get install zstd)")
    done = subprocess.run(["zstd", "-q", "-c", *options, "-"], input=data, capture_output=True, timeout=600)
    if done.returncode != 0:
        raise BuildError(f"zstd failed: {first_error_line(done.stderr.decode(errors='replace'))}")
    return done.stdout


def zstd(data: bytes) -> bytes:
    """data compressed at zstd's highest level, the same bytes for the same input."""
    # Told the size (it reads a pipe), zstd writes it into the frame, which the page's decoder needs. The window is
    # held to 8 MiB (not level 22's 128, 1 byte more), as browsers allow a host's "Content-Encoding: zstd".
    return run_zstd(["--ultra", "-22", "--zstd=wlog=23", f"--stream-size={len(data)}"], data)


def unzstd(data: bytes) -> bytes:
    return run_zstd(["-d"], data)


def zstd_decoder(tarball: Path) -> bytes:
    """zstd's decoder built to WebAssembly, taken out of zstddec's JavaScript (where it is written in base64)."""
    source = tarball_member(tarball, "dist/zstddec.mjs").decode()
    found = re.search(r'const wasm = "([A-Za-z0-9+/=]+)"', source)
    wasm = base64.b64decode(found[1]) if found else b""
    if wasm[:4] != b"\0asm":
        raise BuildError(f"{tarball.name}: no WebAssembly found in dist/zstddec.mjs")
    return wasm
