"""Input timestamps as `api/conventions` reads them: one without an offset is accepted, and
answered with one, since answers always carry it (the sandbox reads it as UTC); any other is
kept as sent."""

from __future__ import annotations

from typing import Any

from ..clock import with_offset
from .errors import ApiError

DATE_TIME_FIELDS = frozenset(
    {"order_date", "scheduled_from", "scheduled_to", "creation_date", "event_timestamp"}
)
"""The request fields that are a `DateTime` in openapi.yaml (a test keeps the two in step)."""


def with_offsets(body: Any, path: str = "") -> Any:
    """`body` (validated, so each of those fields has a date-time's form) with offsets added
    where missing, in place; a form naming no day of the calendar (year 0, 31 February) is a
    400 naming the field."""
    if isinstance(body, list):
        for k, item in enumerate(body):
            with_offsets(item, f"{path}[{k}]")
    elif isinstance(body, dict):
        for key, value in body.items():
            field = f"{path}.{key}" if path else key
            if key in DATE_TIME_FIELDS and isinstance(value, str):
                body[key] = _with_offset(value, field)
            else:
                with_offsets(value, field)
    return body


def _with_offset(value: str, field: str) -> str:
    try:
        return with_offset(value)
    except ValueError as exc:
        raise ApiError.of(400, "INVALID_DATE_TIME", f"{value!r} is not a date-time", field) from exc
