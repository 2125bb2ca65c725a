"""The sandbox's state document: every tenant's orders (with their change logs and system logs),
locations and inventory (inventory_state.py), and the issued tokens.

One format serves `fixtures/*.json`, `GET/PUT /__admin/state` and `--state-file`
(`#/components/schemas/State` in openapi-admin.yaml). Format 2 keeps each tenant's locations under
the tenant; format 1 (still read) had one top-level list for the whole sandbox, which is given to
every tenant of its document. `tokens`, when a document has them, replace the issued tokens; a
document without them (the fixtures, a reset) leaves the tokens as they are.
"""

from __future__ import annotations

import contextlib
from importlib.resources.abc import Traversable
from typing import Any

import orjson

from ..clock import published_form, published_timestamp, read_timestamp
from ..domain import with_fo_statuses
from ..heap import compact, gc_paused
from ..http.spec import ADMIN_DOCUMENT, FieldError, Spec
from ..store import Grant, Store
from .inventory_state import inventory_json, inventory_of, merged_inventory

STATE_FORMAT = "carriyo-sandbox-state/2"
State = dict[str, Any]


class InvalidState(ValueError):
    """A state document that does not match the State schema."""

    def __init__(self, source: str, errors: list[FieldError]) -> None:
        listed = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(f"{source}: invalid state document: {listed}")
        self.errors = errors


def empty_state() -> State:
    return {"format": STATE_FORMAT, "tenants": {}}


def upgraded(document: State) -> State:
    """A valid state document in format 2: every tenant with its `orders` and `locations`, the
    top-level `locations` of format 1 given to each tenant (its own ones, if any, win)."""
    shared = document.get("locations", [])
    state: State = {
        "format": STATE_FORMAT,
        "tenants": {
            tenant: {
                "orders": content.get("orders", []),
                "locations": [*shared, *content.get("locations", [])],
                "change_logs": content.get("change_logs", {}),
                "system_logs": content.get("system_logs", {}),
                **({"inventory": content["inventory"]} if content.get("inventory") else {}),
            }
            for tenant, content in document["tenants"].items()
        },
    }
    if "tokens" in document:
        state["tokens"] = document["tokens"]
    return state


def duplicate_references(state: State) -> list[FieldError]:
    """Orders of one tenant that share a `partner_order_reference` (the store refuses them)."""
    errors = []
    for tenant, content in state["tenants"].items():
        owners: dict[str, str] = {}
        for i, order in enumerate(content["orders"]):
            reference = order.get("partner_order_reference")
            owner = owners.setdefault(reference, order["order_id"]) if reference else None
            if owner is not None and owner != order["order_id"]:
                errors.append(
                    FieldError(
                        f"tenants.{tenant}.orders[{i}].partner_order_reference",
                        f"{reference!r} is already the reference of order {owner!r}",
                        "DUPLICATE_REFERENCE",
                    )
                )
    return errors


def _published(holder: Any, *keys: str) -> None:
    """Rewrite `holder`'s timestamps under `keys` in the published form (the same instant)."""
    if not isinstance(holder, dict):
        return
    for key in keys:
        value = holder.get(key)
        if isinstance(value, str) and "T" in value:
            with contextlib.suppress(ValueError):
                holder[key] = published_form(value)


def _items(node: Any, key: str) -> list[Any]:
    found = node.get(key) if isinstance(node, dict) else None
    return found if isinstance(found, list) else []


def with_published_dates(order: Any) -> Any:
    """`order` (seeded or loaded, not yet validated) with the timestamps the sandbox keeps in the
    published form, so that one written by an older sandbox or by another service (seconds and
    `Z`, say) loads and is answered as the sandbox writes; what is no timestamp is left for the
    validation to refuse."""
    _published(order, "creation_date", "update_date")
    for fo in _items(order, "fulfillment_orders"):
        _published(fo, "creation_date")
        for entry in _items(fo, "allocation_history"):
            _published(entry, "date")
    for shipment in _items(order, "shipments"):
        _published(shipment, "creation_date", "update_date")
    return order


def _state_with_published_dates(document: Any) -> None:
    """Every order and change-log entry of a state document, as `with_published_dates`."""
    tenants = document.get("tenants") if isinstance(document, dict) else None
    for content in tenants.values() if isinstance(tenants, dict) else ():
        for order in _items(content, "orders"):
            with_published_dates(order)
        logs = content.get("change_logs") if isinstance(content, dict) else None
        for log in logs.values() if isinstance(logs, dict) else ():
            for entry in log if isinstance(log, list) else ():
                _published(entry, "log_date")


def validate_state(spec: Spec, document: Any, source: str) -> State:
    """The document in format 2 if it is a valid State (its timestamps in the published form
    first), else InvalidState naming the fields."""
    _state_with_published_dates(document)
    errors = spec.validator("#/components/schemas/State", document=ADMIN_DOCUMENT).errors(document)
    state = upgraded(document) if not errors else {}
    errors = errors or duplicate_references(state)
    if errors:
        raise InvalidState(source, errors)
    return state


def merge_states(states: list[State]) -> State:
    """One state holding the orders and locations of all `states` (later ones win on clashes).
    Tokens are not merged: fixtures are data, and a reset keeps the issued tokens."""
    merged = empty_state()
    for state in states:
        for tenant, content in state["tenants"].items():
            into = merged["tenants"].setdefault(
                tenant, {"orders": [], "locations": [], "change_logs": {}, "system_logs": {}}
            )
            into["orders"].extend(content["orders"])
            into["locations"].extend(content["locations"])
            into["change_logs"].update(content["change_logs"])
            into["system_logs"].update(content["system_logs"])
            inventory = merged_inventory(into.get("inventory"), content.get("inventory"))
            if inventory:
                into["inventory"] = inventory
    return merged


def read_fixtures(spec: Spec, directory: Traversable) -> State:
    """Every `*.json` state document of `directory`, merged, in file-name order."""
    files = sorted(
        (path for path in directory.iterdir() if path.name.endswith(".json")),
        key=lambda path: path.name,
    )
    with gc_paused():  # 100,000 orders load 3x faster without the collector (see heap.py)
        return merge_states(
            [
                validate_state(spec, compact(orjson.loads(path.read_bytes())), str(path))
                for path in files
            ]
        )


def load_state(store: Store, state: State) -> None:
    """Replace the store's orders (with their change logs and system logs) and locations with those
    of `state` (a format 2 document), orders stored as given (like admin seeding: an FO without a
    status gets its derived one); its `tokens`, if it has them, replace the tokens."""
    store.replace_all(
        {
            tenant: [
                with_fo_statuses(
                    order if order.get("tenant") == tenant else {**order, "tenant": tenant}
                )
                for order in content["orders"]
            ]
            for tenant, content in state["tenants"].items()
        },
        {tenant: content["locations"] for tenant, content in state["tenants"].items()},
        {
            tenant: {order_id: tuple(log) for order_id, log in content["change_logs"].items()}
            for tenant, content in state["tenants"].items()
        },
        {tenant: content["system_logs"] for tenant, content in state["tenants"].items()},
        {tenant: inventory_of(content) for tenant, content in state["tenants"].items()},
    )
    if "tokens" in state:
        store.replace_tokens({digest: grant_of(entry) for digest, entry in state["tokens"].items()})


def export_state(store: Store) -> State:
    """The store's content as a state document."""
    return {
        "format": STATE_FORMAT,
        "tenants": {tenant: tenant_state(store, tenant) for tenant in store.tenants()},
        "tokens": {digest: grant_json(grant) for digest, grant in store.tokens().items()},
    }


def tenant_state(store: Store, tenant: str) -> dict[str, Any]:
    """One tenant of the state document: its orders and locations, and the change log and system
    logs of every order that has them (no `change_logs`, `system_logs` when none has)."""
    records = store.records(tenant)
    content: dict[str, Any] = {
        "orders": [record.order for record in records],
        "locations": store.locations(tenant),
    }
    logs = {r.order["order_id"]: list(r.changes) for r in records if r.changes}
    if logs:
        content["change_logs"] = logs
    system_logs = store.system_logs(tenant)
    if system_logs:
        content["system_logs"] = system_logs
    inventory = inventory_json(store.tenant_inventory(tenant))
    if inventory:
        content["inventory"] = inventory
    return content


def grant_json(grant: Grant) -> dict[str, Any]:
    """A token's grant as the state document holds it (`#/components/schemas/TokenGrant`)."""
    return {
        "client_id": grant.client_id,
        "tenants": list(grant.tenants),
        "scope": grant.scope,
        "expires_at": published_timestamp(grant.expires_at),
    }


def grant_of(entry: dict[str, Any]) -> Grant:
    """The grant of a state document's token entry (validated: `expires_at` is a date-time)."""
    expires_at = read_timestamp(entry["expires_at"].upper())
    return Grant(
        entry["client_id"], tuple(entry["tenants"]), entry["scope"], expires_at.timestamp()
    )
