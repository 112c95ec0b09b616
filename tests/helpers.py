"""Shared test helpers: a canary server on 127.0.0.1 and a sandboxed page driver."""
from __future__ import annotations

import socket
import threading
import time


class Canary:
    """A TCP server on 127.0.0.1 that counts every connection (HTTP, WebSocket, EventSource...)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    head = conn.recv(4096).decode("latin-1", "replace")
                except OSError:
                    head = ""
                self.hits.append(head.split("\r\n", 1)[0] or "(connection)")
                body = b"<html><body>canary</body></html>"
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nAccess-Control-Allow-Origin: *\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def wait_until(qtbot, predicate, timeout_ms: int = 10000) -> None:
    qtbot.waitUntil(predicate, timeout=timeout_ms)


def js_value(qtbot, page, expression: str, timeout_ms: int = 5000):
    """Evaluate JSON-returning JS on a SandboxPage and return the decoded value."""
    box = {}
    page.run_json(expression, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=timeout_ms)
    return box["v"]


def settle(qtbot, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        qtbot.wait(50)


def flush_deletes() -> None:
    """Run pending deleteLater() calls now (processEvents alone leaves them queued)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
