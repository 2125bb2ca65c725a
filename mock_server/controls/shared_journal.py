"""The request journal of the shared store: every sandbox process's entries in one Redis list
(`carriyo:journal`, newest first, trimmed to the journal size like the in-memory ring buffer),
so that `/__admin/requests` on any process lists what every process answered. Ids come from one
counter (`REQ-<n>` unique across processes).

An entry is recorded raw, as in memory (the fields of FIELDS as JSON, then the body's bytes), and
shaped only when the journal is read. Recording happens before the answer is sent, so a client
that got its answer finds its request in the journal of any process.
"""

from __future__ import annotations

import builtins
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson

from ..store import StoreUnavailable
from ..store.redis import PREFIX, Client, RedisStore
from .journal import FIELDS, Entry, RequestJournal

log = logging.getLogger("mock_server.journal")
JOURNAL, IDS = PREFIX + b"journal", PREFIX + b"journal-ids"
ADD = """
local id = redis.call('INCR', KEYS[2])
redis.call('LPUSH', KEYS[1], id .. '\\n' .. ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
"""
WAIT_STEP = 0.01
QUERY, HEADERS, BODY = FIELDS.index("query"), FIELDS.index("headers"), FIELDS.index("body")


def encoded(fields: tuple[Any, ...]) -> bytes:
    """An entry's fields after `id`: JSON of all but the body, a newline, the body's bytes."""
    values = list(fields)
    body = values.pop(BODY - 1)
    values[QUERY - 1] = values[QUERY - 1].decode("latin-1")
    try:
        head = orjson.dumps(values)
    except orjson.JSONEncodeError:  # a lone surrogate in a header or the path: shown replaced
        head = orjson.dumps([readable(value) for value in values])
    return b"%s\n%s" % (head, body)


def readable(value: Any) -> Any:
    """A string (or a tuple of them) that JSON can hold: lone surrogates replaced."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, tuple):
        return [readable(part) for part in value]
    return value


def decoded(raw: bytes) -> Entry:
    """A stored entry as raw fields by name (what `RequestJournal.list` shapes)."""
    entry_id, head, body = raw.split(b"\n", 2)
    values = orjson.loads(head)
    values[QUERY - 1] = values[QUERY - 1].encode("latin-1")
    values[HEADERS - 1] = tuple(values[HEADERS - 1])
    values.insert(BODY - 1, body)
    return dict(zip(FIELDS, (int(entry_id), *values), strict=True))


class SharedJournal(RequestJournal):
    """RequestJournal on a Redis list (see the module's docstring)."""

    def __init__(self, capacity: int, store: RedisStore) -> None:
        super().__init__(capacity)
        self._store = store
        self._client: Client = store.client
        self._capacity = capacity
        self._add = self._client.register_script(ADD)

    def add(self, *fields: Any) -> None:
        """Record an entry; with Redis away it is lost (the request itself is answered 503)."""
        try:
            self._store.call(self._add, keys=[JOURNAL, IDS], args=[encoded(fields), self._capacity])
        except StoreUnavailable as exc:
            log.warning("a journal entry is lost: %s", exc)

    def wait_for(self, predicate: Callable[[Entry], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not any(map(predicate, self._named())):
            if time.monotonic() >= deadline:
                return False
            time.sleep(WAIT_STEP)
        return True

    def clear(self) -> None:
        self._store.call(self._client.delete, JOURNAL)

    def _named(self) -> builtins.list[Entry]:
        """Every stored entry, oldest first."""
        stored = self._store.call(self._client.lrange, JOURNAL, 0, -1)
        return [decoded(raw) for raw in reversed(stored)]
