"""The WSGI server the sandbox runs under (waitress): in the foreground (`serve`) or in a thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

import orjson
from flask import Flask
from waitress import create_server, utilities, wasyncore
from waitress.server import BaseWSGIServer

from .config import MIB
from .errors import detail, error_body


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


DEFAULT_THREADS = 4
"""waitress's worker threads. More do not serve more (the GIL runs one request at a time) but
widen the latency spread: on 2 cores under wrk, 4 threads against 8 gave the same req/s with a
p99 20-30% lower (README, Benchmarks). Requests that wait (latency faults) hold a thread each."""


def make_server(
    app: Flask,
    *,
    host: str,
    port: int,
    threads: int = DEFAULT_THREADS,
    max_body_bytes: int = MIB,
    socket_map: dict[int, Any] | None = None,
) -> BaseWSGIServer:
    """A bound (not yet running) waitress server; `port=0` picks a free port
    (`server.effective_port`). One process: the state is in memory."""
    return create_server(
        app,
        map=socket_map,
        host=host,
        port=port,
        threads=threads,
        ident="carriyo-sandbox",
        max_request_body_size=max(max_body_bytes * 4, 64 * MIB),
    )


class BackgroundServer:
    """A waitress server whose loop runs in a daemon thread, on a free loopback port by default."""

    def __init__(
        self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = DEFAULT_THREADS
    ):
        self._map: dict[int, Any] = {}
        self._server = make_server(app, host=host, port=port, threads=threads, socket_map=self._map)
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(
            target=self._server.run, name="carriyo-sandbox-server", daemon=True
        )

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Let in-flight requests finish, then close every socket from the loop thread itself
        (the loop ends when its socket map is empty)."""
        self._server.task_dispatcher.shutdown(timeout=timeout)
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        self._thread.join(timeout)
