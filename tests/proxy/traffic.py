"""A team's integration run, as the proxy would see it: page 002's three worked examples and
every operation of the documented API (the lifecycle's included) against the bundled fixtures'
tenant `acme-demo`, with a few refusals each followed by a read of the order, as a client checks
what happened.

The run asserts nothing: it is traffic, sent the same way against the sandbox and against its
broken and fair variants, and the proxy is what judges it. It only needs the answers to carry on
(the ids the service gave), and reads them both ways a fair service may name them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

AUTH = {"x-api-key": "secret-key-123", "tenant-id": "acme-demo"}
Json = dict[str, Any]


class ClientCredentials(requests.auth.AuthBase):
    """What an integration does for Carriyo's tokens: before its first API call to a server, it
    asks that server's `POST /oauth/token` (client credentials) and sends the token as a bearer
    on every request that names no `Authorization` of its own (none while the server gives no
    token: the request then shows what the server answers without one)."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(str(request.url))
        if "Authorization" in request.headers or url.path == "/oauth/token":
            return request
        base = f"{url.scheme}://{url.netloc}"
        if base not in self.tokens:
            with requests.Session() as plain:
                plain.trust_env = False
                answer = plain.post(
                    f"{base}/oauth/token",
                    json={"client_id": "integration", "client_secret": "secret"},
                    timeout=30,
                )
            if answer.status_code != 200:
                return request
            self.tokens[base] = answer.json()["access_token"]
        request.headers["Authorization"] = f"Bearer {self.tokens[base]}"
        return request


class Client:
    """Requests to one base URL as tenant acme-demo; each answer as JSON ({} when not)."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Json:
        answer = self.session.request(
            method,
            self.base + path,
            json=body,
            headers=AUTH if headers is None else headers,
            timeout=30,
        )
        try:
            found = answer.json()
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def get(self, order: str) -> Json:
        return self.send("GET", f"/orders/{order}")


def line_key(line: Json) -> Any:
    return line.get("id", line.get("line_item_id"))


def fo_named(order: Json, reference: str) -> str:
    """The fulfillment_order_id of the FO whose partner reference is `reference`."""
    for fo in order.get("fulfillment_orders") or []:
        if fo.get("partner_fulfillment_order_reference") == reference:
            return str(fo["fulfillment_order_id"])
    return f"missing-{reference}"


def _quantity(order: Json, fo_id: str, item: str) -> Any:
    for fo in order.get("fulfillment_orders") or []:
        for line in fo.get("line_items") or []:
            if fo.get("fulfillment_order_id") == fo_id and line_key(line) == item:
                return line.get("quantity")
    return 1


def shipment_of(order: Json, item: str) -> str:
    for fo in order.get("fulfillment_orders") or []:
        for line in fo.get("line_items") or []:
            if line_key(line) == item and line.get("shipment_ids"):
                return str(line["shipment_ids"][-1])
    return f"no-shipment-{item}"


def create(client: Client, reference: str, fos: dict[str, list[str]], **extra: Any) -> Json:
    """An order with items item-1..item-3 (2 each) and FOs {partner reference: items (1 each)}."""
    return client.send(
        "POST",
        "/orders",
        {
            "merchant": "ACME_FASHION",
            "partner_order_reference": reference,
            "line_items": [
                {"id": f"item-{k}", "sku": f"SKU-{k}", "quantity": 2} for k in (1, 2, 3)
            ],
            "fulfillment_orders": [
                {
                    "partner_fulfillment_order_reference": name,
                    "line_items": [{"id": item, "quantity": 1} for item in items],
                    **extra,
                }
                for name, items in fos.items()
            ],
        },
    )


def notify(client: Client, shipment_id: str, reference: str, status: str) -> None:
    """Page 004's shipment status update."""
    client.send(
        "POST",
        "/orders/shipment-status-update",
        {
            "shipment_id": shipment_id,
            "references": {"partner_order_reference": reference},
            "post_shipping_info": {"status": status},
        },
    )


def fo_path(order: Json, fo_id: str, action: str = "") -> str:
    return f"/orders/{order.get('order_id')}/fulfillment-orders/{fo_id}" + (
        f"/{action}" if action else ""
    )


def replace_fos(client: Client, order: Json, fos: dict[str, dict[str, int]]) -> None:
    """Update order with `fulfillment_orders` {FO id: {item: quantity}}."""
    entries = [
        {
            "fulfillment_order_id": fo_id,
            "line_items": [{"id": item, "quantity": quantity} for item, quantity in items.items()],
        }
        for fo_id, items in fos.items()
    ]
    client.send("PATCH", f"/orders/{order.get('order_id')}", {"fulfillment_orders": entries})


def page_002_examples(client: Client, ns: str) -> None:
    """The three worked examples of page 002, each on an order of its own."""
    first = create(client, f"{ns}-EX1", {f"{ns}-FO-123": ["item-1", "item-2"]})
    fo = fo_named(first, f"{ns}-FO-123")
    client.send(
        "POST", fo_path(first, fo, "fulfill"), {"line_items": [{"id": "item-2", "quantity": 1}]}
    )
    replace_fos(client, first, {fo: {"item-1": 1, "item-3": 2}})  # item-2 fulfilled: preserved
    second = create(client, f"{ns}-EX2", {f"{ns}-FO-123": ["item-1", "item-2", "item-3"]})
    replace_fos(client, second, {fo_named(second, f"{ns}-FO-123"): {"item-1": 1, "item-3": 1}})
    third = create(
        client, f"{ns}-EX3", {f"{ns}-FO-A": ["item-1", "item-2"], f"{ns}-FO-B": ["item-3"]}
    )
    fo_a, fo_b = fo_named(third, f"{ns}-FO-A"), fo_named(third, f"{ns}-FO-B")
    replace_fos(client, third, {fo_a: {"item-1": 1}, fo_b: {"item-2": 1, "item-3": 1}})


def fixture_operations(client: Client) -> None:
    """Reads, field updates, the FO updates of pages 000, 001 and 003, refusals re-read."""
    client.send(
        "POST", "/oauth/token", {"client_id": "ci-client", "client_secret": "ci-secret-1"}, {}
    )
    client.get("ORD-1001")
    client.get("SHOP-1001?key=partner_order_reference")  # the order just seen, by reference
    client.get("SHOP-1002?key=partner_order_reference")
    client.send("PATCH", "/orders/ORD-1001", {"language": "ar", "customer": {"name": "Layla"}})
    held = client.get("ORD-1002").get("line_items") or []
    replaced = [
        {"id": line_key(item), "sku": "SKU-NEW", "quantity": item.get("quantity")} for item in held
    ]
    client.send("PATCH", "/orders/ORD-1002", {"line_items": replaced})
    client.send("PATCH", "/orders/ORD-1007", {"language": "ar"})  # cancelled: refused
    client.get("ORD-1007")
    client.get("ORD-1005")  # shows DXB-WH-01, a partner_location_id
    client.get("ORD-1003")
    client.send(
        "PATCH",
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/update-location",
        {"location_id": "DXB-WH-01"},
    )
    window = {"scheduled_from": "2030-01-01T09:00:00Z", "scheduled_to": "2030-01-01T12:00:00Z"}
    client.send("PATCH", "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-schedule", window)
    client.get("ORD-1014")
    client.send("PATCH", "/orders/ORD-1014/fulfillment-orders/FO-1014-B/update-schedule", window)
    client.send("PATCH", "/orders/ORD-1003/fulfillment-orders/FO-1003-A/update-schedule", window)
    kept = _quantity(client.get("ORD-1014"), "FO-1014-A", "LI-1014-1")
    client.send(  # FO-1014-A by its id, FO-1014-B by its reference: A is kept, B removed
        "PATCH",
        "/orders/ORD-1014",
        {
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-1014-A",
                    "partner_fulfillment_order_reference": "SHOP-1014-F2",
                    "line_items": [{"id": "LI-1014-1", "quantity": kept}],
                }
            ]
        },
    )
    client.send("PATCH", "/orders/ORD-1001/fulfillment-orders/FO-NOPE/update-schedule", window)
    client.get("ORD-1011")
    client.send("PATCH", "/orders/ORD-1011/fulfillment-orders/FO-1011-A/update-schedule", window)
    client.get("ORD-1011")
    relisted = [  # every FO as it is, its fulfilled line listed again: refused
        {
            "fulfillment_order_id": fo["fulfillment_order_id"],
            "line_items": [
                {"id": line_key(line), "quantity": line.get("quantity")}
                for line in fo.get("line_items") or []
            ],
        }
        for fo in client.get("ORD-1004").get("fulfillment_orders") or []
    ]
    client.send("PATCH", "/orders/ORD-1004", {"fulfillment_orders": relisted})
    client.get("ORD-1004")
    for order, fo, fulfillment in (
        ("ORD-1006", "FO-1006-A", "FUL-1006-1"),
        ("ORD-1009", "FO-1009-B", "FUL-1009-2"),
    ):
        client.get(order)  # a closed item's fulfillment; another FO's: refused
        client.send(
            "PATCH",
            f"/orders/{order}/fulfillment-orders/{fo}/update-partner-references",
            {
                "fulfillments": [
                    {"fulfillment_id": fulfillment, "partner_fulfillment_reference": "X"}
                ]
            },
        )
        client.get(order)
    client.send(
        "PATCH",
        "/orders/ORD-1004/fulfillment-orders/FO-1004-A/update-partner-references",
        {
            "partner_fulfillment_order_reference": "WMS-1004-A",
            "fulfillments": [
                {"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "WH-1004-1"}
            ],
        },
    )
    client.send(
        "PATCH",
        "/orders/ORD-1004/fulfillment-orders/FO-1004-A/update-partner-references",
        {
            "partner_fulfillment_order_reference": "WMS-1004-X",
            "fulfillments": [{"fulfillment_id": "FUL-NOPE", "partner_fulfillment_reference": "X"}],
        },
    )
    client.get("ORD-1004")
    client.send("GET", "/orders/ORD-1001", headers={"tenant-id": "acme-demo"})  # no key
    client.get("ORD-1001")
    client.send("PATCH", "/orders/ORD-1001", {"language": "fr"}, {"x-api-key": AUTH["x-api-key"]})
    client.get("ORD-1001")
    client.get("ORD-1008")
    notify(client, "CARSHP5VN2C8JT", "SHOP-1008", "delivered")  # Shopify: skipped
    notify(client, "CARSHP3XH8W2LD", "SHOP-1005", "in_transit")


def lifecycle(client: Client, ns: str) -> None:
    """An order through the published lifecycle (fulfil twice, deliver one shipment, update, ship,
    unfulfil, the change log, a system log added and one read), another split and merged back, a
    line cancelled, its delivery method and address changed, the deprecated FO PATCH, redacted,
    cancelled."""
    order = create(
        client,
        f"{ns}-LIFE",
        {f"{ns}-FO-L": ["item-1", "item-2", "item-3"]},
        location_id="DXB-WH-01",
    )
    fo = fo_named(order, f"{ns}-FO-L")
    fulfil = fo_path(order, fo, "fulfill")
    client.send("POST", fulfil, {"line_items": [{"id": "item-1", "quantity": 1}]})
    fulfilled = client.send("POST", fulfil, {"line_items": [{"id": "item-2", "quantity": 1}]})
    notify(client, shipment_of(fulfilled, "item-1"), f"{ns}-LIFE", "delivered")
    client.send(
        "PATCH",
        f"/orders/{order.get('order_id')}",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": fo, "line_items": [{"id": "item-3", "quantity": 1}]}
            ]
        },
    )
    client.send(
        "POST", fo_path(order, fo, "ship"), {"line_items": [{"id": "item-3", "quantity": 1}]}
    )
    fulfillment = next(
        (
            line.get("fulfillment_id")
            for f in fulfilled.get("fulfillment_orders") or []
            for line in f.get("line_items") or []
            if line.get("status") == "fulfilled" and line_key(line) == "item-2"
        ),
        "none",
    )
    client.send("POST", fo_path(order, fo, "unfulfill"), {"fulfillment_ids": [fulfillment]})
    other = create(client, f"{ns}-LIFE2", {f"{ns}-FO-M": ["item-1", "item-2"]})
    other_fo = fo_named(other, f"{ns}-FO-M")
    split = client.send(
        "POST",
        fo_path(other, other_fo, "split"),
        {
            "line_items": [{"id": "item-1", "quantity": 1}],
            "partner_fulfillment_order_reference": f"{ns}-SPLIT",
        },
    )
    client.send(
        "POST",
        f"/orders/{other.get('order_id')}/fulfillment-orders/merge",
        {
            "source": {"fulfillment_order_id": fo_named(split, f"{ns}-SPLIT")},
            "destination": {"fulfillment_order_id": other_fo},
        },
    )
    client.send(
        "POST",
        fo_path(other, other_fo, "cancel"),
        {
            "cancellation_reason": "INVENTORY_OUT_OF_STOCK",
            "line_items": [{"id": "item-2", "quantity": 1}],
        },
    )
    client.send(
        "PATCH",
        fo_path(other, other_fo, "update-delivery-method"),
        {"delivery_method": "COLLECTION", "address": {"partner_location_id": "DXB-WH-01"}},
    )
    client.send(
        "PATCH",
        fo_path(other, other_fo, "update-address"),
        {
            "address": {
                "contact_name": "Jo Bloggs",
                "address1": "2 Marina Walk",
                "city": "DUBAI",
                "country": "AE",
            }
        },
    )
    client.send(
        "PATCH", fo_path(other, other_fo), {"partner_fulfillment_order_reference": f"{ns}-WMS-M"}
    )
    client.send("POST", f"/orders/{other.get('order_id')}/redact")
    client.send(
        "POST", f"/orders/{other.get('order_id')}/cancel", {"cancellation_reason": "STAFF_ERROR"}
    )
    client.send("PATCH", f"/orders/{other.get('order_id')}", {"language": "fr"})  # cancelled now
    client.get(str(other.get("order_id")))
    client.send("GET", f"/orders/{order.get('order_id')}/change-logs")
    client.send("GET", f"/orders/{order.get('order_id')}/change-logs?sort_order=DESC")
    log = {"event_type": "OUTBOUND", "request_type": "ORDER_CREATE", "response_code": 200}
    client.send("POST", f"/orders/{order.get('order_id')}/system-logs", log)
    client.send("GET", "/orders/ORD-1001/system-logs/SYSLOG-1001-0001")  # the fixtures' log


def inventory_operations(client: Client, ns: str) -> None:
    """The Inventory API: an import (one event accepted, one rejected), the fixtures' stock and
    history read back (the import's own product is not read: when its queue is applied is the
    service's business, and a replay must read the same)."""
    events = [
        {
            "product_id": "8123456789345",
            "location_id": "RUH-DC-01",
            "event_type": "PO_RECEIPT",
            "on_hand": 5,
        },
        {
            "product_id": "NO-SUCH-PRODUCT",
            "location_id": "RUH-DC-01",
            "event_type": "SALE",
            "on_hand": -1,
        },
    ]
    client.send("POST", "/inventory-events", events, {**AUTH, "request-id": f"{ns}-STOCK"})
    client.send("GET", "/inventory/product-id/AF-DRS-EMR-S")
    client.send("GET", "/inventory-events/product-id/AF-DRS-EMR-S")
    client.send("GET", "/inventory-events/request-id/STOCK-2026-03-01")


def integration(base: str, session: requests.Session, ns: str = "PX") -> None:
    """The whole run."""
    client = Client(base, session)
    fixture_operations(client)
    page_002_examples(client, ns)
    lifecycle(client, ns)
    inventory_operations(client, ns)
