"""The page's ES modules: index.html preloads every module app.js imports, directly or through another, and no
other, so that the browser fetches them at once rather than as each import is found."""

from __future__ import annotations

import re

from files import SITE

IMPORT = re.compile(r'^import .* from "\./([\w-]+\.js)";$', re.MULTILINE)


def imported_by(module: str) -> set[str]:
    """Every page module `module` imports, directly or through another."""
    found, waiting = set(), [module]
    while waiting:
        for name in IMPORT.findall((SITE / waiting.pop()).read_text()):
            if name not in found:
                found.add(name)
                waiting.append(name)
    return found


def test_index_preloads_every_module_the_page_imports_and_no_other():
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', (SITE / "index.html").read_text())
    assert len(preloaded) == len(set(preloaded))
    assert set(preloaded) == imported_by("app.js") - {"app.js"}
    assert "worker.js" not in preloaded  # the worker's modules are the worker's own
