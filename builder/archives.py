"""The zips the build writes: members dated and permissioned alike (same contents, same bytes), deflated at
the highest level, the standard library and NumPy trimmed, bytecode in place of the source it was compiled
from, and each split into what the page imports by the time it is ready and the modules it does not."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

# Every member the build writes is deflated at the highest level (ZipFile's own level does not apply to
# members written from a ZipInfo, so it is given to each).
DEFLATED = {"compress_type": zipfile.ZIP_DEFLATED, "compresslevel": 9}

# Parts of Python's standard library a page computing with NumPy never imports: the REPL, debuggers, test
# and profiling tools, mail and network protocols, processes, XML parsers, and all but the common text
# encodings. Leaving them out of python_stdlib.zip saves about 1 MB; --prove runs the page's Python on the
# result. (asyncio, which Pyodide imports, importlib.metadata's email, and the zipfile and tarfile that unpack
# wheels, all stay.)
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

# Parts of NumPy's wheel the page never uses: what building C, Cython or Fortran code against NumPy needs (headers,
# static libraries, declarations, f2py), PyInstaller's hook and the type stubs. About 0.4 MB of the wheel.
NUMPY_UNUSED = ("numpy/f2py/", "numpy/_pyinstaller/", "numpy/_core/include/", "numpy/_core/lib/", "numpy/random/lib/",
                "numpy/random/_examples/")  # fmt: skip
NUMPY_UNUSED_ENDINGS = (".pyi", ".pxd", "py.typed")

MODULE_ENDINGS = (".py", ".so")  # what Python imports; any other member (data, licences, metadata) stays in place

PYTHON_CACHE_TAG = "cpython-313"  # Pyodide 0.29's Python is 3.13; bytecode is particular to a Python version


def add_member(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    """A new file in a zip we write, dated and permissioned alike every time: same contents, same bytes."""
    member = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
    member.external_attr = 0o644 << 16
    archive.writestr(member, data, **DEFLATED)


def record_hash(data: bytes) -> str:
    """A file's hash as a wheel's RECORD writes it (PEP 376/427)."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


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


def numpy_keeps(name: str) -> bool:
    return not name.startswith(NUMPY_UNUSED) and not name.endswith(NUMPY_UNUSED_ENDINGS)


def trimmed_numpy(wheel: bytes) -> bytes:
    """NumPy's wheel without the parts of NUMPY_UNUSED and NUMPY_UNUSED_ENDINGS."""
    return redeflated(wheel, numpy_keeps)


def with_bytecode(archive: bytes, bytecode: dict[str, bytes]) -> bytes:
    """The archive with each module of `bytecode` (path of its .py -> .pyc bytes) as bytecode alone, where its
    source was ("json/decoder.py" -> "json/decoder.pyc"): Python imports a .pyc found there without looking for
    source, and the archive carries each module once. A wheel's RECORD lists the .pyc in place of the .py."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in bytecode:
                add_member(target, info.filename + "c", bytecode[info.filename])
                continue
            data = source.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                data = "".join(record_line(line, bytecode) for line in data.decode().splitlines(keepends=True)).encode()
            target.writestr(info, data, **DEFLATED)
    return out.getvalue()


def record_line(line: str, bytecode: dict[str, bytes]) -> str:
    """A line of a wheel's RECORD, naming the .pyc instead when its module ships as bytecode."""
    path = line.split(",", 1)[0]
    if path not in bytecode:
        return line
    pyc = bytecode[path]
    return f"{path}c,{record_hash(pyc)},{len(pyc)}\n"


def split_by_use(archive: bytes, imported: set[str]) -> tuple[bytes, dict[str, bytes]]:
    """(the archive with only the modules of `imported` (paths inside it) and every member that is not a module;
    the modules left out, path -> bytes). A wheel's RECORD no longer lists what was left out."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        left_out = {name: source.read(name) for name in names if name.endswith(MODULE_ENDINGS) and name not in imported}
        for info in source.infolist():
            if info.filename in left_out:
                continue
            data = source.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = data.decode().splitlines(keepends=True)
                data = "".join(line for line in lines if line.split(",", 1)[0] not in left_out).encode()
            target.writestr(info, data, **DEFLATED)
    return out.getvalue(), left_out
