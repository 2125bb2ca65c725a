"""`OrderService.list_orders` keeps each tenant's listing between calls and reads only the orders
saved since (`Store.changes`): on each store, a listing sees every write made after it (on Redis,
by another process's store on the same database), and a whole-state replace is followed by a
listing of the new state only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.domain.listing import ListQuery
from mock_server.events import EventLog
from mock_server.service import OrderService
from mock_server.store import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.redis import RedisStore
from tests.redis_server import RedisServer

T = "acme"
NEWEST_FIRST = ListQuery(page_size=100)


@pytest.fixture(params=["memory", "redis"])
def listing_and_writer(request: pytest.FixtureRequest) -> Iterator[tuple[OrderService, Store]]:
    """A service that lists, and the store another writer saves with: the same store in memory;
    on Redis a second store on the same database (another process)."""
    if request.param == "memory":
        store = MemoryStore()
        yield OrderService(store, EventLog()), store
        return
    server: RedisServer = request.getfixturevalue("redis_instance")
    server.flush()
    listing_store, writer = RedisStore(server.url), RedisStore(server.url)
    yield OrderService(listing_store, EventLog()), writer
    listing_store.close()
    writer.close()


def order(n: int, **fields: Any) -> dict[str, Any]:
    """An order created at second `n`."""
    return {
        "order_id": f"O-{n:03d}",
        "creation_date": f"2026-01-01T00:00:{n:02d}.000+00:00",
        "merchant": "M1",
        **fields,
    }


def listed_ids(service: OrderService, query: ListQuery = NEWEST_FIRST) -> tuple[list[str], int]:
    records, total = service.list_orders(T, query)
    return [record.order["order_id"] for record in records], total


def test_a_listing_sees_the_writes_made_after_it(
    listing_and_writer: tuple[OrderService, Store],
) -> None:
    service, writer = listing_and_writer
    for n in range(5):
        writer.save(T, order(n), replace=False)
    assert listed_ids(service) == (["O-004", "O-003", "O-002", "O-001", "O-000"], 5)
    by_reference = ListQuery(sort_by="partner_order_reference", sort_order="ASC")
    assert listed_ids(service, by_reference)[1] == 5  # that column is sorted now, and kept
    writer.save(T, order(9), replace=False)
    writer.save(T, order(1, creation_date="2026-01-02T00:00:00.000+00:00"), replace=True)
    writer.save(T, order(3, partner_order_reference="A", merchant="M2"), replace=True)
    assert listed_ids(service) == (["O-001", "O-009", "O-004", "O-003", "O-002", "O-000"], 6)
    assert listed_ids(service, by_reference)[0][-1] == "O-003"  # the only one with a reference
    records, total = service.list_orders(T, ListQuery(merchants=("M2",)))
    assert total == 1 and records[0].order["partner_order_reference"] == "A"


def test_after_a_whole_state_replace_the_listing_is_of_the_new_state_only(
    listing_and_writer: tuple[OrderService, Store],
) -> None:
    service, writer = listing_and_writer
    for n in range(3):
        writer.save(T, order(n), replace=False)
    assert listed_ids(service)[1] == 3
    writer.replace_all({T: [order(7), order(8)]}, {})
    assert listed_ids(service) == (["O-008", "O-007"], 2)
    writer.save(T, order(0), replace=False)
    assert listed_ids(service) == (["O-008", "O-007", "O-000"], 3)
