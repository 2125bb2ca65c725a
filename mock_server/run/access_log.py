"""The console access log of `serve` and `proxy`: one line per request, as Prism and WireMock
print them (`--quiet` leaves it out).

`GET /orders/ORD-1001 200 1.9 ms getOrder`: the method, the path (never the query string, where a
client may put a credential; no header is shown), the status, the milliseconds until the answer's
last byte was handed to the server, and the operationId the request was routed to (`-` for none:
the admin API, the docs, an unknown path).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import ClosingIterator

from ..http.wsgi import OPERATION_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("mock_server.access")


class AccessLog:
    """WSGI middleware writing the access line of each request when its answer is closed.

    `extensions` are the wrapped app's (a Flask app's, or the proxy's), so that the server still
    learns which requests wait (`app.DELAYS`)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.extensions: dict[str, Any] = getattr(app, "extensions", {})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def start(line: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = line.split(" ", 1)[0]
            return start_response(line, headers, exc_info)

        def done() -> None:
            log.info(
                "%s %s %s %.1f ms %s",
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "") or "/",
                status[0],
                (time.perf_counter() - started) * 1000,
                environ.get(OPERATION_KEY) or "-",
            )

        try:
            answer = self.app(environ, start)
        except BaseException:
            status[0] = "500"
            done()
            raise
        return ClosingIterator(answer, done)


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """`--quiet`, for `serve` and `proxy`."""
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no access log (by default one line per request: method, path, status, "
        "milliseconds, operationId)",
    )


def logged(app: WSGIApplication, quiet: bool) -> WSGIApplication:
    """`app` with the access log, unless `quiet`."""
    return app if quiet else AccessLog(app)
