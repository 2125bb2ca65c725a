"""The request journal of the shared store: every sandbox process's entries in one Redis list
(`carriyo:journal`, newest first, trimmed to the journal size like the in-memory ring buffer),
so that `/__admin/requests` on any process lists what every process answered. An entry's id is
its number in the count of entries ever added (`carriyo:journal-count`, added with the entry in
one transaction): the newest entry has the count, the next one the count less one, and so on, so
ids are unique across processes and stay the same however many entries come after.

An entry is recorded raw, as in memory (the fields of FIELDS as JSON, then the body's bytes), and
shaped only when the journal is read. It is sent on a connection Redis does not answer (`CLIENT
REPLY OFF`): a request never waits for a round trip of the journal's. It is sent before the
request's answer, so Redis has it before a client that got that answer can ask any process for
the journal (whose reading Redis receives later).
"""

from __future__ import annotations

import builtins
import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import orjson
import redis

from ..store import StoreUnavailable
from ..store.redis import Client, RedisStore, key
from .journal import FIELDS, Entry, RequestJournal

log = logging.getLogger("mock_server.journal")
JOURNAL, COUNT = key("journal"), key("journal-count")
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


def decoded(entry_id: int, raw: bytes) -> Entry:
    """A stored entry as raw fields by name (what `RequestJournal.list` shapes)."""
    head, body = raw.split(b"\n", 1)
    values = orjson.loads(head)
    values[QUERY - 1] = values[QUERY - 1].encode("latin-1")
    values[HEADERS - 1] = tuple(values[HEADERS - 1])
    values.insert(BODY - 1, body)
    return dict(zip(FIELDS, (entry_id, *values), strict=True))


class Sender:
    """One connection that sends transactions and is never answered (`CLIENT REPLY OFF`: Redis
    sends nothing back, so nothing is waited for, read or parsed). StoreUnavailable when Redis
    cannot be reached; an entry sent into a connection Redis has just closed is lost."""

    def __init__(self, store: RedisStore) -> None:
        self._store = store
        self._connection: Any = None
        self._lock = threading.Lock()

    def send(self, *commands: tuple[Any, ...]) -> None:
        """Send `commands` in one MULTI/EXEC transaction; a connection found dead (Redis
        restarted) is replaced once."""
        transaction = [("MULTI",), *commands, ("EXEC",)]
        with self._lock, self._store.unavailable_as():
            for last in (False, True):
                try:
                    if self._connection is None:
                        self._connection = self._store.new_connection(protocol=2)
                        self._connection.send_command("CLIENT", "REPLY", "OFF")
                    self._connection.send_packed_command(
                        self._connection.pack_commands(transaction)
                    )
                    return
                except (redis.ConnectionError, redis.TimeoutError, OSError):
                    self._disconnect()
                    if last:
                        raise

    def _disconnect(self) -> None:
        if self._connection is not None:
            with suppress(redis.RedisError, OSError):
                self._connection.disconnect()
        self._connection = None


class SharedJournal(RequestJournal):
    """RequestJournal on a Redis list (see the module's docstring)."""

    def __init__(self, capacity: int, store: RedisStore) -> None:
        super().__init__(capacity)
        self._store = store
        self._client: Client = store.client
        self._capacity = capacity
        self._sender = Sender(store)

    def add(self, *fields: Any) -> None:
        """Record an entry; with Redis away it is lost (the request itself is answered 503)."""
        try:
            self._sender.send(
                ("INCR", COUNT),
                ("LPUSH", JOURNAL, encoded(fields)),
                ("LTRIM", JOURNAL, 0, self._capacity - 1),
            )
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
        with self._store.unavailable_as():
            pipe = self._client.pipeline(transaction=True)
            pipe.get(COUNT)
            pipe.lrange(JOURNAL, 0, -1)
            count, stored = pipe.execute()
        newest = int(count or 0)
        return [decoded(newest - n, raw) for n, raw in reversed(list(enumerate(stored)))]
