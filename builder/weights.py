"""The trained networks and the check: models.json and every file it lists, each checked against its sha256."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builder.errors import BuildError
from files import WEIGHTS, check_hash, shown


def copy_weights(target: Path, weights: Path = WEIGHTS) -> int:
    """models.json and every file it lists, each checked against its sha256; returns how many networks it lists."""
    manifest_path = weights / "models.json"
    if not manifest_path.exists():
        raise BuildError(
            f"{shown(manifest_path)}: missing; train the networks (python -m train all) or use --no-weights"
        )
    try:
        manifest = json.loads(manifest_path.read_text())
        entries = manifest["models"] + ([manifest["check"]] if "check" in manifest else [])
        files = {entry["file"]: entry.get("sha256") for entry in entries}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise BuildError(f"{shown(manifest_path)}: not a list of models with their files ({e!r})") from None
    for file, sha256 in files.items():
        if not (weights / file).exists():
            raise BuildError(f"{shown(weights / file)}: missing, but models.json lists it")
        if sha256:
            what = f"{shown(weights / file)} (against models.json)"
            check_hash((weights / file).read_bytes(), sha256, what, BuildError)
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(weights / file, target / file)
    shutil.copy(manifest_path, target / "models.json")
    return len(manifest["models"])
