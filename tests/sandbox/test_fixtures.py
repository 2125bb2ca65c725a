"""The bundled fixtures keep the rules the sandbox applies (fixtures/README.md): statuses as the
published roll-up derives them, FO quantities within the ordered ones, every status present."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from mock_server.config import DEFAULT_FIXTURES
from mock_server.domain import derive_fo_status, derive_order_status
from mock_server.domain.quantities import check_fo_quantities


def _orders() -> list[dict[str, Any]]:
    (path,) = sorted(DEFAULT_FIXTURES.glob("*.json"))
    state = orjson.loads(path.read_bytes())
    return [order for tenant in state["tenants"].values() for order in tenant["orders"]]


ORDERS = _orders()


@pytest.mark.parametrize("order", ORDERS, ids=[order["order_id"] for order in ORDERS])
def test_statuses_follow_the_roll_up_and_quantities_the_order(order: dict[str, Any]) -> None:
    fos = order["fulfillment_orders"]
    assert [fo["status"] for fo in fos] == [derive_fo_status(fo) for fo in fos]
    assert order["status"] == derive_order_status(fo["status"] for fo in fos)
    check_fo_quantities(order, [])


def test_every_published_status_appears() -> None:
    """Order and FO statuses of api/orders/order-object and api/orders/fulfillment-orders; the
    line statuses of reference/line-item-status-codes but pick_in_progress."""
    fos = [fo for order in ORDERS for fo in order["fulfillment_orders"]]
    assert {order["status"] for order in ORDERS} == {
        "open",
        "partially_allocated",
        "allocated",
        "processing",
        "fulfilled",
        "cancelled",
        "closed",
    }
    assert {fo["status"] for fo in fos} == {
        "open",
        "allocated",
        "processing",
        "fulfilled",
        "cancelled",
        "closed",
    }
    assert {line["status"] for fo in fos for line in fo["line_items"]} == {
        "open",
        "allocated",
        "picked",
        "fulfilled",
        "cancelled",
        "closed",
    }
