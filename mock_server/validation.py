"""Reading a request: JSON body and parameters, validated against the operation in the spec.

Every failure is a 400 whose `error_details[].field` names the offending field (or `body` when the
body is not JSON at all); nothing reaches the domain unless the whole request is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from flask import Request

from .errors import ApiError
from .spec import FieldError, OperationSchemas, SchemaValidator

JSON_TYPES = ("application/json", "application/merge-patch+json")


def parse_json_body(request: Request) -> Any:
    """The request body as JSON; page 000-003: `Content-Type` defaults to application/json."""
    content_type = request.mimetype
    if content_type and content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise ApiError.of(
            400,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Content-Type must be application/json, not {content_type!r}",
            "Content-Type",
        )
    raw = request.get_data(cache=False)
    if not raw.strip():
        raise ApiError.of(400, "MISSING_BODY", "A JSON request body is required", "body")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError.of(400, "MALFORMED_JSON", f"Body is not valid JSON: {exc}", "body") from exc


def validate_body(validator: SchemaValidator, request: Request) -> Any:
    """Parse and validate the body against `validator`; 400 naming each bad field."""
    body = parse_json_body(request)
    errors = validator.errors(body)
    if errors:
        raise ApiError.invalid(errors)
    return body


@dataclass(frozen=True)
class ValidRequest:
    """What a route needs of a request that passed validation."""

    body: Any
    key: str
    if_match: str | None


def read_request(
    operation: OperationSchemas, request: Request, path_params: dict[str, str]
) -> ValidRequest:
    """Validate path, query and header parameters, then the body, of one operation."""
    errors: list[FieldError] = []
    for (location, name), validator in operation.parameters.items():
        if location == "path":
            value: str | None = path_params[name]
        elif location == "query":
            value = request.args.get(name)
        else:
            value = request.headers.get(name)
        if value is not None:
            errors.extend(validator.errors(value))
    if errors:
        raise ApiError.invalid(errors)
    body = validate_body(operation.body, request) if operation.body is not None else None
    return ValidRequest(body, request.args.get("key", "order_id"), request.headers.get("If-Match"))
