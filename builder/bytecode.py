"""Bytecode for every module the page imports by the time it is ready, compiled by Pyodide's own Python, and the
list of those modules.

Python compiles every module it imports from its source unless bytecode is there instead, and in the page that
would be every visit: about 0.4 s for NumPy, our package and the parts of the standard library they import. So
the build loads what the page loads into Pyodide's CPython under Node (bytecode is particular to a Python
version), with the page's own load sequence (site/load-python.js) and weights, has every network answer a
drawing, and compiles each module that was imported into a .pyc, which ships in place of its source
(builder/archives.py, with_bytecode): fewer bytes to download, nothing to compile. The same list splits each
archive (archives.split_by_use): the modules imported come first, the others later, as source.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from builder.archives import PYTHON_CACHE_TAG
from builder.errors import BuildError, first_error_line
from builder.lock import page_lock
from files import SITE

NODE_PROGRAM = Path(__file__).with_name("compile-bytecode.mjs")  # runs compile_bytecode.py beside it


def compiled_by_pyodide(
    runtime_files: dict[str, bytes],
    lock: dict,
    stdlib: bytes,
    wheels: dict[str, bytes],
    ours: str,
    weights: Path | None = None,
) -> tuple[dict[str, dict[str, bytes]], dict[str, set[str]]]:
    """For the standard library and each wheel, (the bytecode of each module the page imports by the time it is
    ready: {archive: {path of the .py: .pyc bytes}}; every module imported: {archive: {path}}), from the Python
    of the pinned Pyodide (its PYODIDE_FILES and package lock) running under Node, with the networks of the
    folder `weights` when given."""
    if not shutil.which("node"):
        raise BuildError("compiling Python to bytecode needs Node.js (node)")
    with tempfile.TemporaryDirectory(prefix="pyodide-") as folder:
        runtime, work = Path(folder) / "runtime", Path(folder) / "work"
        runtime.mkdir()
        work.mkdir()
        for name, data in runtime_files.items():
            (runtime / name).write_bytes(data)
        packages = {name: data for name, data in wheels.items() if name != ours}
        (runtime / "pyodide-lock.json").write_text(json.dumps(page_lock(lock, packages)))
        archives = {"python_stdlib.zip": stdlib, **wheels}
        for name, data in archives.items():
            (runtime / name).write_bytes(data)
            (work / name).write_bytes(data)
        command = ["node", str(NODE_PROGRAM), str(SITE), str(runtime), str(work), ours, PYTHON_CACHE_TAG]
        command += [str(weights)] if weights else []
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise BuildError("compiling Python to bytecode: Node did not finish within 5 minutes") from None
        if done.returncode != 0:
            raise BuildError(f"compiling Python to bytecode under Node failed: {first_error_line(done.stderr)}")
        compiled = {}
        for name in archives:
            with zipfile.ZipFile(work / f"{name}.pyc") as pycs:
                compiled[name] = {path: pycs.read(path) for path in pycs.namelist()}
        imported = {name: set(paths) for name, paths in json.loads((work / "imported.json").read_text()).items()}
        return compiled, imported
