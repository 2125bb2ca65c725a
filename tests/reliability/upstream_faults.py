"""The proxy in front of a faulty upstream: the faults as data, a scripted upstream that plays
them on loopback, and the function that sends a case's requests through a proxy and measures
its answer.

Both `test_upstream_faults.py` and `python -m tests.reliability.report` run these same cases.
The proxy is the real one (`ProxyApp` over `Upstream`), called as a WSGI app on the caller's
thread: consecutive requests share that thread's kept-alive connection to the upstream, as they
do on a busy proxy's thread, and no HTTP server of the proxy's own adds its timing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from werkzeug.test import Client as WsgiClient
from werkzeug.test import TestResponse

from mock_server.proxy.app import ProxyApp, ProxyOptions
from mock_server.proxy.forward import Upstream

UPSTREAM_TIMEOUT = 1.0
"""The proxy's `--upstream-timeout` in every case."""
DRIP_INTERVAL = 0.5
DRIP = b"x" * 24
"""A dripping upstream sends one byte of DRIP every DRIP_INTERVAL: 12 s, far past the timeout."""
HANG_UP_WAIT = 30.0
CANCEL = ("POST", "/orders/ORD-1001/cancel")
READ = ("GET", "/orders/ORD-1001")
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
"""A whole answer, on a connection kept alive (HTTP/1.1, no `Connection: close`)."""


class FakeUpstream:
    """A scripted upstream on 127.0.0.1: a thread accepts connections and plays `script` on each
    in a thread of its own; `received` lists the requests it read (`METHOD /path`), `hung_up`
    is set once it closed a connection."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.received: list[str] = []
        self.stopped = threading.Event()
        self.hung_up = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> FakeUpstream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop dripping; shutdown() ends the blocked accept (close alone does not, on Linux)."""
        self.stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._play, args=(connection,), daemon=True).start()

    def _play(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):  # the proxy hung up: the script ends
            self.script(self, connection)
        self.hung_up.set()

    def read_request(self, connection: socket.socket) -> str | None:
        """Read one request (head and `Content-Length` body); `METHOD /path`, None at the end."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        length = next(
            (
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            ),
            0,
        )
        while len(body) < length:
            body += connection.recv(65536)
        request = " ".join(lines[0].split()[:2])
        self.received.append(request)
        return request

    def drip(self, connection: socket.socket, data: bytes) -> None:
        """Send `data` one byte every DRIP_INTERVAL, until done or stopped."""
        for byte in data:
            if self.stopped.wait(DRIP_INTERVAL):
                return
            connection.sendall(bytes([byte]))


Script = Callable[[FakeUpstream, socket.socket], None]
Client = Callable[[str, str], TestResponse]


def answers(head: bytes, then: bytes = b"") -> Script:
    """Reads the request, sends `head`, drips `then`, and closes the connection."""

    def script(upstream: FakeUpstream, connection: socket.socket) -> None:
        if upstream.read_request(connection) is not None:
            connection.sendall(head)
            upstream.drip(connection, then)

    return script


def drops_a_post(upstream: FakeUpstream, connection: socket.socket) -> None:
    """Answers reads on a kept-alive connection; takes a POST and closes without an answer."""
    while (request := upstream.read_request(connection)) is not None:
        if request.startswith("POST "):
            return
        connection.sendall(OK)


@dataclass(frozen=True)
class Fault:
    """A faulty upstream and what the proxy must answer the last of `calls` (each `METHOD
    /path`, sent in order by one client); `received`: how often the upstream may get it."""

    name: str
    script: Script
    status: int
    code: str
    calls: tuple[tuple[str, str], ...] = (READ,)
    received: int = 1
    within: float = UPSTREAM_TIMEOUT + 2.0
    """Seconds the answer may take at most: the timeout and a generous margin."""


FAULTS = (
    Fault(
        "body dripped one byte per 0.5 s",
        answers(b"HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\n", DRIP),
        504,
        "UPSTREAM_TIMEOUT",
    ),
    Fault(
        "header line dripped one byte per 0.5 s",
        answers(b"HTTP/1.1 200 OK\r\nX-Drip: ", DRIP + b"\r\nContent-Length: 0\r\n\r\n"),
        504,
        "UPSTREAM_TIMEOUT",
    ),
    Fault(
        "closed after whole header lines, before the blank line",
        answers(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Order: ORD-1\r\n"),
        502,
        "UPSTREAM_DROPPED",
        calls=(CANCEL,),
    ),
    Fault(
        "closed inside a header line",
        answers(b"HTTP/1.1 200 OK\r\nContent-Type: applic"),
        502,
        "UPSTREAM_DROPPED",
    ),
    Fault(
        "closed inside the status line",
        answers(b"HTTP/1.1 201 Crea"),
        502,
        "UPSTREAM_DROPPED",
        calls=(CANCEL,),
    ),
    Fault(
        "closed 10 bytes into a 64-byte Content-Length body",
        answers(b'HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n{"order_i'),
        502,
        "UPSTREAM_DROPPED",
    ),
    Fault(
        "took a POST on a kept-alive connection, closed without an answer",
        drops_a_post,
        502,
        "UPSTREAM_DROPPED",
        calls=(READ, CANCEL),
    ),
)


@dataclass(frozen=True)
class Outcome:
    """What the client got for a fault's last call, how fast, and what the upstream received."""

    status: int
    code: str
    seconds: float
    received: int

    def problems(self, fault: Fault) -> list[str]:
        """How this outcome departs from what `fault` demands (empty: none)."""
        found = []
        if (self.status, self.code) != (fault.status, fault.code):
            found.append(f"answered {self.status} {self.code}, not {fault.status} {fault.code}")
        if self.received != fault.received:
            found.append(f"the upstream received it {self.received} times, not {fault.received}")
        if self.seconds > fault.within:
            found.append(f"answered after {self.seconds:.1f} s, not within {fault.within} s")
        return found


@contextlib.contextmanager
def through_proxy(script: Script) -> Iterator[tuple[FakeUpstream, Client]]:
    """An upstream playing `script`, and a client of a proxy (no judge, no recording) in front
    of it: `client(method, path)` sends a request through the proxy (a POST with `{}`)."""
    with FakeUpstream(script) as upstream:
        app = ProxyApp(ProxyOptions(Upstream(upstream.url, UPSTREAM_TIMEOUT)))
        wsgi = WsgiClient(app)

        def client(method: str, path: str) -> TestResponse:
            return wsgi.open(path, method=method, json={} if method == "POST" else None)

        try:
            yield upstream, client
        finally:
            app.close()


def run(fault: Fault) -> Outcome:
    """Send the fault's calls through a proxy in front of its scripted upstream."""
    with through_proxy(fault.script) as (upstream, client):
        for method, path in fault.calls:
            started = time.perf_counter()
            answer = client(method, path)
            seconds = time.perf_counter() - started
        body = answer.get_json(silent=True)
        code = body["error_details"][0]["code"] if isinstance(body, dict) else "-"
        received = upstream.received.count(" ".join(fault.calls[-1]))
        return Outcome(answer.status_code, code, seconds, received)
