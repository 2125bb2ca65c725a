"""Fault injection: armed faults answer matching API requests with an error status, a delay or a
dropped connection, before the request is handled (so a faulted request changes nothing).

A fault matches by operation (the spec's operationId), path (a glob, or a regular expression when
it starts with `^`) and method; all given must match. With a `count` it disarms itself after that
many requests; the oldest armed fault that matches a request is the one applied.
"""

from __future__ import annotations

import builtins
import fnmatch
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Response

from ..clock import utc_now
from ..domain import CONCURRENT_UPDATE
from ..http.errors import SERVICE_UNAVAILABLE, ApiError
from ..http.rendering import error_response
from ..http.spec import FieldError
from ..http.wsgi import DROP_KEY, FAULT_KEY, OPERATION_KEY, is_sandbox_page, request_path

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

FAULT_HEADER = "X-Sandbox-Fault"
FAULT_ERRORS: dict[int, tuple[str, str]] = {
    409: ("CONCURRENT_UPDATE", CONCURRENT_UPDATE),
    429: ("TOO_MANY_REQUESTS", "Too many requests. Retry after the delay in Retry-After."),
    500: ("INTERNAL_ERROR", "Internal error"),
    503: SERVICE_UNAVAILABLE,
}


def compile_path(pattern: str) -> re.Pattern[str]:
    """A regular expression when `pattern` starts with `^`, else a glob over the whole path."""
    return re.compile(pattern if pattern.startswith("^") else fnmatch.translate(pattern))


def fault_problems(spec: dict[str, Any], operations: Iterable[str]) -> list[FieldError]:
    """What the schema cannot say about a fault request: a known operation, a valid pattern, one
    effect at least, and not both a status and a dropped connection."""
    problems = []
    if spec.get("operation") is not None and spec["operation"] not in set(operations):
        problems.append(FieldError("operation", f"unknown operationId {spec['operation']!r}"))
    if spec.get("path") is not None:
        try:
            compile_path(spec["path"])
        except re.error as exc:
            problems.append(FieldError("path", f"invalid regular expression: {exc}"))
    if not (spec.get("status") or spec.get("latency_ms") or spec.get("drop_connection")):
        problems.append(FieldError("status", "a fault needs status, latency_ms or drop_connection"))
    if spec.get("status") and spec.get("drop_connection"):
        problems.append(
            FieldError("drop_connection", "a dropped connection cannot also have a status")
        )
    return problems


@dataclass
class Fault:
    """One armed fault and how often it has struck."""

    id: str
    operation: str | None
    path: str | None
    method: str | None
    count: int | None
    status: int | None
    latency_ms: int
    drop_connection: bool
    retry_after: int
    created_at: str
    remaining: int | None
    hits: int = 0
    pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, operation: str | None, method: str, path: str) -> bool:
        return (
            (self.operation is None or self.operation == operation)
            and (self.method is None or self.method == method)
            and (self.pattern is None or self.pattern.match(path) is not None)
        )

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "pattern"}


def fault_from(spec: dict[str, Any], fault_id: str, created_at: str) -> Fault:
    """The fault a request arms (it passed the schema and `fault_problems`)."""
    path, count = spec.get("path"), spec.get("count")
    return Fault(
        id=fault_id,
        operation=spec.get("operation"),
        path=path,
        method=(spec.get("method") or "").upper() or None,
        count=count,
        status=spec.get("status"),
        latency_ms=spec.get("latency_ms") or 0,
        drop_connection=bool(spec.get("drop_connection")),
        retry_after=spec.get("retry_after", 1),
        created_at=created_at,
        remaining=count,
        pattern=None if path is None else compile_path(path),
    )


class FaultTable:
    """The armed faults, oldest first; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def arm(self, spec: dict[str, Any]) -> Fault:
        """Arm a fault from a request that passed the schema and `fault_problems`."""
        fault = fault_from(spec, f"FLT-{next(self._ids):04d}", utc_now())
        with self._lock:
            self._faults.append(fault)
        return fault

    @property
    def armed(self) -> bool:
        """Whether any fault is armed (read without the lock: a hint for the fast path)."""
        return bool(self._armed())

    def delays(self, operation: str | None, method: str, path: str) -> bool:
        """Whether the fault `take` would apply to this request now holds it (`latency_ms`);
        nothing is counted."""
        if not self._armed():
            return False
        with self._lock:
            fault = self._first(operation, method, path)
        return fault is not None and fault.latency_ms > 0

    def take(self, operation: str | None, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, counted as used (and disarmed when spent)."""
        if not self._faults:
            return None
        with self._lock:
            fault = self._first(operation, method, path)
            if fault is None:
                return None
            fault.hits += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
            return fault

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_json() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def _armed(self) -> builtins.list[Fault]:
        """The armed faults, oldest first."""
        return self._faults

    def _first(self, operation: str | None, method: str, path: str) -> Fault | None:
        """The oldest armed fault that matches the request (hold the lock)."""
        return next((f for f in self._armed() if f.matches(operation, method, path)), None)


def drop_connection(environ: WSGIEnvironment) -> Response:
    """Shut the client's connection down through the server's `DROP_KEY` function: the client
    gets no response at all (the one returned here is never sent). Without one (e.g. the Flask
    test client), or when it finds no connection, a 500 says so instead."""
    drop = environ.get(DROP_KEY)
    if drop is None or not drop(environ):
        return error_response(
            ApiError.of(
                500, "CONNECTION_NOT_DROPPED", "Fault: this server gives no connection to drop"
            )
        )
    environ[FAULT_KEY]["dropped"] = True
    return Response(status=500)


def fault_error(fault: Fault, status: int) -> ApiError:
    """The `Error` answer of a status fault; 429 carries `Retry-After`."""
    code, message = FAULT_ERRORS[status]
    error = ApiError.of(status, code, message)
    error.headers[FAULT_HEADER] = fault.id
    if status == 429:
        error.headers["Retry-After"] = str(fault.retry_after)
    return error


class FaultMiddleware:
    """WSGI middleware applying armed faults to the wrapped app's API requests before they are
    handled. `operation_of(method, path)` names the operation a request is routed to."""

    def __init__(
        self,
        app: WSGIApplication,
        faults: FaultTable,
        operation_of: Callable[[str, str], str | None],
    ) -> None:
        self.app = app
        self.faults = faults
        self.operation_of = operation_of

    def delays(self, environ: WSGIEnvironment) -> bool:
        """Whether an armed latency fault will hold this request: the HTTP server then runs it
        off the thread that serves the others (server_granian.py), so that the wait stalls
        nothing else."""
        if not self.faults.armed:
            return False
        path, method = request_path(environ), environ.get("REQUEST_METHOD", "GET")
        if is_sandbox_page(path):
            return False
        return self.faults.delays(self.operation_of(method, path), method, path)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.faults.armed:
            return self.app(environ, start_response)
        path, method = request_path(environ), environ.get("REQUEST_METHOD", "GET")
        if is_sandbox_page(path):
            return self.app(environ, start_response)
        operation = self.operation_of(method, path)
        fault = self.faults.take(operation, method, path)
        if fault is None:
            return self.app(environ, start_response)
        environ[FAULT_KEY] = {"id": fault.id, "dropped": False}
        environ[OPERATION_KEY] = operation
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.drop_connection:
            answer = drop_connection(environ)
        elif fault.status is not None:
            answer = error_response(fault_error(fault, fault.status))
        else:
            return self.app(environ, start_response)
        return answer(environ, start_response)
