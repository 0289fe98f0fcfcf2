"""Run by compile-bytecode.mjs inside Pyodide, once the page's load sequence has imported all the page imports by
the time it is ready: writes, for each archive in the work folder, a zip "<archive>.pyc" of bytecode for each of
its modules that was imported, keyed by the module's path inside the archive, and "imported.json": for each
archive, the paths inside it of every module imported (bytecode or compiled library)."""

import importlib.util
import json
import os
import site
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

OPTIMIZE = 2  # as `python -OO`, which the page's Python runs as (load-python.js): no docstrings, no asserts


def compile_imported(work: str, cache_tag: str) -> None:
    # Raised, not asserted: this Python runs as `python -OO`, which drops asserts.
    if sys.implementation.cache_tag != cache_tag:
        raise RuntimeError(f"Pyodide's Python is {sys.implementation.cache_tag}, the build expects {cache_tag}")
    if sys.flags.optimize != OPTIMIZE:
        raise RuntimeError(f"Pyodide's Python runs at optimize {sys.flags.optimize}, the bytecode is for {OPTIMIZE}")
    imported = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    stdlib = next(path for path in sys.path if path.endswith(".zip"))
    site_packages = site.getsitepackages()[0]
    used = {}
    for name in sorted(os.listdir(work)):
        if not name.endswith((".zip", ".whl")):
            continue
        folder = stdlib if name == "python_stdlib.zip" else site_packages  # where Python imported it from
        used[name] = []
        with zipfile.ZipFile(f"{work}/{name}") as archive, zipfile.ZipFile(f"{work}/{name}.pyc", "w") as compiled:
            for path in archive.namelist():
                if f"{folder}/{path}" not in imported:
                    continue
                used[name].append(path)
                if path.endswith(".py"):
                    source = archive.read(path)
                    code = compile(source, f"{folder}/{path}", "exec", dont_inherit=True, optimize=OPTIMIZE)
                    pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
                    compiled.writestr(path, pyc)
    with open(f"{work}/imported.json", "w") as out:
        json.dump(used, out)
