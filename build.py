"""Build the static site into dist/: the page, Pyodide, NumPy, our recognizer package and the weights.

    python build.py                build dist/
    python build.py --serve        build, then serve dist/ on http://127.0.0.1:8000
    python build.py --prove        build, then prove under Node that dist/ loads: Pyodide loads NumPy and
                                   our wheel, every network answers a drawing, also
                                   after a restart from a snapshot of that Python
    python build.py --no-weights   build without site/weights/ (before the networks are trained)

Standard library only; npm fetches the parts from outside. Every such part is pinned (builder/pins.py:
name, version, sha256), cached in downloads/ and checked before use: a failed or tampered download stops the
build with one line saying which file and what is wrong. dist/ is replaced only by a complete build. The steps
are below; how each is done is in builder/, one module to a job.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from builder.archives import split_by_use, trimmed_numpy, trimmed_stdlib, with_bytecode
from builder.bytecode import compiled_by_pyodide
from builder.digits import FOLDER as DIGITS
from builder.digits import pack_digits
from builder.errors import BuildError, step
from builder.first_load import first_load
from builder.lock import made_entry, page_lock
from builder.pins import DECODER, PACKED, PINNED, PYODIDE_FILES, PYODIDE_VERSION, fetch, tarball_member
from builder.precache import SW_TEMPLATE, build_version, content_hash, content_hashes, service_worker, unpacked_hashes
from builder.prove import prove
from builder.runtime import hooked_runtime
from builder.server import serve
from builder.weights import copy_weights
from builder.wheel import project_version_and_requirements, recognizer_wheel, wheel
from builder.zstd import zstd, zstd_decoder
from files import DIST, DOWNLOADS, SITE

SIZE_BUDGET = 16_000_000  # bytes: all of dist/ but the digits for training in the page, fetched only on request


def size_summary(root: Path) -> int:
    """Print the biggest files and the total against the budget; returns the total in bytes."""
    sizes = sorted(
        ((p.stat().st_size, p.relative_to(root).as_posix()) for p in root.rglob("*") if p.is_file()), reverse=True
    )
    digits = sum(size for size, name in sizes if name.startswith(f"{DIGITS}/"))
    sizes = [(size, name) for size, name in sizes if not name.startswith(f"{DIGITS}/")]
    total = sum(size for size, _ in sizes)
    big = [(size, name) for size, name in sizes if size >= 100_000]
    for size, name in big:
        print(f"    {size / 1e6:6.2f} MB  {name}")
    rest = sizes[len(big) :]
    print(f"    {sum(s for s, _ in rest) / 1e6:6.2f} MB  {len(rest)} other files")
    print(f"    {total / 1e6:6.2f} MB  all of dist/ ({len(sizes)} files; budget {SIZE_BUDGET / 1e6:.0f} MB)")
    print(
        f"    {digits / 1e6:6.2f} MB  {DIGITS}/: MNIST and the pen digits for the page's sections, fetched when asked"
    )
    if total > SIZE_BUDGET:
        print(f"warning: dist/ is {(total - SIZE_BUDGET) / 1e6:.2f} MB over its budget", file=sys.stderr)
    return total


def build(dist: Path, downloads: Path, with_weights: bool = True) -> None:
    """Write the whole site into a fresh folder, then put it in place of `dist`."""
    downloads.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".dist-") as folder:
        out = Path(folder) / "dist"
        step("[1/9] the page: site/ (without py/, weights/ and digits/)")
        skip = shutil.ignore_patterns("py", "weights", DIGITS, SW_TEMPLATE.name, "sw.js", "__pycache__", ".*")  # ours
        shutil.copytree(SITE, out, ignore=skip)

        step(f"[2/9] Pyodide {PYODIDE_VERSION}: runtime (with the snapshot hook), trimmed standard library")
        pyodide = fetch("pyodide", downloads)
        runtime = {name: tarball_member(pyodide, name) for name in PYODIDE_FILES}
        runtime["pyodide.asm.js"] = hooked_runtime(runtime["pyodide.asm.js"].decode()).encode()
        pyodide_lock = json.loads(tarball_member(pyodide, "pyodide-lock.json"))
        (out / "pyodide").mkdir()
        for name, data in runtime.items():
            if name in PACKED:
                (out / "pyodide" / f"{name}.zst").write_bytes(zstd(data))
            else:
                (out / "pyodide" / name).write_bytes(data)
        decoder = fetch("zstddec", downloads)
        (out / "pyodide" / DECODER).write_bytes(zstd_decoder(decoder))
        (out / "zstddec-LICENSE.txt").write_bytes(tarball_member(decoder, "LICENSE"))  # zstd's and the package's
        stdlib = trimmed_stdlib(tarball_member(pyodide, "python_stdlib.zip"))

        step("[3/9] NumPy's wheel, trimmed")
        numpy_file = PINNED["numpy"].file
        wheels = {numpy_file: trimmed_numpy(fetch("numpy", downloads).read_bytes())}

        step("[4/9] our recognizer package as a wheel")
        wheel_name, ours = recognizer_wheel(*project_version_and_requirements())
        wheels[wheel_name] = ours

        if with_weights:
            step(f"[5/9] weights: {copy_weights(out / 'weights')} networks and models.json, hashes checked")
        else:
            step("[5/9] weights: left out (--no-weights)")

        step("[6/9] MNIST's digits in parts, for training in the page (fetched only when a visitor asks)")
        digits = pack_digits(fetch("mnist", downloads), out)

        step("[7/9] Python bytecode for what the page imports until it is ready, compiled by Pyodide's Python")
        weights = out / "weights" if with_weights else None
        bytecode, imported = compiled_by_pyodide(runtime, pyodide_lock, stdlib, wheels, wheel_name, weights)

        step("[8/9] the standard library and NumPy split: what the page imports until ready, and the rest for later")
        stdlib, stdlib_later = split_by_use(stdlib, imported["python_stdlib.zip"])
        (out / "pyodide" / "python_stdlib.zip").write_bytes(with_bytecode(stdlib, bytecode["python_stdlib.zip"]))
        numpy, numpy_later = split_by_use(wheels[numpy_file], imported[numpy_file])
        wheels[numpy_file] = numpy
        wheels = {name: with_bytecode(data, bytecode[name]) for name, data in wheels.items()}
        (out / "py").mkdir()
        (out / "py" / wheel_name).write_bytes(wheels.pop(wheel_name))
        numpy_version, numpy_tag = numpy_file.removesuffix(".whl").split("-", 2)[1:]
        numpy_later = wheel("numpy_later", numpy_version, numpy_later, [f"numpy=={numpy_version}"], numpy_tag)
        stdlib_later = wheel("stdlib_later", pyodide_lock["info"]["python"], stdlib_later)
        for file_name, data in [*wheels.items(), numpy_later, stdlib_later]:
            (out / "pyodide" / file_name).write_bytes(data)
        made = (made_entry(*numpy_later, ["numpy"]), made_entry(*stdlib_later, []))
        lock = page_lock(pyodide_lock, wheels, made)
        (out / "pyodide" / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))

        step("[9/9] build.json and the service worker's precache list")
        template = SW_TEMPLATE.read_text()
        hashes = content_hashes(out)
        # The digits are kept by the worker once a visitor asks for them (site/yours.js), not precached.
        on_request = {path: hashes.pop(path) for path in list(hashes) if path.startswith(f"{DIGITS}/")}
        version = build_version({**hashes, **on_request}, template)
        build_info = {
            "version": version,
            "recognizer_wheel": f"py/{wheel_name}",
            "pyodide_version": PYODIDE_VERSION,
            "first_load": first_load(out, {f"pyodide/{entry['file_name']}" for entry in made}),  # the progress bar's
            "later": [entry["name"] for entry in made],  # loaded at teaching's first need (site/load-python.js)
            "digits": digits,  # fetched when a visitor opens "Train your own" (builder/digits.py)
        }
        (out / "build.json").write_text(json.dumps(build_info, indent=1) + "\n")
        hashes["build.json"] = content_hash((out / "build.json").read_bytes())
        (out / "sw.js").write_text(service_worker(template, version, hashes, unpacked_hashes(out)))

        if dist.exists():
            shutil.rmtree(dist)
        shutil.move(out, dist)
    step(f"dist/ is version {version}:")
    size_summary(dist)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="serve dist/ on 127.0.0.1 after building")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--prove", action="store_true", help="after building, load dist/ under Node to prove it works")
    parser.add_argument("--no-weights", action="store_true", help="build without site/weights/ (for proofs only)")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        build(DIST, DOWNLOADS, with_weights=not args.no_weights)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
        if args.prove:
            step("proving dist/ under Node: Pyodide, NumPy, our wheel, the networks, a snapshot")
            result = prove(DIST)
            answers = ", ".join(f"{name} {digit}" for name, digit in result["answers"].items()) or "no weights"
            step(
                f"proved: Python started in {result['python']} s, NumPy and our wheel loaded by {result['numpy']} s, "
                f"the networks by {result['total']} s; "
                f"started again from a snapshot of it ({result['snapshot']} MB) in {result['restored']} s, "
                f"then loaded what learning imports and learned a correction in {result['later']} s; "
                f"answers to a drawn 7: {answers}"
            )
        if args.serve:
            serve(DIST, args.port)
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
