"""granian's Rust HTTP core serving the sandbox's WSGI app in this process (the default server).

granian's own runners import their target in worker processes or threads of their own; the
sandbox needs its app object here (the pytest plugin's `carriyo_sandbox` is a plain object of the
test process, and the state file is saved by this process at exit). So this module drives
granian's WSGI worker the way granian's thread runner (`granian.server.mt`) does: a listening
socket, one worker whose Rust threads accept, parse and answer, and a callback that runs the app.
The worker's classes are granian's internals: hence the pinned minor version in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from typing import TYPE_CHECKING, Any, cast

import granian._futures
import granian._granian
import orjson
from granian.constants import HTTPModes
from granian.http import HTTP1Settings

from ..http.errors import detail, error_body
from ..http.wsgi import DROP_KEY
from .binding import Binding

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse as WSGIStartResponse
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

log = logging.getLogger("mock_server")
# granian's stub of its Rust module lags the module (the worker takes more arguments, and serves
# through methods the stub lacks): its classes are used untyped here.
WSGIWorker: Any = granian._granian.WSGIWorker
SocketHolder: Any = granian._granian.SocketHolder
WorkerSignal: Any = granian._granian.WorkerSignal
new_scheduler: Any = granian._futures._new_cbscheduler

THREADS = 1
"""Python threads running requests (granian's `blocking_threads`). One serves the most: the GIL
runs one request at a time anyway, and a second thread only adds GIL hand-offs
(docs/benchmarks.md: 1 thread against 2 and 4)."""
BACKLOG = 1024
BACKPRESSURE = BACKLOG
"""Connections served at once (granian's `backpressure`; granian's default, backlog / workers).
A keep-alive connection holds its place while open, so a lower value starves clients: with 2, a
third open connection is never answered (docs/benchmarks.md)."""
HELD_THREADS = 64
"""Threads for the requests a latency fault holds (`app.extensions[DELAYS]`): each sleeps on its
own thread, so that a held request never waits for another, nor stalls the others."""
RUNTIME_THREADS = 1
"""granian's Rust I/O threads (granian's default). One keeps up with the Python thread on 2
cores."""
MAX_HEADER_BYTES = 256 * 1024
"""Request headers larger than this are refused with 431 (waitress's default limit)."""
HTTP1 = HTTP1Settings(max_buffer_size=2 * MAX_HEADER_BYTES)
"""hyper refuses headers past its buffer itself (an empty 431): keep the buffer above our limit,
so that the refusal is ours, with an `Error` body."""
BASE_ENVIRON: dict[str, Any] = {
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": "granian",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,  # granian hands the app the whole body, de-chunked
}
TCP_INFO_LAST_DATA_SENT, TCP_INFO_LAST_DATA_RECV = 44, 52
"""Offsets in Linux's `struct tcp_info` of the milliseconds since data was last sent and
received on a connection."""

Held = Callable[["WSGIEnvironment"], bool]


class StartResponse:
    """The WSGI `start_response` of one request: keeps the status code and the headers."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = int(status[:3])
        self.headers = headers


def error_reply(status: int, code: str, message: str) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and the `Error` body of a refusal made by the server itself."""
    body = orjson.dumps(error_body(status, [detail(code, message)]))
    return [("Content-Type", "application/json")], body


def header_bytes(environ: WSGIEnvironment) -> int:
    """The size of the request's headers as the environ holds them."""
    return sum(len(name) + len(value) for name, value in environ.items() if name[:5] == "HTTP_")


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket on `host` (a name, an IPv4 or an IPv6 address) and `port`; with
    `reuse_port`, one of several processes' sockets on that port (server_workers.py)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.create_server(address[:2], family=family, backlog=BACKLOG, reuse_port=reuse_port)


def unmapped(address: str) -> str:
    """An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) as plain IPv4."""
    return address.removeprefix("::ffff:")


def waiting_first(sock: socket.socket) -> tuple[bool, int]:
    """Sort key among a client's connections: those that received data since they last sent
    (a request waiting for its answer) first, the most recent receiver first among them."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    (sent,) = struct.unpack_from("I", info, TCP_INFO_LAST_DATA_SENT)
    (received,) = struct.unpack_from("I", info, TCP_INFO_LAST_DATA_RECV)
    return received >= sent, received


def client_connections(port: int, client: str, stack: ExitStack) -> list[socket.socket]:
    """This process's TCP connections accepted on `port` from address `client`, each through a
    duplicate descriptor (closed with `stack`), found in /proc/self/fd (Linux)."""
    found = []
    with suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            with suppress(OSError, ValueError):
                if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                    continue
                sock = stack.enter_context(socket.socket(fileno=os.dup(int(name))))
                if sock.family not in (socket.AF_INET, socket.AF_INET6):
                    continue
                if sock.type != socket.SOCK_STREAM or sock.getsockname()[1] != port:
                    continue
                if unmapped(sock.getpeername()[0]) == client:  # a listener has no peer
                    found.append(sock)
    return found


def drop_connection(environ: WSGIEnvironment) -> bool:
    """`DROP_KEY` under granian, which names only the client's address (no port, no socket):
    shut down the connection from that address waiting for its answer; among several waiting at
    once, the one that received its request last. False when none is found."""
    with ExitStack() as stack:
        port, client = int(environ["SERVER_PORT"]), unmapped(environ["REMOTE_ADDR"])
        connections = client_connections(port, client, stack)
        if not connections:
            return False
        min(connections, key=waiting_first).shutdown(socket.SHUT_RDWR)
        return True


class GranianServer:
    """The app on granian, bound at construction (`port` is the bound one, also for port 0) and
    serving from `start()` in granian's own threads until `stop()`.

    Each request runs on granian's request thread, except those that `held(environ)` says a
    latency fault will hold: they run on threads of their own and answer when done.
    """

    name = "granian"

    def __init__(
        self,
        app: WSGIApplication,
        binding: Binding,
        held: Held | None = None,
        reuse_port: bool = False,
    ) -> None:
        self.app = app
        self.held = held
        self.host, self.threads = binding.host, binding.threads
        self._socket = bind(binding.host, binding.port, reuse_port)
        self.port: int = self._socket.getsockname()[1]
        self._signal = WorkerSignal()
        self._stopped = threading.Event()
        self._signal.add_cb(self._stopped.set)  # called once the last request is answered
        self._loop = asyncio.new_event_loop()  # granian's scheduler wants one; WSGI never runs it
        self._held_threads = ThreadPoolExecutor(HELD_THREADS, "carriyo-sandbox-held")
        self._worker: Any = None

    def start(self) -> None:
        """Serve from granian's threads; returns at once."""
        self._worker = WSGIWorker(
            1,  # worker id
            (None, SocketHolder(self._socket.fileno(), False, BACKLOG)),
            None,  # no IPC: one worker, this process
            RUNTIME_THREADS,
            512,  # granian's default of Rust threads for blocking I/O
            self.threads,
            30,  # seconds an idle request thread is kept (granian's default)
            BACKPRESSURE,
            HTTPModes.http1,
            HTTP1,
            None,  # no HTTP/2 settings
            None,  # no static files
            *(False, None, None, None, "tls1.3", None, [], False),  # no TLS
            (None, None),  # no metrics
        )
        scheduler = new_scheduler(self._loop, self._request, impl_asyncio=True)
        self._worker.serve_str(scheduler, self._loop, self._signal)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting, let the requests in flight finish (`timeout` at most), then close."""
        if self._worker is None:
            self._socket.close()
        else:
            self._signal.set()
            self._stopped.wait(timeout)
            self._worker = None
            self._socket.detach()  # granian closed the listening socket itself
        self._held_threads.shutdown(wait=False, cancel_futures=True)
        self._loop.close()

    def _request(self, proto: Any, scope: dict[str, Any]) -> int:
        """granian's callback for each request: `scope` is the request's environ."""
        scope.update(BASE_ENVIRON)
        scope[DROP_KEY] = drop_connection
        if self.held is not None and self.held(scope):
            # granian's body stream is gone once this callback returns: read it first.
            scope["wsgi.input"] = io.BytesIO(scope["wsgi.input"].read())
            self._held_threads.submit(self._answer, proto, scope)
            return 0
        return self._answer(proto, scope)

    def _answer(self, proto: Any, environ: WSGIEnvironment) -> int:
        """Run the app and hand granian its answer (a 431 `Error` for oversized headers, a 500
        one if the app itself fails)."""
        reply = StartResponse()
        try:
            if header_bytes(environ) > MAX_HEADER_BYTES:
                reply.status = 431
                reply.headers, body = error_reply(
                    431,
                    "REQUEST_HEADER_FIELDS_TOO_LARGE",
                    f"The request headers exceed {MAX_HEADER_BYTES} bytes",
                )
            else:
                body = self._run(environ, reply)
        except Exception:
            log.exception("the app failed on %s", environ.get("PATH_INFO"))
            reply.status = 500
            reply.headers, body = error_reply(500, "INTERNAL_ERROR", "Internal error")
        proto.response_bytes(reply.status, reply.headers, body)
        return reply.status

    def _run(self, environ: WSGIEnvironment, reply: StartResponse) -> bytes:
        # Flask never calls start_response's write(): ours has none.
        chunks: Iterable[bytes] = self.app(environ, cast("WSGIStartResponse", reply))
        try:
            return b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
