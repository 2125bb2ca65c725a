"""Stock for the inventory tests: a product at an inventory-enabled location of a tenant whose
inventory management is on, stocked through the published Inventory API, and its level read.

Admin mode makes them: a fresh product and location per test (`POST /__admin/products`,
`/__admin/locations` with `inventory_enabled`) and the tenant's setting
(`PUT /__admin/inventory/settings`); the queue is applied with `POST /__admin/inventory/drain`.
Api mode takes what the tenant has (`--product-id` at `--location-id`; the tenant's inventory
management on, `stock_reduction_timing` ON_ORDER_FULFILLED) and waits for a batch by reading its
published status until COMPLETED (bounded).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..generation.building import SeedingFailed
from ..oracle.exchange import Exchange
from .target import Target

SETTLE_SECONDS = 30.0
"""Api mode: how long a batch may stay PROCESSING before the test gives up (the pages give no
bound)."""
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Place:
    """A product at a location of `merchant`; `other` is a second location of the merchant (a
    relocation's destination; None in api mode)."""

    product_id: str
    location_id: str
    merchant: str
    other: str | None = None


def place(target: Target, ns: str) -> Place | None:
    """A place to stock (None: api mode without `--product-id` and `--location-id`)."""
    config = target.config
    if not config.admin:
        if config.product_id is None or config.location is None:
            return None
        known = config.location
        return Place(config.product_id, known.partner_location_id, known.merchant)
    api = target.api
    merchant, made = f"{ns}-M", Place(f"{ns}-P", f"{ns}-LOC-1", f"{ns}-M", f"{ns}-LOC-2")
    calls = [
        api.set_inventory_settings(
            {"enabled": True, "stock_reduction_timing": "ON_ORDER_FULFILLED"}
        ),
        api.seed_product(made.product_id),
        *(
            api.request(
                "POST",
                "/__admin/locations",
                body={
                    "merchant": merchant,
                    "partner_location_id": location,
                    "location_code": f"{location}-CODE",
                    "inventory_enabled": True,
                },
            )
            for location in (made.location_id, made.other)
        ),
    ]
    refused = next((call for call in calls if call.status not in (200, 201)), None)
    if refused is not None:
        raise SeedingFailed(
            f"inventory seeding was answered {refused.status}:\n{refused.describe()}"
        )
    return made


def settle(target: Target, request_id: str) -> Exchange:
    """The batch `request_id` read back once processed (admin: drained; api: read until its
    status is COMPLETED, at most SETTLE_SECONDS)."""
    api = target.api
    if target.config.admin:
        api.drain_inventory()
        return api.inventory_batch(request_id)
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        batch = api.inventory_batch(request_id)
        status = batch.json.get("status") if isinstance(batch.json, dict) else None
        if status == "COMPLETED" or time.monotonic() > deadline:
            return batch
        time.sleep(POLL_SECONDS)  # the service's own queue: nothing to wait on but its status


def stock_up(target: Target, where: Place, quantity: int, ns: str) -> None:
    """`quantity` more on hand at the place, through bulk-import-inventory-events."""
    event = {
        "product_id": where.product_id,
        "location_id": where.location_id,
        "event_type": "INVENTORY_ADJUSTMENT_ONHAND",
        "on_hand": quantity,
    }
    answered = target.api.import_inventory_events([event], f"{ns}-STOCK")
    if answered.status != 200:
        raise SeedingFailed(f"stocking was answered {answered.status}:\n{answered.describe()}")
    settle(target, f"{ns}-STOCK")


def level(target: Target, product_id: str, location_id: str) -> tuple[int, int, int] | None:
    """(on_hand, reserved, unavailable) of the product at the location, None when it has none."""
    read = target.api.get_inventory(product_id)
    found = read.json.get("stock_by_location", {}) if isinstance(read.json, dict) else {}
    at = found.get(location_id) if read.status == 200 and isinstance(found, dict) else None
    if not isinstance(at, dict):
        return None
    return (int(at.get("on_hand", 0)), int(at.get("reserved", 0)), int(at.get("unavailable", 0)))
