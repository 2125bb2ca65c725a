"""Forwarding one request to the upstream unchanged, and what came back.

The request's method, path, query, headers and body go as they came (hop-by-hop headers aside,
RFC 9110 section 7.6.1); the answer comes back as it is. A connection per thread is kept alive
to the upstream. An upstream that refuses the connection, drops it, or cuts its answer short is
an UpstreamError the proxy answers 502; one whose whole answer has not come within the timeout
(however it drips), 504. A request is sent at most once: the upstream may have applied it.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import math
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
"""Headers that describe one connection, not the message (RFC 9110 7.6.1), and the two the
client library sets itself (`Host` for the upstream, `Content-Length` of the body sent)."""

Headers = list[tuple[str, str]]
PATH_SAFE = "/:@!$&'()*+,;=-._~"
"""What a path segment may hold unescaped (RFC 3986 `pchar`) and the slashes between them."""


@dataclass
class Message:
    """A request or a response as it crossed the proxy."""

    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


@dataclass
class Request(Message):
    """`path` decoded (what the spec's templates match), `wire_path` as it goes on the wire."""

    method: str = "GET"
    path: str = "/"
    query: str = ""
    wire_path: str = ""

    @property
    def target(self) -> str:
        path = self.wire_path or quote(self.path, safe=PATH_SAFE)
        return path + (f"?{self.query}" if self.query else "")


@dataclass
class Response(Message):
    status: int = 200
    reason: str = "OK"


@dataclass
class Exchange:
    """One request, the upstream's answer and when: the unit the proxy checks and records."""

    request: Request
    response: Response
    started: float
    elapsed_ms: float
    notes: list[str] = field(default_factory=list)


def _no_delay(sock: socket.socket) -> None:
    """The body follows the headers in a second small write: without TCP_NODELAY, Nagle's
    algorithm holds it until the upstream acknowledges the first (a delayed ACK away)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class LineReader(io.BufferedReader):
    """The upstream's answer as http.client reads it, remembering the last line read:
    http.client ends the headers at a blank line and at the end of the stream alike."""

    last_line = b""

    def readline(self, size: int | None = -1, /) -> bytes:
        self.last_line = super().readline(size)
        return self.last_line


class HeadersCutShort(http.client.HTTPException):
    """The upstream closed the connection before the blank line that ends the headers."""


class Answer(http.client.HTTPResponse):
    """An answer whose headers must end with their blank line: one the upstream cut short
    (closed inside the status line, a header line or before the blank line) is no answer."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = self.lines = LineReader(self.fp.detach())

    def begin(self) -> None:
        super().begin()
        if self.lines.last_line not in (b"\r\n", b"\n"):
            raise HeadersCutShort("the answer ended before the end of its headers")


class Connection(http.client.HTTPConnection):
    response_class = Answer

    def connect(self) -> None:
        super().connect()
        _no_delay(self.sock)


class SecureConnection(http.client.HTTPSConnection):
    response_class = Answer

    def connect(self) -> None:
        super().connect()
        _no_delay(self.sock)


class Watchdog:
    """Shuts a socket down at its deadline, which makes any read or write blocked on it return at
    once, however the upstream drips (a socket timeout bounds each read alone, and http.client
    reads a header line as its bytes come). One thread, started on first use, keeps the deadlines
    of every exchange: a timer thread per exchange would cost more than the forwarding itself."""

    def __init__(self) -> None:
        self._due: dict[object, tuple[float, socket.socket]] = {}
        self._wake = threading.Condition()
        self._next = math.inf
        """When the thread wakes next: a deadline before it wakes it at once."""
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def until(self, deadline: float, sock: socket.socket) -> Iterator[None]:
        """Watch `sock` until `deadline` (time.perf_counter); leaving raises TimeoutError when
        it passed, whatever the block raised meanwhile (a read cut short by the shutdown)."""
        token = object()
        with self._wake:
            self._due[token] = (deadline, sock)
            if deadline < self._next:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="proxy-deadlines")
                    self._thread.daemon = True
                    self._thread.start()
                self._wake.notify()
        try:
            yield
        finally:
            with self._wake:
                passed = self._due.pop(token, None) is None
            if passed:
                raise TimeoutError("the deadline passed")

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.perf_counter()
                for token, (deadline, sock) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[token]
                        with contextlib.suppress(OSError):  # the socket's shutdown, not TLS's
                            socket.socket.shutdown(sock, socket.SHUT_RDWR)
                self._next = min((deadline for deadline, _ in self._due.values()), default=math.inf)
                self._wake.wait(None if self._next == math.inf else self._next - now)


WATCHDOG = Watchdog()


def _closed_by_peer(sock: socket.socket) -> bool:
    """An idle kept-alive connection with something to read was closed by the upstream (or
    holds bytes nobody asked for): it cannot carry a request, and nothing was sent on it yet."""
    poller = select.poll()  # one system call, where a selector object costs four
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class UpstreamError(Exception):
    """The upstream gave no answer: `status` is what the proxy answers (502, or 504 for a
    timeout), `code` says why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Upstream:
    """The service the proxy stands in front of, at `base_url` (http or https)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream {base_url!r}: expected http(s)://host[:port][/prefix]")
        self.base_url = base_url.rstrip("/")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self._kept: dict[int, http.client.HTTPConnection] = {}
        """A kept-alive connection per thread (by thread id, not in a threading.local: the
        server's threads are its own, and end after the interpreter's)."""

    def send(self, request: Request) -> Exchange:
        """Forward `request` and return the exchange; UpstreamError when no whole answer came
        within the timeout."""
        started = time.time()
        clock = time.perf_counter()
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
        try:
            response = self._roundtrip(request, headers, clock + self.timeout)
        except TimeoutError as exc:
            self._drop()
            raise UpstreamError(
                504, "UPSTREAM_TIMEOUT", f"no whole answer from {self.base_url} in {self.timeout} s"
            ) from exc
        except ConnectionRefusedError as exc:
            self._drop()
            raise UpstreamError(
                502, "UPSTREAM_REFUSED", f"{self.base_url} refused the connection"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            raise UpstreamError(
                502, "UPSTREAM_DROPPED", f"{self.base_url} gave no answer: {type(exc).__name__}"
            ) from exc
        elapsed = round((time.perf_counter() - clock) * 1000, 3)
        return Exchange(request, response, started, elapsed)

    def _roundtrip(self, request: Request, headers: Headers, deadline: float) -> Response:
        """One request on this thread's connection, its whole answer by `deadline`, sent once:
        once a byte of it may have reached the upstream, a failure is the client's 502, never a
        second try, whatever the method (the upstream may have applied a POST already, and a
        second GET would be an exchange the recording does not show). A kept-alive connection
        the upstream closed while idle is replaced before anything is written (`_connection`)."""
        connection = self._connection()
        if connection.sock is None:
            connection.connect()
        with WATCHDOG.until(deadline, connection.sock):
            connection.putrequest(
                request.method,
                self.prefix + request.target,
                skip_host=False,
                skip_accept_encoding=True,
            )
            for name, value in headers:
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(request.body)))
            connection.endheaders(request.body)
            answer = connection.getresponse()
            body = answer.read()
        if answer.will_close:
            self._drop()
        return Response(list(answer.getheaders()), body, answer.status, answer.reason)

    def _connection(self) -> http.client.HTTPConnection:
        """This thread's kept-alive connection, or a new one (not yet connected) when there is
        none or the upstream closed it while it was idle."""
        ident = threading.get_ident()
        kept = self._kept.get(ident)
        if kept is not None and kept.sock is not None and _closed_by_peer(kept.sock):
            self._drop()
            kept = None
        if kept is None:
            kind = SecureConnection if self.scheme == "https" else Connection
            kept = self._kept[ident] = kind(self.host, self.port, timeout=self.timeout)
        return kept

    def _drop(self) -> None:
        kept = self._kept.pop(threading.get_ident(), None)
        if kept is not None:
            kept.close()

    def close(self) -> None:
        """Close every kept connection (the proxy stops)."""
        for kept in list(self._kept.values()):
            kept.close()
        self._kept.clear()


def read_request(environ: dict[str, object], body: bytes) -> Request:
    """The request a WSGI environ describes, headers by their HTTP names, body as read. WSGI
    gives the path decoded (PEP 3333: as latin-1 text); it is sent on escaped again, byte for
    byte, so that a `%2F` inside a reference arrives as a `/` but nothing else changes."""
    headers: Headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), str(value)))
        elif key in ("CONTENT_TYPE",) and value:
            headers.append(("Content-Type", str(value)))
    raw = str(environ.get("PATH_INFO", "")).encode("latin-1") or b"/"
    return Request(
        headers,
        body,
        str(environ.get("REQUEST_METHOD", "GET")),
        raw.decode("utf-8", "replace"),
        str(environ.get("QUERY_STRING", "")),
        quote(raw, safe=PATH_SAFE),
    )
