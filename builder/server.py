"""Serving a built site on loopback with the types browsers insist on: for build.py --serve, the proof under Node and
the browser tests alike; and, for the page-speed benchmark, as GitHub Pages serves it, counting the bytes sent,
over a simulated slow line if asked."""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import threading
import time
from pathlib import Path

from builder.errors import BuildError
from files import shown

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".gz": "application/gzip",  # sent as it is, unpacked by the page (no Content-Encoding)
    ".zst": "application/zstd",  # likewise
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}


class QuietHandler(Handler):
    def log_message(self, *args) -> None:
        pass


class SlowLine:
    """One line shared by every connection, as a phone's is: `megabits` a second in all, and `latency` seconds
    before each response begins. A write waits until its bytes would have crossed the line."""

    CHUNK = 16384  # bytes: concurrent downloads take turns on the line at this grain

    def __init__(self, megabits: float = 10.0, latency: float = 0.040):
        self.bytes_per_second, self.latency = megabits * 1e6 / 8, latency
        self.lock = threading.Lock()
        self.free_at = 0.0  # when the line has sent all it was given

    def carry(self, size: int) -> None:
        with self.lock:
            self.free_at = max(time.monotonic(), self.free_at) + size / self.bytes_per_second
            done = self.free_at
        time.sleep(max(0.0, done - time.monotonic()))


class CountingWriter:
    """The response stream, adding every byte written to the server's `bytes_sent`, and those of the service
    worker's requests also to its `bytes_for_offline_copy`."""

    def __init__(self, stream, server):
        self.stream, self.server = stream, server
        self.for_offline_copy = False  # set for each request

    def write(self, data: bytes) -> int:
        self.server.bytes_sent += len(data)
        if self.for_offline_copy:
            self.server.bytes_for_offline_copy += len(data)
        line = self.server.line
        if line is None:
            return self.stream.write(data)
        view = memoryview(data)
        for start in range(0, len(view), line.CHUNK):
            chunk = view[start : start + line.CHUNK]
            line.carry(len(chunk))
            self.stream.write(chunk)
        return len(data)

    def __getattr__(self, name):
        return getattr(self.stream, name)


@functools.lru_cache(maxsize=64)
def gzipped(path: Path, modified: float) -> bytes:
    """A file gzipped as a host compresses it in transit (made once per version of the file)."""
    return gzip.compress(path.read_bytes(), 6, mtime=0)


class PagesHandler(QuietHandler):
    """As GitHub Pages serves: html, js, json, css, svg and wasm gzipped in transit when the browser accepts it,
    everything else (.zst, .zip, .whl, .npz) as it is, each cacheable for 10 minutes; the bytes sent are counted."""

    COMPRESSED = (".html", ".js", ".mjs", ".json", ".css", ".svg", ".wasm", ".webmanifest")

    def setup(self) -> None:
        super().setup()
        self.wfile = CountingWriter(self.wfile, self.server)

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away mid-file (its page was closed): nothing to say

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def for_offline_copy(self) -> bool:
        """A request of the service worker's: its own script, or a file it keeps (it asks the server to
        revalidate: fetch's "no-cache" sends "Cache-Control: max-age=0"), which a page never sends on a first visit."""
        cache_control = self.headers.get("Cache-Control", "")
        return "Service-Worker" in self.headers or "max-age=0" in cache_control or "no-cache" in cache_control

    def do_GET(self) -> None:
        if self.server.line is not None:
            time.sleep(self.server.line.latency)
        self.wfile.for_offline_copy = self.for_offline_copy()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in self.COMPRESSED and path.is_file()):
            return super().do_GET()
        modified = path.stat().st_mtime
        since = self.headers.get("If-Modified-Since")
        if since and email.utils.parsedate_to_datetime(since).timestamp() >= int(modified):
            self.send_response(304)
            self.end_headers()
            return None
        body = gzipped(path, modified)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(modified))
        self.end_headers()
        self.wfile.write(body)
        return None


def make_server(
    directory: Path, port: int = 0, quiet: bool = False, pages: bool = False, line: SlowLine | None = None
) -> http.server.ThreadingHTTPServer:
    """A server of `directory` on 127.0.0.1:`port` (0: any free port), not yet serving; `quiet`: no request log;
    `pages`: served as GitHub Pages serves (PagesHandler), its `bytes_sent` counting what went out (and
    `bytes_for_offline_copy` what of it went to the service worker), over `line` if one is given."""
    kind = PagesHandler if pages else QuietHandler if quiet else Handler
    handler = functools.partial(kind, directory=str(directory))
    try:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        raise BuildError(
            f"cannot serve {shown(directory)} on 127.0.0.1:{port} ({e.strerror or e}); try another port"
        ) from None
    httpd.bytes_sent = httpd.bytes_for_offline_copy = 0
    httpd.line = line
    return httpd


def serve_in_thread(
    directory: Path, pages: bool = False, line: SlowLine | None = None
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """`directory` served quietly on a free loopback port, in a thread: (the server, to stop it; its URL)."""
    httpd = make_server(directory, quiet=True, pages=pages, line=line)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def serve(directory: Path, port: int) -> None:
    """Serve `directory` until Ctrl-C."""
    httpd = make_server(directory, port)
    print(f"serving {shown(directory)}/ on http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
