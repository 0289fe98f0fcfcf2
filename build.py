"""Build the static site into dist/: the page, Pyodide, NumPy, our recognizer package and the weights.

    python build.py                build dist/
    python build.py --serve        build, then serve dist/ on http://127.0.0.1:8000
    python build.py --check        build, then prove under Node that dist/ loads: Pyodide imports NumPy,
                                   micropip installs our wheel, every network answers a drawing
    python build.py --no-weights   build without site/weights/ (before the networks are trained)

Standard library only; npm and pip fetch the parts from outside. Every such part is pinned in PINNED (one
table: name, version, sha256), cached in downloads/ and checked before use: a failed or tampered download
stops the build with one line saying which file and what is wrong. dist/ is replaced only by a complete build.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import hashlib
import http.server
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
DIST = ROOT / "dist"
DOWNLOADS = ROOT / "downloads"
SW_TEMPLATE = SITE / "sw.template.js"
SIZE_BUDGET = 16_000_000  # bytes: all of dist/
PYODIDE_VERSION = "0.29.5"


@dataclass(frozen=True)
class Pinned:
    """A file from outside: where it comes from, and the sha256 it must have."""

    source: str  # "npm", "pypi", or the key of the npm package that carries it under package/assets/
    name: str
    version: str
    file: str
    sha256: str


PINNED = {
    "pyodide": Pinned("npm", "pyodide", PYODIDE_VERSION, "pyodide-0.29.5.tgz",
                      "6749b10ee515a1458ecea36d860c8ce2a48366e85b3f92d749ad1840e4aff181"),
    # Carries Pyodide's own NumPy build (BSD-3) unchanged; that wheel is all we take from it.
    "numpy-carrier": Pinned("npm", "@bentopdf/pymupdf-wasm", "0.11.16", "bentopdf-pymupdf-wasm-0.11.16.tgz",
                            "cd093f8824761031cae51a5f4f7b47e34030e7a000e09030b7871a11a52e73a0"),
    "numpy": Pinned("numpy-carrier", "numpy", "2.2.5", "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl",
                    "125230b4c3ecd08803e5c43f1162e017c0718d9f253146225a705a952b9c16c2"),
    # The version Pyodide 0.29.5's lock names. It vendors `packaging` (its lock entry depends on nothing),
    # so no packaging wheel is shipped.
    "micropip": Pinned("pypi", "micropip", "0.11.1", "micropip-0.11.1-py3-none-any.whl",
                       "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3"),
}  # fmt: skip

# What loading needs from the pyodide package (checked by loading it: python build.py --check);
# python_stdlib.zip and pyodide-lock.json are written trimmed.
PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm")
# ... of which the WebAssembly is written gzipped (8.6 MB -> 2.8 MB); site/unpack-wasm.js unpacks it on load.
GZIPPED = ("pyodide.asm.wasm",)

# Parts of Python's standard library a page computing with NumPy never imports: the REPL, debuggers, test
# and profiling tools, mail and network protocols, processes, XML parsers, and all but the common text
# encodings. Leaving them out of python_stdlib.zip saves about 1 MB; --check runs the page's Python on the
# result. (micropip's email and asyncio, and the zipfile and tarfile that unpack wheels, all stay.)
STDLIB_UNUSED = (
    "_pyrepl/", "multiprocessing/", "unittest/", "xmlrpc/", "wsgiref/", "__phello__/", "xml/dom/", "xml/etree/",
    "xml/parsers/", "email/mime/", "http/server.py", "http/cookiejar.py", "http/cookies.py", "doctest.py", "pdb.py",
    "bdb.py", "pydoc.py", "_pyio.py", "_pydatetime.py", "pickletools.py", "mailbox.py", "imaplib.py", "smtplib.py",
    "ftplib.py", "poplib.py", "socketserver.py", "difflib.py", "statistics.py", "optparse.py", "configparser.py",
    "trace.py", "profile.py", "cProfile.py", "pstats.py", "timeit.py", "tracemalloc.py", "tabnanny.py", "pyclbr.py",
    "symtable.py", "modulefinder.py", "zipapp.py", "pty.py", "tty.py", "getpass.py", "cmd.py", "webbrowser.py",
    "antigravity.py", "this.py", "__hello__.py", "wave.py", "csv.py", "shelve.py", "sched.py", "netrc.py",
    "filecmp.py", "fileinput.py", "_android_support.py", "_ios_support.py", "_apple_support.py",
)  # fmt: skip
STDLIB_ENCODINGS = {
    "__init__", "aliases", "ascii", "latin_1", "utf_8", "utf_8_sig", "utf_16", "utf_16_le", "utf_16_be", "utf_32",
    "utf_32_le", "utf_32_be", "cp437", "cp1252", "idna", "punycode", "raw_unicode_escape", "unicode_escape",
    "charmap", "base64_codec", "hex_codec", "undefined",
}  # fmt: skip

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".gz": "application/gzip",  # sent as it is, unpacked by the page (no Content-Encoding)
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


class BuildError(Exception):
    """Something the build cannot go on without; the message is one line."""


def step(text: str) -> None:
    print(f"- {text}", flush=True)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shown(path: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- downloads: pinned, cached, checked --------------------------------------------------------------


def check_hash(data: bytes, expected: str, what: str) -> bytes:
    actual = sha256_of(data)
    if actual != expected:
        raise BuildError(
            f"{what}: sha256 is {actual[:16]}..., not the pinned {expected[:16]}... (corrupted or tampered)"
        )
    return data


def first_error_line(stderr: str) -> str:
    """The line of npm's or pip's error output that says what went wrong."""
    noise = ("npm error code", "npm error errno", "npm error syscall", "complete log", "npm warn", "WARNING")
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not any(n in line for n in noise)]
    return (lines or ["no output"])[0].removeprefix("npm error ").removeprefix("ERROR: ")[:200]


def pip_command() -> list[str]:
    if importlib.util.find_spec("pip"):
        return [sys.executable, "-m", "pip"]
    for name in ("pip3", "pip"):
        if shutil.which(name):
            return [name]
    raise BuildError("pip is needed to fetch micropip from PyPI (Debian: apt-get install python3-pip)")


def tarball_member(tarball: Path, name: str) -> bytes:
    """One file of an npm package's tarball, by its path inside the package."""
    try:
        with tarfile.open(tarball) as archive:
            return archive.extractfile(f"package/{name}").read()
    except (KeyError, AttributeError):
        raise BuildError(f"{tarball.name}: has no package/{name}") from None
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BuildError(f"{tarball.name}: unreadable archive ({e})") from None


def from_registry(pinned: Pinned, folder: Path) -> Path:
    """Ask npm or pip for the pinned file, into `folder`; returns where it landed."""
    if pinned.source == "npm":
        spec = f"{pinned.name}@{pinned.version}"
        if not shutil.which("npm"):
            raise BuildError(f"npm is needed to fetch {spec} (Debian: apt-get install npm)")
        command = ["npm", "pack", spec, "--silent"]
    else:
        spec = f"{pinned.name}=={pinned.version}"
        command = [*pip_command(), "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.13",
                   "--platform", "any", "--implementation", "py", "--dest", ".", "--quiet", spec]  # fmt: skip
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        raise BuildError(f"{spec}: download timed out after 15 minutes") from None
    if done.returncode != 0:
        raise BuildError(f"{spec}: download failed: {first_error_line(done.stderr)}")
    if not (folder / pinned.file).exists():
        got = ", ".join(p.name for p in folder.iterdir()) or "nothing"
        raise BuildError(f"{spec}: expected {pinned.file} from the registry, got {got}")
    return folder / pinned.file


def fetch(key: str, downloads: Path | None = None) -> Path:
    """The pinned file in downloads/, fetched first if absent; its sha256 is checked every time."""
    pinned = PINNED[key]
    downloads = downloads or DOWNLOADS
    path = downloads / pinned.file
    if path.exists():
        check_hash(path.read_bytes(), pinned.sha256, f"{shown(path)} (delete it to fetch it again)")
        return path
    downloads.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".fetching-") as folder:
        if pinned.source in ("npm", "pypi"):
            step(f"fetching {pinned.name} {pinned.version} from {pinned.source}")
            data = from_registry(pinned, Path(folder)).read_bytes()
            what = f"{pinned.file} as downloaded"
        else:
            carrier = fetch(pinned.source, downloads)
            step(f"taking {pinned.file} from {carrier.name}")
            data = tarball_member(carrier, f"assets/{pinned.file}")
            what = f"{pinned.file} in {carrier.name}"
        check_hash(data, pinned.sha256, what)
        # Only a checked file enters the cache, under its final name in one step.
        (Path(folder) / "checked").write_bytes(data)
        (Path(folder) / "checked").replace(path)
    return path


# --- what goes into dist/ ----------------------------------------------------------------------------


# Every member the build writes is deflated at the highest level (ZipFile's own level does not apply to
# members written from a ZipInfo, so it is given to each).
DEFLATED = {"compress_type": zipfile.ZIP_DEFLATED, "compresslevel": 9}


def add_member(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    """A new file in a zip we write, dated and permissioned alike every time: same contents, same bytes."""
    member = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
    member.external_attr = 0o644 << 16
    archive.writestr(member, data, **DEFLATED)


def redeflated(archive: bytes, keeps=lambda name: True) -> bytes:
    """The same zip with its members compressed (NumPy's are stored raw): identical contents, ~4x smaller;
    with `keeps`, only the members whose names it accepts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if keeps(info.filename):
                target.writestr(info, source.read(info), **DEFLATED)
    return out.getvalue()


def stdlib_keeps(name: str) -> bool:
    if name.startswith(STDLIB_UNUSED):
        return False
    if name.startswith("encodings/") and name.endswith(".py"):
        return name.removeprefix("encodings/").removesuffix(".py") in STDLIB_ENCODINGS
    return True


def trimmed_stdlib(stdlib_zip: bytes) -> bytes:
    """python_stdlib.zip without the modules of STDLIB_UNUSED and the rarer encodings."""
    return redeflated(stdlib_zip, stdlib_keeps)


# Python compiles every module it imports from its source unless bytecode lies beside it, and in the page
# that is every visit: about 0.4 s for NumPy, micropip and the parts of the standard library they import.
# So the build loads what the page loads into Pyodide's own CPython under Node (bytecode is particular to a
# Python version), installs our wheel with micropip and imports it, and compiles each module that was
# imported into an unchecked hash-based .pyc, which Python loads without reading the source again: right
# for files that never change. Modules the page never imports stay source only; every .py stays.
PYTHON_CACHE_TAG = "cpython-313"  # Pyodide 0.29's Python is 3.13
NODE_COMPILE = r"""
const [runtime, work, ours] = process.argv.slice(-3);
(async () => {
  const { loadPyodide } = require(`${runtime}/pyodide.js`);
  const pyodide = await loadPyodide({ indexURL: `${runtime}/` });
  await pyodide.loadPackage(["numpy", "micropip"], { messageCallback: () => {} });
  pyodide.FS.mkdir("/work");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
  await pyodide.runPythonAsync(`
import importlib.util, os, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc
import micropip
await micropip.install("emfs:/work/${ours}", deps=False)
import numpy, recognizer.app  # all that the page imports
assert sys.implementation.cache_tag == "${process.env.CACHE_TAG}", sys.implementation.cache_tag
imported = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
stdlib = next(path for path in sys.path if path.endswith(".zip"))
for name in sorted(os.listdir("/work")):
    folder = stdlib if name == "python_stdlib.zip" else os.path.dirname(os.path.dirname(micropip.__file__))
    with zipfile.ZipFile(f"/work/{name}") as archive, zipfile.ZipFile(f"/work/{name}.pyc", "w") as compiled:
        for path in archive.namelist():
            if f"{folder}/{path}" in imported and path.endswith(".py"):
                source = archive.read(path)
                code = compile(source, f"{folder}/{path}", "exec", dont_inherit=True)  # named as imported
                compiled.writestr(path, _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))
`);
})().catch((error) => {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
});
"""


def compiled_by_pyodide(
    runtime_files: dict[str, bytes], lock: dict, stdlib: bytes, wheels: dict[str, bytes], ours: str
) -> dict[str, dict[str, bytes]]:
    """For the standard library and each wheel, the bytecode of each module the page imports: {archive: {path of
    the .py: .pyc bytes}}, compiled by the Python of the pinned Pyodide (its PYODIDE_FILES and package lock)
    running under Node."""
    if not shutil.which("node"):
        raise BuildError("compiling Python to bytecode needs Node.js (node)")
    with tempfile.TemporaryDirectory(prefix="pyodide-") as folder:
        runtime, work = Path(folder) / "runtime", Path(folder) / "work"
        runtime.mkdir()
        work.mkdir()
        for name, data in runtime_files.items():
            (runtime / name).write_bytes(data)
        packages = {name: data for name, data in wheels.items() if name != ours}
        (runtime / "pyodide-lock.json").write_text(json.dumps(page_lock(lock, packages)))
        archives = {"python_stdlib.zip": stdlib, **wheels}
        for name, data in archives.items():
            (runtime / name).write_bytes(data)
            (work / name).write_bytes(data)
        environment = {**os.environ, "CACHE_TAG": PYTHON_CACHE_TAG}
        command = ["node", "-e", NODE_COMPILE, str(runtime), str(work), ours]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment)
        except subprocess.TimeoutExpired:
            raise BuildError("compiling Python to bytecode: Node did not finish within 5 minutes") from None
        if done.returncode != 0:
            raise BuildError(f"compiling Python to bytecode under Node failed: {first_error_line(done.stderr)}")
        compiled = {}
        for name in archives:
            with zipfile.ZipFile(work / f"{name}.pyc") as pycs:
                compiled[name] = {path: pycs.read(path) for path in pycs.namelist()}
        return compiled


def bytecode_path(source_path: str, beside: bool) -> str:
    """Where Python looks for a module's bytecode: beside it in a zip on sys.path (zipimport), else in
    __pycache__ ("numpy/linalg.py" -> "numpy/__pycache__/linalg.cpython-313.pyc")."""
    folder, _, file = source_path.rpartition("/")
    if beside:
        return source_path + "c"
    return f"{folder}/__pycache__/{file[:-3]}.{PYTHON_CACHE_TAG}.pyc".lstrip("/")


def with_bytecode(archive: bytes, bytecode: dict[str, bytes], beside: bool = False) -> bytes:
    """The archive with each .pyc added where Python looks for it; a wheel's RECORD lists them too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        added = {bytecode_path(path, beside): pyc for path, pyc in bytecode.items()}
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                data += "".join(f"{path},{record_hash(pyc)},{len(pyc)}\n" for path, pyc in added.items()).encode()
            target.writestr(info, data, **DEFLATED)
        for path, pyc in added.items():
            add_member(target, path, pyc)
    return out.getvalue()


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
        packages[name] = {**entry, "file_name": file_name, "sha256": sha256_of(data)}
    for name, entry in packages.items():
        missing = [dep for dep in entry["depends"] if dep not in packages]
        if missing:
            raise BuildError(f"pyodide-lock.json: {name} needs {', '.join(missing)}, which the build does not ship")
    return {"info": lock["info"], "packages": packages}


def record_hash(data: bytes) -> str:
    """A file's hash as a wheel's RECORD writes it (PEP 376/427)."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def recognizer_wheel(version: str, requires: list[str], source: Path = SITE / "py" / "recognizer") -> tuple[str, bytes]:
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


def project_version_and_requirements() -> tuple[str, list[str]]:
    """Our package's version and dependencies, from pyproject.toml (their one source)."""
    try:
        about = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        return about["version"], about.get("dependencies", [])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise BuildError(f"pyproject.toml: no [project] version ({e})") from None


def copy_weights(target: Path, weights: Path = SITE / "weights") -> int:
    """models.json and every file it lists, each checked against its sha256; returns how many networks."""
    manifest_path = weights / "models.json"
    if not manifest_path.exists():
        raise BuildError(
            f"{shown(manifest_path)}: missing; train the networks (python -m train all) or use --no-weights"
        )
    try:
        files = {entry["file"]: entry.get("sha256") for entry in json.loads(manifest_path.read_text())["models"]}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise BuildError(f"{shown(manifest_path)}: not a list of models with their files ({e!r})") from None
    for file, sha256 in files.items():
        if not (weights / file).exists():
            raise BuildError(f"{shown(weights / file)}: missing, but models.json lists it")
        if sha256:
            check_hash((weights / file).read_bytes(), sha256, f"{shown(weights / file)} (against models.json)")
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(weights / file, target / file)
    shutil.copy(manifest_path, target / "models.json")
    return len(files)


def content_hashes(root: Path) -> dict[str, str]:
    """Every file under root (its path relative to root) -> the first 16 hex digits of its sha256."""
    return {
        p.relative_to(root).as_posix(): sha256_of(p.read_bytes())[:16] for p in sorted(root.rglob("*")) if p.is_file()
    }


def build_version(hashes: dict[str, str], template: str) -> str:
    """A short hash of every file and the service worker's code: any change gives a new version."""
    return sha256_of(json.dumps(hashes, sort_keys=True).encode() + template.encode())[:12]


def service_worker(template: str, version: str, hashes: dict[str, str]) -> str:
    """sw.js: the template with the build's version and its precache list (path -> content hash)."""
    for placeholder in ("__VERSION__", "__PRECACHE__"):
        if placeholder not in template:
            raise BuildError(f"{SW_TEMPLATE.name}: has no {placeholder}")
    return template.replace("__VERSION__", version).replace("__PRECACHE__", json.dumps(hashes, indent=2))


def size_summary(root: Path) -> int:
    """Print the biggest files and the total against the budget; returns the total in bytes."""
    sizes = sorted(
        ((p.stat().st_size, p.relative_to(root).as_posix()) for p in root.rglob("*") if p.is_file()), reverse=True
    )
    total = sum(size for size, _ in sizes)
    big = [(size, name) for size, name in sizes if size >= 100_000]
    for size, name in big:
        print(f"    {size / 1e6:6.2f} MB  {name}")
    rest = sizes[len(big) :]
    print(f"    {sum(s for s, _ in rest) / 1e6:6.2f} MB  {len(rest)} other files")
    print(f"    {total / 1e6:6.2f} MB  all of dist/ ({len(sizes)} files; budget {SIZE_BUDGET / 1e6:.0f} MB)")
    if total > SIZE_BUDGET:
        print(f"warning: dist/ is {(total - SIZE_BUDGET) / 1e6:.2f} MB over its budget", file=sys.stderr)
    return total


def build(with_weights: bool = True) -> None:
    """Write the whole site into a fresh folder, then put it in place of dist/."""
    DOWNLOADS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DOWNLOADS, prefix=".dist-") as folder:
        out = Path(folder) / "dist"
        step("[1/7] the page: site/ (without py/ and weights/)")
        skip = shutil.ignore_patterns("py", "weights", SW_TEMPLATE.name, "sw.js", "__pycache__", ".*")  # sw.js: ours
        shutil.copytree(SITE, out, ignore=skip)

        step(f"[2/7] Pyodide {PYODIDE_VERSION}: runtime, trimmed standard library")
        pyodide = fetch("pyodide")
        runtime = {name: tarball_member(pyodide, name) for name in PYODIDE_FILES}
        pyodide_lock = json.loads(tarball_member(pyodide, "pyodide-lock.json"))
        (out / "pyodide").mkdir()
        for name, data in runtime.items():
            if name in GZIPPED:
                (out / "pyodide" / f"{name}.gz").write_bytes(gzip.compress(data, 9, mtime=0))
            else:
                (out / "pyodide" / name).write_bytes(data)
        stdlib = trimmed_stdlib(tarball_member(pyodide, "python_stdlib.zip"))

        step("[3/7] NumPy (re-deflated) and micropip wheels")
        wheels = {PINNED["numpy"].file: redeflated(fetch("numpy").read_bytes())}
        wheels[PINNED["micropip"].file] = fetch("micropip").read_bytes()

        step("[4/7] our recognizer package as a wheel")
        wheel_name, ours = recognizer_wheel(*project_version_and_requirements())
        wheels[wheel_name] = ours

        step("[5/7] Python bytecode for all of them, compiled by Pyodide's Python, and the package lock")
        bytecode = compiled_by_pyodide(runtime, pyodide_lock, stdlib, wheels, wheel_name)
        (out / "pyodide" / "python_stdlib.zip").write_bytes(with_bytecode(stdlib, bytecode["python_stdlib.zip"], True))
        wheels = {name: with_bytecode(data, bytecode[name]) for name, data in wheels.items()}
        (out / "py").mkdir()
        (out / "py" / wheel_name).write_bytes(wheels.pop(wheel_name))
        for file_name, data in wheels.items():
            (out / "pyodide" / file_name).write_bytes(data)
        (out / "pyodide" / "pyodide-lock.json").write_text(json.dumps(page_lock(pyodide_lock, wheels), indent=1))

        if with_weights:
            step(f"[6/7] weights: {copy_weights(out / 'weights')} networks and models.json, hashes checked")
        else:
            step("[6/7] weights: left out (--no-weights)")

        step("[7/7] build.json and the service worker's precache list")
        template = SW_TEMPLATE.read_text()
        hashes = content_hashes(out)
        version = build_version(hashes, template)
        build_info = {"version": version, "recognizer_wheel": f"py/{wheel_name}", "pyodide_version": PYODIDE_VERSION}
        (out / "build.json").write_text(json.dumps(build_info, indent=1) + "\n")
        hashes["build.json"] = sha256_of((out / "build.json").read_bytes())[:16]
        (out / "sw.js").write_text(service_worker(template, version, hashes))

        if DIST.exists():
            shutil.rmtree(DIST)
        shutil.move(out, DIST)
    step(f"dist/ is version {version}:")
    size_summary(DIST)


# --- serving and checking ------------------------------------------------------------------------------


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}


class QuietHandler(Handler):
    def log_message(self, *args) -> None:
        pass


def server(port: int, handler: type[Handler] = Handler) -> http.server.ThreadingHTTPServer:
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(DIST)))
    except OSError as e:
        raise BuildError(f"cannot serve on 127.0.0.1:{port} ({e.strerror}); try --port") from None


def serve(port: int) -> None:
    httpd = server(port)
    print(f"serving dist/ on http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


# Node loads dist/ the way the page's worker does: the runtime unpacked by site/unpack-wasm.js (from HTTP; Node's
# Pyodide reads the unpacked file from a folder), a snapshot of the started interpreter (made, then started
# from, as on a repeat visit), NumPy and micropip, our wheel with micropip, and the weights over HTTP. The
# drawing is a rough "7"; any answer will do: this proves loading.
NODE_CHECK = r"""
const fs = require("fs");
const [dist, base] = process.argv.slice(-2);
const seconds = (start) => +((performance.now() - start) / 1000).toFixed(2);
const indexURL = fs.mkdtempSync(`${require("os").tmpdir()}/pyodide-`) + "/";
(async () => {
  require("vm").runInThisContext(fs.readFileSync(`${dist}/unpack-wasm.js`, "utf8"));
  const wasm = await fetchUnpackingWasm(fetch)(base + "pyodide/pyodide.asm.wasm");
  fs.writeFileSync(indexURL + "pyodide.asm.wasm", new Uint8Array(await wasm.arrayBuffer()));
  for (const name of fs.readdirSync(`${dist}/pyodide`)) fs.symlinkSync(`${dist}/pyodide/${name}`, indexURL + name);
  const { loadPyodide } = require(`${dist}/pyodide/pyodide.js`);
  const fresh = await loadPyodide({ indexURL, _makeSnapshot: true });
  const snapshot = fresh.makeMemorySnapshot();
  const start = performance.now();
  const pyodide = await loadPyodide({ indexURL, _loadSnapshot: snapshot });
  const python = seconds(start);
  await pyodide.loadPackage(["numpy", "micropip"], { messageCallback: () => {} });
  pyodide.runPython("import numpy, micropip");  // loadPackage does not reject on a missing wheel
  const numpy = seconds(start);
  const build = await (await fetch(base + "build.json")).json();
  await pyodide.runPythonAsync(`await micropip.install(${JSON.stringify(base + build.recognizer_wheel)}, deps=False)`);
  pyodide.runPython("import recognizer.app");
  const models = await fetch(base + "weights/models.json");
  const answers = {};
  if (models.ok) {
    const manifest = await models.text();
    pyodide.FS.mkdirTree("/weights");
    pyodide.FS.writeFile("/weights/models.json", manifest);
    for (const { file } of JSON.parse(manifest).models) {
      const response = await fetch(base + "weights/" + file);
      pyodide.FS.writeFile("/weights/" + file, new Uint8Array(await response.arrayBuffer()));
    }
    const result = pyodide.runPython(`
import json
from recognizer import app
status = app.load("/weights")
broken = [f"{m['name']}: {m['reason']}" for m in status["models"] if not m["ok"]]
assert not broken, "; ".join(broken)
seven = [[[20, 20], [120, 20], [60, 160]], [[50, 90], [110, 90]]]
names = [m["name"] for m in status["models"]] + ["vote"]
json.dumps({name: app.recognize(name, seven)["digit"] for name in names})
`);
    Object.assign(answers, JSON.parse(result));
  }
  console.log(JSON.stringify({ python, numpy, total: seconds(start), answers }));
})().catch((error) => {
  console.error(String(error.message || error).trim().split("\n").pop());
  process.exitCode = 1;
}).finally(() => fs.rmSync(indexURL, { recursive: true, force: true }));
"""


def check() -> dict:
    """Load dist/ under Node as the page's worker does; returns the timings and answers, or stops the build."""
    if not shutil.which("node"):
        raise BuildError("--check needs Node.js (node) to load dist/")
    httpd = server(0, QuietHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        done = subprocess.run(["node", "-e", NODE_CHECK, str(DIST), base], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise BuildError("check: Node did not finish loading dist/ within 5 minutes") from None
    finally:
        httpd.shutdown()
        httpd.server_close()
    if done.returncode != 0:
        raise BuildError(f"check: loading dist/ under Node failed: {first_error_line(done.stderr)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="serve dist/ on 127.0.0.1 after building")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--check", action="store_true", help="after building, load dist/ under Node to prove it works")
    parser.add_argument("--no-weights", action="store_true", help="build without site/weights/ (for checks only)")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        build(with_weights=not args.no_weights)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
        if args.check:
            step("checking dist/ under Node: Pyodide, NumPy, micropip, our wheel, the networks")
            result = check()
            answers = ", ".join(f"{name} {digit}" for name, digit in result["answers"].items()) or "no weights"
            step(
                f"checked: Python ready after {result['python']} s (from a snapshot), NumPy {result['numpy']} s, "
                f"our wheel and the networks {result['total']} s; answers to a drawn 7: {answers}"
            )
        if args.serve:
            serve(args.port)
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
