"""Time stamps and generated ids, kept in one place so tests can replace them."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime


def iso_utc(epoch: float) -> str:
    """A time (seconds since the epoch) as an ISO-8601 UTC timestamp with microseconds."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def published_timestamp(epoch: float) -> str:
    """A time as the published API writes its timestamps (`api/conventions`): milliseconds and an
    explicit offset, e.g. `2025-11-03T09:15:00.000+00:00`."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def utc_now() -> str:
    """The current time as an ISO-8601 UTC timestamp with microseconds."""
    return iso_utc(time.time())


def new_id(prefix: str) -> str:
    """A fresh id such as `FO-3F2A9C1B7D4E`."""
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"
