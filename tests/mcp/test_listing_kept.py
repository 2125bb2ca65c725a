"""`Listing` (mock_server/domain/listing.py), what the service keeps of a tenant between calls:
after any mix of new and changed orders, each page it answers is the one `listed` answers over
the same orders read afresh (with and without filters, in both directions)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mock_server.domain.listing import (
    REBUILD,
    SORT_FIELDS,
    Listing,
    ListQuery,
    listed,
    listing_key,
)
from tests.mcp.test_listing import orders

QUERIES = [
    ListQuery(page=page, page_size=size, sort_by=field, sort_order=direction)
    for page, size in ((1, 7), (3, 7), (9, 50))
    for field in SORT_FIELDS
    for direction in ("ASC", "DESC")
] + [ListQuery(search="customer 3", merchants=("M1",)), ListQuery(merchants=("M2",), page=2)]


def keyed(data: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    return [(order["order_id"], listing_key(order)) for order in data]


def agrees(listing: Listing, data: dict[str, dict[str, Any]]) -> None:
    """Every query's page of `listing` is `listed`'s over `data`."""
    for query in QUERIES:
        assert listing.page(query) == listed(keyed(list(data.values())), query), query


@pytest.mark.parametrize("batch", [1, 3, 400 // REBUILD + 5])
def test_pages_after_changes_are_those_of_the_orders_read_afresh(batch: int) -> None:
    """Small batches move each changed order in the sorted columns already built; a batch larger
    than 1/REBUILD of the orders drops them. Either way the pages agree with a fresh read."""
    rng = random.Random(batch)
    data = {order["order_id"]: order for order in orders(400)}
    listing = Listing()
    listing.replace(keyed(list(data.values())))
    agrees(listing, data)  # builds every column
    for round_ in range(6):
        changed = []
        for n in range(batch):
            order_id = rng.choice([*data, f"NEW-{round_}-{n}"])
            order = {
                **data.get(order_id, {"order_id": order_id, "merchant": "M2"}),
                "creation_date": f"2026-01-0{rng.randint(1, 9)}T00:00:00.000+00:00",
                "partner_order_reference": f"X-{rng.randint(0, 999):04d}",
            }
            data[order_id] = order
            changed.append(order)
        listing.update(keyed(changed))
        agrees(listing, data)


def test_replace_forgets_every_order_it_kept() -> None:
    listing = Listing()
    listing.replace(keyed(orders(30)))
    assert listing.page(ListQuery())[1] == 30
    listing.replace(keyed(orders(4)))
    assert listing.page(ListQuery(sort_by="order_id", sort_order="ASC")) == (
        ["O-0000", "O-0001", "O-0002", "O-0003"],
        4,
    )
