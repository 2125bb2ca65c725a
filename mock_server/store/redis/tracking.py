"""A process's local copies of shared values, kept true by Redis' server-assisted client-side
caching (`CLIENT TRACKING ON BCAST`, Redis 6+): a GET of an unchanged order, the armed faults and
the webhook configurations are read from this process's memory, with no round trip to Redis.

One connection of this process (RESP3) turns tracking on, broadcast for the tracked key
prefixes: every write to a key under them, by any process, then pushes the key's name to every
process. Before any local copy is used, the pending invalidations are read (`poll` on that
socket: one syscall when none is pending). Redis queues an invalidation in the same pass of its
event loop as the answer to the write that caused it (before it sleeps), so a client that got
that answer and then asks another process is answered from fresh data.

A copy made from a read that overlapped an invalidation is not kept (`epoch`). When the
connection is lost, or Redis stops answering (health.py: a Redis that is silent keeps the
connection open, and whether it pushes what another process wrote cannot be known), every copy is
dropped and none is kept until tracking is on again on a new connection: a process never answers
from copies it cannot keep true.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import redis

from .. import StoreUnavailable
from .health import Health

CAPACITY = 10_000
"""Local copies kept at most (the oldest are dropped first)."""
RECONNECT_INTERVAL = 0.25
"""Seconds between attempts to bring tracking back once Redis answers (requests meanwhile read
Redis itself; while it is known down, none is made, and they are answered 503)."""

Connect = Callable[[], Any]
"""A new, connected RESP3 `redis.Connection` (untyped in redis-py's stubs); StoreUnavailable
when Redis cannot be reached."""


class Tracker:
    """Local copies of values under `prefixes` (bytes keys), kept true by invalidations."""

    def __init__(self, connect: Connect, prefixes: tuple[bytes, ...], health: Health) -> None:
        self._connect = connect
        self._prefixes = prefixes
        self._health = health
        self._trips = health.trips  # when tracking was turned on
        self._lock = threading.Lock()
        self._copies: dict[bytes, Any] = {}
        self._connection: Any = None
        self._fd: int | None = None
        self._poller = select.poll()
        self._retry_at = 0.0
        self.epoch = 0
        """Invalidations read so far (and connection losses): a copy whose read started at an
        older epoch may predate a write, and is not kept."""

    def get(self, key: bytes) -> Any:
        """The local copy of `key`, or None (none kept, or it may be stale)."""
        with self._lock:
            if not self._drain():
                return None
            return self._copies.get(key)

    def current_epoch(self) -> int:
        """The epoch to pass to `put` for a value about to be read from Redis."""
        with self._lock:
            self._drain()
            return self.epoch

    def put(self, key: bytes, value: Any, epoch: int) -> None:
        """Keep `value` as the copy of `key`, read from Redis at `epoch`, unless an invalidation
        came since (it may have been of this key)."""
        with self._lock:
            if not self._drain() or self.epoch != epoch:
                return
            copies = self._copies
            copies.pop(key, None)
            copies[key] = value
            if len(copies) > CAPACITY:
                del copies[next(iter(copies))]

    def forget(self, key: bytes) -> None:
        with self._lock:
            self._copies.pop(key, None)

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    # ------------------------------------------------------------------ the connection
    def _drain(self) -> bool:
        """Read the pending invalidations (hold the lock); False when tracking is down (and
        could not be brought back), so that no copy may be used."""
        if self._connection is not None and self._trips != self._health.trips:
            self._disconnect()  # Redis stopped answering since tracking was turned on
        if self._connection is None and not self._reconnect():
            return False
        if not self._poller.poll(0):
            return True
        try:
            while self._connection.can_read(0):
                self._connection.read_response(push_request=True)
        except (redis.RedisError, OSError):
            self._disconnect()
            return False
        return True

    def _invalidated(self, message: list[Any]) -> None:
        """redis-py's handler of an `invalidate` push: `[b"invalidate", keys]`, keys None when
        the database was flushed."""
        self.epoch += 1
        keys = message[1] if len(message) > 1 else None
        if keys is None:
            self._copies.clear()
        else:
            for key in keys:
                self._copies.pop(key, None)

    def _reconnect(self) -> bool:
        """Turn tracking on again on a new connection; False when Redis is known down or cannot
        be reached (tried again RECONNECT_INTERVAL later)."""
        if self._health.down or time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + RECONNECT_INTERVAL
        self._trips = self._health.trips
        try:
            connection = self._connection = self._connect()
            # How redis-py's own client-side cache hears of invalidations (its CacheProxy-
            # Connection, which needs Redis 7.4; Debian's is 7.0).
            connection._parser.set_invalidation_push_handler(self._invalidated)
            prefixes = [part for prefix in self._prefixes for part in (b"PREFIX", prefix)]
            connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", *prefixes)
            connection.read_response()
            self._fd = socket_of(connection)
        except (StoreUnavailable, redis.RedisError, OSError):
            self._disconnect()
            return False
        self._poller.register(self._fd, select.POLLIN | select.POLLERR)
        self._copies.clear()
        self.epoch += 1
        return True

    def _disconnect(self) -> None:
        self._copies.clear()
        self.epoch += 1
        if self._fd is not None:
            with suppress(KeyError, ValueError, OSError):
                self._poller.unregister(self._fd)
            self._fd = None
        if self._connection is not None:
            with suppress(redis.RedisError, OSError):
                self._connection.disconnect()
            self._connection = None


def socket_of(connection: Any) -> int:
    """The file descriptor of a connected redis-py connection."""
    sock = connection._sock  # redis-py keeps the socket there; no public accessor
    assert sock is not None
    return int(sock.fileno())
