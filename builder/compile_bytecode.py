"""Run by compile-bytecode.mjs inside Pyodide, once the page's load sequence has imported all the page imports:
writes, for each archive in the work folder, a zip "<archive>.pyc" of bytecode for each of its modules that was
imported, keyed by the module's path inside the archive."""

import importlib.util
import os
import site
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc


def compile_imported(work: str, cache_tag: str) -> None:
    assert sys.implementation.cache_tag == cache_tag, sys.implementation.cache_tag
    imported = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    stdlib = next(path for path in sys.path if path.endswith(".zip"))
    site_packages = site.getsitepackages()[0]
    for name in sorted(os.listdir(work)):
        folder = stdlib if name == "python_stdlib.zip" else site_packages  # where Python imported it from
        with zipfile.ZipFile(f"{work}/{name}") as archive, zipfile.ZipFile(f"{work}/{name}.pyc", "w") as compiled:
            for path in archive.namelist():
                if f"{folder}/{path}" in imported and path.endswith(".py"):
                    source = archive.read(path)
                    code = compile(source, f"{folder}/{path}", "exec", dont_inherit=True)  # named as imported
                    pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
                    compiled.writestr(path, pyc)
