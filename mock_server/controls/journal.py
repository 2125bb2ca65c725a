"""The request journal: the API requests the sandbox answered, in a bounded ring buffer.

`JournalMiddleware`, around the Flask app, is the only place requests are recorded. The sandbox's
own pages (`/__admin/`, `/docs`, the spec) are not journaled, so reading or clearing the journal
never changes it. Secrets are masked (the credential headers, and the `client_secret` of a token
request), header values cut to `HEADER_VALUE_LIMIT` characters and bodies to `BODY_LIMIT` bytes,
so an entry stays small whatever the client sends.
"""

from __future__ import annotations

import builtins
import fnmatch
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import orjson
from werkzeug.exceptions import RequestEntityTooLarge

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from ..clock import published_timestamp
from ..http.urls import TOKEN_PATH
from ..http.wsgi import FAULT_KEY, OPERATION_KEY, is_sandbox_page, keep_body, request_path

Entry = dict[str, Any]
BODY_LIMIT = 16 * 1024
HEADER_VALUE_LIMIT = 1024
MASKED_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})
MASKED_ENVIRON_KEYS = frozenset("HTTP_" + name.upper().replace("-", "_") for name in MASKED_HEADERS)
CONTENT_ENVIRON_KEYS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
GLOB_CHARS = frozenset("*?[")


def mask(value: str) -> str:
    """A secret shown by its first two characters only."""
    return value[:2] + "***"


def masked_credentials(raw: bytes) -> bytes:
    """A token request's body with its `client_secret` masked. A body that is not a JSON object
    is masked whole: it may carry the secret some other way (a form, a string, an array)."""
    with suppress(orjson.JSONDecodeError, orjson.JSONEncodeError):
        body = orjson.loads(raw)
        if isinstance(body, dict):
            if "client_secret" not in body:
                return raw
            secret = body["client_secret"]
            shown = mask(secret) if isinstance(secret, str) else "***"
            return orjson.dumps({**body, "client_secret": shown})
    return mask(raw.decode("utf-8", "replace")).encode() if raw else raw


def shown_body(raw: bytes, truncated: bool) -> Any:
    """A recorded body as parsed JSON when it is whole JSON that can be sent back (orjson nests
    at most 255 levels deep), else as text; None when empty."""
    if not raw:
        return None
    if not truncated:
        with suppress(orjson.JSONDecodeError, orjson.JSONEncodeError):
            parsed = orjson.loads(raw)
            orjson.dumps(parsed)
            return parsed
    return raw.decode("utf-8", "replace")


def recorded_headers(environ: dict[str, Any]) -> tuple[str, ...]:
    """The request headers as WSGI environ keys, secrets masked and values cut (cheap: the
    header names are spelled out only when the journal is read, by `shown_headers`).

    One flat tuple, key, value, key, value...: a tuple of strings is untracked by the garbage
    collector at its first pass, and so is then the entry holding it (see `RequestJournal`)."""
    return tuple(
        [
            part
            for key, value in environ.items()
            if (key[:5] == "HTTP_" or key in CONTENT_ENVIRON_KEYS) and value
            for part in (
                key,
                mask(value) if key in MASKED_ENVIRON_KEYS else value[:HEADER_VALUE_LIMIT],
            )
        ]
    )


def shown_headers(recorded: tuple[str, ...]) -> dict[str, str]:
    """Recorded headers by their HTTP names (`HTTP_X_API_KEY` -> `X-Api-Key`)."""
    return {
        key.removeprefix("HTTP_").replace("_", "-").title(): value
        for key, value in zip(recorded[::2], recorded[1::2], strict=True)
    }


def path_matches(pattern: str, path: str) -> bool:
    """A glob (`/orders/*/fulfillment-orders/*`) when `pattern` has `*`, `?` or `[`; otherwise
    a substring."""
    if GLOB_CHARS & set(pattern):
        return fnmatch.fnmatchcase(path, pattern)
    return pattern in path


def status_matches(wanted: str, status: int | None) -> bool:
    """`wanted` is a status (`404`) or a class (`4xx`); a dropped connection has no status."""
    if status is None:
        return False
    if wanted.endswith("xx"):
        return str(status)[0] == wanted[0]
    return str(status) == wanted


FIELDS = (
    "id",
    "time",
    "duration_ms",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "body_truncated",
    "status",
    "tenant",
    "operation",
    "fault",
)
"""An entry's fields, in the order of its recorded tuple."""


class RequestJournal:
    """The newest `capacity` entries, thread-safe; each gets an id `REQ-<n>`.

    An entry is recorded as a plain tuple (FIELDS) of strings, numbers, bytes, None and a tuple
    of strings: the garbage collector stops tracking such a tuple at its first pass (a dict, or a
    tuple holding tuples, would reach the oldest generation still tracked), and 10,000 tracked
    entries made each of its full passes scan them all.
    """

    def __init__(self, capacity: int) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._added = threading.Condition(self._lock)
        self._waiting = 0
        self._ids = itertools.count(1)

    def add(self, *fields: Any) -> None:
        """Record an entry: the values of FIELDS after `id` (raw: `list` shows them)."""
        with self._lock:
            self._entries.append((next(self._ids), *fields))
            if self._waiting:
                self._added.notify_all()

    def wait_for(self, predicate: Callable[[Entry], bool], timeout: float) -> bool:
        """Wait until an entry matching `predicate` (given the raw fields by name) is recorded;
        False on time-out. (A dropped connection's client can ask before the server has
        finished recording it.)"""

        with self._added:
            self._waiting += 1
            try:
                return self._added.wait_for(lambda: any(map(predicate, self._named())), timeout)
            finally:
                self._waiting -= 1

    def list(
        self,
        *,
        limit: int | None = None,
        path: str | None = None,
        status: str | None = None,
        method: str | None = None,
    ) -> list[Entry]:
        """Entries newest first, filtered by path (glob or substring), status (`404`, `4xx`)
        and method, at most `limit` of them. Bodies are kept as bytes and shown here."""
        with self._lock:
            entries = self._named()
        found: list[Entry] = [
            e
            for e in reversed(entries)
            if (path is None or path_matches(path, e["path"]))
            and (status is None or status_matches(status, e["status"]))
            and (method is None or e["method"] == method.upper())
        ]
        return [
            {
                **e,
                "id": f"REQ-{e['id']:08d}",
                "time": published_timestamp(e["time"]),
                "headers": shown_headers(e["headers"]),
                "query": parse_qs(e["query"].decode("latin-1"), keep_blank_values=True),
                "body": shown_body(e["body"], e["body_truncated"]),
            }
            for e in found[:limit]
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _named(self) -> builtins.list[Entry]:
        """The recorded entries, oldest first, as raw fields by name (hold the lock)."""
        return [dict(zip(FIELDS, e, strict=True)) for e in self._entries]


class JournalMiddleware:
    """WSGI middleware journaling every API request the wrapped app answers (wrap it outside
    any middleware that may answer, so faulted requests are recorded too).

    It keeps only raw data on the request's path (the environ's header pairs, the query bytes,
    the arrival time); `RequestJournal.list` turns them into an entry's fields.
    """

    def __init__(
        self,
        app: WSGIApplication,
        journal: RequestJournal,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.journal = journal
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = request_path(environ)
        if is_sandbox_page(path):
            return self.app(environ, start_response)
        started, arrived = time.perf_counter(), time.time()
        try:
            body = keep_body(environ, self.max_body_bytes)
        except RequestEntityTooLarge:  # the app answers 413; the entry shows no body
            body = b""
        recorded = masked_credentials(body) if path == TOKEN_PATH else body
        statuses: list[str] = []

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            statuses.append(status)
            return start_response(status, headers, exc_info)

        answer = self.app(environ, recording_start_response)
        fault = environ.get(FAULT_KEY)
        method = environ.get("REQUEST_METHOD", "GET")
        self.journal.add(  # in the order of FIELDS
            arrived,  # shown as ISO-8601 by `list`
            round((time.perf_counter() - started) * 1000, 3),
            method,
            path,
            environ.get("QUERY_STRING", "").encode("latin-1"),  # parsed by `list`
            recorded_headers(environ),  # named by `list`
            recorded[:BODY_LIMIT],
            len(recorded) > BODY_LIMIT,
            None if fault and fault["dropped"] else int(statuses[-1][:3]),
            environ.get("HTTP_TENANT_ID", "")[:HEADER_VALUE_LIMIT].strip() or None,
            environ.get(OPERATION_KEY),
            fault["id"] if fault else None,
        )
        return answer
