"""Time stamps and generated ids, kept in one place so tests can replace them.

Every timestamp the sandbox writes, public or admin, is in the one published form
(`api/conventions`): `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, written with `+00:00` as the page's example.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

_TICK = timedelta(milliseconds=1)
"""The published form's precision: two stamps closer than this may read the same."""


def _written(moment: datetime) -> str:
    """`moment` in the published form, in UTC."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def published_timestamp(epoch: float) -> str:
    """A time (seconds since the epoch) as the published API writes its timestamps: milliseconds
    and an explicit offset, e.g. `2025-11-03T09:15:00.000+00:00`."""
    return _written(datetime.fromtimestamp(epoch, UTC))


def utc_now() -> str:
    """The current time in the published form."""
    return published_timestamp(time.time())


def read_timestamp(value: str) -> datetime:
    """An ISO-8601 timestamp as an aware time: one without an offset, which the conventions page
    accepts on input, is read as UTC (Carriyo keeps its times in UTC)."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def with_offset(value: str) -> str:
    """An input timestamp as sent, `+00:00` appended when it has none: the conventions page
    accepts input without an offset, and answers always carry one (read as UTC)."""
    return value if datetime.fromisoformat(value).tzinfo else f"{value}+00:00"


def published_form(value: str) -> str:
    """An ISO-8601 timestamp rewritten in the published form: the same instant, in UTC."""
    return _written(read_timestamp(value))


def later_than(previous: str | None, now: str) -> str:
    """`now`, or one millisecond after `previous` when `now` is not later: an order's successive
    `update_date`s stay distinct and ordered (If-Match accepts one) although milliseconds tie
    where microseconds did not, and another process's clock may lag."""
    if previous is None or read_timestamp(now) > read_timestamp(previous):
        return now
    return _written(read_timestamp(previous) + _TICK)


def new_id(prefix: str) -> str:
    """A fresh id such as `FO-3F2A9C1B7D4E`."""
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"
