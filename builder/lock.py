"""pyodide-lock.json cut down to the wheels we ship: Pyodide's loadPackage reads it to find (and check) them."""

from __future__ import annotations

import hashlib

from builder.errors import BuildError


def wheel_name_and_version(file_name: str) -> tuple[str, str]:
    name, version = file_name.split("-")[:2]
    return name.lower().replace("_", "-"), version


def page_lock(lock: dict, wheels: dict[str, bytes]) -> dict:
    """Pyodide's package lock cut down to the wheels we ship, each entry naming our file and its sha256."""
    packages = {}
    for file_name, data in wheels.items():
        name, version = wheel_name_and_version(file_name)
        entry = lock["packages"].get(name)
        if entry is None:
            raise BuildError(f"pyodide-lock.json: has no entry for {name}")
        if entry["version"] != version:
            raise BuildError(f"pyodide-lock.json: names {name} {entry['version']}, but the build ships {version}")
        packages[name] = {**entry, "file_name": file_name, "sha256": hashlib.sha256(data).hexdigest()}
    for name, entry in packages.items():
        missing = [dep for dep in entry["depends"] if dep not in packages]
        if missing:
            raise BuildError(f"pyodide-lock.json: {name} needs {', '.join(missing)}, which the build does not ship")
    return {"info": lock["info"], "packages": packages}
