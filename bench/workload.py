"""What the load is about: the operations wrk drives and the orders the servers start with.

The hot order every operation addresses and state documents of N orders built from the fixtures,
shared by the wrk runs (`bench/run.py`) and the in-process measurement (`bench/inprocess.py`), so
that both send the same requests about the same order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

TENANT = "bench"
NO_TOKEN = "Bearer bench-token"
"""The bearer sent to a server that checks none (Prism's mock, the bare-Flask ceiling): the spec
lists it beside the key and tenant, so Prism refuses a request without one."""
HEADERS = {"x-api-key": "bench-key", "tenant-id": TENANT, "Authorization": NO_TOKEN}
"""What every request sends (as bench/report.lua does for wrk); a server that gives a token at
`POST /oauth/token` gets its own instead (servers.py): the sandbox requires one, as Carriyo does."""
TOKEN_REQUEST = b'{"client_id": "bench", "client_secret": "bench"}'
HOT_ID = "BENCH-HOT"
HOT_TEMPLATE = "ORD-1004"
"""The template of the hot order: two FOs, one of them COLLECTION (see `hot_order`)."""


@dataclass(frozen=True)
class Operation:
    """One operation under load: its wrk script (bench/*.lua) and the path it addresses."""

    name: str
    script: str
    path: str


OPERATIONS = (
    Operation("GET order", "get_order.lua", f"/orders/{HOT_ID}"),
    Operation("update-order", "update_order.lua", f"/orders/{HOT_ID}"),
    Operation(
        "update-schedule",
        "update_schedule.lua",
        f"/orders/{HOT_ID}/fulfillment-orders/FO-HOT-B/update-schedule",
    ),
)
GET, UPDATE_ORDER, _ = OPERATIONS


def load_templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The orders of fixtures/sandbox.json, and the locations of its first tenant (the hot order
    is one of that tenant's)."""
    state = json.loads((ROOT / "fixtures" / "sandbox.json").read_text(encoding="utf-8"))
    orders = [order for tenant in state["tenants"].values() for order in tenant["orders"]]
    return orders, next(iter(state["tenants"].values()))["locations"]


def renamed(template: dict[str, Any], order_id: str, reference: str) -> dict[str, Any]:
    """A copy of a fixture order with new ids and references (its own FO ids and FO refs)."""
    order = json.loads(json.dumps(template))
    order["tenant"] = TENANT
    order["order_id"] = order_id
    order["partner_order_reference"] = reference
    for k, fo in enumerate(order.get("fulfillment_orders", [])):
        fo["fulfillment_order_id"] = f"{order_id}-F{k}"
        if "partner_fulfillment_order_reference" in fo:
            fo["partner_fulfillment_order_reference"] = f"{reference}-F{k}"
    return order


def hot_order(templates: list[dict[str, Any]]) -> dict[str, Any]:
    """The order every operation addresses: ORD-1004 with its ids renamed, shaped so that the
    update-order body of update_order.lua is valid on every request.

    FO-HOT-A (DELIVERY): LI-HOT-1 fulfilled (the terminal line the merge preserves) and LI-HOT-2
    allocated; FO-HOT-B (COLLECTION, so update-schedule applies): LI-HOT-3 allocated (a line
    preserved in FO-HOT-A may not be listed in another FO).
    """
    template = next(order for order in templates if order["order_id"] == HOT_TEMPLATE)
    order = renamed(template, HOT_ID, f"{HOT_ID}-REF")
    first, second = order["line_items"][:2]
    first["id"], second["id"] = "LI-HOT-1", "LI-HOT-2"
    order["line_items"].append({**second, "id": "LI-HOT-3"})
    fo_a, fo_b = order["fulfillment_orders"][:2]
    fo_a["fulfillment_order_id"], fo_b["fulfillment_order_id"] = "FO-HOT-A", "FO-HOT-B"
    fulfilled, allocated = fo_a["line_items"][0], fo_a["line_items"][1]
    fulfilled["id"] = "LI-HOT-1"
    for key in ("fulfillment_id", "shipment_ids", "partner_fulfillment_reference"):
        allocated.pop(key, None)
    allocated.update({"id": "LI-HOT-2", "status": "allocated"})
    fo_a["status"] = "processing"
    fo_b["line_items"] = [{"id": "LI-HOT-3", "quantity": 1, "status": "allocated"}]
    fo_b["status"] = "allocated"
    order["fulfillment_orders"] = [fo_a, fo_b]
    order["status"] = "processing"
    return order


def state_document(size: int, templates: list[dict[str, Any]], locations: list[Any]) -> bytes:
    """A state document of `size` orders of tenant `bench`: the hot order and renamed fixtures."""
    orders = [hot_order(templates)]
    for i in range(size - 1):
        orders.append(renamed(templates[i % len(templates)], f"BENCH-{i:06d}", f"BREF-{i:06d}"))
    state = {
        "format": "carriyo-sandbox-state/2",
        "tenants": {TENANT: {"orders": orders, "locations": locations}},
    }
    return json.dumps(state, separators=(",", ":")).encode()
