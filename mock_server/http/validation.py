"""Reading a request: JSON body and parameters, validated against the operation in the spec.

Every failure is a 400 whose `error_details[].field` names the offending field (or `body` when the
body is not JSON at all); nothing reaches the domain unless the whole request is valid.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import orjson
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from ..heap import compact, gc_paused
from ..service import OrderRef, Precondition
from ..store import KEY_ORDER_ID
from .errors import ApiError
from .etags import if_match
from .spec import FieldError, OperationSchemas, SchemaValidator
from .timestamps import with_offsets
from .wsgi import media_type, take_body

JSON_TYPES = ("application/json", "application/merge-patch+json")
BULK_BYTES = 1024 * 1024
"""Bodies this large (a `PUT /__admin/state`) are parsed with the garbage collector paused, and
compacted (repeated strings stored once, see heap.py)."""
NO_ARGS: ImmutableMultiDict[str, str] = ImmutableMultiDict()
"""The query of a request without one (parsing an empty query string costs a microsecond)."""
BOOLEANS = {"true": True, "false": False}
"""How a boolean query parameter is written in a URL (case-insensitive); anything else is left a
string, which the parameter's schema refuses (400 naming it)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in a body (an order needs about 8)."""


def parse_json_body(request: Request) -> Any:
    """The request body as JSON; page 000-003: `Content-Type` defaults to application/json.
    Another media type is 415 (RFC 9110), naming `Content-Type`."""
    content_type = media_type(request.environ)
    if content_type and content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise ApiError.of(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Content-Type must be application/json, not {content_type!r}",
            "Content-Type",
        )
    raw = take_body(request.environ, request.max_content_length)
    if not raw.strip():
        raise ApiError.of(400, "MISSING_BODY", "A JSON request body is required", "body")
    try:
        if len(raw) < BULK_BYTES:
            return shallow(orjson.loads(raw), raw)
        with gc_paused():
            return compact(shallow(orjson.loads(raw), raw))
    except orjson.JSONDecodeError as exc:
        raise ApiError.of(400, "MALFORMED_JSON", f"Body is not valid JSON: {exc}", "body") from exc


def shallow(document: Any, raw: bytes) -> Any:
    """`document` (parsed from `raw`), unless arrays and objects nest in it deeper than
    MAX_JSON_DEPTH: 400 then.

    orjson parses up to 1024 levels, but the validator, `copy.deepcopy` and `repr` recurse once or
    more per level and would exhaust the stack (a 500). When `raw` has too few brackets to nest
    that deep, that is all; otherwise the containers are walked level by level.
    """
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return document
    level = [document] if isinstance(document, (dict, list)) else []
    for _ in range(MAX_JSON_DEPTH):
        level = [
            child
            for value in level
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, (dict, list))
        ]
        if not level:
            return document
    raise ApiError.of(
        400, "TOO_DEEPLY_NESTED", f"JSON nested deeper than {MAX_JSON_DEPTH} levels", "body"
    )


def validate_body(
    validator: SchemaValidator, request: Request, prepare: Callable[[Any], Any] | None = None
) -> Any:
    """Parse the body, `prepare` it if given (admin seeding puts its timestamps in the published
    form), and validate it against `validator`; 400 naming each bad field."""
    body = parse_json_body(request)
    if prepare is not None:
        body = prepare(body)
    errors = validator.errors(body)
    if errors:
        raise ApiError.invalid(errors)
    return body


class ValidRequest(NamedTuple):
    """What a handler needs of a request that passed validation, for the caller's `tenant`."""

    tenant: str
    body: Any
    key: str
    precondition: Precondition | None
    params: dict[str, str]
    query: dict[str, Any]
    headers: dict[str, str]
    """The operation's own header parameters that came (e.g. the Inventory API's `request-id`)."""

    @property
    def order(self) -> OrderRef:
        """The order the path names (`orderReference`, read as `key`)."""
        return OrderRef(self.tenant, self.params["orderReference"], self.key)

    @property
    def fo_id(self) -> str:
        """The fulfillment order the path names."""
        return self.params["fulfillmentOrderId"]

    def flag(self, name: str) -> bool:
        """A boolean query parameter (absent: false, as the spec's defaults are)."""
        return bool(self.query.get(name, False))


def read_request(
    operation: OperationSchemas, request: Request, path_params: dict[str, str], tenant: str
) -> ValidRequest:
    """Validate path, query and header parameters, then the body, of one operation (`request`
    is the request object itself, not Flask's proxy: each proxy access costs a lookup)."""
    environ = request.environ
    args = request.args if environ.get("QUERY_STRING") else NO_ARGS
    errors: list[FieldError] = []
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    for (location, name), validator in operation.parameters.items():
        value: Any
        if location == "path":
            value = path_params[name]
        elif location == "query":
            value = args.get(name)
            if value is not None and name in operation.flags:
                value = BOOLEANS.get(value.lower(), value)
        else:
            value = environ.get(environ_key(name))
        if value is not None:
            errors.extend(validator.errors(value))
            if location == "query":
                query[name] = value
            elif location == "header":
                headers[name] = value
    if errors:
        raise ApiError.invalid(errors)
    body = None
    if operation.body is not None:
        body = with_offsets(validate_body(operation.body, request))
    return ValidRequest(
        tenant,
        body,
        args.get("key", KEY_ORDER_ID),
        if_match(environ.get("HTTP_IF_MATCH")),
        path_params,
        query,
        headers,
    )


@functools.cache
def environ_key(header: str) -> str:
    """The WSGI environ key of a request header (`If-Match` -> `HTTP_IF_MATCH`)."""
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
