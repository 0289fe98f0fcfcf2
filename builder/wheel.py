"""Wheels the build makes (PEP 427, with zipfile): our recognizer package (site/py/recognizer), pure Python, and the
parts of NumPy and of the standard library that the page loads only when teaching first needs them."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

from builder.archives import add_member, record_hash
from builder.errors import BuildError
from files import RECOGNIZER, ROOT, shown

PURE = "py3-none-any"  # a wheel's tag for pure Python


def project_version_and_requirements() -> tuple[str, list[str]]:
    """Our package's version and dependencies, from pyproject.toml (their one source)."""
    try:
        about = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        return about["version"], about.get("dependencies", [])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise BuildError(f"pyproject.toml: no [project] version ({e})") from None


def wheel(
    name: str, version: str, files: dict[str, bytes], requires: list[str] = (), tag: str = PURE
) -> tuple[str, bytes]:
    """A wheel of `files` (path inside it -> bytes) with its METADATA, WHEEL and RECORD: (file name, bytes)."""
    info = f"{name}-{version}.dist-info"
    files = dict(files)
    metadata = ["Metadata-Version: 2.1", f"Name: {name.replace('_', '-')}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    pure = "true" if tag == PURE else "false"
    files[f"{info}/WHEEL"] = f"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: {pure}\nTag: {tag}\n".encode()
    record = [f"{path},{record_hash(data)},{len(data)}" for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            add_member(archive, path, data)
    return f"{name}-{version}-{tag}.whl", out.getvalue()


def recognizer_wheel(version: str, requires: list[str], source: Path = RECOGNIZER) -> tuple[str, bytes]:
    """A pure-Python wheel of site/py/recognizer: (file name, bytes)."""
    files = {f"recognizer/{p.name}": p.read_bytes() for p in sorted(source.glob("*.py"))}
    if "recognizer/__init__.py" not in files:
        raise BuildError(f"{shown(source)}: no __init__.py, not a package")
    return wheel("recognizer", version, files, requires)
