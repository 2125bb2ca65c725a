"""The HTTP server the sandbox runs under: granian (a Rust HTTP core, the default) or waitress
(pure Python, `--server waitress`), in the foreground (`serve`) or in the background (tests).

Both serve the app in this process, from threads of their own: `start()` returns at once, and
`stop()` lets the requests in flight finish. Several processes on one port share a store in
Redis (server_workers.py).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from ..app import DELAYS
from ..config import MIB
from .binding import BODY_TIMEOUT, Binding, http_url

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger("mock_server")
SERVERS = ("granian", "waitress")
DEFAULT_SERVER = SERVERS[0]


class HttpServer(Protocol):
    """A bound server: `port` is the one bound (also when asked for port 0)."""

    name: str
    host: str
    port: int
    threads: int

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...


def make_server(
    app: WSGIApplication,
    *,
    server: str = DEFAULT_SERVER,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int | None = None,
    max_body_bytes: int = MIB,
    body_timeout: float = BODY_TIMEOUT,
) -> HttpServer:
    """A bound, not yet serving, `server` ("granian" or "waitress") for `app`; `threads` None:
    that server's default. Under granian the requests a latency fault holds run on threads of
    their own (`app.extensions[DELAYS]`), and a body has `body_timeout` seconds to arrive
    (waitress has a pool of threads already, and closes a connection idle for its own timeout)."""
    if server == "waitress":
        from .server_waitress import THREADS, WaitressServer

        return WaitressServer(app, Binding(host, port, threads or THREADS), max_body_bytes)
    from .server_granian import THREADS as GRANIAN_THREADS
    from .server_granian import GranianServer

    binding = Binding(host, port, threads or GRANIAN_THREADS, body_timeout)
    extensions: dict[str, Any] = getattr(app, "extensions", {})  # a Flask app's, the sandbox's
    return GranianServer(app, binding, held=extensions.get(DELAYS), max_body_bytes=max_body_bytes)


def url_of(server: HttpServer) -> str:
    """`http://host:port` of a bound server."""
    return http_url(server.host, server.port)


class BackgroundServer:
    """A server for `app` on a free loopback port by default, serving in the background: the
    pytest plugin's sandbox and the tests that need a real socket."""

    def __init__(
        self,
        app: WSGIApplication,
        host: str = "127.0.0.1",
        port: int = 0,
        server: str = DEFAULT_SERVER,
        threads: int | None = None,
    ):
        self._server = make_server(app, server=server, host=host, port=port, threads=threads)
        self.url = url_of(self._server)

    def start(self) -> BackgroundServer:
        self._server.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)


def _leave(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM/SIGINT: end serve_until_signalled's wait, so that it shuts down cleanly."""
    raise SystemExit(0)


def serve_until_signalled(server: HttpServer, banner: str, on_stop: Callable[[], None]) -> None:
    """Serve in the foreground until SIGTERM or SIGINT, then let the requests in flight finish
    and call `on_stop` (signals ignored meanwhile, so that a final save is not cut short).

    Logs `Serving on <url> (<server>, <threads>)`, the line tests/launcher.py waits for (the bound
    port, also for port 0), then `banner` with `{url}` filled in."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _leave)
    url = url_of(server)
    try:
        server.start()
        threads = f"{server.threads} thread{'' if server.threads == 1 else 's'}"
        log.info("Serving on %s (%s, %s)", url, server.name, threads)
        log.info(banner.format(url=url))
        with contextlib.suppress(SystemExit):
            threading.Event().wait()  # until a signal handler raises SystemExit
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)
        server.stop()
        on_stop()
