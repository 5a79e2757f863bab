"""A tiny static file server for a built site (`mcp-catalog serve`): for previewing, not for production.

It binds to loopback by default, serves only files below the site folder (the standard library handler
already refuses `..`), and sends the content types the site's scripts and feeds need.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

EXTRA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".yaml": "text/yaml; charset=utf-8",
    ".cedar": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


class SiteHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        return None


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for `directory` (port 0 picks a free port); call serve_forever() or use it in a thread."""
    if not (Path(directory) / "index.html").is_file():
        raise FileNotFoundError(f"{directory} has no index.html; run `mcp-catalog build --out {directory}` first")
    handler = functools.partial(SiteHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)
