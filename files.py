"""Where the project's files are, and the two careful ways we touch them: a hash check and an atomic write.

Standard library only, so that build.py (which needs nothing installed), training and evaluation share it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"  # the page, its worker and its service worker
RECOGNIZER = SITE / "py" / "recognizer"  # the Python the browser runs
WEIGHTS = SITE / "weights"  # the trained networks and models.json
REHEARSAL = SITE / "rehearsal.npz"  # MNIST digits the page rehearses while it learns a person's examples
PENDIGITS = ROOT / "pendigits" / "pendigits-orig.tra.gz"  # the 30 training writers' pen digits (UCI)
DIST = ROOT / "dist"  # the built site (made by build.py)
DOWNLOADS = ROOT / "downloads"  # pinned parts of the site, as fetched (made by build.py)
DATA = ROOT / "data"  # MNIST and derived training data (made by training)
CHECKPOINTS = ROOT / "checkpoints"  # interrupted training runs (made by training)
DOCS = ROOT / "docs"  # the report and its pictures


def shown(path: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check_hash(data: bytes, expected: str, what: str, error: type[Exception], algorithm: str = "sha256") -> bytes:
    """`data` if its hash is `expected`; else `error` with one line naming `what` and both hashes."""
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected:
        raise error(f"{what}: {algorithm} is {actual[:16]}..., expected {expected[:16]}... (corrupted or another file)")
    return data


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; it replaces `path` in one step only once the writing has
    succeeded, so a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
