"""The shared store's inventory (RedisStore's part of the Store protocol's inventory methods).

Keys (besides keys.py's INVENTORY_QUEUE and INVENTORY_SEQ): `inv:<tenant>` (hash: product id ->
stock document), `ievt:<tenant>` (hash: sequence -> inventory event) and `ievtids:<tenant>`
(list: sequences, oldest first, the newest MAX_INVENTORY_EVENTS kept), `ireq:<tenant>` (hash:
request id -> its events' sequences), `prod:<tenant>` (hash: product id -> product), `iset`
(hash: tenant -> inventory setting).

An order's stock change is written by the order's own save script (store.py's SAVE, with
STOCK_LUA); a batch is recorded by one script (ADD_BATCH); a queued event is applied in a
WATCH/MULTI transaction over the queue and the product's stock, so that an order saved meanwhile
by any process makes the drain start that event again rather than overwrite the order's share.
Each stock change's inventory webhook event goes to the event log's stream in the same step.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import orjson
import redis

from ...config import EVENTS_KEPT
from ...domain.inventory import IMPORT_OPERATION, inventory_envelope
from .. import (
    MAX_INVENTORY_EVENTS,
    Inventory,
    InventoryEvent,
    StockUpdate,
    TenantInventory,
)
from .keys import (
    EVENT_IDS,
    EVENTS,
    INVENTORY_QUEUE,
    INVENTORY_SEQ,
    PREFIX,
    TENANTS,
    VERSION,
    inventory_keys,
    pair,
    tenant_key,
    text,
)

T = TypeVar("T")
SETTINGS = PREFIX + b"iset"

STOCK_LUA = """
local updates = {}
if stock ~= '' then
  local s = cjson.decode(stock)
  for _, m in ipairs(s['movements']) do
    local raw = redis.call('HGET', KEYS[9], m['product_id'])
    local inv = {product_id = m['product_id'], stock_by_location = {}}
    if raw then inv = cjson.decode(raw) end
    local lv = inv['stock_by_location'][m['location_id']]
      or {on_hand = 0, reserved = 0, unavailable = 0, reservations = {}}
    lv['on_hand'] = lv['on_hand'] + m['on_hand']
    lv['reserved'] = lv['reserved'] + m['reserved']
    lv['update_date'] = s['date']
    if m['held'] ~= 0 then
      lv['reservations'][s['order_id']] = {reserved_quantity = m['held'], date = s['date']}
    else
      lv['reservations'][s['order_id']] = nil
    end
    inv['stock_by_location'][m['location_id']] = lv
    inv['creation_date'] = inv['creation_date'] or s['date']
    inv['update_date'] = s['date']
    local after = cjson.encode(inv)
    redis.call('HSET', KEYS[9], m['product_id'], after)
    local event_id = string.format('EVT-%08d', redis.call('INCR', KEYS[8]))
    local announced = cjson.encode({
      triggers = 'ALL_INVENTORY_UPDATES', entity_type = 'INVENTORY',
      operation = raw and 'UPDATE' or 'CREATE', operation_id = s['operation'], tenant = tenant,
      order_id = m['product_id'], created_at = s['date'],
      old_order = raw and cjson.decode(raw) or cjson.null})
    redis.call('XADD', KEYS[7], 'MAXLEN', '~', kept, '*',
      'id', event_id, 'e', announced, 'o', after)
    updates[#updates + 1] = raw or ''
    updates[#updates + 1] = after
    updates[#updates + 1] = event_id
  end
  for _, e in ipairs(s['events']) do
    local n = redis.call('INCR', KEYS[12])
    redis.call('HSET', KEYS[10], n, e)
    redis.call('RPUSH', KEYS[11], n)
  end
  while redis.call('LLEN', KEYS[11]) > tonumber(s['kept']) do
    redis.call('HDEL', KEYS[10], redis.call('LPOP', KEYS[11]))
  end
end
"""
"""The part of store.py's SAVE that moves an order's stock (`stock`: the StockMove as JSON, or
empty): domain/inventory_orders.apply_movement, in Lua so that it runs in the order's own script
(KEYS[9..12]: inventory_keys and INVENTORY_SEQ), with each change's inventory webhook event
(events.inventory_envelope's fields, in the event log's stream: KEYS[7], KEYS[8]). `updates`
holds each product's document before ('' when new) and after, and its event's id."""

ADD_BATCH = """
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return 0 end
local listed = {}
for i = 5, #ARGV, 2 do
  local n = redis.call('INCR', KEYS[5])
  redis.call('HSET', KEYS[2], n, ARGV[i])
  redis.call('RPUSH', KEYS[3], n)
  if ARGV[i + 1] == '1' then redis.call('RPUSH', KEYS[6], ARGV[2] .. n) end
  listed[#listed + 1] = n
end
redis.call('HSET', KEYS[4], ARGV[1], cjson.encode(listed))
redis.call('ZADD', KEYS[8], 'NX', redis.call('INCR', KEYS[7]), ARGV[3])
while redis.call('LLEN', KEYS[3]) > tonumber(ARGV[4]) do
  redis.call('HDEL', KEYS[2], redis.call('LPOP', KEYS[3]))
end
return 1
"""
"""A batch: refused (0) when the tenant used its request id (ARGV[1]) before; else each event
(ARGV[5], ARGV[7], ...) recorded under a new sequence, those flagged '1' queued (ARGV[2]: the
queue entry's tenant prefix), the request's sequences kept, the tenant's newest ARGV[4] events
kept."""

PUT_FIELD = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[3]), ARGV[3])
"""
"""A hash field set, and the tenant (ARGV[3]) listed among the tenants."""


def queue_entry_prefix(tenant: str) -> bytes:
    """A queue entry is `pair(tenant, sequence)`; this is its part before the sequence."""
    return pair(tenant, "")


def read_queue_entry(entry: bytes) -> tuple[str, bytes]:
    """The tenant and the sequence of a queue entry."""
    length, _, rest = entry.partition(b":")
    size = int(length)
    return rest[:size].decode("utf-8", "surrogatepass"), rest[size + 1 :]


class RedisInventory:
    """The inventory methods of RedisStore (mixed in: it provides `client`, `call` and
    `unavailable_as`)."""

    client: Any

    def call(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        raise NotImplementedError

    def unavailable_as(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def register_inventory_scripts(self) -> None:
        self._add_batch = self.client.register_script(ADD_BATCH)
        self._put_field = self.client.register_script(PUT_FIELD)

    def _put(self, hash_key: bytes, field: bytes, value: bytes, tenant: str) -> None:
        self.call(
            self._put_field, keys=[hash_key, TENANTS, VERSION], args=[field, value, text(tenant)]
        )

    def put_product(self, tenant: str, product: dict[str, Any]) -> None:
        self._put(
            tenant_key("prod", tenant), text(product["product_id"]), orjson.dumps(product), tenant
        )

    def products(self, tenant: str) -> list[dict[str, Any]]:
        found = self.call(self.client.hvals, tenant_key("prod", tenant))
        return sorted((orjson.loads(raw) for raw in found), key=lambda p: str(p["product_id"]))

    def put_inventory_settings(self, tenant: str, settings: dict[str, Any] | None) -> None:
        if settings is None:
            self.call(self.client.hdel, SETTINGS, text(tenant))
        else:
            self._put(SETTINGS, text(tenant), orjson.dumps(settings), tenant)

    def inventory_settings(self, tenant: str) -> dict[str, Any] | None:
        raw = self.call(self.client.hget, SETTINGS, text(tenant))
        return None if raw is None else orjson.loads(raw)

    def inventory(self, tenant: str, product_id: str) -> Inventory | None:
        raw = self.call(self.client.hget, inventory_keys(tenant)[0], text(product_id))
        return None if raw is None else orjson.loads(raw)

    def tenant_inventory(self, tenant: str) -> TenantInventory:
        stock = self.call(self.client.hvals, inventory_keys(tenant)[0])
        return TenantInventory(
            self.inventory_settings(tenant),
            self.products(tenant),
            sorted((orjson.loads(raw) for raw in stock), key=lambda s: str(s["product_id"])),
            self.inventory_events(tenant),
        )

    def add_batch(self, tenant: str, request_id: str, events: list[InventoryEvent]) -> bool:
        stock, by_sequence, ids = inventory_keys(tenant)
        args: list[Any] = [
            text(request_id),
            queue_entry_prefix(tenant),
            text(tenant),
            MAX_INVENTORY_EVENTS,
        ]
        for event in events:
            args += [orjson.dumps(event), b"1" if event["status"] == "PROCESSING" else b"0"]
        added = self.call(
            self._add_batch,
            keys=[
                stock,
                by_sequence,
                ids,
                tenant_key("ireq", tenant),
                INVENTORY_SEQ,
                INVENTORY_QUEUE,
                VERSION,
                TENANTS,
            ],
            args=args,
        )
        return bool(added)

    def inventory_events(
        self, tenant: str, *, request_id: str | None = None, product_id: str | None = None
    ) -> list[InventoryEvent]:
        _, by_sequence, ids = inventory_keys(tenant)
        if request_id is not None:
            listed = self.call(self.client.hget, tenant_key("ireq", tenant), text(request_id))
            sequences = [str(n).encode() for n in orjson.loads(listed)] if listed else []
        else:
            sequences = self.call(self.client.lrange, ids, 0, -1)
        if not sequences:
            return []
        found = self.call(self.client.hmget, by_sequence, sequences)
        events = (orjson.loads(raw) for raw in found if raw is not None)
        return [e for e in events if product_id in (None, e["product_id"])]

    def drain(
        self, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> list[StockUpdate]:
        updates: list[StockUpdate] = []
        while True:
            more, update = self._drain_one(apply)
            if not more:
                return updates
            if update is not None:
                updates.append(update)

    def _drain_one(
        self, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> tuple[bool, StockUpdate | None]:
        """The oldest queued event applied: (False, None) when the queue is empty, (True, None)
        when the event was dropped from the kept events meanwhile; retried while another writer
        changes the queue or the product's stock meanwhile."""
        while True:
            with self.unavailable_as(), self.client.pipeline(transaction=True) as pipe:
                try:
                    return self._apply_head(pipe, apply)
                except redis.WatchError:
                    continue

    def _apply_head(
        self, pipe: Any, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> tuple[bool, StockUpdate | None]:
        pipe.watch(INVENTORY_QUEUE)
        head = pipe.lindex(INVENTORY_QUEUE, 0)
        if head is None:
            return False, None
        tenant, sequence = read_queue_entry(head)
        stock, by_sequence, _ = inventory_keys(tenant)
        raw = pipe.hget(by_sequence, sequence)
        if raw is None:
            pipe.multi()
            pipe.lpop(INVENTORY_QUEUE)
            pipe.execute()
            return True, None
        event = orjson.loads(raw)
        product = text(event["product_id"])
        pipe.watch(stock)
        current = pipe.hget(stock, product)
        before = None if current is None else orjson.loads(current)
        after = apply(before, event)
        event_id = f"EVT-{self.client.incr(EVENT_IDS):08d}"  # unique even if this try loses
        envelope = inventory_envelope(
            tenant, event["product_id"], before, IMPORT_OPERATION, event["creation_date"]
        )
        body = orjson.dumps(after)
        pipe.multi()
        pipe.lpop(INVENTORY_QUEUE)
        pipe.hset(stock, product, body)
        pipe.hset(by_sequence, sequence, orjson.dumps({**event, "status": "PROCESSED"}))
        pipe.xadd(
            EVENTS,
            {b"id": event_id, b"e": orjson.dumps(envelope), b"o": body},
            maxlen=EVENTS_KEPT,
            approximate=True,
        )
        pipe.execute()
        return True, StockUpdate(tenant, before, after, event_id)

    def queue_inventory(
        self, pipe: Any, tenant: str, inventory: TenantInventory, first: int
    ) -> None:
        """A tenant's inventory's writes in a transaction (replace_all: the tenant was wiped);
        its events numbered from `first`."""
        stock, by_sequence, ids = inventory_keys(tenant)
        if inventory.settings is not None:
            pipe.hset(SETTINGS, text(tenant), orjson.dumps(inventory.settings))
        for product in inventory.products:
            pipe.hset(
                tenant_key("prod", tenant), text(product["product_id"]), orjson.dumps(product)
            )
        for document in inventory.stock:
            pipe.hset(stock, text(document["product_id"]), orjson.dumps(document))
        requests: dict[str, list[int]] = {}
        for n, event in enumerate(inventory.events, first):
            pipe.hset(by_sequence, n, orjson.dumps(event))
            pipe.rpush(ids, n)
            if event.get("status") == "PROCESSING":
                pipe.rpush(INVENTORY_QUEUE, queue_entry_prefix(tenant) + str(n).encode())
            if event.get("request_id"):
                requests.setdefault(event["request_id"], []).append(n)
        for request_id, sequences in requests.items():
            pipe.hset(tenant_key("ireq", tenant), text(request_id), orjson.dumps(sequences))
        pipe.zadd(TENANTS, {text(tenant): first}, nx=True)
