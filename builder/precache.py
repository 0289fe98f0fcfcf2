"""The service worker's view of a build: every file of dist/ with its content hash (its precache list), and a
version that changes whenever any file does, so that a visitor's offline copy is replaced whole."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from builder.errors import BuildError
from builder.zstd import unzstd
from files import SITE

SW_TEMPLATE = SITE / "sw.template.js"  # sw.js without its version and precache list


def content_hash(data: bytes) -> str:
    """A file's hash as the precache list records it: the first 16 hex digits of its sha256."""
    return hashlib.sha256(data).hexdigest()[:16]


def content_hashes(root: Path) -> dict[str, str]:
    """Every file under root (its path relative to root) -> its content hash."""
    return {
        p.relative_to(root).as_posix(): content_hash(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()
    }


def unpacked_hashes(root: Path) -> dict[str, str]:
    """Every .zst file under root -> the content hash of what it unpacks to: a host that sends .zst files with
    "Content-Encoding: zstd" has the browser unpack them on the way, and the service worker then sees those bytes."""
    return {p.relative_to(root).as_posix(): content_hash(unzstd(p.read_bytes())) for p in sorted(root.rglob("*.zst"))}


def build_version(hashes: dict[str, str], template: str) -> str:
    """A short hash of every file and the service worker's code: any change gives a new version."""
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode() + template.encode()).hexdigest()[:12]


def service_worker(template: str, version: str, hashes: dict[str, str], unpacked: dict[str, str]) -> str:
    """sw.js: the template with the build's version, its precache list (path -> content hash) and the content
    hashes of the .gz files unpacked (path -> hash)."""
    for placeholder in ("__VERSION__", "__PRECACHE__", "__UNPACKED__"):
        if placeholder not in template:
            raise BuildError(f"{SW_TEMPLATE.name}: has no {placeholder}")
    filled = template.replace("__VERSION__", version).replace("__PRECACHE__", json.dumps(hashes, indent=2))
    return filled.replace("__UNPACKED__", json.dumps(unpacked, indent=2))
