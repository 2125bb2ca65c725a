"""Input timestamps as `api/conventions` reads them: one without an offset is accepted, and
answered with one, since answers always carry it (the sandbox reads it as UTC); any other is
kept as sent."""

from __future__ import annotations

from typing import Any

from ..clock import with_offset

DATE_TIME_FIELDS = frozenset({"order_date", "scheduled_from", "scheduled_to", "creation_date"})
"""The request fields that are a `DateTime` in openapi.yaml (a test keeps the two in step)."""


def with_offsets(body: Any) -> Any:
    """`body` (validated, so each of those fields is a date-time) with offsets added where
    missing, in place."""
    if isinstance(body, list):
        for item in body:
            with_offsets(item)
    elif isinstance(body, dict):
        for key, value in body.items():
            if key in DATE_TIME_FIELDS and isinstance(value, str):
                body[key] = with_offset(value)
            else:
                with_offsets(value)
    return body
