"""Response bodies: JSON via orjson, orders with their ETag, errors as `Error`."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response

from ..store import Record
from .errors import ApiError
from .etags import etag_of


def json_response(payload: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status, headers, mimetype="application/json")


def order_response(record: Record | None, status: int) -> Response:
    """The order with its ETag; `None` is page 004's empty body (no order for the reference)."""
    if record is None:
        return Response(b"", status, mimetype="text/plain")
    return Response(record.json(), status, {"ETag": etag_of(record)}, mimetype="application/json")


def answer(result: Record | list[Any] | dict[str, Any] | str | None, status: int) -> Response:
    """A handler's result: an order (order_response), or other JSON (a change log, a system log,
    a URL)."""
    if result is None or isinstance(result, Record):
        return order_response(result, status)
    return json_response(result, status)


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.status, error.headers)
