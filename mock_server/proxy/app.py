"""The proxy as a WSGI app: every request but `/__admin/` goes to the upstream unchanged and its
answer comes back unchanged (with `X-Sandbox-Violations: N` when the exchange broke a rule);
each exchange is judged (judge.py), recorded (har.py) and each violation logged on one line.

`GET /__admin/violations` lists the violations kept (`DELETE` clears them); `POST
/__admin/report` writes the report now (it is also written on shutdown). With `strict`, an
answer that breaks a rule becomes a 502 with the published error body naming the rule (a
request the docs do not allow is listed, not turned into a 502: the upstream's answer to it is
the client's to see). With `observe_before`, a write is preceded by a read of its order, judged
and recorded like any exchange. An upstream that gives no answer is a 502 (refused, dropped) or
a 504 (timed out) with the published error body, and a line in the log; the proxy itself keeps
serving.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..app import DELAYS
from ..http.errors import detail, error_body
from ..http.wsgi import ADMIN_PREFIX, OPERATION_KEY, take_body
from .forward import Exchange, Request, Upstream, UpstreamError, read_request
from .har import HarRecorder
from .judge import Judge, Outgoing, Violation

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("mock_server.proxy")
VIOLATIONS_HEADER = "X-Sandbox-Violations"
HOP_BY_HOP_ANSWER = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
REASONS = {200: "OK", 404: "Not Found", 502: "Bad Gateway", 504: "Gateway Timeout"}


@dataclass
class ProxyOptions:
    upstream: Upstream
    judge: Judge | None = None
    recorder: HarRecorder | None = None
    strict: bool = False
    observe_before: bool = False
    report_dir: Path | None = None
    max_body_bytes: int | None = None


def _waits(environ: WSGIEnvironment) -> bool:
    """Every request waits on the upstream."""
    return True


class ProxyApp:
    """The WSGI callable of `carriyo-sandbox proxy`.

    `extensions[DELAYS]` tells the server that every request waits (on the upstream): granian
    then runs each on a thread of its own, as it runs the sandbox's requests a latency fault
    holds. A request blocking granian's own request thread on I/O leaves granian unable to stop
    cleanly (it aborts once the requests are answered), and holds the requests behind it."""

    def __init__(self, options: ProxyOptions) -> None:
        self.options = options
        self.judge = options.judge
        self.extensions = {DELAYS: _waits}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(ADMIN_PREFIX):
            return self._admin(environ, start_response, path)
        request = read_request(dict(environ), take_body(environ, self.options.max_body_bytes))
        if self.judge is not None and self.options.observe_before:
            read = self.judge.read_before(request)
            if read is not None:
                try:
                    self._forward(read, "observe-before: the order before the write")
                except UpstreamError as exc:
                    log.warning("observe-before %s: %s", read.target, exc.message)
        try:
            exchange, found = self._forward(request, environ=environ)
        except UpstreamError as exc:
            log.warning("%s %s: %s", request.method, request.target, exc.message)
            return _error(start_response, exc.status, exc.code, exc.message)
        response = exchange.response
        broken = sorted({v["rule"] for v in found if v["side"] == "answer"})
        if broken and self.options.strict:
            names = ", ".join(broken)
            return _error(start_response, 502, "CONTRACT_VIOLATION", f"the answer broke {names}")
        headers = [(k, v) for k, v in response.headers if k.lower() not in HOP_BY_HOP_ANSWER]
        if found:
            headers.append((VIOLATIONS_HEADER, str(len(found))))
        start_response(f"{response.status} {response.reason}", headers)
        return [response.body]

    def _forward(
        self, request: Request, note: str = "", environ: WSGIEnvironment | None = None
    ) -> tuple[Exchange, list[Violation]]:
        """Send `request` on; judge, record and log the exchange. The operation the judge
        matched goes into `environ`, for the access log."""
        outgoing = self.judge.begin(request) if self.judge is not None else None
        if environ is not None and outgoing is not None and outgoing.match is not None:
            environ[OPERATION_KEY] = outgoing.match.operation_id
        exchange = self.options.upstream.send(request)
        if note:
            exchange.notes.append(note)
        found = self._judge(outgoing, exchange) if outgoing is not None else []
        if self.options.recorder is not None:
            try:
                self.options.recorder.record(exchange)
            except (OSError, ValueError, TypeError):  # the client's answer comes first
                log.exception("could not record %s %s", request.method, request.target)
        return exchange, found

    def _judge(self, outgoing: Outgoing, exchange: Exchange) -> list[Violation]:
        assert self.judge is not None
        try:
            found = self.judge(outgoing, exchange)
        except Exception:  # a judge that fails must not fail the client's request
            log.exception("could not judge %s %s", exchange.request.method, exchange.request.path)
            exchange.notes.append("not judged: the proxy's judge failed (see its log)")
            return []
        for violation in found:
            log.warning(
                "violation %s [%s] on %s %s -> %s: %s",
                violation["rule"],
                violation["tier"],
                exchange.request.method,
                exchange.request.target,
                exchange.response.status,
                "; ".join(violation["problems"]),
            )
            exchange.notes.append(f"violation: {violation['rule']}")
        return found

    def report(self) -> None:
        """Write the report (report.json, report.html) when the proxy has a report directory."""
        if self.judge is not None and self.options.report_dir is not None:
            self.judge.write_report(self.options.report_dir)

    def close(self) -> None:
        """The proxy stops: the last report, and the upstream's connections closed."""
        self.report()
        self.options.upstream.close()

    def _admin(
        self, environ: WSGIEnvironment, start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/__admin/violations" and method == "GET":
            state = self.judge.state() if self.judge is not None else {"violations": []}
            return _json(start_response, 200, state)
        if path == "/__admin/violations" and method == "DELETE" and self.judge is not None:
            self.judge.clear()
            start_response("204 No Content", [])
            return [b""]
        if path == "/__admin/report" and method == "POST" and self.options.report_dir:
            self.report()
            return _json(start_response, 200, {"report": str(self.options.report_dir)})
        return _error(start_response, 404, "NOT_FOUND", f"no proxy control at {method} {path}")


def _json(start_response: StartResponse, status: int, payload: Any) -> list[bytes]:
    start_response(f"{status} {REASONS.get(status, '')}", [("Content-Type", "application/json")])
    return [orjson.dumps(payload)]


def _error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
    """The published error body (errors.error_body), as the sandbox answers its own errors."""
    return _json(start_response, status, error_body(status, [detail(code, message)]))
