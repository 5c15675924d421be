"""A loopback TCP proxy that records every byte clients send through it.

Put in front of the storage host, it shows exactly what reached storage: the
proof that no credential of the service ever goes there.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading


class RecordingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.sent = bytearray()
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                upstream = socket.create_connection(("127.0.0.1", proxy.upstream_port))
                back = threading.Thread(target=_pump, args=(upstream, self.request, None))
                back.start()
                _pump(self.request, upstream, proxy)
                back.join()
                upstream.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def record(self, data: bytes) -> None:
        with self._lock:
            self.sent += data

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _pump(source: socket.socket, target: socket.socket, recorder: RecordingProxy | None) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            if recorder is not None:
                recorder.record(data)
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
