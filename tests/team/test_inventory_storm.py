"""Stock on a team sandbox: two processes on one Redis create and cancel orders on one product at
once, and the product's reserved quantity ends exactly where the acknowledged writes put it (no
unit lost or counted twice), with one reservation per order still open; one order's lifecycle
written through both processes in turn moves the stock step by step as in memory; an import
drained on one process is read on the other, and its inventory webhook event listed by both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.launcher import Server, unique
from tests.team.conftest import Team

PRODUCT, LOCATION = "AF-ABY-BLK-54", "DXB-WH-01"
THREADS, ORDERS_PER_THREAD = 8, 12


def bearer(server: Server) -> dict[str, str]:
    """An access token of `POST /oauth/token` as `Authorization`, for a sandbox that requires one
    (an open sandbox ignores it)."""
    answer = server.call("POST", "/oauth/token", json={"client_id": "any", "client_secret": "any"})
    token = answer.json().get("access_token") if answer.status_code == 200 else None
    return {"Authorization": f"Bearer {token}"} if token else {}


def level(server: Server, auth: dict[str, str]) -> dict[str, Any]:
    answer = server.call("GET", f"/inventory/product-id/{PRODUCT}", headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["stock_by_location"][LOCATION])


def order(order_id: str) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "merchant": "ACME_FASHION",
        "line_items": [{"id": "L1", "sku": PRODUCT, "quantity": 1}],
        "fulfillment_orders": [
            {"location_id": LOCATION, "line_items": [{"id": "L1", "quantity": 1}]}
        ],
    }


def writer(server: Server, auth: dict[str, str], prefix: str) -> tuple[int, int, set[str]]:
    """Create ORDERS_PER_THREAD orders, cancelling every other one: (created, cancelled, the ids
    left holding a reservation)."""
    created = cancelled = 0
    open_ids: set[str] = set()
    for n in range(ORDERS_PER_THREAD):
        order_id = f"{prefix}-{n}"
        answer = server.call("POST", "/orders", json=order(order_id), headers=auth)
        assert answer.status_code == 200, answer.text
        created += 1
        if n % 2:
            body = {"cancellation_reason": "OTHER"}
            cancel = server.call("POST", f"/orders/{order_id}/cancel", json=body, headers=auth)
            assert cancel.status_code == 200, cancel.text
            cancelled += 1
        else:
            open_ids.add(order_id)
    return created, cancelled, open_ids


def test_concurrent_orders_on_one_product_lose_and_double_count_nothing(team: Team) -> None:
    auth = bearer(team.first)
    setting = {"enabled": True, "stock_reduction_timing": "ON_ORDER_FULFILLED"}
    enabled = team.first.admin(
        "PUT", "inventory/settings", json=setting, headers={"tenant-id": "acme-demo"}
    )
    assert enabled.status_code == 200, enabled.text
    before = level(team.second, auth)
    run = unique("STORM")
    servers = [team.first, team.second] * (THREADS // 2)
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(lambda i: writer(servers[i], auth, f"{run}-{i}"), range(THREADS)))
    created = sum(c for c, _, _ in outcomes)
    cancelled = sum(c for _, c, _ in outcomes)
    still_open = set().union(*(ids for _, _, ids in outcomes))
    after = level(team.first, auth)
    assert after["reserved"] == before["reserved"] + created - cancelled
    assert after["on_hand"] == before["on_hand"]
    holders = {r["order_id"] for r in after["reservations"] if r["order_id"].startswith(run)}
    assert holders == still_open


def test_an_import_drained_on_one_process_is_read_on_the_other(team: Team) -> None:
    auth = bearer(team.first)
    before = level(team.second, auth)
    event = {
        "product_id": PRODUCT,
        "location_id": LOCATION,
        "event_type": "PO_RECEIPT",
        "on_hand": 4,
    }
    request_id = unique("REQ")
    answer = team.first.call(
        "POST", "/inventory-events", json=[event], headers={**auth, "request-id": request_id}
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["result"] == "PROCESSING"
    assert team.second.admin("POST", "inventory/drain").status_code == 200
    assert level(team.second, auth)["on_hand"] == before["on_hand"] + 4
    batch = team.first.call("GET", f"/inventory-events/request-id/{request_id}", headers=auth)
    assert batch.json()["status"] == "COMPLETED"
    events = team.first.admin("GET", "webhooks", params={"tenant": "acme-demo", "limit": 5}).json()
    stock_events = [e for e in events["events"] if e.get("entity_type") == "INVENTORY"]
    assert (
        stock_events[0]["order"]["stock_by_location"][LOCATION]["on_hand"] == before["on_hand"] + 4
    )


def test_an_order_lifecycle_across_both_processes_moves_the_stock_as_in_memory(team: Team) -> None:
    """Created on one process, relocated, partly cancelled, fulfilled and unfulfilled through
    the other in turn: each step moves the stock as tests/sandbox/test_http_inventory.py's
    single-process run does."""
    auth = bearer(team.first)
    other_location = "RUH-DC-01"
    setting = {"enabled": True, "stock_reduction_timing": "ON_ORDER_FULFILLED"}
    team.second.admin("PUT", "inventory/settings", json=setting, headers={"tenant-id": "acme-demo"})

    def at(location: str) -> tuple[int, int]:
        answer = team.second.call("GET", f"/inventory/product-id/{PRODUCT}", headers=auth)
        level = answer.json()["stock_by_location"][location]
        return level["on_hand"], level["reserved"]

    order_id = unique("LIFE")
    body = order(order_id)
    body["line_items"][0]["quantity"] = 3
    body["fulfillment_orders"][0]["line_items"][0]["quantity"] = 3
    here, there = at(LOCATION), at(other_location)
    assert team.first.call("POST", "/orders", json=body, headers=auth).status_code == 200
    fo_id = team.second.call("GET", f"/orders/{order_id}", headers=auth).json()[
        "fulfillment_orders"
    ][0]["fulfillment_order_id"]
    fo = f"/orders/{order_id}/fulfillment-orders/{fo_id}"
    assert at(LOCATION) == (here[0], here[1] + 3)
    moved = team.second.call(
        "PATCH", f"{fo}/update-location", json={"location_id": other_location}, headers=auth
    )
    assert moved.status_code == 200
    assert (at(LOCATION), at(other_location)) == (here, (there[0], there[1] + 3))
    cancel = {"cancellation_reason": "OTHER", "line_items": [{"id": "L1", "quantity": 1}]}
    assert team.first.call("POST", f"{fo}/cancel", json=cancel, headers=auth).status_code == 200
    assert at(other_location) == (there[0], there[1] + 2)
    fulfil = {"line_items": [{"id": "L1", "quantity": 2}]}
    fulfilled = team.second.call("POST", f"{fo}/fulfill", json=fulfil, headers=auth)
    assert fulfilled.status_code == 200
    assert at(other_location) == (there[0] - 2, there[1])
    ids = [
        line["fulfillment_id"]
        for line in fulfilled.json()["fulfillment_orders"][0]["line_items"]
        if line["status"] == "fulfilled"
    ]
    back = team.first.call("POST", f"{fo}/unfulfill", json={"fulfillment_ids": ids}, headers=auth)
    assert back.status_code == 200
    assert at(other_location) == (there[0], there[1] + 2)
