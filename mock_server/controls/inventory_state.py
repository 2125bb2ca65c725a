"""A tenant's inventory in the state document (`#/components/schemas/TenantInventory` in
openapi-admin.yaml): its inventory management setting, products, stock and inventory events.
The events still PROCESSING when a state is saved are queued again when it is loaded."""

from __future__ import annotations

from typing import Any

from ..store import TenantInventory

InventoryJson = dict[str, Any]


def inventory_of(content: dict[str, Any]) -> TenantInventory:
    """The TenantInventory of one tenant of a (format 2) state document (empty when it has none)."""
    found: InventoryJson = content.get("inventory") or {}
    return TenantInventory(
        found.get("settings"),
        found.get("products", []),
        found.get("stock", []),
        found.get("events", []),
    )


def inventory_json(inventory: TenantInventory) -> InventoryJson | None:
    """A tenant's inventory as the state document holds it; None when it has nothing."""
    document: InventoryJson = {
        key: list(value)
        for key, value in (
            ("products", inventory.products),
            ("stock", inventory.stock),
            ("events", inventory.events),
        )
        if value
    }
    if inventory.settings is not None:
        document["settings"] = inventory.settings
    return document or None


def merged_inventory(
    into: InventoryJson | None, more: InventoryJson | None
) -> InventoryJson | None:
    """Two fixtures' inventories of one tenant as one (lists joined, the later setting wins)."""
    if not more:
        return into
    joined: InventoryJson = dict(into or {})
    for key in ("products", "stock", "events"):
        if key in more:
            joined[key] = [*joined.get(key, []), *more[key]]
    if "settings" in more:
        joined["settings"] = more["settings"]
    return joined
