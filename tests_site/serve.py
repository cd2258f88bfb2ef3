"""The built site on a local HTTP server, and a request router that lets only it answer."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SITE = Path(__file__).resolve().parent.parent / "build" / "site"
HOST = "127.0.0.1"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types browsers insist on (module scripts, WebAssembly), quietly."""

    extensions_map = {  # noqa: RUF012 - the base class's own attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".whl": "application/zip",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


@contextmanager
def serving(folder: Path = SITE) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) while in the block; yields the base URL."""
    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def blocking_router(base: str, attempts: list[str]) -> Callable[[Any], None]:
    """A Playwright route handler: requests to ``base`` go through; any other is aborted and
    its URL appended to ``attempts`` (the test fails if that list is not empty)."""
    local = urlsplit(base).netloc

    def route(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc == local or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    return route
