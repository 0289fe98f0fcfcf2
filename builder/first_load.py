"""What a first visit downloads before the page can read a drawing: every file of Pyodide's folder (the runtime,
its standard library, the package lock, NumPy's wheel) but the parts loaded later, our wheel, and the weights with
models.json. build.json lists them with their sizes and sha256, the one source of the page's "1.2 of 14.2 MB"
and of the worker's check of which runtime file arrived damaged."""

from __future__ import annotations

import hashlib
from pathlib import Path

FOLDERS = ("pyodide", "py", "weights")  # dist/'s folders whose every file the worker fetches on a first visit


def first_load(root: Path, leave_out: set[str] = frozenset()) -> dict[str, dict]:
    """Each file a first load fetches (its path under root) -> {"bytes": its size, "sha256": its full hash}; the
    paths of `leave_out` are fetched only later."""
    files = {}
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.relative_to(root).as_posix() not in leave_out:
                data = path.read_bytes()
                entry = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                files[path.relative_to(root).as_posix()] = entry
    return files
