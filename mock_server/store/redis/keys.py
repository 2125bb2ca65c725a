"""The team sandbox's Redis key names, every one under `carriyo:` (the layout is store.py's).

A tenant or id inside a key is length-prefixed where two are joined, so that no two names make the
same key. The controls' shared parts name their keys with `key()`, never with the prefix itself.
"""

from __future__ import annotations

PREFIX = b"carriyo:"
ORDER_PREFIX = PREFIX + b"o:"
EVENTS, EVENT_IDS = PREFIX + b"events", PREFIX + b"event-ids"
"""The event log's stream (shared_events.py lists it) and the counter of its event ids."""


def key(name: str) -> bytes:
    """The key `name` of this sandbox's namespace (`key("journal")` -> `carriyo:journal`)."""
    return PREFIX + name.encode()


def text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def pair(first: str, second: str) -> bytes:
    """Two names joined unambiguously: the first one length-prefixed."""
    head = text(first)
    return b"%d:%s:%s" % (len(head), head, text(second))


def order_key(tenant: str, order_id: str) -> bytes:
    return ORDER_PREFIX + pair(tenant, order_id)


def log_key(tenant: str, order_id: str) -> bytes:
    return PREFIX + b"log:" + pair(tenant, order_id)


def system_log_keys(tenant: str, order_id: str) -> tuple[bytes, bytes]:
    """An order's system logs: the hash of their JSON by identifier, and the list of their
    identifiers, oldest first."""
    name = pair(tenant, order_id)
    return PREFIX + b"slog:" + name, PREFIX + b"slogids:" + name


def tenant_key(kind: str, tenant: str) -> bytes:
    return PREFIX + kind.encode() + b":" + text(tenant)


def code_field(merchant: str, location_code: str) -> bytes:
    return text(merchant) + b"\0" + text(location_code)


TENANTS, VERSION = PREFIX + b"tenants", PREFIX + b"version"
LISTING_EPOCH = PREFIX + b"listing-epoch"
"""The name of the state since the last whole-state replace (store.py's CHANGES)."""
TOKENS, TOKEN_EXPIRY = PREFIX + b"tokens", PREFIX + b"tokenexpiry"
TOKEN_ORDER, TOKEN_SEQ = PREFIX + b"tokenorder", PREFIX + b"tokenseq"

INVENTORY_QUEUE, INVENTORY_SEQ = PREFIX + b"iqueue", PREFIX + b"iseq"
"""The imported inventory events still PROCESSING (`<tenant length>:<tenant>:<sequence>`, oldest
first) and the counter numbering every tenant's inventory events."""


def inventory_keys(tenant: str) -> tuple[bytes, bytes, bytes]:
    """A tenant's stock documents by product id (hash), inventory events by sequence (hash) and
    their sequences, oldest first (list)."""
    return tenant_key("inv", tenant), tenant_key("ievt", tenant), tenant_key("ievtids", tenant)
