"""The build's pieces (builder/): downloads are checked, wheels are valid, the service worker covers every file of
dist/, the server sends the right types; and build.py's command stops with one line."""

from __future__ import annotations

import ast
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import build
from builder import archives, first_load, lock, pins, precache, runtime, server, weights
from builder.errors import BuildError
from builder.wheel import recognizer_wheel, wheel
from builder.zstd import unzstd, zstd
from files import DIST, RECOGNIZER, check_hash

NPM_404 = """npm warn Unknown user config "nodedir".
npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/pyodide - Not found
npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log
"""


def fake_npm(folder: Path, script: str) -> None:
    """An `npm` on PATH that runs `script` (sh) instead of asking the registry."""
    folder.mkdir()
    npm = folder / "npm"
    npm.write_text(f"#!/bin/sh\n{script}\n")
    npm.chmod(0o755)


# --- downloads ---------------------------------------------------------------------------------------


def test_a_tampered_cached_download_stops_with_one_line(tmp_path):
    (tmp_path / "pyodide-0.29.5.tgz").write_bytes(b"not the real thing")
    with pytest.raises(BuildError) as error:
        pins.fetch("pyodide", tmp_path)
    message = str(error.value)
    assert "pyodide-0.29.5.tgz" in message and "sha256 is" in message and "delete it" in message
    assert "\n" not in message


def test_a_tampered_registry_download_is_refused_and_not_cached(tmp_path, monkeypatch):
    fake_npm(tmp_path / "bin", 'echo "evil" > pyodide-0.29.5.tgz')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    downloads = tmp_path / "downloads"
    pinned = pins.PINNED["pyodide"].sha256[:16]
    with pytest.raises(
        BuildError, match=rf"^pyodide-0\.29\.5\.tgz as downloaded: sha256 is \w{{16}}\.\.\., expected {pinned}"
    ):
        pins.fetch("pyodide", downloads)
    assert list(downloads.iterdir()) == []  # nothing half-checked stays in the cache


def test_a_failed_registry_download_says_what_the_registry_said(tmp_path, monkeypatch):
    fake_npm(tmp_path / "bin", f"cat >&2 <<'EOF'\n{NPM_404}EOF\nexit 1")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BuildError) as error:
        pins.fetch("pyodide", tmp_path / "downloads")
    assert str(error.value) == (
        "pyodide@0.29.5: download failed: 404 Not Found - GET https://registry.npmjs.org/pyodide - Not found"
    )


def test_the_command_prints_one_line_without_a_traceback_and_keeps_the_old_dist(tmp_path, monkeypatch, capsys):
    downloads, dist = tmp_path / "downloads", tmp_path / "dist"
    downloads.mkdir()
    dist.mkdir()
    (dist / "index.html").write_text("the previous build")
    (downloads / "pyodide-0.29.5.tgz").write_bytes(b"tampered")
    monkeypatch.setattr(build, "DOWNLOADS", downloads)  # the folders build.py's command builds with
    monkeypatch.setattr(build, "DIST", dist)
    monkeypatch.setattr(sys, "argv", ["build.py"])
    assert build.main() == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("build failed: ") and "pyodide-0.29.5.tgz" in errors[0]
    assert (dist / "index.html").read_text() == "the previous build"


def test_the_pins_are_one_table_of_full_sha256_hashes():
    for pinned in pins.PINNED.values():
        assert len(pinned.sha256) == 64 and int(pinned.sha256, 16) >= 0
        assert pinned.source in ("npm", "pypi") or pinned.source in pins.PINNED
    assert pins.PINNED["numpy"].sha256 == "125230b4c3ecd08803e5c43f1162e017c0718d9f253146225a705a952b9c16c2"


# --- wheels and the lock --------------------------------------------------------------------------------


def test_the_recognizer_wheel_is_a_valid_wheel_of_the_package(tmp_path):
    name, data = recognizer_wheel("0.1.0", ["numpy>=2.0"])
    assert name == "recognizer-0.1.0-py3-none-any.whl"
    sources = sorted(RECOGNIZER.glob("*.py"))
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        assert wheel.testzip() is None
        for source in sources:
            assert wheel.read(f"recognizer/{source.name}") == source.read_bytes()
        assert "Requires-Dist: numpy>=2.0" in wheel.read("recognizer-0.1.0.dist-info/METADATA").decode()
        record = wheel.read("recognizer-0.1.0.dist-info/RECORD").decode().splitlines()
        assert sorted(line.split(",")[0] for line in record) == sorted(wheel.namelist())
        for line in record:
            path, digest, size = line.split(",")
            if path.endswith("RECORD"):
                assert digest == size == ""
                continue
            content = wheel.read(path)
            assert (int(size), digest) == (len(content), archives.record_hash(content))
    # pip itself installs it, offline, and the installed package is our code
    (tmp_path / name).write_bytes(data)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", "installed"]
    subprocess.run([*pip, name], cwd=tmp_path, check=True, capture_output=True)
    for source in sources:
        assert (tmp_path / "installed" / "recognizer" / source.name).read_bytes() == source.read_bytes()


def test_the_recognizer_wheel_depends_only_on_its_sources(monkeypatch):
    now = recognizer_wheel("0.1.0", [])
    later = time.time() + 86_400 * 400  # a clock over a year on: a wheel dated by the clock would differ
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda seconds=None: time.gmtime(later if seconds is None else seconds))
    assert recognizer_wheel("0.1.0", []) == now
    with zipfile.ZipFile(io.BytesIO(now[1])) as made:
        assert {member.date_time for member in made.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def make_stored_wheel() -> bytes:
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("numpy/__init__.py", "x = 1\n" * 1000)
        z.writestr("numpy/_core/_multiarray_umath.so", bytes(range(256)) * 100)
        z.writestr("numpy-2.2.5.dist-info/RECORD", "numpy/__init__.py,,\n")
    return stored.getvalue()


def assert_same_members(original: bytes, redeflated: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(redeflated)) as new, zipfile.ZipFile(io.BytesIO(original)) as old:
        assert [i.filename for i in new.infolist()] == [i.filename for i in old.infolist()]
        for before, after in zip(old.infolist(), new.infolist(), strict=True):
            assert new.read(after) == old.read(before)
            assert (after.date_time, after.external_attr) == (before.date_time, before.external_attr)
            assert after.compress_type == zipfile.ZIP_DEFLATED


def test_redeflating_keeps_every_member_identical_and_shrinks_the_wheel():
    stored = make_stored_wheel()
    smaller = archives.redeflated(stored)
    assert len(smaller) < len(stored) / 5
    assert_same_members(stored, smaller)


def test_the_real_numpy_wheel_keeps_its_contents_when_redeflated():
    cached = pins.DOWNLOADS / pins.PINNED["numpy"].file
    if not cached.exists():
        pytest.skip("the NumPy wheel is not in downloads/ yet (python build.py fetches it)")
    original = check_hash(cached.read_bytes(), pins.PINNED["numpy"].sha256, cached.name, BuildError)
    smaller = archives.redeflated(original)
    assert len(smaller) < len(original) / 3
    assert_same_members(original, smaller)


LOCK = {
    "info": {"python": "3.13.2"},
    "packages": {
        "numpy": {"name": "numpy", "version": "2.2.5", "file_name": "old.whl", "sha256": "0", "depends": []},
        "micropip": {"name": "micropip", "version": "0.11.1", "file_name": "m.whl", "sha256": "1", "depends": []},
        "scipy": {"name": "scipy", "version": "1.14.1", "file_name": "s.whl", "sha256": "2", "depends": ["numpy"]},
    },
}


def test_bytecode_takes_the_place_of_its_source_and_record_lists_it():
    _, wheel = recognizer_wheel("0.1.0", [])
    pyc = {"recognizer/app.py": b"compiled app", "recognizer/chart.py": b"compiled chart"}
    added = archives.with_bytecode(wheel, pyc)
    with zipfile.ZipFile(io.BytesIO(wheel)) as before, zipfile.ZipFile(io.BytesIO(added)) as after:
        assert after.testzip() is None
        for member in before.namelist():
            if member in pyc:
                assert member not in after.namelist()  # where the bytecode is, Python looks no further
                assert after.read(member + "c") == pyc[member]
            elif not member.endswith("RECORD"):
                assert after.read(member) == before.read(member)
        record = after.read("recognizer-0.1.0.dist-info/RECORD").decode().splitlines()
        assert sorted(line.split(",")[0] for line in record) == sorted(after.namelist())
        assert f"recognizer/chart.pyc,{archives.record_hash(b'compiled chart')},14" in record


def a_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return out.getvalue()


def test_an_archive_splits_into_the_modules_imported_and_the_rest_for_later():
    members = {"numpy/__init__.py": b"i", "numpy/_core/umath.so": b"u", "numpy/random/__init__.py": b"r",
               "numpy/random/_pcg64.so": b"p", "numpy/random/LICENSE.md": b"l",
               "numpy-2.2.5.dist-info/WHEEL": b"w"}  # fmt: skip
    members["numpy-2.2.5.dist-info/RECORD"] = "".join(f"{path},sha256=x,1\n" for path in members).encode()
    now, later = archives.split_by_use(a_zip(members), {"numpy/__init__.py", "numpy/_core/umath.so"})
    assert later == {"numpy/random/__init__.py": b"r", "numpy/random/_pcg64.so": b"p"}  # modules, as they were
    with zipfile.ZipFile(io.BytesIO(now)) as kept:
        assert kept.testzip() is None
        # what was imported, and every member that is not a module (data, licences, metadata)
        assert set(kept.namelist()) == set(members) - set(later)
        assert all(kept.read(path) == members[path] for path in kept.namelist() if not path.endswith("RECORD"))
        record = [line.split(",")[0] for line in kept.read("numpy-2.2.5.dist-info/RECORD").decode().splitlines()]
        assert sorted(record) == sorted(set(members) - set(later) - {"numpy-2.2.5.dist-info/RECORD"})


def test_the_later_parts_are_wheels_pyodide_installs_by_their_lock_entries(tmp_path):
    name, data = wheel("numpy_later", "2.2.5", {"numpy/random/__init__.py": b"r"}, ["numpy==2.2.5"],
                       "cp313-cp313-pyodide_2025_0_wasm32")  # fmt: skip
    assert name == "numpy_later-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("numpy/random/__init__.py") == b"r"
        # Pyodide finds the .dist-info named as the file is, and marks the wheel installed there
        about = archive.read("numpy_later-2.2.5.dist-info/WHEEL").decode()
        assert "Root-Is-Purelib: false" in about and "Tag: cp313-cp313-pyodide_2025_0_wasm32" in about
        assert "Requires-Dist: numpy==2.2.5" in archive.read("numpy_later-2.2.5.dist-info/METADATA").decode()
    entry = lock.made_entry(name, data, ["numpy"])
    assert (entry["name"], entry["version"], entry["file_name"]) == ("numpy-later", "2.2.5", name)
    assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["depends"] == ["numpy"]
    page = lock.page_lock(LOCK, {"numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl": b"abc"}, (entry,))
    assert sorted(page["packages"]) == ["numpy", "numpy-later"] and page["packages"]["numpy-later"] == entry
    with pytest.raises(BuildError, match="numpy-later needs numpy"):
        lock.page_lock(LOCK, {}, (entry,))


def test_the_built_dist_leaves_numpy_random_and_unused_modules_for_later():
    dist = DIST
    if not (dist / "build.json").exists():
        pytest.skip("dist/ is not built (python build.py)")
    build_info = json.loads((dist / "build.json").read_text())
    packages = json.loads((dist / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    assert build_info["later"] == ["numpy-later", "stdlib-later"]
    for name in build_info["later"]:
        path = f"pyodide/{packages[name]['file_name']}"
        assert path not in build_info["first_load"]  # not waited for
        assert hashlib.sha256((dist / path).read_bytes()).hexdigest() == packages[name]["sha256"]
    with zipfile.ZipFile(dist / "pyodide" / pins.PINNED["numpy"].file) as now:
        names = set(now.namelist())
        assert "numpy/_core/_multiarray_umath.cpython-313-wasm32-emscripten.so" in names
        modules = [name for name in names if name.endswith((".py", ".pyc", ".so"))]
        assert not any(name.startswith(("numpy/random/", "numpy/fft/")) for name in modules)
    with zipfile.ZipFile(dist / "pyodide" / packages["numpy-later"]["file_name"]) as later:
        assert "numpy/random/_generator.cpython-313-wasm32-emscripten.so" in later.namelist()
    with zipfile.ZipFile(dist / "pyodide" / "python_stdlib.zip") as now:
        assert "json/__init__.pyc" in now.namelist() and "secrets.py" not in now.namelist()
    with zipfile.ZipFile(dist / "pyodide" / packages["stdlib-later"]["file_name"]) as later:
        assert "secrets.py" in later.namelist()  # numpy.random imports it


def test_numpy_is_trimmed_of_what_only_building_against_it_needs():
    for name in ("numpy/f2py/__init__.py", "numpy/_core/include/numpy/ndarrayobject.h", "numpy/__init__.pyi"):
        assert not archives.numpy_keeps(name)
    for name in ("numpy/__init__.py", "numpy/linalg/_umath_linalg.cpython-313-wasm32-emscripten.so",
                 "numpy/random/LICENSE.md", "numpy-2.2.5.dist-info/LICENSE.txt"):  # fmt: skip
        assert archives.numpy_keeps(name)


def test_the_built_dist_ships_bytecode_for_python_3_13_and_the_runtime_as_zstandard():
    dist = DIST
    if not (dist / "build.json").exists():
        pytest.skip("dist/ is not built (python build.py)")
    packed = (dist / "pyodide" / "pyodide.asm.wasm.zst").read_bytes()
    assert unzstd(packed)[:4] == b"\0asm"
    assert (dist / "pyodide" / "zstddec.wasm").read_bytes()[:4] == b"\0asm"  # the decoder, from the pinned package
    assert not (dist / "pyodide" / "pyodide.asm.wasm").exists()
    numpy = dist / "pyodide" / pins.PINNED["numpy"].file
    with zipfile.ZipFile(numpy) as wheel:
        names = set(wheel.namelist())
        pycs = [name for name in names if name.endswith(".pyc")]
        assert "numpy/__init__.pyc" in pycs and "numpy/__init__.py" not in names
        for name in pycs:
            header = wheel.read(name)[:8]
            # CPython 3.13's magic number, then flags 1: hash-based, never checked against a source
            assert header[:4] == (3571).to_bytes(2, "little") + b"\r\n" and header[4:8] == (1).to_bytes(4, "little")
            assert name[:-1] not in names  # in place of its source


# --- the runtime's snapshot hook ----------------------------------------------------------------------------

FAKE_RUNTIME = (
    "var loadWebAssemblyModule=(binary,flags,libName)=>{var memoryBase=getMemory(64);"
    "var tableBase=metadata.tableSize?wasmTable.length:0;};API.restoreSnapshot=function(t){copy(t)};"
)


def test_the_hook_goes_in_at_each_anchor():
    hooked = runtime.hooked_runtime(FAKE_RUNTIME, hook="/* hook */")
    assert "Module.dynlibs.memoryFor(libName,64)" in hooked and "getMemory(" not in hooked
    assert "var tableBase=metadata.tableSize?wasmTable.length:0;Module.dynlibs.tableFor(" in hooked
    # the hook is put in before restoreSnapshot, which replays the libraries before copying the memory in
    assert "/* hook */\nAPI.restoreSnapshot=function(t){if(API.config._dynlibs)Module.dynlibs.replay();" in hooked


@pytest.mark.parametrize("changed", [FAKE_RUNTIME.replace("getMemory(", "getMem("), FAKE_RUNTIME * 2])
def test_another_runtime_stops_the_build_with_one_line(changed):
    with pytest.raises(BuildError, match=r"^pyodide.asm.js: '[^']+' occurs [02] times, not once") as error:
        runtime.hooked_runtime(changed, hook="")
    assert "\n" not in str(error.value)


def test_the_pinned_runtime_takes_the_hook():
    pyodide = pins.DOWNLOADS / pins.PINNED["pyodide"].file
    if not pyodide.exists():
        pytest.skip("the pinned Pyodide is not downloaded (python build.py fetches it)")
    original = pins.tarball_member(pyodide, "pyodide.asm.js").decode()
    hooked = runtime.hooked_runtime(original)
    assert runtime.HOOK.read_text() in hooked and len(hooked) > len(original)


def test_the_lock_names_only_our_wheels_with_their_hashes():
    page = lock.page_lock(LOCK, {"numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl": b"abc"})
    assert page["info"] == LOCK["info"] and list(page["packages"]) == ["numpy"]
    numpy = page["packages"]["numpy"]
    assert numpy["file_name"] == "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl"
    assert numpy["sha256"] == hashlib.sha256(b"abc").hexdigest()


def test_the_lock_refuses_a_wrong_version_or_a_missing_dependency():
    with pytest.raises(BuildError, match="names numpy 2.2.5, but the build ships 2.3.0"):
        lock.page_lock(LOCK, {"numpy-2.3.0-cp313-cp313-pyodide_2025_0_wasm32.whl": b""})
    with pytest.raises(BuildError, match="scipy needs numpy"):
        lock.page_lock(LOCK, {"scipy-1.14.1-cp313-cp313-pyodide_2025_0_wasm32.whl": b""})


# --- the standard library we ship --------------------------------------------------------------------


def stdlib_imports(folder: Path) -> set[str]:
    """The standard-library modules the files in `folder` import, as dotted names."""
    names = set()
    for source in folder.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return {name for name in names if name.split(".")[0] in sys.stdlib_module_names}


def test_the_trimmed_stdlib_keeps_what_the_page_imports():
    imported = stdlib_imports(RECOGNIZER)
    assert {"json", "dataclasses"} <= imported  # the parser finds the imports
    # ours, and what Pyodide's package loader imports
    for name in imported | {"asyncio", "email.parser", "zipfile", "importlib.metadata", "tarfile"}:
        path = name.replace(".", "/")
        assert archives.stdlib_keeps(f"{path}.py") or archives.stdlib_keeps(f"{path}/__init__.py"), name
    for encoding in ("utf_8", "cp437", "latin_1", "ascii"):
        assert archives.stdlib_keeps(f"encodings/{encoding}.py")


def test_the_trimmed_stdlib_leaves_out_the_unused_parts():
    for name in ("unittest/case.py", "multiprocessing/pool.py", "_pyrepl/main.py", "pdb.py", "encodings/cp1250.py"):
        assert not archives.stdlib_keeps(name)
    stdlib = io.BytesIO()
    with zipfile.ZipFile(stdlib, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("json/__init__.py", "unittest/__init__.py", "encodings/utf_8.py", "encodings/koi8_r.py"):
            z.writestr(name, f"# {name}\n")
    with zipfile.ZipFile(io.BytesIO(archives.trimmed_stdlib(stdlib.getvalue()))) as trimmed:
        assert trimmed.namelist() == ["json/__init__.py", "encodings/utf_8.py"]
        assert trimmed.read("json/__init__.py") == b"# json/__init__.py\n"


# --- weights ---------------------------------------------------------------------------------------------


def test_missing_weights_stop_the_build_with_one_line(tmp_path):
    with pytest.raises(BuildError, match=r"models\.json: missing; train the networks .* or use --no-weights"):
        weights.copy_weights(tmp_path / "out", tmp_path)


def test_a_weight_file_that_does_not_match_models_json_stops_the_build(tmp_path):
    (tmp_path / "B1.npz").write_bytes(b"weights")
    entry = {"name": "B1", "file": "B1.npz", "sha256": hashlib.sha256(b"other weights").hexdigest()}
    (tmp_path / "models.json").write_text(json.dumps({"models": [entry]}))
    with pytest.raises(BuildError, match=r"B1\.npz \(against models\.json\): sha256 is"):
        weights.copy_weights(tmp_path / "out", tmp_path)
    entry["sha256"] = hashlib.sha256(b"weights").hexdigest()
    (tmp_path / "models.json").write_text(json.dumps({"models": [entry]}))
    assert weights.copy_weights(tmp_path / "out", tmp_path) == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["B1.npz", "models.json"]


# --- the service worker's precache list and the version -----------------------------------------------


def make_site(folder: Path) -> Path:
    for path, text in {"index.html": "<p>hi", "pyodide/pyodide.js": "1", "weights/B1.npz": "w"}.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    return folder


def test_the_precache_list_covers_every_file_with_its_hash(tmp_path):
    site = make_site(tmp_path)
    hashes = precache.content_hashes(site)
    assert sorted(hashes) == ["index.html", "pyodide/pyodide.js", "weights/B1.npz"]
    assert hashes["pyodide/pyodide.js"] == hashlib.sha256(b"1").hexdigest()[:16]
    template = precache.SW_TEMPLATE.read_text()
    (site / "pyodide" / "runtime.zst").write_bytes(zstd(b"unpacked"))
    unpacked = precache.unpacked_hashes(site)
    assert unpacked == {"pyodide/runtime.zst": hashlib.sha256(b"unpacked").hexdigest()[:16]}
    text = precache.service_worker(template, "v123", hashes, unpacked)
    assert 'const VERSION = "v123";' in text
    assert json.loads(text.split("const PRECACHE = ")[1].split(";\n")[0]) == hashes
    assert json.loads(text.split("const UNPACKED = ")[1].split(";\n")[0]) == unpacked


def test_the_version_changes_when_any_file_changes_and_only_then(tmp_path):
    site = make_site(tmp_path)
    template = precache.SW_TEMPLATE.read_text()
    version = precache.build_version(precache.content_hashes(site), template)
    assert precache.build_version(precache.content_hashes(site), template) == version
    (site / "weights" / "B1.npz").write_text("new weights")
    changed = precache.build_version(precache.content_hashes(site), template)
    assert changed != version
    assert precache.build_version(precache.content_hashes(site), template + "// changed") != changed


def test_a_template_without_placeholders_is_refused():
    with pytest.raises(BuildError, match="__PRECACHE__"):
        precache.service_worker('const VERSION = "__VERSION__";', "v1", {}, {})


def test_the_first_load_lists_what_the_worker_fetches_with_sizes_and_hashes(tmp_path):
    site = make_site(tmp_path)
    (site / "py").mkdir()
    (site / "py" / "recognizer-0.1.0-py3-none-any.whl").write_bytes(b"wheel")
    files = first_load.first_load(site)
    assert sorted(files) == ["py/recognizer-0.1.0-py3-none-any.whl", "pyodide/pyodide.js", "weights/B1.npz"]
    assert sorted(first_load.first_load(site, {"pyodide/pyodide.js"})) == sorted(files.keys() - {"pyodide/pyodide.js"})
    assert files["py/recognizer-0.1.0-py3-none-any.whl"] == {"bytes": 5, "sha256": hashlib.sha256(b"wheel").hexdigest()}


def test_the_built_build_json_sizes_every_file_a_first_load_fetches():
    dist = DIST
    if not (dist / "build.json").exists():
        pytest.skip("dist/ is not built (python build.py)")
    listed = json.loads((dist / "build.json").read_text())["first_load"]
    for path in ["pyodide/pyodide.asm.wasm.zst", "pyodide/python_stdlib.zip", "pyodide/pyodide-lock.json",
                 f"pyodide/{pins.PINNED['numpy'].file}", "weights/models.json"]:  # fmt: skip
        assert path in listed, path
    for path, entry in listed.items():
        assert entry["bytes"] == (dist / path).stat().st_size, path


def test_the_built_dist_is_precached_whole():
    dist = DIST
    if not (dist / "sw.js").exists():
        pytest.skip("dist/ is not built (python build.py)")
    sw = (dist / "sw.js").read_text()
    precache = json.loads(sw.split("const PRECACHE = ")[1].split(";\n")[0])
    files = {p.relative_to(dist).as_posix(): p for p in dist.rglob("*") if p.is_file() and p.name != "sw.js"}
    on_request = sorted(p for p in files if p.startswith("digits/"))  # kept by the worker once asked for
    assert precache.keys() == files.keys() - set(on_request)
    for path, digest in precache.items():
        assert hashlib.sha256(files[path].read_bytes()).hexdigest().startswith(digest), path
    build_info = json.loads((dist / "build.json").read_text())
    digits = build_info["digits"]
    listed = [*digits["train"], digits["validation"], digits["test"], digits["pen"]]
    assert sorted(part["path"] for part in listed) == on_request
    for part in listed:
        assert hashlib.sha256(files[part["path"]].read_bytes()).hexdigest() == part["sha256"], part["path"]
    assert f'const VERSION = "{build_info["version"]}";' in sw
    assert (dist / build_info["recognizer_wheel"]).exists()


# --- serving ---------------------------------------------------------------------------------------------


def test_the_pages_like_server_compresses_as_github_pages_does_and_counts_what_it_sends(tmp_path):
    wasm, packed = bytes(range(256)) * 400, gzip.compress(b"runtime")
    (tmp_path / "pyodide.asm.wasm").write_bytes(wasm)
    (tmp_path / "pyodide.asm.wasm.gz").write_bytes(packed)
    httpd, url = server.serve_in_thread(tmp_path, pages=True)
    try:
        responses = []
        for name in ("pyodide.asm.wasm", "pyodide.asm.wasm.gz"):
            request = urllib.request.Request(url + name, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request) as response:
                responses.append((dict(response.headers), response.read()))
    finally:
        httpd.shutdown()
        httpd.server_close()
    (wasm_headers, wasm_body), (gz_headers, gz_body) = responses
    assert wasm_headers["Content-Encoding"] == "gzip" and gzip.decompress(wasm_body) == wasm  # wasm: in transit
    assert len(wasm_body) < len(wasm) / 10
    assert "Content-Encoding" not in gz_headers and gz_body == packed  # .gz: as it is
    assert wasm_headers["Cache-Control"] == gz_headers["Cache-Control"] == "max-age=600"
    assert len(wasm_body) + len(packed) < httpd.bytes_sent < len(wasm_body) + len(packed) + 1000  # and headers
    assert httpd.bytes_for_offline_copy == 0  # a page's own requests


def test_the_pages_server_tells_the_service_workers_requests_apart(tmp_path):
    (tmp_path / "weights.npz").write_bytes(b"w" * 5000)
    httpd, url = server.serve_in_thread(tmp_path, pages=True)
    try:
        for headers in ({}, {"Cache-Control": "max-age=0"}, {"Service-Worker": "script"}):
            with urllib.request.urlopen(urllib.request.Request(url + "weights.npz", headers=headers)) as response:
                assert response.read() == b"w" * 5000
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert 10_000 < httpd.bytes_for_offline_copy < 10_000 + 1000  # the revalidating fetch and the worker's script
    assert 15_000 < httpd.bytes_sent < 15_000 + 1500


def test_the_slow_line_is_one_line_that_concurrent_downloads_share(tmp_path):
    # 2 Mbit/s: two files of 50 kB each, fetched at once, need 0.4 s on the line between them, whatever else
    # the machine does (sleeping only ever takes longer), and arrive whole.
    for name in ("a.whl", "b.whl"):
        (tmp_path / name).write_bytes(name.encode() * 25_000)
    httpd, url = server.serve_in_thread(tmp_path, pages=True, line=server.SlowLine(megabits=2, latency=0.05))
    bodies = {}

    def fetch(name):
        with urllib.request.urlopen(url + name) as response:
            bodies[name] = response.read()

    try:
        began = time.monotonic()
        fetchers = [threading.Thread(target=fetch, args=(name,)) for name in ("a.whl", "b.whl")]
        for fetcher in fetchers:
            fetcher.start()
        for fetcher in fetchers:
            fetcher.join()
        took = time.monotonic() - began
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert bodies == {name: name.encode() * 25_000 for name in ("a.whl", "b.whl")}
    assert took >= 0.05 + 100_000 / (2e6 / 8)  # the latency, then both files' bytes one after another


def test_the_server_sends_the_types_browsers_insist_on(tmp_path):
    for name in ("pyodide.asm.wasm.zst", "pyodide.js", "module.mjs", "manifest.webmanifest", "build.json"):
        (tmp_path / name).write_bytes(b"x")
    httpd = server.make_server(tmp_path, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host, port = httpd.server_address[:2]
    try:
        types = {}
        for name in ("pyodide.asm.wasm.zst", "pyodide.js", "module.mjs", "manifest.webmanifest", "build.json"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}") as response:
                types[name] = response.headers["Content-Type"], response.headers["Content-Encoding"]
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert host == "127.0.0.1"  # loopback only
    assert types == {
        "pyodide.asm.wasm.zst": ("application/zstd", None),  # unpacked by the page, not by the browser
        "pyodide.js": ("text/javascript", None),
        "module.mjs": ("text/javascript", None),
        "manifest.webmanifest": ("application/manifest+json", None),
        "build.json": ("application/json", None),
    }


def test_a_busy_port_stops_with_one_line(tmp_path):
    first = server.make_server(tmp_path, quiet=True)
    try:
        with pytest.raises(BuildError) as error:
            server.make_server(tmp_path, port=first.server_address[1])
    finally:
        first.server_close()
    message = str(error.value)
    assert f"127.0.0.1:{first.server_address[1]}" in message and "\n" not in message
