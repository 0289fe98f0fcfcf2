"""pyodide-lock.json cut down to the wheels we ship: Pyodide's loadPackage reads it to find (and check) them."""

from __future__ import annotations

import hashlib

from builder.errors import BuildError


def wheel_name_and_version(file_name: str) -> tuple[str, str]:
    name, version = file_name.split("-")[:2]
    return name.lower().replace("_", "-"), version


def made_entry(file_name: str, data: bytes, depends: list[str]) -> dict:
    """The lock's entry for a wheel the build makes itself (the parts the page loads later), as Pyodide's own."""
    name, version = wheel_name_and_version(file_name)
    sha256 = hashlib.sha256(data).hexdigest()
    return {"name": name, "version": version, "file_name": file_name, "install_dir": "site", "sha256": sha256,
            "package_type": "package", "imports": [], "depends": depends, "unvendored_tests": False}  # fmt: skip


def page_lock(lock: dict, wheels: dict[str, bytes], made: tuple[dict, ...] = ()) -> dict:
    """Pyodide's package lock cut down to the wheels we ship, each entry naming our file and its sha256, and the
    entries `made` of the wheels the build makes."""
    packages = {entry["name"]: entry for entry in made}
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
