"""Page 001, update location: partner_location_id first, then location_code for the merchant.

The FOs relocated hold pending line items only, in orders not yet processing, except in the
test of the published allocation page's gate: an FO is re-allocated only while open or
allocated.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import strategies as st

from .generation.steps import draw_fo, property_test, seed_drawn
from .oracle import rules
from .oracle.model import PENDING, TERMINAL, UPDATABLE_ORDER_STATUSES
from .oracle.observation import Observation
from .target.client import UPDATE_LOCATION
from .target.target import Locations, Target

pytestmark = pytest.mark.behaviour
Pick = Callable[[Locations, str], tuple[str, str | None]]
"""(locations, ns) -> (location_id to send, partner_location_id it must resolve to or None)."""
ALLOCATABLE_ORDER = frozenset({"open", "partially_allocated", "allocated"})
"""Order statuses whose FOs may all be re-allocated (platform/orders/allocation)."""


def _relocate(
    target: Target,
    data: st.DataObject,
    pick: Pick,
    *,
    line_statuses: frozenset[str] = PENDING,
    order_statuses: frozenset[str] = ALLOCATABLE_ORDER,
) -> Observation:
    """Set up locations and an order of their merchant; send a drawn FO to `pick(...)`."""
    places = target.locations(target.namespace())
    ns, before = seed_drawn(
        target,
        data,
        merchant=places.merchant,
        fo_count=(1, 3),
        line_statuses=line_statuses,
        order_statuses=order_statuses,
    )
    fo_id = draw_fo(data, before.json)["fulfillment_order_id"]
    location_id, resolved = pick(places, ns)
    return target.observe(
        before,
        lambda: target.api.update_fulfillment_order(
            UPDATE_LOCATION, before.json["order_id"], fo_id, {"location_id": location_id}
        ),
        fo_id=fo_id,
        location_id=resolved,
    )


def _partner_id(places: Locations, _: str) -> tuple[str, str | None]:
    return places.partner_location_id, places.partner_location_id


@pytest.mark.known_location
@property_test(rules.PARTNER_LOCATION_ID_RESOLVES)
def test_partner_location_id_resolves(target: Target, data: st.DataObject) -> None:
    """A partner_location_id names the location the FO reads back with."""
    rules.PARTNER_LOCATION_ID_RESOLVES.verify(_relocate(target, data, _partner_id))


@pytest.mark.known_location
@property_test(rules.LOCATION_BY_CODE_OF_MERCHANT, rules.LOCATION_ONLY, scale=0.5)
def test_location_code_of_the_merchant_resolves(target: Target, data: st.DataObject) -> None:
    """A location_code of the order's merchant names the location; nothing else of the order
    changes."""
    observation = _relocate(target, data, lambda p, _: next(iter(p.by_code.items())))
    rules.LOCATION_BY_CODE_OF_MERCHANT.verify(observation)
    rules.LOCATION_ONLY.verify(observation)


@pytest.mark.known_location
@property_test(rules.ORDER_STATUS_RECALCULATED, scale=0.5)
def test_order_status_recalculated(target: Target, data: st.DataObject) -> None:
    """The order status is recalculated. Only a relocated FO holding open lines changes it (they
    become allocated), so every line of the seeded order is open: a service that skips the
    recalculation is caught on every example, not only when the draw happens to hold one."""
    rules.ORDER_STATUS_RECALCULATED.verify(
        _relocate(
            target,
            data,
            lambda p, _: next(iter(p.by_code.items())),
            line_statuses=frozenset({"open"}),
            order_statuses=frozenset({"open"}),
        )
    )


@pytest.mark.admin_seed("a location_code equal to another location's partner_location_id")
@property_test(rules.LOCATION_BY_PARTNER_ID_FIRST, scale=0.5)
def test_partner_location_id_wins_over_location_code(target: Target, data: st.DataObject) -> None:
    """`shadowing_code` is one location's partner_location_id and another's location_code."""
    rules.LOCATION_BY_PARTNER_ID_FIRST.verify(
        _relocate(target, data, lambda p, _: (str(p.shadowing_code), p.shadowing_code))
    )


@pytest.mark.admin_seed("a location of another merchant")
@property_test(rules.LOCATION_CODE_OF_OTHER_MERCHANT, scale=0.5)
def test_location_code_of_another_merchant_refused(target: Target, data: st.DataObject) -> None:
    rules.LOCATION_CODE_OF_OTHER_MERCHANT.verify(
        _relocate(target, data, lambda p, _: (str(p.foreign_code), None))
    )


@property_test(rules.LOCATION_UNKNOWN, scale=0.5)
def test_unknown_location_refused(target: Target, data: st.DataObject) -> None:
    """Neither a partner_location_id nor a location_code: "Cannot update location"."""
    ns, before = seed_drawn(target, data, fo_count=(1, 3), order_statuses=UPDATABLE_ORDER_STATUSES)
    fo_id = draw_fo(data, before.json)["fulfillment_order_id"]
    rules.LOCATION_UNKNOWN.verify(
        target.observe(
            before,
            lambda: target.api.update_fulfillment_order(
                UPDATE_LOCATION, before.json["order_id"], fo_id, {"location_id": f"{ns}-NOWHERE"}
            ),
        )
    )


@pytest.mark.terminal_lines
@pytest.mark.known_location
@property_test(rules.RELOCATION_GATE, scale=0.5)
def test_only_open_or_allocated_fos_are_relocated(target: Target, data: st.DataObject) -> None:
    """An FO holding fulfilled, cancelled or closed items beside pending ones: relocated while
    it reads back open or allocated, refused (400, nothing changed) otherwise."""
    rules.RELOCATION_GATE.verify(
        _relocate(
            target,
            data,
            _partner_id,
            line_statuses=TERMINAL | PENDING,
            order_statuses=UPDATABLE_ORDER_STATUSES,
        )
    )
