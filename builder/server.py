"""Serving a built site on loopback with the types browsers insist on: for build.py --serve, the Node check and
the browser tests alike."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from builder.errors import BuildError
from files import shown

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".gz": "application/gzip",  # sent as it is, unpacked by the page (no Content-Encoding)
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


def make_server(directory: Path, port: int = 0, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server of `directory` on 127.0.0.1:`port` (0: any free port), not yet serving; `quiet`: no request log."""
    handler = functools.partial(QuietHandler if quiet else Handler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        raise BuildError(
            f"cannot serve {shown(directory)} on 127.0.0.1:{port} ({e.strerror or e}); try another port"
        ) from None


def serve_in_thread(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """`directory` served quietly on a free loopback port, in a thread: (the server, to stop it; its URL)."""
    httpd = make_server(directory, quiet=True)
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
