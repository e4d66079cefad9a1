"""A threaded HTTP server on 127.0.0.1 for the fake tools adapters are tested against.

:class:`LocalServer` is :class:`http.server.ThreadingHTTPServer` bound to 127.0.0.1 (never
another address), whose :meth:`~LocalServer.stop` also closes the connections its handlers
still hold. A plain threading server leaves a handler thread waiting on every keep-alive
connection a client did not close (an adapter's session in a test that ended), and a process
with a thread left over refuses to fork (:mod:`agilemarketing.forking`): a later test that
expects a parallel read would then read serially.

>>> import urllib.request
>>> from http.server import BaseHTTPRequestHandler
>>> class Hello(BaseHTTPRequestHandler):
...     def do_GET(self):
...         self.send_response(200)
...         self.send_header("Content-Length", "2")
...         self.end_headers()
...         self.wfile.write(b"hi")
...     def log_message(self, *args):
...         pass
>>> server = LocalServer(Hello).start()
>>> urllib.request.urlopen(server.url + "/").read()
b'hi'
>>> server.stop()
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LocalServer"]


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server on ``127.0.0.1:port`` (0: a free port) that closes every open
    connection when stopped; :meth:`start` serves it from a daemon thread."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._handlers: set[threading.Thread] = set()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> LocalServer:
        """Serve from a daemon thread; returns the server."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
            self._handlers.add(threading.current_thread())
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)
                self._handlers.discard(threading.current_thread())

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close the listening socket and every connection still open, and wait
        (at most ``timeout`` seconds in all) for the serving and handler threads to end."""
        if self._thread is not None:
            self.shutdown()
        self.server_close()
        with self._open_lock:
            still_open, handlers = list(self._open), list(self._handlers)
        for connection in still_open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in [self._thread, *handlers]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=max(deadline - time.monotonic(), 0.0))
        self._thread = None
