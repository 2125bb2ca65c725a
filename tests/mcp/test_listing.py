"""The listing's rules as pure functions (mock_server/domain/listing.py): the heap that picks an
early page agrees with sorting every match, ties never split a page, filters combine."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mock_server.domain.listing import SMALL_PAGE, ListQuery, listed, listing_key


def orders(count: int) -> list[dict[str, Any]]:
    """Orders sharing few creation dates (many ties), two merchants, numbered customers."""
    return [
        {
            "order_id": f"O-{n:04d}",
            "partner_order_reference": f"R-{(n * 7919) % count:04d}",
            "merchant": "M1" if n % 3 else "M2",
            "creation_date": f"2026-01-0{n % 4 + 1}T00:00:00.000+00:00",
            "customer": {"name": f"Customer {n % 10}", "email": f"c{n % 10}@example.com"},
        }
        for n in range(count)
    ]


def page_ids(all_orders: list[dict[str, Any]], **query: Any) -> tuple[list[str], int]:
    entries = [(order["order_id"], listing_key(order)) for order in all_orders]
    return listed(entries, ListQuery(**query))


@pytest.mark.parametrize("sort_by", ["creation_date", "partner_order_reference", "order_id"])
@pytest.mark.parametrize("sort_order", ["ASC", "DESC"])
def test_pages_concatenate_to_the_whole_sorted_listing(sort_by: str, sort_order: str) -> None:
    """Early pages take the heap path, late ones the sort: together they are one order."""
    data = orders(400)
    size = 10
    assert size * SMALL_PAGE < len(data)  # page 1 takes the heap path
    pages = [
        page_ids(data, page=page, page_size=size, sort_by=sort_by, sort_order=sort_order)[0]
        for page in range(1, 41)
    ]
    everything = page_ids(data, page=1, page_size=400, sort_by=sort_by, sort_order=sort_order)[0]
    assert list(itertools.chain.from_iterable(pages)) == everything
    assert sorted(everything) == sorted(order["order_id"] for order in data)
    keyed = {order["order_id"]: (order[sort_by], order["order_id"]) for order in data}
    assert [keyed[i] for i in everything] == sorted(
        (keyed[i] for i in everything), reverse=sort_order == "DESC"
    )


def test_filters_combine_and_every_word_must_match() -> None:
    data = orders(60)
    # "3" alone would also find ids (O-0032): every word is looked for in every field
    ids, total = page_ids(data, search="Customer C3@EXAMPLE", merchants=("M1",), page_size=100)
    expected = {
        o["order_id"]
        for o in data
        if o["merchant"] == "M1" and o["customer"]["name"] == "Customer 3"
    }
    assert set(ids) == expected and total == len(expected) > 0
    assert page_ids(data, search="customer nobody")[1] == 0


def test_a_page_past_the_end_is_empty_with_the_total() -> None:
    assert page_ids(orders(5), page=3, page_size=5) == ([], 5)
