"""The sandbox's state document: every tenant's orders and every location.

One format serves `fixtures/*.json`, `GET/PUT /__admin/state` and `--state-file`
(`#/components/schemas/State` in openapi-admin.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..domain import with_fo_statuses
from ..heap import compact, gc_paused
from ..spec import ADMIN_DOCUMENT, FieldError, Spec
from ..store import Store

STATE_FORMAT = "carriyo-sandbox-state/1"
State = dict[str, Any]


class InvalidState(ValueError):
    """A state document that does not match the State schema."""

    def __init__(self, source: str, errors: list[FieldError]) -> None:
        listed = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(f"{source}: invalid state document: {listed}")
        self.errors = errors


def empty_state() -> State:
    return {"format": STATE_FORMAT, "tenants": {}, "locations": []}


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


def validate_state(spec: Spec, document: Any, source: str) -> State:
    """The document if it is a valid State, else InvalidState naming the fields."""
    errors = spec.validator("#/components/schemas/State", document=ADMIN_DOCUMENT).errors(
        document
    ) or duplicate_references(document)
    if errors:
        raise InvalidState(source, errors)
    state: State = document
    return state


def merge_states(states: list[State]) -> State:
    """One state holding the orders and locations of all `states` (later ones win on clashes)."""
    merged = empty_state()
    for state in states:
        for tenant, content in state["tenants"].items():
            merged["tenants"].setdefault(tenant, {"orders": []})["orders"].extend(content["orders"])
        merged["locations"].extend(state.get("locations", []))
    return merged


def read_fixtures(spec: Spec, directory: Path) -> State:
    """Every `*.json` state document of `directory`, merged, in file-name order."""
    with gc_paused():  # 100,000 orders load 3x faster without the collector (see heap.py)
        return merge_states(
            [
                validate_state(spec, compact(orjson.loads(path.read_bytes())), str(path))
                for path in sorted(directory.glob("*.json"))
            ]
        )


def load_state(store: Store, state: State) -> None:
    """Replace the store's content with `state`, orders stored as given (like admin seeding: an FO
    without a status gets its derived one)."""
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
        state.get("locations", []),
    )


def export_state(store: Store) -> State:
    """The store's content as a state document."""
    return {
        "format": STATE_FORMAT,
        "tenants": {tenant: {"orders": store.orders(tenant)} for tenant in store.tenants()},
        "locations": store.locations(),
    }
