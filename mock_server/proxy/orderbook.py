"""What the proxy learnt from the answers it forwarded: the last order seen per tenant and
order_id (found by order_id or partner_order_reference), and the location ids its FOs showed.

Each order kept has a version, raised when an answer shows it changed, so that the judge can
tell whether the state it took as "before" a request is still the latest when the answer comes.
At most MAX_ORDERS orders are kept (the least recently seen go first).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
OrderKey = tuple[str, str]
"""(tenant, order_id)."""
MAX_ORDERS = 50_000
MAX_LOCATIONS = 10_000
REFERENCE_KEYS = ("order_id", "partner_order_reference")


@dataclass(frozen=True)
class Sighting:
    order: Json
    version: int


class OrderBook:
    def __init__(self) -> None:
        self._orders: OrderedDict[OrderKey, Sighting] = OrderedDict()
        self._references: dict[tuple[str, str], str] = {}
        self._locations: dict[str, set[str]] = {}
        self._versions = itertools.count(1)

    def find(self, tenant: str | None, reference: str, key: str) -> OrderKey | None:
        """The order `reference` names in `tenant` (read as `key`: order_id or
        partner_order_reference); without a tenant, the one tenant where it names an order."""
        tenants = [tenant] if tenant is not None else sorted({t for t, _ in self._orders})
        found = [
            (name, order_id)
            for name in tenants
            if (order_id := self._order_id(name, reference, key)) is not None
        ]
        return found[0] if len(found) == 1 else None

    def _order_id(self, tenant: str, reference: str, key: str) -> str | None:
        if key == "partner_order_reference":
            return self._references.get((tenant, reference))
        return reference if (tenant, reference) in self._orders else None

    def get(self, key: OrderKey | None) -> Sighting | None:
        return None if key is None else self._orders.get(key)

    def saw(self, tenant: str, order: Json) -> OrderKey:
        """Keep `order`, as an answer under `tenant` showed it; a new version when it changed."""
        key = (tenant, str(order["order_id"]))
        kept = self._orders.get(key)
        if kept is None or kept.order != order:
            self._forget_reference(key, kept)
            self._orders[key] = Sighting(order, next(self._versions))
            reference = order.get("partner_order_reference")
            if isinstance(reference, str):
                self._references[(tenant, reference)] = key[1]
            self._learn_locations(tenant, order)
        self._orders.move_to_end(key)
        while len(self._orders) > MAX_ORDERS:
            old_key, old = self._orders.popitem(last=False)
            self._forget_reference(old_key, old)
        return key

    def _forget_reference(self, key: OrderKey, kept: Sighting | None) -> None:
        reference = None if kept is None else kept.order.get("partner_order_reference")
        if isinstance(reference, str) and self._references.get((key[0], reference)) == key[1]:
            del self._references[(key[0], reference)]

    def _learn_locations(self, tenant: str, order: Json) -> None:
        known = self._locations.setdefault(tenant, set())
        for fo in order.get("fulfillment_orders") or []:
            location = fo.get("location_id") if isinstance(fo, dict) else None
            if isinstance(location, str) and len(known) < MAX_LOCATIONS:
                known.add(location)

    def locations(self, tenant: str) -> frozenset[str]:
        """The location ids FOs of `tenant` showed: partner_location_ids (page 001: an FO's
        location_id is the location's partner_location_id)."""
        return frozenset(self._locations.get(tenant, ()))

    def tenants(self) -> list[str]:
        return sorted({tenant for tenant, _ in self._orders})
