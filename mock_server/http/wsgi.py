"""What the sandbox's WSGI layers read from a request's environ and note in it for each other."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import RequestEntityTooLarge

from ..config import MIB

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

FAULT_KEY = "carriyo_sandbox.fault"
"""The fault applied to the request: `{"id": ..., "dropped": bool}` (set by faults.py)."""
OPERATION_KEY = "carriyo_sandbox.operation"
"""The operationId of the route that took the request (set by its view, or by faults.py)."""
BODY_KEY = "carriyo_sandbox.body"
"""The request body, read by `keep_body` until `take_body` takes it."""
TOO_LARGE_KEY = "carriyo_sandbox.body_too_large"
"""Set by `take_body` once the body was found past the limit (it is gone then)."""
DISCARD_BYTES = 64 * MIB
"""How much of a body past the limit is read (and dropped) before the 413 (waitress's cap)."""
DROP_KEY = "carriyo_sandbox.drop_connection"
"""Set by the HTTP server (server_granian.py, server_waitress.py): a function of the environ that
shuts the request's connection down, so that the client gets no response at all; it returns
False when it found no connection to drop."""
ADMIN_PREFIX = "/__admin/"
DOCS_PREFIX = "/docs/"
OWN_PATHS = frozenset({"/docs", "/openapi.yaml", "/openapi.json"})


def is_sandbox_page(path: str) -> bool:
    """The admin API, the docs page and the spec: never journaled, never faulted."""
    return path.startswith((ADMIN_PREFIX, DOCS_PREFIX)) or path in OWN_PATHS


def request_path(environ: WSGIEnvironment) -> str:
    """The path as Flask routes it: PATH_INFO decoded as UTF-8, with one leading slash."""
    raw: str = environ.get("PATH_INFO", "")
    return "/" + raw.encode("latin-1").decode("utf-8", "replace").lstrip("/")


def keep_body(environ: WSGIEnvironment, max_bytes: int | None) -> bytes:
    """Read the request body and keep it in the environ for `take_body` (the journal reads it
    before the app; the view then gets the same bytes without reading the stream again)."""
    body = environ[BODY_KEY] = take_body(environ, max_bytes)
    return body


def take_body(environ: WSGIEnvironment, max_bytes: int | None) -> bytes:
    """The request body: the one `keep_body` kept (no longer kept, so that a large body is freed
    as soon as its reader is done with it), else read from the input stream.

    A body longer than `max_bytes` (None: no limit) is a 413 (`RequestEntityTooLarge`), also at
    every later call. Its rest is read and discarded (`DISCARD_BYTES` at most), so that a client
    that sends its whole body before reading the answer gets the 413. Without a Content-Length (a
    chunked body the server has de-chunked), the stream is read to its end.
    """
    if environ.get(TOO_LARGE_KEY):
        raise RequestEntityTooLarge()
    body: bytes | None = environ.pop(BODY_KEY, None)
    if body is not None:
        return body
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    stream = environ["wsgi.input"]
    if max_bytes is not None and length > max_bytes:
        body = b""
    elif length >= 0:
        body = stream.read(length) if length else b""
    elif environ.get("wsgi.input_terminated"):
        body = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    else:
        body = b""
    if max_bytes is not None and max(length, len(body)) > max_bytes:
        environ[TOO_LARGE_KEY] = True
        discard(stream)
        raise RequestEntityTooLarge()
    return body


def discard(stream: Any) -> None:
    """Read and drop what is left of a request body, `DISCARD_BYTES` at most: servers that
    stream the body (granian) close a connection whose body was left unread."""
    left = DISCARD_BYTES
    while left > 0:
        chunk = stream.read(min(left, MIB))
        if not chunk:
            return
        left -= len(chunk)


def media_type(environ: WSGIEnvironment) -> str:
    """The request's Content-Type without parameters, lower-cased (`""` when absent)."""
    content_type: str = environ.get("CONTENT_TYPE", "")
    return content_type.partition(";")[0].strip().lower()
