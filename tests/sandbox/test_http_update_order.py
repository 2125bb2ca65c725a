"""Update order, `PATCH /orders/{orderReference}` (page 002): partial fields, `line_items`
replacement, `fulfillment_orders` full replacement with terminal line items preserved, and the
page's three worked examples.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.sandbox.client import CheckedClient

Json = dict[str, Any]


def update(client: CheckedClient, order_id: str, body: Json) -> Json:
    """PATCH the order; it must succeed as every change does (see `assert_changed`)."""
    before = client.order(order_id)
    response = client.patch(f"/orders/{order_id}", json=body)
    return client.assert_changed(response, before, "ORDER_UPDATE")


def line(line_id: str, status: str, **extra: Any) -> Json:
    """A stored FO line item of quantity 1."""
    return {"id": line_id, "quantity": 1, "status": status, **extra}


def want(line_id: str, quantity: int = 1) -> Json:
    """A line item entry of an update request (page 002: id and quantity)."""
    return {"id": line_id, "quantity": quantity}


def fo(fo_id: str, *lines: Json) -> Json:
    """A stored DELIVERY FO holding `lines`, not yet at a location, so that its pending lines
    read `open` as in page 002's examples (status as the lines imply)."""
    return {
        "fulfillment_order_id": fo_id,
        "status": "open",
        "delivery_method": "DELIVERY",
        "line_items": list(lines),
    }


def seed_example(client: CheckedClient, *fos: Json) -> None:
    """Seed order EX-1 holding `fos`, its line items covering every id they name."""
    ids = dict.fromkeys(li["id"] for f in fos for li in f["line_items"])
    ids.update(dict.fromkeys(["item-1", "item-2", "item-3"]))
    client.seed(
        {
            "order_id": "EX-1",
            "partner_order_reference": "EX-REF-1",
            "merchant": "ACME_FASHION",
            "status": "open",
            "creation_date": "2026-01-01T00:00:00.000+00:00",
            "update_date": "2026-01-01T00:00:00.000+00:00",
            "line_items": [{"id": i, "sku": f"SKU-{i}", "quantity": 5} for i in ids],
            "fulfillment_orders": list(fos),
        }
    )


def lines_of(order: Json) -> dict[str, list[Json]]:
    """FO id -> its line items."""
    return {f["fulfillment_order_id"]: f["line_items"] for f in order["fulfillment_orders"]}


# ---------------------------------------------------------------- page 002's worked examples
FULFILLED_ITEM_2 = line("item-2", "fulfilled", fulfillment_id="FUL-9", shipment_ids=["SHP-9"])


def test_example_1_add_item_3_next_to_a_fulfilled_item_2(client: CheckedClient) -> None:
    """Page 002: "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3
    (open)"."""
    seed_example(client, fo("FO-123", line("item-1", "open"), FULFILLED_ITEM_2))
    after = update(
        client,
        "EX-1",
        {
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-123",
                    "line_items": [want("item-1"), want("item-3", 2)],
                }
            ]
        },
    )
    assert lines_of(after) == {
        "FO-123": [
            line("item-1", "open"),
            FULFILLED_ITEM_2,
            {"id": "item-3", "quantity": 2, "status": "open"},
        ]
    }
    assert after["status"] == "processing"  # page 002's partially_fulfilled, as published


def test_example_2_remove_open_item_2(client: CheckedClient) -> None:
    """Page 002: an FO with 3 items; listing item-1 and item-3 removes item-2 (open)."""
    seed_example(
        client, fo("FO-123", line("item-1", "open"), line("item-2", "open"), line("item-3", "open"))
    )
    after = update(
        client,
        "EX-1",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-123", "line_items": [want("item-1"), want("item-3")]}
            ]
        },
    )
    assert lines_of(after) == {"FO-123": [line("item-1", "open"), line("item-3", "open")]}


def test_example_3_move_item_2_from_fo_a_to_fo_b(client: CheckedClient) -> None:
    """Page 002: "To move item-2 from FO-A to FO-B": FO-A lists item-1, FO-B item-2 and item-3."""
    seed_example(
        client,
        fo("FO-A", line("item-1", "open"), line("item-2", "open")),
        fo("FO-B", line("item-3", "open")),
    )
    after = update(
        client,
        "EX-1",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-A", "line_items": [want("item-1")]},
                {"fulfillment_order_id": "FO-B", "line_items": [want("item-2"), want("item-3")]},
            ]
        },
    )
    assert lines_of(after) == {
        "FO-A": [line("item-1", "open")],
        "FO-B": [line("item-3", "open"), line("item-2", "open")],
    }


# ---------------------------------------------------------------- partial update
PARTIAL_FIELDS: dict[str, Any] = {
    "partner_order_reference": "SHOP-1001-RENAMED",
    "order_date": "2026-03-01T10:00:00Z",
    "merchant": "ACME_HOME",
    "language": "ar",
    "sales_channel": "mobile-app",
    "taxes_included": False,
    "duties_included": True,
    "shipping_address": {"contact_name": "Jo Bloggs", "city": "ABU DHABI", "country": "AE"},
    "billing_address": {"name": "Jo Bloggs", "coords": "25.2,55.3", "email": "jo@example.com"},
    "customer": {"contact_name": "Jo Bloggs", "contact_email": "jo.bloggs@example.com"},
    "payment": {"payment_mode": "prepaid", "pending_amount": 0, "currency": "AED"},
    "discount_applications": [{"code": "EID26", "type": "percentage", "value": 10}],
    "shipping_lines": [{"code": "EXPRESS", "title": "Express", "price": 25, "currency": "AED"}],
}


@pytest.mark.parametrize("name", PARTIAL_FIELDS)
def test_only_the_given_field_changes(client: CheckedClient, name: str) -> None:
    """Page 002: "The following fields are updated only if provided in the request"; each given
    one replaces the stored value wholesale, nothing else changes but `update_date`."""
    before, _ = client.order("ORD-1001")
    after = update(client, "ORD-1001", {name: PARTIAL_FIELDS[name]})
    assert after == {**before, name: PARTIAL_FIELDS[name], "update_date": after["update_date"]}


def test_all_fields_at_once(client: CheckedClient) -> None:
    """Page 002's list, all in one request."""
    before, _ = client.order("ORD-1002")
    after = update(client, "ORD-1002", {**PARTIAL_FIELDS, "partner_order_reference": "NEW-2"})
    expected = {**before, **PARTIAL_FIELDS, "partner_order_reference": "NEW-2"}
    assert after == {**expected, "update_date": after["update_date"]}


def test_fields_outside_the_list_are_ignored(client: CheckedClient) -> None:
    """Page 002 lists the updatable fields; others (status, ids, dates, tenant) are ignored."""
    before, _ = client.order("ORD-1001")
    after = update(
        client,
        "ORD-1001",
        {
            "status": "closed",
            "order_id": "OTHER",
            "tenant": "globex-demo",
            "creation_date": "2020-01-01T00:00:00.000+00:00",
            "update_date": "2020-01-01T00:00:00.000+00:00",
            "language": "fr",
        },
    )
    assert after == {**before, "language": "fr", "update_date": client.clock.last}


def test_new_partner_order_reference_is_the_new_lookup_key(client: CheckedClient) -> None:
    """Pages 000-003's `key=partner_order_reference` follows a renamed reference."""
    after = update(client, "ORD-1001", {"partner_order_reference": "SHOP-1001-B"})
    assert client.order("SHOP-1001-B", key="partner_order_reference")[0] == after
    old = client.get("/orders/SHOP-1001", query_string={"key": "partner_order_reference"})
    assert old.status_code == 404


@pytest.mark.parametrize(
    "order_id",
    [
        "ORD-1001",
        "ORD-1002",
        "ORD-1003",
        "ORD-1004",
        "ORD-1005",
        "ORD-1006",
        "ORD-1009",
        "ORD-1010",
        "ORD-1011",
        "ORD-1013",
    ],
)
def test_every_status_but_cancelled_can_be_updated(client: CheckedClient, order_id: str) -> None:
    """Page 002: open, partially_allocated, allocated, partially_fulfilled (published:
    processing), fulfilled and closed orders "Can be updated" (the fixtures hold each; cancelled
    is refused, see test_http_validation.py)."""
    assert update(client, order_id, {"language": "fr"})["language"] == "fr"


# ---------------------------------------------------------------- line_items
def test_line_items_replace_the_order_lines_entirely(client: CheckedClient) -> None:
    """Page 002: "If line_items is provided, it completely replaces the existing line items";
    requests may name the id `line_item_id`, responses carry `id`."""
    body = {
        "line_items": [
            {"id": "LI-1001-2", "sku": "JEANS-32", "quantity": 2},
            {"line_item_id": "LI-1001-1", "sku": "TSHIRT-M", "quantity": 1},
            {"id": "LI-NEW", "sku": "CAP", "quantity": 3, "unit_price": 40},
        ]
    }
    after = update(client, "ORD-1001", body)
    assert after["line_items"] == [
        body["line_items"][0],
        {"id": "LI-1001-1", "sku": "TSHIRT-M", "quantity": 1},
        body["line_items"][2],
    ]


def test_line_items_may_be_emptied_when_no_fo_uses_them(client: CheckedClient) -> None:
    """Page 002: replacement is complete, down to no line items at all."""
    assert update(client, "ORD-1010", {"line_items": []})["line_items"] == []


# ---------------------------------------------------------------- fulfillment_orders
def test_entry_matched_by_id_updates_its_fields_and_keeps_its_lines(
    client: CheckedClient,
) -> None:
    """Page 002: entries match existing FOs by `fulfillment_order_id`; an entry without
    `line_items` keeps the FO's lines (pending ones follow the new location); FO fields not
    given are kept."""
    before, _ = client.order("ORD-1001")
    after = update(
        client,
        "ORD-1001",
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1001-A", "location_id": "RUH-DC-01"}]},
    )
    fo_before = before["fulfillment_orders"][0]
    assert after["fulfillment_orders"] == [
        {
            **fo_before,
            "location_id": "RUH-DC-01",
            "status": "allocated",  # its lines now have a location (line status catalogue)
            "line_items": [{**x, "status": "allocated"} for x in fo_before["line_items"]],
        }
    ]


def test_entry_matched_by_partner_reference_keeps_the_fo_id(client: CheckedClient) -> None:
    """Page 002: "fulfillment_order_id or partner_fulfillment_order_reference to match existing
    FOs"; the matched FO keeps its id, and its unlisted pending line is removed."""
    before, _ = client.order("ORD-1001")
    after = update(
        client,
        "ORD-1001",
        {
            "fulfillment_orders": [
                {
                    "partner_fulfillment_order_reference": "SHOP-1001-F1",
                    "line_items": [want("LI-1001-1")],
                }
            ]
        },
    )
    (matched,) = after["fulfillment_orders"]
    assert matched == {**before["fulfillment_orders"][0], "line_items": [line("LI-1001-1", "open")]}


def test_unmatched_entry_is_a_new_fo_with_a_generated_id(client: CheckedClient) -> None:
    """Published update-order page: an FO that matches none is "created with a new
    fulfillment_order_id", even when the entry carried one (MY-FO); ours: DELIVERY by default,
    created now, its lines pending as its location says."""
    after = update(
        client,
        "ORD-1010",
        {
            "fulfillment_orders": [
                {"location_id": "AUH-YAS-01", "line_items": [want("LI-1010-1")]},
                {"fulfillment_order_id": "MY-FO", "delivery_method": "DIGITAL", "line_items": []},
            ]
        },
    )
    located, digital = after["fulfillment_orders"]
    ids = {located["fulfillment_order_id"], digital["fulfillment_order_id"]}
    assert len(ids) == 2 and not ids & {"", "MY-FO"}
    assert located == {
        "fulfillment_order_id": located["fulfillment_order_id"],
        "location_id": "AUH-YAS-01",
        "creation_date": client.clock.last,
        "delivery_method": "DELIVERY",
        "status": "allocated",
        "line_items": [line("LI-1010-1", "allocated")],
    }
    assert (digital["delivery_method"], digital["status"]) == ("DIGITAL", "open")
    assert after["status"] == "partially_allocated"


def test_a_new_fo_is_found_again_by_its_partner_reference(client: CheckedClient) -> None:
    """A client that does not know the generated id names the FO by the reference it gave."""
    entry = {"partner_fulfillment_order_reference": "MY-REF", "line_items": [want("LI-1010-1")]}
    created = update(client, "ORD-1010", {"fulfillment_orders": [entry]})
    again = update(
        client,
        "ORD-1010",
        {"fulfillment_orders": [{**entry, "location_id": "AUH-YAS-01"}]},
    )
    (before_fo,), (after_fo,) = created["fulfillment_orders"], again["fulfillment_orders"]
    assert after_fo["fulfillment_order_id"] == before_fo["fulfillment_order_id"]
    assert after_fo["line_items"] == [line("LI-1010-1", "allocated")]


def test_omitted_fos_are_removed(client: CheckedClient) -> None:
    """Page 002: "any fulfillment order not included in the request will be permanently
    removed" — even one holding fulfilled lines; statuses follow the remaining lines."""
    before, _ = client.order("ORD-1004")
    after = update(
        client, "ORD-1004", {"fulfillment_orders": [{"fulfillment_order_id": "FO-1004-B"}]}
    )
    assert after["fulfillment_orders"] == [before["fulfillment_orders"][1]]
    assert after["status"] == "allocated"
    assert update(client, "ORD-1004", {"fulfillment_orders": []})["fulfillment_orders"] == []


@pytest.mark.parametrize(
    ("order_id", "fo_id"),
    [("ORD-1004", "FO-1004-A"), ("ORD-1005", "FO-1005-A"), ("ORD-1009", "FO-1009-A")],
)
def test_terminal_lines_are_preserved_unchanged(
    client: CheckedClient, order_id: str, fo_id: str
) -> None:
    """Page 002: fulfilled, cancelled and closed line items "will be added back automatically",
    unchanged (id, quantity, status, fulfillment_id, shipment_ids, references)."""
    before, _ = client.order(order_id)
    entries = [
        {"fulfillment_order_id": f["fulfillment_order_id"], "line_items": []}
        if f["fulfillment_order_id"] == fo_id
        else {"fulfillment_order_id": f["fulfillment_order_id"]}
        for f in before["fulfillment_orders"]
    ]
    after = update(client, order_id, {"fulfillment_orders": entries})
    assert lines_of(after)[fo_id] == lines_of(before)[fo_id]
    assert after["status"] == before["status"]


def test_pending_lines_follow_their_fo_location(client: CheckedClient) -> None:
    """reference/line-item-status-codes: a pending line is `allocated` in an FO with a location,
    `open` in one without. ORD-1002: FO-1002-A at RUH-DC-01, FO-1002-B not located yet; a line
    kept in its FO keeps its other keys with the requested quantity."""
    after = update(
        client,
        "ORD-1002",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1002-A", "line_items": [want("LI-1002-1", 1)]},
                {"fulfillment_order_id": "FO-1002-B", "line_items": [want("LI-1002-2")]},
            ]
        },
    )
    assert lines_of(after) == {
        "FO-1002-A": [line("LI-1002-1", "allocated")],
        "FO-1002-B": [line("LI-1002-2", "open")],
    }
    assert after["status"] == "partially_allocated"


def test_moved_lines_take_the_status_of_their_new_fo(client: CheckedClient) -> None:
    """Page 002's move, with the catalogue: LI-1002-1 moved out of the located FO reads open,
    LI-1002-2 moved into it reads allocated; statuses re-derived."""
    after = update(
        client,
        "ORD-1002",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1002-A", "line_items": [want("LI-1002-2")]},
                {"fulfillment_order_id": "FO-1002-B", "line_items": [want("LI-1002-1", 2)]},
            ]
        },
    )
    assert lines_of(after) == {
        "FO-1002-A": [line("LI-1002-2", "allocated")],
        "FO-1002-B": [{"id": "LI-1002-1", "quantity": 2, "status": "open"}],
    }
    assert after["status"] == "partially_allocated"


def test_a_located_fo_allocates_the_lines_it_keeps(client: CheckedClient) -> None:
    """An entry giving FO-1002-B a location, without line_items: its kept open line follows."""
    after = update(
        client,
        "ORD-1002",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1002-A"},
                {"fulfillment_order_id": "FO-1002-B", "location_id": "RUH-DC-01"},
            ]
        },
    )
    assert lines_of(after)["FO-1002-B"] == [line("LI-1002-2", "allocated")]
    assert after["status"] == "allocated"


def test_lines_being_picked_are_preserved(client: CheckedClient) -> None:
    """Ours: ORD-1013's picked line is preserved like a terminal one (not listed, it stays; the
    FO and the order stay processing)."""
    before, _ = client.order("ORD-1013")
    (fo_before,) = before["fulfillment_orders"]
    after = update(
        client,
        "ORD-1013",
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1013-A", "line_items": []}]},
    )
    assert lines_of(after) == {"FO-1013-A": [fo_before["line_items"][0]]}
    assert fo_before["line_items"][0]["status"] == "picked"
    assert after["status"] == after["fulfillment_orders"][0]["status"] == "processing"


def test_statuses_are_re_derived_after_an_update(
    client: CheckedClient, fixture_order: Callable[[str], Json]
) -> None:
    """Pages 001/002, docs/behaviour.md (ours, status derivation): every change recomputes the
    order status from its FO line items (a seeded order with stale statuses comes back
    consistent)."""
    stale = fixture_order("ORD-1003")
    stale["status"] = "open"
    stale["fulfillment_orders"][0]["status"] = "open"
    client.seed(stale)
    after = update(client, "ORD-1003", {"language": "ar"})
    assert after["status"] == after["fulfillment_orders"][0]["status"] == "allocated"
