"""The fake tools' HTTP server: on 127.0.0.1 only, and stopping it ends every handler thread,
even one waiting on a keep-alive connection its client never closed."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler

from agilemarketing.testing_http import LocalServer


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the handler thread waits for the next request

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"hi")

    def log_message(self, format: str, *args: object) -> None:
        return


def test_it_listens_on_the_loopback_address_only() -> None:
    server = LocalServer(_Hello)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stop()


def test_stopping_it_ends_the_handlers_of_connections_left_open() -> None:
    before = set(threading.enumerate())
    server = LocalServer(_Hello).start()
    clients = [http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)]
    clients.append(http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5))
    for client in clients:
        client.request("GET", "/")
        assert client.getresponse().read() == b"hi"  # and the connection stays open
    assert len(set(threading.enumerate()) - before) == 3  # serving + two waiting handlers
    server.stop()
    assert set(threading.enumerate()) - before == set()
    for client in clients:
        client.close()
