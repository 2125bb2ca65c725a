"""What the sandbox's WSGI layers read from a request's environ and note in it for each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.exceptions import RequestEntityTooLarge

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

FAULT_KEY = "carriyo_sandbox.fault"
"""The fault applied to the request: `{"id": ..., "dropped": bool}` (set by faults.py)."""
OPERATION_KEY = "carriyo_sandbox.operation"
"""The operationId of the route that took the request (set by its view, or by faults.py)."""
BODY_KEY = "carriyo_sandbox.body"
"""The request body, read by `keep_body` until `take_body` takes it."""
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

    A body longer than `max_bytes` (None: no limit) is a 413 (`RequestEntityTooLarge`), left
    unread when its Content-Length says so. Without a Content-Length (a chunked body the server
    has de-chunked), the stream is read to its end.
    """
    body: bytes | None = environ.pop(BODY_KEY, None)
    if body is not None:
        return body
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if max_bytes is not None and length > max_bytes:
        raise RequestEntityTooLarge()
    stream = environ["wsgi.input"]
    if length >= 0:
        body = stream.read(length) if length else b""
    elif environ.get("wsgi.input_terminated"):
        body = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    else:
        body = b""
    if max_bytes is not None and len(body) > max_bytes:
        raise RequestEntityTooLarge()
    return body


def media_type(environ: WSGIEnvironment) -> str:
    """The request's Content-Type without parameters, lower-cased (`""` when absent)."""
    content_type: str = environ.get("CONTENT_TYPE", "")
    return content_type.partition(";")[0].strip().lower()
