"""Errors as the public API answers them: `error_body` is the one builder of the `Error` body
(openapi.yaml) for every refusal — validation, domain rules, unknown routes and methods, bodies
too large, faults, the WSGI server's own refusals and unexpected failures.

`ApiError` carries a status, its `ErrorDetail` entries and extra headers; `from_domain` is the one
table that maps the domain's error kinds to documented status codes.
"""

from __future__ import annotations

import time
from typing import Any

from ..clock import published_timestamp
from ..domain import Conflict, DomainError, InvalidRequest, NotFound, NotUpdatable
from .spec import FieldError

SERVICE_UNAVAILABLE = (
    "SERVICE_UNAVAILABLE",
    "The service is temporarily unavailable. Retry the request.",
)
"""The 503 of an unreachable shared store (Redis) and of a 503 fault."""
STATUS_OF_DOMAIN_ERROR: dict[type[DomainError], int] = {
    InvalidRequest: 400,
    NotUpdatable: 400,
    NotFound: 404,
    Conflict: 409,
}


def detail(code: str, message: str, field: str | None = None) -> dict[str, str]:
    """One `ErrorDetail` entry."""
    return {"code": code, "message": message, **({"field": field} if field else {})}


def error_body(status: int, details: list[dict[str, str]]) -> dict[str, Any]:
    """The `Error` body of a refusal with HTTP `status` and these `ErrorDetail` entries: the
    published shape (`api/conventions`: `status` as a string, `timestamp`, `errors` as
    `"field : message"` strings) with the sandbox's `error_details` beside it."""
    return {
        "status": str(status),
        "timestamp": published_timestamp(time.time()),
        "errors": [
            f"{entry['field']} : {entry['message']}" if entry.get("field") else entry["message"]
            for entry in details
        ],
        "error_details": details,
    }


class ApiError(Exception):
    """A refused request: HTTP status, `error_details`, and extra response headers."""

    def __init__(
        self, status: int, details: list[dict[str, str]], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(details[0]["message"] if details else str(status))
        self.status = status
        self.details = details
        self.headers = headers or {}

    @classmethod
    def of(cls, status: int, code: str, message: str, field: str | None = None) -> ApiError:
        return cls(status, [detail(code, message, field)])

    @classmethod
    def invalid(cls, errors: list[FieldError]) -> ApiError:
        """400 from schema validation failures, each naming its field."""
        return cls(400, [detail(e.code, e.message, e.field) for e in errors])

    @classmethod
    def from_domain(cls, error: DomainError) -> ApiError:
        status = next(
            code for kind, code in STATUS_OF_DOMAIN_ERROR.items() if isinstance(error, kind)
        )
        return cls.of(status, error.code, error.message, error.field)

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.details)
