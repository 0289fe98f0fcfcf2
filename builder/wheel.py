"""Our recognizer package (site/py/recognizer) as a pure-Python wheel, which Pyodide installs in the page."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

from builder.archives import add_member, record_hash
from builder.errors import BuildError
from files import RECOGNIZER, ROOT, shown


def project_version_and_requirements() -> tuple[str, list[str]]:
    """Our package's version and dependencies, from pyproject.toml (their one source)."""
    try:
        about = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        return about["version"], about.get("dependencies", [])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise BuildError(f"pyproject.toml: no [project] version ({e})") from None


def recognizer_wheel(version: str, requires: list[str], source: Path = RECOGNIZER) -> tuple[str, bytes]:
    """A pure-Python wheel of site/py/recognizer (PEP 427), made with zipfile: (file name, bytes)."""
    name = f"recognizer-{version}-py3-none-any.whl"
    info = f"recognizer-{version}.dist-info"
    files = {f"recognizer/{p.name}": p.read_bytes() for p in sorted(source.glob("*.py"))}
    if "recognizer/__init__.py" not in files:
        raise BuildError(f"{shown(source)}: no __init__.py, not a package")
    metadata = ["Metadata-Version: 2.1", "Name: recognizer", f"Version: {version}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{path},{record_hash(data)},{len(data)}" for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as wheel:
        for path, data in files.items():
            add_member(wheel, path, data)
    return name, out.getvalue()
