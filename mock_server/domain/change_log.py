"""What changed between two versions of an order, for its change log
(api/orders/operation/list-order-change-logs: "the transactional change history for an order")."""

from collections.abc import Mapping
from typing import Any

from .model import Json, NewId, Order

_FOS = "fulfillment_orders"
_UNLISTED = frozenset({"update_date"})
"""Changes with every write, so it says nothing about this one."""


def change_entry(
    operation: str, before: Order | None, after: Order, *, now: str, new_id: NewId
) -> Json:
    """One entry of an order's change log: its id, when (`log_date`, the sort key of
    list-order-change-logs), the operation (its operationId) and `changed_fields`."""
    return {
        "change_log_id": new_id("CHG"),
        "log_date": now,
        "operation": operation,
        "changed_fields": changed_fields(before, after),
    }


def changed_fields(before: Order | None, after: Order) -> list[str]:
    """The fields that differ, in the order of `after` then of `before`: top-level field names,
    and for the FOs one entry per FO field, `fulfillment_orders[<fulfillment_order_id>].<field>`
    (an FO added or removed as a whole: `fulfillment_orders[<id>]`). A new order (`before` None)
    lists every field it has."""
    old = before or {}
    changed = [
        key
        for key in _keys(after, old)
        if key not in _UNLISTED and key != _FOS and after.get(key) != old.get(key)
    ]
    return changed + _fo_changes(old.get(_FOS, []), after.get(_FOS, []))


def _fo_changes(old: list[Json], new: list[Json]) -> list[str]:
    before = {fo.get("fulfillment_order_id"): fo for fo in old}
    after = {fo.get("fulfillment_order_id"): fo for fo in new}
    changes: list[str] = []
    for fo_id in _keys(after, before):
        name = f"{_FOS}[{fo_id}]"
        if fo_id not in before or fo_id not in after:
            changes.append(name)
            continue
        mine, theirs = after[fo_id], before[fo_id]
        changes += [
            f"{name}.{key}" for key in _keys(mine, theirs) if mine.get(key) != theirs.get(key)
        ]
    return changes


def _keys(first: Mapping[Any, Any], second: Mapping[Any, Any]) -> list[Any]:
    return [*first, *(key for key in second if key not in first)]
