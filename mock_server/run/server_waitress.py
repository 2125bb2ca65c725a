"""waitress, the pure-Python fallback server (`--server waitress`): its own refusals (an invalid
header, a body past its cap) become `Error` bodies, and a dropped connection is its socket's."""

from __future__ import annotations

import logging
import socket
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import orjson
from waitress import create_server, utilities, wasyncore

from ..config import MIB
from ..http.errors import detail, error_body
from ..http.wsgi import DROP_KEY
from .binding import Binding

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def _error_as_json(
    self: utilities.Error, ident: str | None = None
) -> tuple[str, list[tuple[str, str]], bytes]:
    """waitress's own refusals (an invalid header, a body past its limit) as `Error` bodies."""
    code = self.reason.upper().replace(" ", "_")
    body = orjson.dumps(error_body(self.code, [detail(code, str(self.body))]))
    return f"{self.code} {self.reason}", [("Content-Type", "application/json")], body


# Every 4xx body is `Error` (openapi.yaml), also when the WSGI server refuses a request itself.
utilities.Error.to_response = _error_as_json
# waitress warns "Task queue depth is N" whenever more requests wait than threads are idle: under
# load (a parallel test suite, a benchmark) a line every request or two, from its I/O thread.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

THREADS = 4
"""waitress's worker threads. More do not serve more (the GIL runs one request at a time) but
widen the latency spread: on 2 cores under wrk, 4 threads against 8 gave the same req/s with a
p99 20-30% lower (docs/benchmarks.md). Requests that wait (latency faults) hold a thread each."""


CONNECTION_LIMIT = 1000
"""Connections waitress holds at once (its default, 100, let 100 slow clients lock every new one
out); watched with poll(), not select(), which stops at 1024 descriptors."""
IDLE_TIMEOUT = 30
"""Seconds a connection that sends nothing stays open (waitress's default: 120), checked every
CLEANUP_INTERVAL seconds."""
CLEANUP_INTERVAL = 5


def drop_connection(environ: WSGIEnvironment) -> bool:
    """`DROP_KEY` under waitress: the socket is held by the channel that owns the environ's
    `waitress.client_disconnected` callback."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    sock: socket.socket | None = getattr(channel, "socket", None)
    if sock is None:
        return False
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    return True


class WaitressServer:
    """The app on waitress, bound at construction (`port` is the bound one, also for port 0),
    its loop running in a daemon thread from `start()` until `stop()`."""

    name = "waitress"

    def __init__(self, app: WSGIApplication, binding: Binding, max_body_bytes: int = MIB) -> None:
        self.app = app
        self.host, self.threads = binding.host, binding.threads
        self._map: dict[int, Any] = {}
        self._server = create_server(
            self._with_drop,
            map=self._map,
            host=binding.host,
            port=binding.port,
            threads=binding.threads,
            ident="carriyo-sandbox",
            max_request_body_size=max(max_body_bytes * 4, 64 * MIB),
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=CLEANUP_INTERVAL,
            asyncore_use_poll=True,
        )
        self.port: int = self._server.effective_port
        self._thread = threading.Thread(
            target=self._server.run, name="carriyo-sandbox-waitress", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Let in-flight requests finish, then close every socket from the loop thread itself
        (the loop ends when its socket map is empty)."""
        self._server.task_dispatcher.shutdown(timeout=timeout)
        # A worker's last wake-up can make the loop close the trigger's pipe first (EBADF):
        # the loop is ending then anyway.
        with suppress(OSError):
            self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        self._thread.join(timeout)

    def _with_drop(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        environ[DROP_KEY] = drop_connection
        return self.app(environ, start_response)
