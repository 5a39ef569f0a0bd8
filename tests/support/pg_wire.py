"""A TCP proxy to a PostgreSQL server that records the simple queries clients send.

psql sends every statement of a script as a simple-protocol ``Query``
message, and so does the driver runner (psycopg's ``execute()`` without
parameters), so recording those messages shows exactly what each sent.
Clients must connect without SSL or GSS encryption (``sslmode=disable
gssencmode=disable``), else the proxy could not read the stream.
"""

from __future__ import annotations

import socket
import threading

_SSL_REQUEST = 80877103
_GSS_REQUEST = 80877104
_CANCEL_REQUEST = 80877102


class QueryLog:
    """Listens on 127.0.0.1:<port>; forwards to ``host:port``; keeps the queries sent."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.queries: list[str] = []
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self.listener]
        self._closing = False
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                downstream, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [downstream, upstream]
            pumps = ((downstream, upstream, True), (upstream, downstream, False))
            for source, sink, record in pumps:
                thread = threading.Thread(
                    target=self._pump, args=(source, sink, record), daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _pump(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        pending = b""
        started = False
        try:
            while data := source.recv(65536):
                if record:  # parse before forwarding: the log is complete when answered
                    pending, started = self._record(pending + data, started)
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the other side went away

    def _record(self, data: bytes, started: bool) -> tuple[bytes, bool]:
        while True:
            if not started:  # untyped: length, then a request code
                if len(data) < 8 or len(data) < (size := int.from_bytes(data[:4], "big")):
                    return data, started
                code = int.from_bytes(data[4:8], "big")
                data = data[size:]
                started = code not in (_SSL_REQUEST, _GSS_REQUEST, _CANCEL_REQUEST)
                continue
            if len(data) < 5 or len(data) < 1 + (size := int.from_bytes(data[1:5], "big")):
                return data, started
            kind, payload, data = data[:1], data[5 : 1 + size], data[1 + size :]
            if kind == b"Q":
                with self._lock:
                    self.queries.append(payload.rstrip(b"\0").decode("utf-8", "surrogateescape"))

    def take(self) -> list[str]:
        """The queries recorded so far, forgetting them."""
        with self._lock:
            queries, self.queries = self.queries, []
        return queries

    def close(self) -> None:
        self._closing = True
        self._threads[0].join(timeout=10)
        for sock in self._sockets:
            sock.close()
        for thread in self._threads[1:]:
            thread.join(timeout=10)
