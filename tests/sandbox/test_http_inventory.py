"""The Inventory API over HTTP (api/inventory/): imports judged per event, applied by the drain,
read back by product and by request id; and each order operation's "Inventory Impact" when the
tenant's inventory management is on (none when it is off). Every response is spec-checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.config import SandboxConfig
from tests.sandbox.webhook_receiver import LoopbackServer

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

Json = dict[str, Any]
PRODUCT, LOCATION, OTHER_LOCATION = "AF-ABY-BLK-54", "DXB-WH-01", "RUH-DC-01"


def stock(
    client: CheckedClient, product: str = PRODUCT, location: str = LOCATION
) -> tuple[int, int, int]:
    response = client.get(f"/inventory/product-id/{product}")
    assert response.status_code == 200, response.get_json()
    level = response.get_json()["stock_by_location"][location]
    return level["on_hand"], level["reserved"], level["unavailable"]


def send(client: CheckedClient, request_id: str, *events: Json) -> Any:
    return client.post("/inventory-events", json=list(events), headers={"request-id": request_id})


def event(event_type: str = "INVENTORY_ADJUSTMENT_ONHAND", **fields: Any) -> Json:
    return {"product_id": PRODUCT, "location_id": LOCATION, "event_type": event_type, **fields}


def drain(client: CheckedClient) -> int:
    response = client.post("/__admin/inventory/drain")
    assert response.status_code == 200
    return int(response.get_json()["processed"])


def results(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [r["result"] for r in response.get_json()["results"]]


# ------------------------------------------------------------------ the Inventory API
def test_an_import_is_queued_then_applied_and_read_back(client: CheckedClient) -> None:
    on_hand, reserved, unavailable = stock(client)
    answer = send(
        client,
        "R-1",
        event(on_hand=5),
        event("SNAPSHOT_UNAVAILABLE", location_id=OTHER_LOCATION, unavailable=3),
    )
    assert results(answer) == ["PROCESSING", "PROCESSING"]
    drain(client)
    assert stock(client) == (on_hand + 5, reserved, unavailable)
    assert stock(client, location=OTHER_LOCATION)[2] == 3
    batch = client.get("/inventory-events/request-id/R-1").get_json()
    assert batch["status"] == "COMPLETED"
    assert [e["sequence_number_in_batch"] for e in batch["inventory_events"]] == [1, 2]
    history = client.get(f"/inventory-events/product-id/{PRODUCT}").get_json()
    assert history[-2]["request_id"] == "R-1" and history[-2]["status"] == "PROCESSED"


def test_the_request_id_is_required_and_used_once(client: CheckedClient) -> None:
    assert results(send(client, "R-1", event(on_hand=1))) == ["PROCESSING"]
    again = send(client, "R-1", event(on_hand=1))
    assert again.status_code == 400
    missing = client.post("/inventory-events", json=[event(on_hand=1)])
    assert missing.status_code == 400
    drain(client)
    assert len(client.get("/inventory-events/request-id/R-1").get_json()["inventory_events"]) == 1


def test_each_published_rule_rejects_its_event_and_nothing_else(client: CheckedClient) -> None:
    client.post(
        "/__admin/locations",
        json={"merchant": "ACME_FASHION", "partner_location_id": "NO-INV", "location_code": "NI"},
    )
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    old = (datetime.now(UTC) - timedelta(days=15)).isoformat()
    before = stock(client)
    answer = send(
        client,
        "R-RULES",
        event(on_hand=1_000_001, location_id=OTHER_LOCATION),
        event(on_hand=1, event_timestamp=future, product_id="AF-DRS-EMR-S"),
        event(on_hand=1, event_timestamp=old, product_id="AF-BAG-CRM-MINI"),
        event(on_hand=1, product_id="NO-SUCH-PRODUCT"),
        event(on_hand=1, location_id="NO-INV"),
        event("ORDER_RESERVATION", on_hand=1, product_id="AF-ATR-OUD-50"),
        event(on_hand=1, product_id="8123456789012"),
        event(on_hand=2, product_id="8123456789012"),
        event(on_hand=7),
    )
    assert results(answer) == ["REJECTED"] * 8 + ["PROCESSING"]
    assert all(r.get("reason") for r in answer.get_json()["results"][:8])
    drain(client)
    assert stock(client) == (before[0] + 7, before[1], before[2])
    assert stock(client, "8123456789012") == (20, 0, 1)


def test_a_timestamp_without_offset_is_read_as_utc(client: CheckedClient) -> None:
    """api/conventions: input without an offset is accepted; the sandbox reads it as UTC."""
    stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert results(send(client, "R-NAIVE", event(on_hand=1, event_timestamp=stamp))) == [
        "PROCESSING"
    ]
    batch = client.get("/inventory-events/request-id/R-NAIVE").get_json()
    assert batch["inventory_events"][0]["event_timestamp"] == stamp + "+00:00"


@pytest.mark.parametrize(
    "path",
    [
        "/inventory/product-id/NOPE",
        "/inventory-events/product-id/NOPE",
        "/inventory-events/request-id/NOPE",
    ],
)
def test_unknown_products_and_requests_are_404(client: CheckedClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_another_tenant_sees_none_of_it(client: CheckedClient) -> None:
    assert (
        client.get(
            f"/inventory/product-id/{PRODUCT}", headers={"tenant-id": "globex-demo"}
        ).status_code
        == 404
    )


# ------------------------------------------------------------------ the orders' inventory impact
def enable(client: CheckedClient, timing: str = "ON_ORDER_FULFILLED") -> None:
    body = {"enabled": True, "stock_reduction_timing": timing}
    assert client.put("/__admin/inventory/settings", json=body).status_code == 200


def create(client: CheckedClient, quantity: int = 3) -> Json:
    body = {
        "merchant": "ACME_FASHION",
        "line_items": [{"id": "L1", "sku": PRODUCT, "quantity": quantity}],
        "fulfillment_orders": [
            {"location_id": LOCATION, "line_items": [{"id": "L1", "quantity": quantity}]}
        ],
    }
    response = client.post("/orders", json=body)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def fo_path(order: Json, action: str) -> str:
    fo_id = order["fulfillment_orders"][0]["fulfillment_order_id"]
    return f"/orders/{order['order_id']}/fulfillment-orders/{fo_id}/{action}"


def test_inventory_management_off_moves_nothing(client: CheckedClient) -> None:
    before = stock(client)
    create(client)
    assert stock(client) == before


def test_an_order_created_relocated_cancelled_fulfilled_and_unfulfilled(
    client: CheckedClient,
) -> None:
    enable(client)
    on_hand, reserved, _ = stock(client)
    order = create(client, 3)
    assert stock(client)[:2] == (on_hand, reserved + 3)  # create-order: reserved
    moved = client.patch(fo_path(order, "update-location"), json={"location_id": OTHER_LOCATION})
    assert moved.status_code == 200
    assert stock(client)[:2] == (on_hand, reserved)  # the reservation went with the FO
    other = stock(client, location=OTHER_LOCATION)
    cancel = {"cancellation_reason": "OTHER", "line_items": [{"id": "L1", "quantity": 1}]}
    assert client.post(fo_path(order, "cancel"), json=cancel).status_code == 200
    assert stock(client, location=OTHER_LOCATION)[1] == other[1] - 1  # released
    fulfilled = client.post(
        fo_path(order, "fulfill"), json={"line_items": [{"id": "L1", "quantity": 2}]}
    )
    assert fulfilled.status_code == 200
    assert stock(client, location=OTHER_LOCATION)[:2] == (other[0] - 2, other[1] - 3)
    line = next(
        li
        for li in fulfilled.get_json()["fulfillment_orders"][0]["line_items"]
        if li["status"] == "fulfilled"
    )
    body = {"fulfillment_ids": [line["fulfillment_id"]]}
    assert client.post(fo_path(order, "unfulfill"), json=body).status_code == 200
    assert stock(client, location=OTHER_LOCATION)[:2] == (other[0], other[1] - 1)
    history = client.get(f"/inventory-events/product-id/{PRODUCT}").get_json()
    assert [e["event_type"] for e in history if e.get("order_id") == order["order_id"]] == [
        "ORDER_RESERVATION",
        "ORDER_UPDATE",
        "ORDER_UPDATE",
        "ORDER_CANCELLATION",
        "ORDER_FULFILLMENT",
        "ORDER_UNFULFILLED",
    ]
    reservations = client.get(f"/inventory/product-id/{PRODUCT}").get_json()["stock_by_location"][
        OTHER_LOCATION
    ]["reservations"]
    assert {"order_id": order["order_id"], "reserved_quantity": 2} in [
        {k: r[k] for k in ("order_id", "reserved_quantity")} for r in reservations
    ]


def test_cancel_order_releases_everything_it_held(client: CheckedClient) -> None:
    enable(client)
    before = stock(client)
    order = create(client, 4)
    response = client.post(
        f"/orders/{order['order_id']}/cancel", json={"cancellation_reason": "OTHER"}
    )
    assert response.status_code == 200
    assert stock(client) == before


def test_a_refused_operation_moves_no_stock(client: CheckedClient) -> None:
    enable(client)
    order = create(client, 2)
    before = stock(client)
    too_many = client.post(
        fo_path(order, "fulfill"), json={"line_items": [{"id": "L1", "quantity": 9}]}
    )
    assert too_many.status_code == 400
    assert stock(client) == before


def test_with_stock_leaving_on_shipping_fulfil_keeps_the_reservation(client: CheckedClient) -> None:
    enable(client, "ON_SHIPMENT_SHIPPED")
    before = stock(client)
    order = create(client, 2)
    client.post(fo_path(order, "fulfill"), json={"line_items": [{"id": "L1", "quantity": 2}]})
    assert stock(client) == (before[0], before[1] + 2, before[2])


def test_the_state_document_keeps_the_inventory(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(inventory_delay=None))  # only the drain applies the queue
    enable(client)
    create(client, 2)
    send(client, "R-STATE", event(on_hand=1))
    state = client.get("/__admin/state").get_json()
    inventory = state["tenants"]["acme-demo"]["inventory"]
    assert inventory["settings"]["enabled"] is True
    before = stock(client)
    assert client.put("/__admin/state", json=state).status_code == 204
    assert stock(client) == before  # the queued event is queued again, not yet applied
    drain(client)
    assert stock(client)[0] == before[0] + 1


def test_the_sandbox_applies_the_queue_by_itself(make_client: ClientFactory) -> None:
    """Asynchronous as published, without a test having to drain: the worker applies the queue
    `inventory_delay` after the import (waited for on the worker's own timer, not by sleeping)."""
    client = make_client(SandboxConfig(inventory_delay=0.01))
    before = stock(client)
    send(client, "R-ASYNC", event(on_hand=2))
    worker = client.sandbox.inventory_worker
    assert worker is not None
    worker.wait(5)
    assert stock(client)[0] == before[0] + 2


# ------------------------------------------------------------------ the inventory webhook
def test_every_stock_change_is_delivered_to_the_inventory_webhook(
    make_client: ClientFactory,
) -> None:
    """reference/inventory-webhook-events: ALL_INVENTORY_UPDATES, snake_case images of the
    product's stock by location before and after; order webhooks do not hear it."""
    received: list[tuple[str, Json]] = []

    def receive(headers: dict[str, str], body: bytes) -> tuple[int, None]:
        received.append((headers["trigger"], json.loads(body)))
        return 200, None

    server = LoopbackServer(receive)
    client = make_client(SandboxConfig(inventory_delay=None))
    try:
        for entity, triggers in (
            ("INVENTORY", ["ALL_INVENTORY_UPDATES"]),
            ("ORDER", ["ORDER_CREATE"]),
        ):
            body = {
                "name": entity,
                "endpoint_url": server.url,
                "entity_type": entity,
                "notify_status": triggers,
            }
            assert client.post("/__admin/webhooks/configurations", json=body).status_code == 201
        enable(client)
        before = stock(client)
        create(client, 2)
        send(client, "R-HOOK", event(on_hand=3))
        drain(client)
        assert client.sandbox.webhooks.wait_idle()
    finally:
        client.sandbox.close()
        server.close()
    inventory = [envelope for trigger, envelope in received if trigger == "ALL_INVENTORY_UPDATES"]
    assert [e["operation"] for e in inventory] == ["UPDATE", "UPDATE"]
    reserved, imported = inventory
    assert reserved["old_image"]["stock_by_location"][LOCATION] == dict(
        zip(("on_hand", "reserved", "unavailable"), before, strict=True)
    )
    assert reserved["new_image"]["stock_by_location"][LOCATION]["reserved"] == before[1] + 2
    assert imported["new_image"]["stock_by_location"][LOCATION]["on_hand"] == before[0] + 3
    assert [t for t, _ in received].count("ORDER_CREATE") == 1
