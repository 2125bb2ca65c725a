"""granian's Rust HTTP core serving the sandbox's WSGI app in this process (the default server).

granian's own runners import their target in worker processes or threads of their own; the
sandbox needs its app object here (the pytest plugin's `carriyo_sandbox` is a plain object of the
test process, and the state file is saved by this process at exit). So this module drives one of
granian's workers the way granian's thread runner (`granian.server.mt`) does: a listening socket,
one worker whose Rust threads accept and parse, and a callback that runs the app.

The worker is granian's RSGI one, not its WSGI one, although the app is WSGI: under the WSGI
worker the app's thread reads the request body itself, so one client that stops sending its body
held every other client up. Here the body is awaited on an asyncio loop, with a deadline
(`body_timeout`: then 408), while other requests run; the app is called once its body is whole.
The worker's classes are granian's internals: hence the pinned minor version in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote_to_bytes

import granian._futures
import granian._granian
import orjson
from granian.constants import HTTPModes
from granian.http import HTTP1Settings

from ..config import MIB
from ..http.errors import detail, error_body
from ..http.wsgi import DISCARD_BYTES, DROP_KEY
from .binding import Binding
from .connections import shut_down, split_peer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse as WSGIStartResponse
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

log = logging.getLogger("mock_server")
# granian's stub of its Rust module lags the module (the worker takes more arguments, and serves
# through methods the stub lacks): its classes are used untyped here.
RSGIWorker: Any = granian._granian.RSGIWorker
SocketHolder: Any = granian._granian.SocketHolder
WorkerSignal: Any = granian._granian.WorkerSignal
ProtocolClosed: Any = granian._granian.RSGIProtocolClosed
new_scheduler: Any = granian._futures._new_cbscheduler
watched: Any = granian._futures._future_watcher_wrapper

THREADS = 1
"""Python threads running requests. One (the loop's own) serves the most: the GIL runs one
request at a time anyway, and more threads only add GIL hand-offs (docs/benchmarks.md: 1 thread
against 2 and 4). With more, requests run on a pool of that many threads."""
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
    "wsgi.input_terminated": True,  # the app gets the whole body, de-chunked
}
UNPREFIXED = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
"""The two headers a WSGI environ names without `HTTP_`."""

Held = Callable[["WSGIEnvironment"], bool]
Reply = tuple[int, list[tuple[str, str]], bytes]


class BodyTooLarge(Exception):
    """A request body past the server's cap (then 413, the rest unread)."""


class StartResponse:
    """The WSGI `start_response` of one request: keeps the status code and the headers."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = int(status[:3])
        self.headers = headers


def error_reply(status: int, code: str, message: str, close: bool = False) -> Reply:
    """A refusal made by the server itself, with an `Error` body; `close`: the connection is
    closed after it (the rest of the request was not read)."""
    body = orjson.dumps(error_body(status, [detail(code, message)]))
    headers = [("Content-Type", "application/json")]
    return status, [*headers, ("Connection", "close")] if close else headers, body


def header_bytes(environ: WSGIEnvironment) -> int:
    """The size of the request's headers as the environ holds them."""
    return sum(len(name) + len(value) for name, value in environ.items() if name[:5] == "HTTP_")


def environ_of(scope: Any) -> dict[str, Any]:
    """The WSGI environ of an RSGI request scope (the body is added once read)."""
    host, port = split_peer(scope.server)
    client, client_port = split_peer(scope.client)
    environ = {
        **BASE_ENVIRON,
        "REQUEST_METHOD": scope.method,
        "PATH_INFO": unquote_to_bytes(scope.path).decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client,
        "REMOTE_PORT": str(client_port),
        "wsgi.url_scheme": scope.scheme,
        DROP_KEY: drop_connection,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key not in UNPREFIXED:
            key = "HTTP_" + key
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


async def read_body(proto: Any, cap: int) -> bytes:
    """The whole request body, as its chunks arrive; BodyTooLarge past `cap` bytes."""
    chunks, size = [], 0
    async for chunk in proto:
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def new_loop() -> asyncio.AbstractEventLoop:
    """The requests' event loop: uvloop's where it is installed (Linux and macOS), else
        asyncio's. In short trials on 2 cores uvloop served more requests per second
    (docs/benchmarks.md, "Reading bodies with a deadline")."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket on `host` (a name, an IPv4 or an IPv6 address) and `port`; with
    `reuse_port`, one of several processes' sockets on that port (server_workers.py)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.create_server(address[:2], family=family, backlog=BACKLOG, reuse_port=reuse_port)


def drop_connection(environ: WSGIEnvironment) -> bool:
    """`DROP_KEY` under granian: shut down the request's own connection, found by its client's
    address and port."""
    peer = (environ["REMOTE_ADDR"], int(environ["REMOTE_PORT"]))
    return shut_down(int(environ["SERVER_PORT"]), peer)


class GranianServer:
    """The app on granian, bound at construction (`port` is the bound one, also for port 0) and
    serving from `start()` in granian's threads and an asyncio loop's until `stop()`.

    Each request runs on the loop's thread once its body is read (on a pool of `threads` threads
    when there are more than one), except those that `held(environ)` says a latency fault will
    hold: they run on threads of their own and answer when done.
    """

    name = "granian"

    def __init__(
        self,
        app: WSGIApplication,
        binding: Binding,
        held: Held | None = None,
        reuse_port: bool = False,
        max_body_bytes: int = MIB,
    ) -> None:
        self.app = app
        self.held = held
        self.host, self.threads = binding.host, binding.threads
        self.body_timeout = binding.body_timeout
        self.body_cap = max(max_body_bytes + DISCARD_BYTES, 4 * max_body_bytes)
        self._socket = bind(binding.host, binding.port, reuse_port)
        self.port: int = self._socket.getsockname()[1]
        self._signal = WorkerSignal()
        self._stopped = threading.Event()
        self._signal.add_cb(self._stopped.set)
        self._loop = new_loop()
        self._loop_thread = threading.Thread(
            target=self._loop.run_forever, name="carriyo-sandbox-granian", daemon=True
        )
        self._held_threads = ThreadPoolExecutor(HELD_THREADS, "carriyo-sandbox-held")
        self._pool = (
            ThreadPoolExecutor(self.threads, "carriyo-sandbox") if self.threads > 1 else None
        )
        self._worker: Any = None

    def start(self) -> None:
        """Serve from granian's threads and the loop's; returns at once."""
        self._worker = RSGIWorker(
            1,  # worker id
            (None, SocketHolder(self._socket.fileno(), False, BACKLOG)),
            None,  # no IPC: one worker, this process
            RUNTIME_THREADS,
            512,  # granian's default of Rust threads for blocking I/O
            1,  # RSGI runs Python on the loop's thread only
            30,  # seconds an idle Python thread is kept (granian's default)
            BACKPRESSURE,
            HTTPModes.http1,
            HTTP1,
            None,  # no HTTP/2 settings
            False,  # no websockets
            None,  # no static files
            *(False, None, None, None, "tls1.3", None, [], False),  # no TLS
            (None, None),  # no metrics
        )
        scheduler = new_scheduler(self._loop, watched(self._request), impl_asyncio=True)
        self._worker.serve_str(scheduler, self._loop, self._signal)
        self._loop_thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting, let the requests in flight finish (`timeout` at most), then close."""
        if self._worker is None:
            self._socket.close()
        else:
            self._signal.set()
            self._stopped.wait(timeout)
            self._worker = None
            self._socket.detach()  # granian closed the listening socket itself
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop_thread.join(timeout)
        for pool in (self._held_threads, self._pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        if not self._loop.is_running():
            self._loop.close()

    async def _request(self, scope: Any, proto: Any) -> None:
        """granian's callback for each request, on the loop: read the body (with its deadline),
        then run the app where it runs, and answer."""
        environ = environ_of(scope)
        if header_bytes(environ) > MAX_HEADER_BYTES:
            message = f"The request headers exceed {MAX_HEADER_BYTES} bytes"
            proto.response_bytes(*error_reply(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", message))
            return
        try:
            body = await self._body(proto, environ)
        except TimeoutError:
            message = f"The request body did not arrive within {self.body_timeout:g} s"
            proto.response_bytes(*error_reply(408, "REQUEST_TIMEOUT", message, close=True))
            return
        except BodyTooLarge:
            message = f"The request body exceeds {self.body_cap} bytes"
            proto.response_bytes(*error_reply(413, "PAYLOAD_TOO_LARGE", message, close=True))
            return
        except ProtocolClosed:
            return  # the client left before sending it all
        environ["wsgi.input"] = io.BytesIO(body)
        pool = self._held_threads if self.held is not None and self.held(environ) else self._pool
        if pool is None:
            reply = self._answer(environ)
        else:
            reply = await self._loop.run_in_executor(pool, self._answer, environ)
        proto.response_bytes(*reply)

    async def _body(self, proto: Any, environ: WSGIEnvironment) -> bytes:
        """The request body, whole, within `body_timeout` (else TimeoutError). A body of known
        length is awaited at once, its deadline a timer that cancels the wait (cheaper than
        `asyncio.wait_for`, which makes a task of each request); a chunked one chunk by chunk,
        so that one past the cap is refused before it is all in memory."""
        length = environ.get("CONTENT_LENGTH", "")
        if "HTTP_TRANSFER_ENCODING" in environ:
            return await asyncio.wait_for(read_body(proto, self.body_cap), self.body_timeout)
        if length in ("", "0"):
            return b""
        if int(length) > self.body_cap:
            raise BodyTooLarge
        pending = proto()
        deadline = self._loop.call_later(self.body_timeout, pending.cancel)
        try:
            body: bytes = await pending
        except asyncio.CancelledError:
            raise TimeoutError from None
        finally:
            deadline.cancel()
        return body

    def _answer(self, environ: WSGIEnvironment) -> Reply:
        """The app's answer (a 500 `Error` if the app itself fails)."""
        reply = StartResponse()
        try:
            body = self._run(environ, reply)
        except Exception:
            log.exception("the app failed on %s", environ.get("PATH_INFO"))
            return error_reply(500, "INTERNAL_ERROR", "Internal error")
        return reply.status, reply.headers, body

    def _run(self, environ: WSGIEnvironment, reply: StartResponse) -> bytes:
        # Flask never calls start_response's write(): ours has none.
        chunks: Iterable[bytes] = self.app(environ, cast("WSGIStartResponse", reply))
        try:
            return b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
