"""The armed faults of the shared store: in Redis, so that a fault armed on one process applies
to the requests of every process, and its `count` is spent across them all (a fault with
`count: 1` strikes once, whichever process the request reaches).

The list of armed faults is read from this process's copy (tracking.py: no round trip on the
requests no fault matches, the common case); taking a matching fault is one script that counts
it and disarms it when spent, atomically across processes.
"""

from __future__ import annotations

import builtins
import threading
from typing import Any

import orjson

from ..clock import utc_now
from ..store import StoreUnavailable
from ..store.redis import Client, RedisStore, key
from .faults import Fault, FaultTable, fault_from

FAULTS = key("faults")
"""The armed fault ids, oldest first (a tracked prefix: FAULTS_SPEC is under it too)."""
FAULTS_SPEC = FAULTS + b":spec"
LEFT, HITS, IDS = key("fault-left"), key("fault-hits"), key("fault-ids")
KEYS = [FAULTS, FAULTS_SPEC, LEFT, HITS]
TAKE = """
for _, id in ipairs(ARGV) do
  if redis.call('LPOS', KEYS[1], id) then
    local left = redis.call('HGET', KEYS[3], id)
    if left then
      left = redis.call('HINCRBY', KEYS[3], id, -1)
      if left <= 0 then
        redis.call('LREM', KEYS[1], 0, id)
        redis.call('HDEL', KEYS[2], id)
        redis.call('HDEL', KEYS[3], id)
      end
    end
    if not left or left >= 0 then
      redis.call('HINCRBY', KEYS[4], id, 1)
      return id
    end
  end
end
return false
"""


class SharedFaultTable(FaultTable):
    """FaultTable in Redis (see the module's docstring)."""

    def __init__(self, store: RedisStore) -> None:
        super().__init__()
        self._store = store
        self._client: Client = store.client
        self._take = self._client.register_script(TAKE)
        self._reading = threading.Lock()

    def arm(self, spec: dict[str, Any]) -> Fault:
        fault_id = f"FLT-{self._store.call(self._client.incr, IDS):04d}"
        fault = fault_from(spec, fault_id, utc_now())
        with self._store.unavailable_as():
            pipe = self._client.pipeline(transaction=True)
            pipe.hset(FAULTS_SPEC, fault_id, orjson.dumps([spec, fault.created_at]))
            if fault.remaining is not None:
                pipe.hset(LEFT, fault_id, fault.remaining)
            pipe.rpush(FAULTS, fault_id)
            pipe.execute()
        return fault

    def take(self, operation: str | None, method: str, path: str) -> Fault | None:
        """The oldest matching fault this process knows of that the script could still count
        (another process may have spent it just before)."""
        matching = [f for f in self._armed() if f.matches(operation, method, path)]
        if not matching:
            return None
        taken = self._store.call(self._take, keys=KEYS, args=[f.id for f in matching])
        return next((f for f in matching if taken is not None and f.id == taken.decode()), None)

    def list(self) -> list[dict[str, Any]]:
        with self._store.unavailable_as():
            pipe = self._client.pipeline(transaction=True)
            for key in (LEFT, HITS):
                pipe.hgetall(key)
            left, hits = pipe.execute()
        faults = []
        for fault in self._read():
            key = fault.id.encode()
            fault.hits = int(hits.get(key, 0))
            fault.remaining = int(left[key]) if key in left else None
            faults.append(fault.as_json())
        return faults

    def clear(self) -> None:
        self._store.call(self._client.delete, *KEYS)

    def _armed(self) -> builtins.list[Fault]:
        """The armed faults: this process's copy, read again after a change. With Redis away:
        none (the request then meets the store, and is answered 503)."""
        copy: builtins.list[Fault] | None = self._store.tracker.get(FAULTS)
        if copy is not None:
            return copy
        with self._reading:
            epoch = self._store.tracker.current_epoch()
            try:
                faults = self._read()
            except StoreUnavailable:
                return []
            self._store.tracker.put(FAULTS, faults, epoch)
            return faults

    def _read(self) -> builtins.list[Fault]:
        """The armed faults as Redis has them, oldest first."""
        with self._store.unavailable_as():
            pipe = self._client.pipeline(transaction=True)
            pipe.lrange(FAULTS, 0, -1)
            pipe.hgetall(FAULTS_SPEC)
            ids, specs = pipe.execute()
        faults = []
        for raw in ids:
            if raw in specs:
                spec, created_at = orjson.loads(specs[raw])
                faults.append(fault_from(spec, raw.decode(), created_at))
        return faults
