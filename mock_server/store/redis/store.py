"""The shared store (`--store redis://HOST:PORT/DB`): orders, locations and tokens in Redis, so that
several sandbox processes serve one state, and it outlives them.

Layout (every key under `carriyo:`; a tenant or id inside a key is length-prefixed where two are
joined, so no two names make the same key):

- `o:<tenant>:<order_id>`, a hash: `v` the version, `j` the order's JSON (the exact bytes a GET
  answers: they are never serialised again), `r`/`hr` its partner reference;
  `log:<tenant>:<order_id>`, a list: its change log, each entry prefixed by the version it
  came with; `slog:<tenant>:<order_id>` (hash: identifier -> JSON) and `slogids:<tenant>:<order_id>`
  (list: identifiers, oldest first): its system logs;
- `ids:<tenant>` (zset: order ids in insertion order), `refs:<tenant>` (hash: reference ->
  order id), `latest:<tenant>` (zset: order ids scored by their version, what a listing reads to
  know which orders changed since it last read), `tenants` (zset), `version` (the counter every
  save increments), `listing-epoch` (names the state since the last whole-state replace: a
  listing that read another epoch reads everything again);
- `loc:`, `locorder:`, `loccode:<tenant>`: locations, their order, (merchant, code) -> id;
- `tokens`, `tokenorder`: grants by token digest, oldest first;
- `events` (a stream: the webhook events, shared_events.py), `event-ids` (their counter).

Every write is one Lua script, so it is atomic: a save checks the version it was made from
(compare-and-set: `StaleRecord` when another process wrote first), the order id and the
reference (`DuplicateReference`), then writes the order, its indexes, its log and the event it
announces (the event log's stream, `carriyo:events`) together. A
GET of an unchanged order is answered from this process's copy (tracking.py). Redis unreachable,
or silent for COMMAND_TIMEOUT: `StoreUnavailable` (a 503); from then on at once, without trying
Redis, until it answers again (health.py). Standalone Redis only (scripts name keys they
compute, which Redis Cluster does not allow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit, urlunsplit

import orjson
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ...config import EVENTS_KEPT
from .. import (
    KEY_ORDER_ID,
    KEY_PARTNER_REFERENCE,
    MAX_CHANGES,
    MAX_INVENTORY_EVENTS,
    MAX_SYSTEM_LOGS,
    Announcement,
    ChangeLog,
    Changes,
    Cursor,
    DuplicateReference,
    Grant,
    Location,
    Order,
    OrderLocks,
    Record,
    StaleRecord,
    StockMove,
    StockUpdate,
    StoreUnavailable,
    SystemLogs,
    TenantInventory,
)
from .health import Health
from .inventory import STOCK_LUA, RedisInventory
from .keys import (
    EVENT_IDS,
    EVENTS,
    INVENTORY_SEQ,
    LISTING_EPOCH,
    ORDER_PREFIX,
    PREFIX,
    TENANTS,
    TOKEN_EXPIRY,
    TOKEN_ORDER,
    TOKEN_SEQ,
    TOKENS,
    VERSION,
    code_field,
    inventory_keys,
    log_key,
    order_key,
    system_log_keys,
    tenant_key,
    text,
)
from .tracking import Tracker

CONNECT_TIMEOUT = 2.0
COMMAND_TIMEOUT = 2.0
"""Seconds a command waits for Redis' answer before Redis is taken as down (health.py). It bounds
what a Redis that stops answering costs: the command that meets it waits this long, and so do
the requests behind it on the process's request thread. Every command of the sandbox runs in
milliseconds (the largest, a whole state replaced, in well under a second for thousands of
orders; the timeout counts from the last byte received, so a long answer never trips it): only a
Redis stalled as long (a hang, a pause, a disk too slow for its append-only file) does."""
OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": CONNECT_TIMEOUT,
    "socket_timeout": COMMAND_TIMEOUT,
    "retry": Retry(NoBackoff(), 0),
}
"""Every client's: no command is retried by the client (a write whose answer was lost could
otherwise be applied twice)."""
T = TypeVar("T")
PAGE = 1000
"""Orders read per pipelined round trip when a listing reads a whole tenant (`records_of`): large
enough that the round trips are few, small enough that one reply stays a few MB."""

SAVE = (
    """
local okey, refs, ids, vkey, tenants, logkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local order_id, json, has_ref, ref, replace, base, keep, append, tenant, envelope, kept, stock =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9],
  ARGV[10], ARGV[11], ARGV[12]
local current = redis.call('HGET', okey, 'v')
if base ~= '' then
  if current ~= base then return {'stale', current or '', redis.call('HGET', okey, 'j') or ''} end
elseif current and replace == '0' then
  return {'duplicate', 'order_id', order_id}
end
if has_ref == '1' then
  local owner = redis.call('HGET', refs, ref)
  if owner and owner ~= order_id then return {'duplicate', 'partner_order_reference', ref} end
end
if current then
  local old = redis.call('HMGET', okey, 'r', 'hr')
  if old[2] == '1' and (has_ref ~= '1' or old[1] ~= ref) then redis.call('HDEL', refs, old[1]) end
end
local v = redis.call('INCR', vkey)
if has_ref == '1' then redis.call('HSET', refs, ref, order_id) end
redis.call('HSET', okey, 'v', v, 'j', json, 'r', ref, 'hr', has_ref)
redis.call('ZADD', ids, 'NX', v, order_id)
redis.call('ZADD', KEYS[13], v, order_id)
redis.call('ZADD', tenants, 'NX', v, tenant)
if append ~= '1' then redis.call('DEL', logkey) end
if #ARGV > 12 then
  local entries = {}
  for i = 13, #ARGV do entries[#entries + 1] = v .. ' ' .. ARGV[i] end
  redis.call('RPUSH', logkey, unpack(entries))
  redis.call('LTRIM', logkey, -keep, -1)
end
"""
    + STOCK_LUA
    + """
local event_id = ''
if envelope ~= '' then
  event_id = string.format('EVT-%08d', redis.call('INCR', KEYS[8]))
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', kept, '*', 'id', event_id, 'e', envelope, 'o', json)
end
return {'saved', v, event_id, unpack(updates)}
"""
)
"""One save: compare-and-set, uniqueness of the id and the reference, the order, its indexes, its
change log, the stock it moves (inventory.py's STOCK_LUA: every product's document before and
after come back) and, when the save announces one, its event (the event log's stream, trimmed to
about the newest `kept`): all or nothing."""

KEEP_NEWEST = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1])
while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
  redis.call('HDEL', KEYS[1], redis.call('LPOP', KEYS[2]))
end
"""
"""One entry kept in a hash under its id (ARGV[1]), its ids listed in arrival order, the oldest
dropped past the limit (ARGV[3]): all or nothing. A system log per order here; the webhook
deliveries of shared_webhooks.py too."""

PUT_LOCATION = """
local locs, order, codes, vkey, tenants = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local old = redis.call('HGET', locs, ARGV[1])
if old then
  local o = cjson.decode(old)
  redis.call('HDEL', codes, o['merchant'] .. '\\0' .. o['location_code'])
end
redis.call('HSET', locs, ARGV[1], ARGV[2])
redis.call('HSET', codes, ARGV[3], ARGV[1])
local v = redis.call('INCR', vkey)
redis.call('ZADD', order, 'NX', v, ARGV[1])
redis.call('ZADD', tenants, 'NX', v, ARGV[4])
"""

LOCATION_BY_CODE = """
local id = redis.call('HGET', KEYS[2], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[1], id)
"""

PUT_TOKEN = """
local tokens, expiry, order, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local limit, now = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('HSET', tokens, ARGV[1], ARGV[2])
redis.call('HSET', expiry, ARGV[1], ARGV[3])
redis.call('ZADD', order, 'NX', redis.call('INCR', seq), ARGV[1])
while true do
  local oldest = redis.call('ZRANGE', order, 0, 0)[1]
  if not oldest then break end
  local expires = tonumber(redis.call('HGET', expiry, oldest))
  if redis.call('ZCARD', order) <= limit and expires > now then break end
  redis.call('ZREM', order, oldest)
  redis.call('HDEL', tokens, oldest)
  redis.call('HDEL', expiry, oldest)
end
"""

CHANGES = """
local ids, latest, epoch_key, seen, orders = KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3]
if redis.call('ZCARD', latest) ~= redis.call('ZCARD', ids) then
  for _, id in ipairs(redis.call('ZRANGE', ids, 0, -1)) do
    local version = redis.call('HGET', orders .. id, 'v')
    if version then redis.call('ZADD', latest, version, id) end
  end
  redis.call('DEL', epoch_key)
end
local epoch = redis.call('GET', epoch_key)
if not epoch then
  local now = redis.call('TIME')
  epoch = now[1] .. '.' .. now[2]
  redis.call('SET', epoch_key, epoch)
end
if epoch ~= ARGV[1] then seen = '-inf' else seen = '(' .. seen end
return {epoch, redis.call('ZRANGEBYSCORE', latest, seen, '+inf', 'WITHSCORES')}
"""
"""A tenant's order ids saved after a version (ARGV[2]) with their versions, oldest first, and the
listing epoch (KEYS[3]); every id when the reader's epoch (ARGV[1]) is not the current one. The
epoch is made (from the clock) by the first listing after a whole-state replace or an emptied
database deleted it, so no reader can hold a cursor of an epoch that comes back. A tenant's zset
of versions (KEYS[2]) that does not name every id (KEYS[1]: a store written before the zset) is
filled from each order's own version (ARGV[3], the tenant's order-key prefix, and the id), and
the epoch made again so that every reader reads everything again."""

WIPE = """
local P = ARGV[1]
for _, t in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local pair = string.len(t) .. ':' .. t .. ':'
  for _, id in ipairs(redis.call('ZRANGE', P .. 'ids:' .. t, 0, -1)) do
    redis.call('DEL', P .. 'o:' .. pair .. id, P .. 'log:' .. pair .. id,
      P .. 'slog:' .. pair .. id, P .. 'slogids:' .. pair .. id)
  end
  redis.call('DEL', P .. 'ids:' .. t, P .. 'refs:' .. t, P .. 'loc:' .. t, P .. 'locorder:' .. t,
    P .. 'loccode:' .. t, P .. 'latest:' .. t, P .. 'vers:' .. t, P .. 'inv:' .. t,
    P .. 'ievt:' .. t, P .. 'ievtids:' .. t, P .. 'ireq:' .. t, P .. 'prod:' .. t)
end
redis.call('DEL', KEYS[1], P .. 'iset', P .. 'iqueue', P .. 'listing-epoch')
"""
"""Every tenant's keys, and the listing epoch with them (`vers:` is the hash of versions that
`latest:` replaced, still in stores written before it)."""


def stock_json(stock: StockMove) -> bytes:
    """A StockMove as STOCK_LUA reads it (each history entry already JSON)."""
    return orjson.dumps(
        {
            "order_id": stock.order_id,
            "operation": stock.operation,
            "date": stock.date,
            "movements": [movement.json() for movement in stock.movements],
            "events": [orjson.dumps(event).decode() for event in stock.events],
            "kept": MAX_INVENTORY_EVENTS,
        }
    )


def grant_bytes(grant: Grant) -> bytes:
    return orjson.dumps([grant.client_id, grant.tenants, grant.scope, grant.expires_at])


def grant_from(raw: bytes) -> Grant:
    client_id, tenants, scope, expires_at = orjson.loads(raw)
    return Grant(client_id, tuple(tenants), scope, expires_at)


def entries_of(raw: list[bytes], version: int) -> tuple[dict[str, Any], ...]:
    """A stored change log as of `version`: its entries of that version or older (a write since
    may have added newer ones)."""
    entries = []
    for item in raw:
        made, _, entry = item.partition(b" ")
        if int(made) <= version:
            entries.append(orjson.loads(entry))
    return tuple(entries)


def unique_orders(orders: list[Order]) -> list[Order]:
    """A tenant's orders as saving them one by one leaves them: a later order with the same id
    replaces the earlier one in its place; DuplicateReference when two hold one reference."""
    latest = {order["order_id"]: order for order in orders}
    owners: dict[str, str] = {}
    for order_id, order in latest.items():
        reference = order.get("partner_order_reference")
        if reference is not None and owners.setdefault(reference, order_id) != order_id:
            raise DuplicateReference("partner_order_reference", reference)
    return list(latest.values())


class LazyChangeLog(Sequence[dict[str, Any]]):
    """A record's change log, read from Redis when first used (a GET never needs it)."""

    def __init__(self, load: Callable[[], tuple[dict[str, Any], ...]]) -> None:
        self._load = load
        self._entries: tuple[dict[str, Any], ...] | None = None

    def _all(self) -> tuple[dict[str, Any], ...]:
        if self._entries is None:
            self._entries = self._load()
        return self._entries

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


Client = Any
"""A `redis.Redis` (its stubs type every reply as a union of all the types a reply may have;
this module knows which one each command answers)."""


def connect(url: str) -> Client:
    """A client of the Redis at `url` (OPTIONS), checked with a PING: StoreUnavailable naming the
    URL when it cannot be reached."""
    client = redis.Redis.from_url(url, **OPTIONS)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        raise StoreUnavailable(f"Redis at {shown_url(url)} cannot be reached: {exc}") from exc
    return client


def shown_url(url: str) -> str:
    """A Redis URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class RedisStore(RedisInventory):
    """The Store protocol on one Redis database (see the module's docstring; the inventory's part:
    inventory.py)."""

    def __init__(self, url: str, tracked: tuple[bytes, ...] = ()) -> None:
        """`tracked`: more key prefixes of which this process keeps local copies (the controls'
        faults and webhook configurations) besides the orders."""
        self.url = url
        self.client = connect(url)
        self.health = Health(redis.Redis.from_url(url, **OPTIONS), shown_url(url))
        self.write_lock = OrderLocks()
        self.tracker = Tracker(self.new_connection, (ORDER_PREFIX, TOKENS, *tracked), self.health)
        self._save = self.client.register_script(SAVE)
        self._add_system_log = self.client.register_script(KEEP_NEWEST)
        self._put_location = self.client.register_script(PUT_LOCATION)
        self._location_by_code = self.client.register_script(LOCATION_BY_CODE)
        self._put_token = self.client.register_script(PUT_TOKEN)
        self._wipe = self.client.register_script(WIPE)
        self._changes = self.client.register_script(CHANGES)
        self.register_inventory_scripts()

    def new_connection(self, protocol: int = 3) -> Any:
        """A connection of its own to the same database (RESP3: for tracking); StoreUnavailable
        when Redis cannot be reached."""
        kwargs = {**self.client.connection_pool.connection_kwargs, "protocol": protocol}
        make: Any = redis.Connection  # untyped in redis-py's stubs
        connection = make(**kwargs)
        with self.unavailable_as():
            connection.connect()
        return connection

    @contextmanager
    def unavailable_as(self) -> Iterator[None]:
        """Redis' connection errors and time-outs as StoreUnavailable, which marks Redis down;
        while it is down, StoreUnavailable at once (health.py)."""
        self.health.check()
        try:
            yield
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            self.health.trip(exc)
            raise StoreUnavailable(str(exc)) from exc

    def call(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """One command (or script call); StoreUnavailable when Redis cannot be reached."""
        with self.unavailable_as():
            return command(*args, **kwargs)

    def close(self) -> None:
        self.health.close()
        self.tracker.close()
        self.client.close()

    # ---------------------------------------------------------------- orders
    def find(self, tenant: str, reference: str, key: str = KEY_ORDER_ID) -> Record | None:
        if key == KEY_PARTNER_REFERENCE:
            order_id = self.call(self.client.hget, tenant_key("refs", tenant), text(reference))
            if order_id is None:
                return None
            reference = order_id.decode("utf-8", "surrogatepass")
        okey = order_key(tenant, reference)
        cached: Record | None = self.tracker.get(okey)
        if cached is not None:
            return cached
        epoch = self.tracker.current_epoch()
        version, body = self.call(self.client.hmget, okey, [b"v", b"j"])
        if version is None:
            return None
        record = self._record(tenant, orjson.loads(body), int(version), body)
        self.tracker.put(okey, record, epoch)
        return record

    def _record(self, tenant: str, order: Order, version: int, body: bytes) -> Record:
        """A record of a stored version; its JSON is the stored bytes, its log read when used."""
        lkey = log_key(tenant, order["order_id"])
        changes = LazyChangeLog(
            lambda: entries_of(self.call(self.client.lrange, lkey, 0, -1), version)
        )
        record = Record(order, version, changes)
        record.cache["json"] = body
        return record

    def save(
        self,
        tenant: str,
        order: Order,
        *,
        replace: bool,
        changes: ChangeLog = (),
        base: Record | None = None,
        event: Announcement | None = None,
        stock: StockMove | None = None,
    ) -> Record:
        """As MemoryStore.save, across processes: one script checks and writes everything, the
        announced event and the stock moved included (the event's id and the stock updates in
        the record's cache)."""
        order_id = order["order_id"]
        reference = order.get("partner_order_reference")
        body = orjson.dumps(order)
        answer = self.call(
            self._save,
            keys=[
                order_key(tenant, order_id),
                tenant_key("refs", tenant),
                tenant_key("ids", tenant),
                VERSION,
                TENANTS,
                log_key(tenant, order_id),
                EVENTS,
                EVENT_IDS,
                *inventory_keys(tenant),
                INVENTORY_SEQ,
                tenant_key("latest", tenant),
            ],
            args=[
                text(order_id),
                body,
                b"0" if reference is None else b"1",
                b"" if reference is None else text(reference),
                b"1" if replace else b"0",
                b"" if base is None else str(base.version).encode(),
                MAX_CHANGES,
                b"0" if base is None else b"1",
                text(tenant),
                b"" if event is None else orjson.dumps(event.envelope),
                EVENTS_KEPT,
                b"" if stock is None else stock_json(stock),
                *(orjson.dumps(entry) for entry in list(changes)[-MAX_CHANGES:]),
            ],
        )
        outcome = answer[0]
        if outcome == b"saved":  # this process reads its own write, whenever the push comes
            self.tracker.forget(order_key(tenant, order_id))
        if outcome == b"stale":  # the version that won comes with the refusal
            version, json = answer[1], answer[2]  # empty when the order is gone
            won = self._record(tenant, orjson.loads(json), int(version), json) if version else None
            raise StaleRecord(order_id, won)
        if outcome == b"duplicate":
            raise DuplicateReference(answer[1].decode(), answer[2].decode("utf-8", "surrogatepass"))
        record = self._record(tenant, order, int(answer[1]), body)
        if event is not None:
            record.cache["event_id"] = answer[2].decode()
        if stock is not None:
            record.cache["stock"] = [
                StockUpdate(
                    tenant,
                    orjson.loads(before) if before else None,
                    orjson.loads(after),
                    eid.decode(),
                )
                for before, after, eid in zip(answer[3::3], answer[4::3], answer[5::3], strict=True)
            ]
        return record

    def orders(self, tenant: str) -> list[Order]:
        return [record.order for record in self.records(tenant)]

    def records(self, tenant: str) -> list[Record]:
        """Every record of `tenant` in insertion order, with its change log (read in pages)."""
        ids = self._ids(tenant)
        records = []
        for start in range(0, len(ids), 500):
            page = ids[start : start + 500]
            with self.unavailable_as():
                pipe = self.client.pipeline(transaction=True)
                for order_id in page:
                    pipe.hmget(order_key(tenant, order_id), [b"v", b"j"])
                    pipe.lrange(log_key(tenant, order_id), 0, -1)
                replies = pipe.execute()
            for (version, body), log in zip(replies[::2], replies[1::2], strict=True):
                if version is not None:  # deleted since the ids were read
                    order = orjson.loads(body)
                    records.append(Record(order, int(version), entries_of(log, int(version))))
        return records

    def changes(self, tenant: str, since: Cursor) -> Changes:
        """One script reads the ids saved since the cursor (none: one short round trip), then
        their records are read in pages."""
        epoch, flat = self.call(
            self._changes,
            keys=[tenant_key("ids", tenant), tenant_key("latest", tenant), LISTING_EPOCH],
            args=[since.epoch, since.version, order_key(tenant, "")],
        )
        current = epoch.decode()
        fresh = current != since.epoch
        top = int(flat[-1]) if flat else 0 if fresh else since.version
        ids = [raw.decode("utf-8", "surrogatepass") for raw in flat[::2]]
        return Changes(self.records_of(tenant, ids), Cursor(current, top), fresh)

    def records_of(self, tenant: str, order_ids: Sequence[str]) -> list[Record]:
        """The records of these ids, their JSON read in pages (change logs read when used)."""
        records: list[Record] = []
        for start in range(0, len(order_ids), PAGE):
            page = order_ids[start : start + PAGE]
            with self.unavailable_as():
                pipe = self.client.pipeline(transaction=False)
                for order_id in page:
                    pipe.hmget(order_key(tenant, order_id), [b"v", b"j"])
                replies = pipe.execute()
            records.extend(
                self._record(tenant, orjson.loads(body), int(version), body)
                for version, body in replies
                if version is not None
            )
        return records

    def _ids(self, tenant: str) -> list[str]:
        return [
            raw.decode("utf-8", "surrogatepass")
            for raw in self.call(self.client.zrange, tenant_key("ids", tenant), 0, -1)
        ]

    def tenants(self) -> list[str]:
        return [
            raw.decode("utf-8", "surrogatepass")
            for raw in self.call(self.client.zrange, TENANTS, 0, -1)
        ]

    # ---------------------------------------------------------------- system logs
    def add_system_log(self, tenant: str, order_id: str, entry: dict[str, Any]) -> None:
        self.call(
            self._add_system_log,
            keys=list(system_log_keys(tenant, order_id)),
            args=[text(entry["identifier"]), orjson.dumps(entry), MAX_SYSTEM_LOGS],
        )

    def system_log(self, tenant: str, order_id: str, identifier: str) -> dict[str, Any] | None:
        entries, _ = system_log_keys(tenant, order_id)
        raw = self.call(self.client.hget, entries, text(identifier))
        return None if raw is None else orjson.loads(raw)

    def system_logs(self, tenant: str) -> SystemLogs:
        """The system logs of every order of `tenant` that has some, oldest first (read in
        pages, as `records`)."""
        ids = [
            raw.decode("utf-8", "surrogatepass")
            for raw in self.call(self.client.zrange, tenant_key("ids", tenant), 0, -1)
        ]
        logs: SystemLogs = {}
        for start in range(0, len(ids), 500):
            page = ids[start : start + 500]
            with self.unavailable_as():
                pipe = self.client.pipeline(transaction=True)
                for order_id in page:
                    entries, order = system_log_keys(tenant, order_id)
                    pipe.hgetall(entries)
                    pipe.lrange(order, 0, -1)
                replies = pipe.execute()
            for order_id, found, listed in zip(page, replies[::2], replies[1::2], strict=True):
                kept = [orjson.loads(found[i]) for i in listed if i in found]
                if kept:
                    logs[order_id] = kept
        return logs

    # ---------------------------------------------------------------- locations
    def put_location(self, tenant: str, location: Location) -> Location:
        self.call(
            self._put_location,
            keys=[
                tenant_key("loc", tenant),
                tenant_key("locorder", tenant),
                tenant_key("loccode", tenant),
                VERSION,
                TENANTS,
            ],
            args=[
                text(location["partner_location_id"]),
                orjson.dumps(location),
                code_field(location["merchant"], location["location_code"]),
                text(tenant),
            ],
        )
        return location

    def location_by_partner_id(self, tenant: str, partner_location_id: str) -> Location | None:
        raw = self.call(self.client.hget, tenant_key("loc", tenant), text(partner_location_id))
        return None if raw is None else orjson.loads(raw)

    def location_by_code(self, tenant: str, merchant: str, location_code: str) -> Location | None:
        raw = self.call(
            self._location_by_code,
            keys=[tenant_key("loc", tenant), tenant_key("loccode", tenant)],
            args=[code_field(merchant, location_code)],
        )
        return None if raw is None else orjson.loads(raw)

    def locations(self, tenant: str) -> list[Location]:
        with self.unavailable_as():
            ids = self.client.zrange(tenant_key("locorder", tenant), 0, -1)
            if not ids:
                return []
            found = self.client.hmget(tenant_key("loc", tenant), ids)
        return [orjson.loads(raw) for raw in found if raw is not None]

    # ---------------------------------------------------------------- access tokens
    def put_token(self, digest: str, grant: Grant, *, now: float, limit: int) -> None:
        self.call(
            self._put_token,
            keys=[TOKENS, TOKEN_EXPIRY, TOKEN_ORDER, TOKEN_SEQ],
            args=[digest, grant_bytes(grant), repr(grant.expires_at), limit, repr(now)],
        )

    def token(self, digest: str) -> Grant | None:
        """The grant of a token, from this process's copy of the tokens it has checked (kept
        true like the orders': any write to the tokens drops it), else from Redis. Every API
        request checks its token, so a GET of an unchanged order needs no round trip."""
        known: dict[str, Grant] | None = self.tracker.get(TOKENS)
        if known is not None and digest in known:
            return known[digest]
        epoch = self.tracker.current_epoch()
        raw = self.call(self.client.hget, TOKENS, digest)
        if raw is None:
            return None
        grant = grant_from(raw)
        self.tracker.put(TOKENS, {**(known or {}), digest: grant}, epoch)
        return grant

    def tokens(self) -> dict[str, Grant]:
        with self.unavailable_as():
            order = self.client.zrange(TOKEN_ORDER, 0, -1)
            grants = self.client.hmget(TOKENS, order) if order else []
        return {d.decode(): grant_from(raw) for d, raw in zip(order, grants, strict=True) if raw}

    def replace_tokens(self, tokens: dict[str, Grant]) -> None:
        """Replace every token, kept oldest (soonest to expire) first; at once."""
        ordered = sorted(tokens.items(), key=lambda item: item[1].expires_at)
        with self.unavailable_as():
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(TOKENS, TOKEN_EXPIRY, TOKEN_ORDER)
            for n, (digest, grant) in enumerate(ordered, 1):
                pipe.hset(TOKENS, digest, grant_bytes(grant))
                pipe.hset(TOKEN_EXPIRY, digest, repr(grant.expires_at))
                pipe.zadd(TOKEN_ORDER, {digest: n})
            pipe.set(TOKEN_SEQ, len(ordered))
            pipe.execute()

    # ---------------------------------------------------------------- whole store
    def replace_all(
        self,
        orders: dict[str, list[Order]],
        locations: dict[str, list[Location]],
        changes: dict[str, dict[str, ChangeLog]] | None = None,
        system_logs: dict[str, SystemLogs] | None = None,
        inventory: dict[str, TenantInventory] | None = None,
    ) -> None:
        """Replace every order (with its change log and system logs), location and tenant
        inventory in one transaction: other processes see the old state or the new one. A reference
        used twice in a tenant is a DuplicateReference before anything is written. Tokens stay."""
        latest = {tenant: unique_orders(tenant_orders) for tenant, tenant_orders in orders.items()}
        count = sum(map(len, latest.values())) + sum(map(len, locations.values()))
        with self.unavailable_as():
            first = self.client.incrby(VERSION, count + 1) - count
            events = sum(len(kept.events) for kept in (inventory or {}).values())
            sequence = self.client.incrby(INVENTORY_SEQ, events + 1) - events
            pipe = self.client.pipeline(transaction=True)
            self._wipe(keys=[TENANTS], args=[PREFIX], client=pipe)
            version = first
            for tenant, tenant_locations in locations.items():
                for location in tenant_locations:
                    self._queue_location(pipe, tenant, location, version)
                    version += 1
            for tenant, tenant_orders in latest.items():
                logs = (changes or {}).get(tenant, {})
                kept = (system_logs or {}).get(tenant, {})
                for order in tenant_orders:
                    order_id = order["order_id"]
                    self._queue_order(pipe, tenant, order, logs.get(order_id, ()), version)
                    self._queue_system_logs(pipe, tenant, order_id, kept.get(order_id, []))
                    version += 1
            for tenant, tenant_inventory in (inventory or {}).items():
                self.queue_inventory(pipe, tenant, tenant_inventory, sequence)
                sequence += len(tenant_inventory.events)
            pipe.execute()

    def _queue_location(self, pipe: Client, tenant: str, location: Location, version: int) -> None:
        """A location's writes in a transaction (replace_all: the tenant was wiped)."""
        partner_id = text(location["partner_location_id"])
        pipe.hset(tenant_key("loc", tenant), partner_id, orjson.dumps(location))
        pipe.hset(
            tenant_key("loccode", tenant),
            code_field(location["merchant"], location["location_code"]),
            partner_id,
        )
        pipe.zadd(tenant_key("locorder", tenant), {partner_id: version}, nx=True)
        pipe.zadd(TENANTS, {text(tenant): version}, nx=True)

    def _queue_order(
        self, pipe: Client, tenant: str, order: Order, log: ChangeLog, version: int
    ) -> None:
        """An order's writes in a transaction (replace_all: the tenant was wiped)."""
        order_id, reference = order["order_id"], order.get("partner_order_reference")
        pipe.hset(
            order_key(tenant, order_id),
            mapping={
                b"v": version,
                b"j": orjson.dumps(order),
                b"r": b"" if reference is None else text(reference),
                b"hr": b"0" if reference is None else b"1",
            },
        )
        if reference is not None:
            pipe.hset(tenant_key("refs", tenant), text(reference), text(order_id))
        pipe.zadd(tenant_key("ids", tenant), {text(order_id): version}, nx=True)
        pipe.zadd(tenant_key("latest", tenant), {text(order_id): version})
        pipe.zadd(TENANTS, {text(tenant): version}, nx=True)
        lkey = log_key(tenant, order_id)
        pipe.delete(lkey)
        entries = list(log)[-MAX_CHANGES:]
        if entries:
            pipe.rpush(lkey, *(b"%d %s" % (version, orjson.dumps(e)) for e in entries))

    def _queue_system_logs(
        self, pipe: Client, tenant: str, order_id: str, entries: list[dict[str, Any]]
    ) -> None:
        """An order's system logs (the newest MAX_SYSTEM_LOGS) in a transaction (replace_all:
        the tenant was wiped)."""
        kept = {text(entry["identifier"]): entry for entry in entries[-MAX_SYSTEM_LOGS:]}
        if kept:
            hash_key, ids_key = system_log_keys(tenant, order_id)
            pipe.hset(hash_key, mapping={i: orjson.dumps(e) for i, e in kept.items()})
            pipe.rpush(ids_key, *kept)

    # ---------------------------------------------------------------- start
    def claim_empty(self) -> bool:
        """True once for a database nothing was ever stored in (the caller then seeds it with
        the fixtures); False for every other process and start, which find the state kept."""
        return bool(self.call(self.client.set, VERSION, 0, nx=True))
