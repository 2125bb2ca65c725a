"""Builders shared by the domain tests (no tests here): small hand-built orders, fixed ids."""

from itertools import count
from typing import Any

from mock_server.domain import NewId, create_order

NOW = "2024-05-01T10:00:00.000+00:00"
EARLIER = "2024-04-01T09:00:00.000+00:00"


def id_factory() -> NewId:
    """Deterministic ids: ORD-1, LI-1, LI-2, FO-1, ... (one counter per prefix)."""
    counters: dict[str, count[int]] = {}

    def new_id(prefix: str) -> str:
        return f"{prefix}-{next(counters.setdefault(prefix, count(1)))}"

    return new_id


LOCATIONS = [
    {"merchant": "m1", "partner_location_id": "WH-1", "location_code": "DXB", "name": "Dubai"},
    {"merchant": "m2", "partner_location_id": "WH-2", "location_code": "AUH", "name": "Abu Dhabi"},
    {"merchant": "m1", "partner_location_id": "WH-3", "location_code": "WH-1", "name": "Clash"},
]


def by_partner_id(location_id: str) -> dict[str, Any] | None:
    return next((x for x in LOCATIONS if x["partner_location_id"] == location_id), None)


def by_code(merchant: str, code: str) -> dict[str, Any] | None:
    return next(
        (x for x in LOCATIONS if (x["merchant"], x["location_code"]) == (merchant, code)), None
    )


def create(body: dict[str, Any]) -> dict[str, Any]:
    """create_order of tenant t1 among LOCATIONS, ids from a fresh id_factory."""
    return create_order(
        body,
        tenant="t1",
        now=NOW,
        new_id=id_factory(),
        find_by_partner_id=by_partner_id,
        find_by_code=by_code,
    )


def line(line_id: str, status: str = "open", quantity: int = 1, **extra: Any) -> dict[str, Any]:
    """An FO line item as stored."""
    return {"id": line_id, "quantity": quantity, "status": status, **extra}


def fo(fo_id: str, *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stored FO holding `lines`."""
    return {
        "fulfillment_order_id": fo_id,
        "creation_date": EARLIER,
        "status": "open",
        "delivery_method": "DELIVERY",
        "line_items": list(lines),
        **extra,
    }


def order(*fos: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stored order whose line_items cover every id its FOs reference (plus `extra_items`)."""
    ids = [item["id"] for f in fos for item in f["line_items"]]
    ids += extra.pop("extra_items", [])
    return {
        "tenant": "t1",
        "order_id": "ORD-0",
        "merchant": "m1",
        "partner_order_reference": "P-0",
        "status": "open",
        "line_items": [{"id": i, "sku": f"sku-{i}", "quantity": 5} for i in dict.fromkeys(ids)],
        "fulfillment_orders": list(fos),
        "creation_date": EARLIER,
        "update_date": EARLIER,
        **extra,
    }


def containers(value: Any) -> set[int]:
    """The ids of every dict and list in `value`, itself included."""
    found: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.add(id(item))
            stack.extend(item.values())
        elif isinstance(item, list):
            found.add(id(item))
            stack.extend(item)
    return found
