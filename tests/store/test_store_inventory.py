"""The inventory part of the Store protocol, on each store: stock moved with its order in one save,
batches recorded once per request id, queued events drained in order, the whole inventory
replaced with the state."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.domain.inventory import apply_imported
from mock_server.domain.inventory_orders import Movement
from mock_server.store import StaleRecord, StockMove, Store, TenantInventory

NOW = "2026-03-01T12:00:00.000+00:00"


def imported(
    product: str, on_hand: int, status: str = "PROCESSING", **extra: Any
) -> dict[str, Any]:
    return {
        "product_id": product,
        "location_id": "WH-1",
        "event_type": "INVENTORY_ADJUSTMENT_ONHAND",
        "on_hand": on_hand,
        "status": status,
        "creation_date": NOW,
        **extra,
    }


def reserve(order_id: str, quantity: int, held: int) -> StockMove:
    history = {"product_id": "P1", "location_id": "WH-1", "event_type": "ORDER_RESERVATION"}
    return StockMove(
        order_id, "createOrder", NOW, (Movement("P1", "WH-1", 0, quantity, held),), (history,)
    )


def level(store: Store, product: str = "P1") -> dict[str, Any]:
    found = store.inventory("t1", product)
    assert found is not None
    return dict(found["stock_by_location"]["WH-1"])


def test_an_order_is_saved_with_its_stock_change(store: Store) -> None:
    record = store.save("t1", {"order_id": "O1"}, replace=False, stock=reserve("O1", 2, 2))
    found = level(store)
    assert (found["on_hand"], found["reserved"]) == (0, 2)
    assert found["reservations"]["O1"]["reserved_quantity"] == 2
    assert record.cache["stock"][0].before is None  # the product had no stock before
    document = store.inventory("t1", "P1")
    assert document is not None
    assert (document["creation_date"], document["update_date"]) == (NOW, NOW)
    assert [e["event_type"] for e in store.inventory_events("t1", product_id="P1")] == [
        "ORDER_RESERVATION"
    ]


def test_a_stale_save_moves_no_stock(store: Store) -> None:
    first = store.save("t1", {"order_id": "O1"}, replace=False, stock=reserve("O1", 2, 2))
    store.save("t1", {"order_id": "O1", "x": 1}, replace=True, base=first)
    with pytest.raises(StaleRecord):
        store.save("t1", {"order_id": "O1"}, replace=True, base=first, stock=reserve("O1", -2, 0))
    assert level(store)["reserved"] == 2
    assert len(store.inventory_events("t1")) == 1


def test_a_request_id_is_recorded_once_and_its_events_drain_in_order(store: Store) -> None:
    assert store.add_batch("t1", "R1", [imported("P1", 5), imported("P1", 0, "REJECTED")])
    assert not store.add_batch("t1", "R1", [imported("P1", 9)])
    assert store.add_batch("t1", "R2", [imported("P1", -2)])
    assert store.inventory("t1", "P1") is None  # nothing applied before the drain
    updates = store.drain(apply_imported)
    assert [u.after["stock_by_location"]["WH-1"]["on_hand"] for u in updates] == [5, 3]
    assert level(store)["on_hand"] == 3
    assert [e["status"] for e in store.inventory_events("t1", request_id="R1")] == [
        "PROCESSED",
        "REJECTED",
    ]
    assert store.drain(apply_imported) == []


def test_products_settings_and_tenants(store: Store) -> None:
    store.put_product("t9", {"product_id": "P1", "name": "one"})
    store.put_inventory_settings("t9", {"stock_reduction_timing": "ON_ORDER_FULFILLED"})
    assert store.products("t9") == [{"product_id": "P1", "name": "one"}]
    assert store.inventory_settings("t9") == {"stock_reduction_timing": "ON_ORDER_FULFILLED"}
    assert store.inventory_settings("t1") is None
    assert "t9" in store.tenants()
    store.put_inventory_settings("t9", None)
    assert store.inventory_settings("t9") is None


def test_replace_all_replaces_the_inventory_and_queues_what_was_processing(store: Store) -> None:
    store.add_batch("t1", "OLD", [imported("P1", 5)])
    stock = {
        "product_id": "P2",
        "stock_by_location": {
            "WH-1": {"on_hand": 4, "reserved": 0, "unavailable": 0, "reservations": {}}
        },
    }
    events = [imported("P2", 1, request_id="R1")]
    given = TenantInventory(
        {"stock_reduction_timing": "ON_ORDER_FULFILLED"}, [{"product_id": "P2"}], [stock], events
    )
    store.replace_all({}, {}, inventory={"t1": given})
    assert store.inventory("t1", "P1") is None
    assert store.inventory_events("t1", request_id="OLD") == []
    kept = store.tenant_inventory("t1")
    assert (kept.settings, list(kept.products), list(kept.stock)) == (
        given.settings,
        [{"product_id": "P2"}],
        [stock],
    )
    store.drain(apply_imported)
    assert level(store, "P2")["on_hand"] == 5
    assert store.inventory_events("t1", request_id="R1")[0]["status"] == "PROCESSED"
