"""Zstandard at its highest level (zstd --ultra -22), for Pyodide's WebAssembly: 2.3 MB where gzip -9 makes
2.8 MB. The page decodes it with fzstd (builder/pins.py), in one go once it has arrived (site/unpack-wasm.js)."""

from __future__ import annotations

import shutil
import subprocess

from builder.errors import BuildError, first_error_line


def zstd(data: bytes) -> bytes:
    """data compressed by the zstd command (Debian's package zstd), the same bytes for the same input."""
    if not shutil.which("zstd"):
        raise BuildError("zstd is needed to compress Pyodide's WebAssembly (Debian: apt-get install zstd)")
    done = subprocess.run(["zstd", "--ultra", "-22", "-q", "-c", "-"], input=data, capture_output=True, timeout=600)
    if done.returncode != 0:
        raise BuildError(f"zstd failed: {first_error_line(done.stderr.decode(errors='replace'))}")
    return done.stdout
