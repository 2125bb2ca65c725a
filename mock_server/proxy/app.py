"""The proxy as a WSGI app: every request but `/__admin/` goes to the upstream unchanged and its
answer comes back unchanged (with `X-Sandbox-Violations: N` when the exchange broke a rule);
each exchange is judged (judge.py), recorded (har.py) and logged.

`/__admin/violations` lists the violations kept (the newest MAX_VIOLATIONS), `/__admin/report`
writes the report now (it is also written on shutdown). With `strict`, an answer that breaks a
rule becomes a 502 with the published error body naming the rule. An upstream that gives no
answer is a 502 (refused, dropped) or a 504 (timed out) with the published error body, and a
line in the log; the proxy itself keeps serving.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import detail, error_body
from ..wsgi import ADMIN_PREFIX, take_body
from .forward import Exchange, Upstream, UpstreamError, read_request
from .har import HarRecorder

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("mock_server.proxy")
MAX_VIOLATIONS = 10_000
VIOLATIONS_HEADER = "X-Sandbox-Violations"
HOP_BY_HOP_ANSWER = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})

Violation = dict[str, Any]
Judge = Callable[[Exchange], list[Violation]]
"""What the proxy asks of each exchange: the violations it shows (each with at least `rule`,
`tier` and `problems`)."""


@dataclass
class ProxyOptions:
    upstream: Upstream
    judge: Judge
    recorder: HarRecorder | None = None
    strict: bool = False
    max_body_bytes: int | None = None
    write_report: Callable[[list[Violation]], None] | None = None


class ProxyApp:
    """The WSGI callable of `carriyo-sandbox proxy`."""

    def __init__(self, options: ProxyOptions) -> None:
        self.options = options
        self.violations: deque[Violation] = deque(maxlen=MAX_VIOLATIONS)
        self.exchanges = 0
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(ADMIN_PREFIX):
            return self._admin(environ, start_response, path)
        request = read_request(dict(environ), take_body(environ, self.options.max_body_bytes))
        try:
            exchange = self.options.upstream.send(request)
        except UpstreamError as exc:
            log.warning("%s %s: %s", request.method, request.target, exc.message)
            return _error(start_response, exc.status, exc.code, exc.message)
        found = self._judge(exchange)
        if self.options.recorder is not None:
            self.options.recorder.record(exchange)
        response = exchange.response
        if found and self.options.strict:
            names = ", ".join(sorted({violation["rule"] for violation in found}))
            return _error(start_response, 502, "CONTRACT_VIOLATION", f"the answer broke {names}")
        headers = [(k, v) for k, v in response.headers if k.lower() not in HOP_BY_HOP_ANSWER]
        if found:
            headers.append((VIOLATIONS_HEADER, str(len(found))))
        start_response(f"{response.status} {response.reason}", headers)
        return [response.body]

    def report(self) -> None:
        """Write the report of every violation kept (when the proxy has a report writer)."""
        if self.options.write_report is not None:
            with self._lock:
                kept = list(self.violations)
            self.options.write_report(kept)

    def _judge(self, exchange: Exchange) -> list[Violation]:
        try:
            found = self.options.judge(exchange)
        except Exception:  # a judge that fails must not fail the client's request
            log.exception("could not judge %s %s", exchange.request.method, exchange.request.path)
            exchange.notes.append("not judged: the proxy's judge failed (see its log)")
            return []
        with self._lock:
            self.exchanges += 1
            self.violations.extend(found)
        for violation in found:
            log.warning(
                "violation %s (%s) on %s %s: %s",
                violation["rule"],
                violation.get("tier", "?"),
                exchange.request.method,
                exchange.request.target,
                "; ".join(violation.get("problems", [])),
            )
            exchange.notes.append(f"violation: {violation['rule']}")
        return found

    def _admin(
        self, environ: WSGIEnvironment, start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/__admin/violations" and method == "GET":
            with self._lock:
                kept, exchanges = list(self.violations), self.exchanges
            return _json(start_response, 200, {"exchanges": exchanges, "violations": kept})
        if path == "/__admin/violations" and method == "DELETE":
            with self._lock:
                self.violations.clear()
            start_response("204 No Content", [])
            return [b""]
        if path == "/__admin/report" and method == "POST":
            self.report()
            start_response("204 No Content", [])
            return [b""]
        return _error(start_response, 404, "NOT_FOUND", f"no proxy control at {method} {path}")


def _json(start_response: StartResponse, status: int, payload: Any) -> list[bytes]:
    body = orjson.dumps(payload)
    reason = {200: "OK", 404: "Not Found", 502: "Bad Gateway", 504: "Gateway Timeout"}
    start_response(f"{status} {reason.get(status, '')}", [("Content-Type", "application/json")])
    return [body]


def _error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
    """The published error body (errors.error_body), as the sandbox answers its own errors."""
    return _json(start_response, status, error_body(status, [detail(code, message)]))
