"""Whether Redis answers, known without waiting for it: a circuit breaker and a health check.

A Redis that stops answering (paused, hung, behind a link that went dead) keeps its connections
open, and the kernel even accepts new ones: a command sent to it waits for its socket timeout.
The HTTP server runs one request at a time (server_granian.THREADS), so without a breaker every
request of the process, even one that needs no Redis, waits behind each command that waits for
it, request after request, for as long as Redis is silent. So the first command that fails or
times out marks Redis down (`trip`); from then on every command is refused at once (`check`:
StoreUnavailable, answered 503) until Redis answers again, and the requests that need no Redis
are served meanwhile.

One thread watches, on a connection of its own: a PING every INTERVAL, with the commands' timeout.
It finds a Redis that stopped answering while no request needed it (so that no local copy of
tracking.py is used that Redis can no longer keep true: they are dropped on a trip), and it marks
Redis up again as soon as a PING is answered, probing at once after a trip (a pooled connection
that met a Redis restart fails once, and Redis answers already). On the request path the breaker
costs the reading of one attribute.

redis-py's own `health_check_interval` does not fit: it PINGs a connection before a command when
it was idle that long, which is a round trip on the request path, waits the full timeout on a
silent Redis as the command would, and tells nothing to the process's other connections.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis

from .. import StoreUnavailable

INTERVAL = 0.5
"""Seconds between two health checks (a PING), up or down."""

log = logging.getLogger("mock_server.store")


class Health:
    """The breaker of one process's Redis, and the thread that watches it (see the docstring).
    `client` is a `redis.Redis` for the health checks alone; `name` names Redis in the log."""

    def __init__(self, client: Any, name: str) -> None:
        self._client = client
        self._name = name
        self.down = False
        """Redis is known not to answer: commands are refused at once."""
        self.trips = 0
        """Times Redis was found down: a local copy made before the last trip may be stale."""
        self._reason = ""
        self._since = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._watch, name="redis-health", daemon=True)
        self._thread.start()

    def check(self) -> None:
        """StoreUnavailable at once while Redis is known down."""
        if self.down:
            raise StoreUnavailable(f"Redis at {self._name} does not answer: {self._reason}")

    def trip(self, error: BaseException) -> None:
        """A command failed or timed out: Redis is down until a health check is answered (one
        is made at once)."""
        self._mark_down(error)
        self._wake.set()

    def close(self) -> None:
        """Stop the watching thread (within one health check) and close its connection."""
        self._closed = True
        self._wake.set()
        self._thread.join()
        self._client.close()

    def _watch(self) -> None:
        while True:
            self._wake.wait(INTERVAL)
            self._wake.clear()
            if self._closed:
                return
            trips = self.trips
            try:
                self._client.ping()
            except (redis.RedisError, OSError) as exc:
                self._mark_down(exc)
            else:
                self._up(trips)

    def _mark_down(self, error: BaseException) -> None:
        with self._lock:
            if not self.down:
                self.down, self._reason, self._since = True, str(error), time.monotonic()
                self.trips += 1
                log.warning(
                    "Redis at %s does not answer (%s): requests that need it are answered 503 "
                    "until it answers again",
                    self._name,
                    error,
                )

    def _up(self, trips: int) -> None:
        """A PING was answered: Redis is up, unless a command failed since the PING was sent."""
        with self._lock:
            if self.down and self.trips == trips:
                self.down = False
                log.info(
                    "Redis at %s answers again after %.1f s",
                    self._name,
                    time.monotonic() - self._since,
                )
