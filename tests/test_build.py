"""build.py's pieces: pinned downloads are checked, wheels are valid, the service worker lists every file."""

import hashlib
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
build = importlib.util.module_from_spec(spec)
sys.modules["build"] = build  # dataclasses look their module up here
spec.loader.exec_module(build)


def test_a_tampered_download_stops_with_one_line(tmp_path):
    path = tmp_path / "pyodide-0.29.5.tgz"
    path.write_bytes(b"not the real thing")
    with pytest.raises(build.BuildError) as error:
        build.checked(path, build.PARTS["pyodide"].sha256)
    assert "pyodide-0.29.5.tgz: sha256" in str(error.value) and "\n" not in str(error.value)


def test_recognizer_wheel_is_a_valid_wheel_with_the_package():
    name, data = build.recognizer_wheel("0.1.0")
    assert name == "recognizer-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        names = wheel.namelist()
        assert "recognizer/network.py" in names and "recognizer/app.py" in names
        record = wheel.read("recognizer-0.1.0.dist-info/RECORD").decode().splitlines()
        for line in record[:-1]:
            path, digest, size = line.split(",")
            content = wheel.read(path)
            assert int(size) == len(content)
            assert (
                digest
                == "sha256=" + build.base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
            )


def test_redeflating_keeps_every_member_identical():
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("numpy/__init__.py", "x = 1\n" * 1000)
        z.writestr("numpy-2.2.5.dist-info/RECORD", "numpy/__init__.py,,\n")
    smaller = build.redeflated(stored.getvalue())
    assert len(smaller) < len(stored.getvalue()) / 5
    with zipfile.ZipFile(io.BytesIO(smaller)) as z, zipfile.ZipFile(stored) as original:
        assert z.namelist() == original.namelist()
        for name in z.namelist():
            assert z.read(name) == original.read(name)
            assert z.getinfo(name).compress_type == zipfile.ZIP_DEFLATED


def test_lock_is_trimmed_to_our_wheels_with_their_hashes():
    lock = {"info": {"python": "3.13"}, "packages": {
        "numpy": {"name": "numpy", "file_name": "old.whl", "sha256": "0"},
        "scipy": {"name": "scipy", "file_name": "scipy.whl", "sha256": "1"}}}  # fmt: skip
    trimmed = build.trimmed_lock(lock, {"numpy-2.2.5-cp313-x.whl": b"abc"})
    assert list(trimmed["packages"]) == ["numpy"]
    assert trimmed["packages"]["numpy"]["file_name"] == "numpy-2.2.5-cp313-x.whl"
    assert trimmed["packages"]["numpy"]["sha256"] == hashlib.sha256(b"abc").hexdigest()


def test_service_worker_lists_every_file_and_its_version():
    text = build.service_worker({"index.html": "abc", "pyodide/pyodide.js": "def"}, "v123")
    assert 'const VERSION = "v123"' in text and '"pyodide/pyodide.js": "def"' in text
    assert "__PRECACHE__" not in text


def test_built_dist_is_complete_and_consistent():
    dist = ROOT / "dist"
    if not (dist / "sw.js").exists():
        pytest.skip("dist/ not built (the test command builds it first)")
    sw = (dist / "sw.js").read_text()
    for path in dist.rglob("*"):
        if path.is_file() and path.name != "sw.js":
            assert f'"{path.relative_to(dist).as_posix()}"' in sw, path
    assert (dist / "pyodide" / build.NUMPY_WHEEL).exists()
