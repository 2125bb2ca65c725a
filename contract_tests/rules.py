"""Documented sentences as named rules: the page, the exact quote, and the check that enforces it.

A rule whose check needs a reading the pages leave open says so in `reading`; the tests relying
on such a reading carry the `reading` marker, so `-m "not reading"` keeps the literal ones only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import checks
from .observation import Observation

Check = Callable[[Observation], list[str]]


class ContractViolation(AssertionError):
    """A documented rule the target broke, with the exchanges that show it."""


@dataclass(frozen=True)
class Rule:
    name: str
    page: str
    quote: str
    check: Check
    reading: str = ""

    @property
    def pages(self) -> tuple[str, ...]:
        """The pages quoted, e.g. ("000", "001", "003") for "000, 001, 003"."""
        return tuple(page.strip() for page in self.page.split(","))

    def header(self) -> str:
        reading = f"\n  The suite reads it as: {self.reading}" if self.reading else ""
        return f'Rule broken: {self.name} (page {self.page})\n  "{self.quote}"{reading}'

    def verify(self, observation: Observation) -> None:
        """Raise ContractViolation naming the rule, the problems and the exchanges."""
        __tracebackhide__ = True
        problems = self.check(observation)
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            raise ContractViolation(
                f"{self.header()}\nProblems:\n{listed}\n{observation.describe()}"
            )


# ------------------------------------------------------------------ page 002: update order
UNPROVIDED_FIELDS_UNCHANGED = Rule(
    "update_order.unprovided_fields_unchanged",
    "002",
    "The following fields are updated only if provided in the request:",
    checks.unprovided_fields_unchanged,
    "every field absent from the request (line_items and fulfillment_orders included) reads "
    "back as before; only update_date, update_source and derived statuses may change",
)
PROVIDED_FIELDS_UPDATED = Rule(
    "update_order.provided_fields_updated",
    "002",
    "The following fields are updated only if provided in the request:",
    checks.provided_fields_updated,
    "a provided field reads back with the value sent (date-times compared as instants; the "
    "server may add keys to objects)",
)
LINE_ITEMS_REPLACED = Rule(
    "update_order.line_items_replaced",
    "002",
    "If line_items is provided, it completely replaces the existing line items.",
    checks.line_items_replaced,
)
OMITTED_FOS_REMOVED = Rule(
    "update_order.omitted_fulfillment_orders_removed",
    "002",
    "any fulfillment order not included in the request will be permanently removed.",
    checks.omitted_fos_removed,
)
FOS_MATCHED = Rule(
    "update_order.fulfillment_orders_matched",
    "002",
    "fulfillment_order_id or partner_fulfillment_order_reference to match existing FOs",
    checks.fos_matched,
    "an entry naming an existing FO by id, or by partner reference alone, updates that FO (same "
    "fulfillment_order_id, its terminal line items still there) instead of creating another",
)
TERMINAL_PRESERVED = Rule(
    "update_order.terminal_line_items_preserved",
    "002",
    "The system automatically preserves line items with terminal statuses:",
    checks.terminal_preserved,
    "each fulfilled, cancelled or closed line item of an FO the request keeps reads back "
    "identical, whatever the request lists",
)
ONLY_PENDING_ITEMS = Rule(
    "update_order.only_pending_line_items",
    "002",
    "Only pass line items with pending statuses:",
    checks.refused_unchanged,
    "a request listing a line item that is terminal in any FO of the order (its own or another: "
    "listed elsewhere it would exist twice) is refused with 400 and changes nothing",
)
LISTED_ITEMS = Rule(
    "update_order.listed_line_items",
    "002",
    "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)",
    checks.listed_items,
    "every line item listed for an FO is in it with the quantity sent and a pending status; "
    "one the FO did not hold is open, or allocated when the FO has a location (the published "
    "line status catalogue)",
)
UNLISTED_PENDING_REMOVED = Rule(
    "update_order.unlisted_pending_items_removed",
    "002",
    "If you have an FO with 3 items and want to remove item-2 (which is open):",
    checks.unlisted_pending_removed,
    "an FO holds exactly the pending items listed for it plus its preserved terminal items (and "
    "any it held being picked or packed, of which page 002 says nothing)",
)
MOVED_ITEMS = Rule(
    "update_order.moved_line_items",
    "002",
    "To move item-2 from FO-A to FO-B:",
    checks.moved_items,
    "a pending item listed under another FO, and not under its own, ends in the new FO only",
)
CANCELLED_NOT_UPDATABLE = Rule(
    "update_order.cancelled_not_updatable",
    "002",
    "cancelled - Cannot be updated",
    checks.refused_unchanged,
    'refused with 400 ("order cannot be updated in current status") and nothing changes',
)
UPDATABLE_STATUSES = Rule(
    "update_order.updatable_statuses",
    "002",
    "open, partially_allocated, allocated, partially_fulfilled, fulfilled, closed - Can be updated",
    checks.succeeded,
)
EXAMPLE_ADD_ITEM = Rule(
    "update_order.example_add_item",
    "002",
    "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)",
    checks.fo_contents,
)
EXAMPLE_REMOVE_ITEM = Rule(
    "update_order.example_remove_item",
    "002",
    "If you have an FO with 3 items and want to remove item-2 (which is open):",
    checks.fo_contents,
)
EXAMPLE_MOVE_ITEM = Rule(
    "update_order.example_move_item",
    "002",
    "To move item-2 from FO-A to FO-B:",
    checks.fo_contents,
)
REFUSAL_CHANGES_NOTHING = Rule(
    "common.refusal_changes_nothing",
    "002",
    "Invalid request or order cannot be updated in current status.",
    checks.refused_unchanged,
    "a request answered 4xx is not applied, even in part: the order reads back identical",
)

# ------------------------------------------------------------------ page 001: update location
LOCATION_BY_PARTNER_ID_FIRST = Rule(
    "update_location.partner_location_id_first",
    "001",
    "First tries to find by partner_location_id",
    checks.location_resolved,
    "the FO's location_id becomes the partner_location_id of the location found",
)
LOCATION_BY_CODE_OF_MERCHANT = Rule(
    "update_location.location_code_of_merchant",
    "001",
    "If not found, tries to find by location_code for the merchant",
    checks.location_resolved,
    "a location_code resolves only among the locations of the order's merchant; the FO's "
    "location_id becomes that location's partner_location_id",
)
LOCATION_CODE_OF_OTHER_MERCHANT = Rule(
    "update_location.code_of_other_merchant_refused",
    "001",
    "If not found, tries to find by location_code for the merchant",
    checks.refused_unchanged,
    'another merchant\'s location_code resolves nothing: 400 "Cannot update location", nothing '
    "changes",
)
LOCATION_UNKNOWN = Rule(
    "update_location.unknown_location_refused",
    "001",
    "Cannot update location.",
    checks.refused_unchanged,
    "a location_id that is neither a partner_location_id nor a location_code of the merchant is "
    "refused with 400 and nothing changes",
)
LOCATION_ONLY = Rule(
    "update_location.only_location_changes",
    "001",
    "Fulfillment order's location_id is updated to the new location",
    checks.only_location_changed,
    "nothing but that FO's location_id changes (besides update_date, recalculated statuses and "
    "its pending line items' open or allocated, which the published line status catalogue "
    "derives from the FO's location)",
)

# ------------------------------------------------------------------ page 003: update schedule
SCHEDULE_DELIVERY = Rule(
    "update_schedule.delivery",
    "003",
    "For fulfillment orders with delivery_method: DELIVERY, this updates delivery_schedule.",
    checks.schedule_applied,
)
SCHEDULE_COLLECTION = Rule(
    "update_schedule.collection",
    "003",
    "For fulfillment orders with delivery_method: COLLECTION, this updates "
    "customer_collection_schedule.",
    checks.schedule_applied,
)
SCHEDULE_DIGITAL = Rule(
    "update_schedule.digital_not_applicable",
    "003",
    "Not applicable to fulfillment orders with delivery_method: DIGITAL.",
    checks.refused_unchanged,
    'refused with 400 ("not in a state that allows this update") and nothing changes',
)
SCHEDULE_KEEPS_METHOD = Rule(
    "update_schedule.delivery_method_unchanged",
    "003",
    "Updates the scheduled window of a fulfillment order without changing its delivery method.",
    checks.delivery_method_unchanged,
)

# ------------------------------------------------------------------ page 000: partner references
FO_REFERENCE_UPDATED = Rule(
    "partner_references.fulfillment_order_reference",
    "000",
    "partner_fulfillment_order_reference: Your system's reference for the fulfillment order.",
    checks.fo_reference_updated,
)
FULFILLMENT_REFERENCES_UPDATED = Rule(
    "partner_references.fulfillment_references",
    "000",
    "fulfillments: Update partner_fulfillment_reference for individual fulfilled items.",
    checks.fulfillment_references_updated,
    "every fulfilled line item of the FO whose fulfillment_id is listed gets that "
    "partner_fulfillment_reference",
)
ONLY_REFERENCES_CHANGE = Rule(
    "partner_references.only_references_change",
    "000",
    "Updates partner reference fields on a fulfillment order without affecting its line items, "
    "schedule, or location.",
    checks.only_references_changed,
)
UNKNOWN_FULFILLMENT_REFUSED = Rule(
    "partner_references.unknown_fulfillment_refused",
    "000",
    "fulfillment_id: Must match an existing fulfillment ID in the FO's fulfilled items.",
    checks.refused_unchanged,
    "a request naming a fulfillment_id that no fulfilled item of the FO holds (unknown, or only "
    "on a closed item) is refused with 400 and nothing of it is applied",
)

# ------------------------------------------------------------------ page 004: shipment status
DELIVERED_CLOSES_RELATED = Rule(
    "shipment.delivered_closes_related",
    "004",
    "When post_shipping_info.status is delivered (and the order is eligible), Carriyo may run "
    "auto-close logic on related fulfillment line items.",
    checks.delivered_closes_related,
    '"related" = FO line items in status fulfilled whose shipment_ids hold the payload\'s '
    'shipment_id; "auto-close" = they become closed; every other line item is unchanged '
    "(orders neither Shopify-sourced nor cancelled or closed are eligible)",
)
NOT_DELIVERED_UNCHANGED = Rule(
    "shipment.not_delivered_unchanged",
    "004",
    "may return the unchanged order when the shipment does not qualify for updates (for example "
    "status is not delivered)",
    checks.shipment_left_order_unchanged,
)
SHOPIFY_SKIPPED = Rule(
    "shipment.shopify_skipped",
    "004",
    "Shopify-sourced orders are skipped for auto-close.",
    checks.shipment_left_order_unchanged,
    '"Shopify-sourced" = creation_source.source_type is SHOPIFY',
)
UNKNOWN_REFERENCE_EMPTY = Rule(
    "shipment.unknown_reference_empty",
    "004",
    "The response body may be empty when no order is found for references.partner_order_reference.",
    checks.empty_ok,
    "200 with an empty body (the page lists no 404 for this operation)",
)

# ------------------------------------------------------------------ common to pages 000-003
KEY_SELECTS_REFERENCE = Rule(
    "common.key_selects_reference",
    "000, 001, 003",
    "The order reference (order_id or partner_order_reference based on the key parameter).",
    checks.reached_expected_order,
    "with key=partner_order_reference the operation acts on the order holding that reference, "
    "even when another order's order_id equals it",
)
TENANT_ISOLATION = Rule(
    "common.tenant_isolation",
    "000, 001, 003",
    "Your unique tenant identifier in Carriyo.",
    checks.other_tenant_refused,
    "an order of one tenant is not found (404) under another tenant (401/403 are accepted when "
    "the key is not valid for that tenant); the order is unchanged",
)

ORDER_NOT_FOUND = Rule(
    "common.order_not_found",
    "000, 001, 003",
    "Order or fulfillment order not found.",
    checks.refused_unchanged,
    'an order reference no order holds is answered 404 (page 002: "Order not found.")',
)
FO_NOT_FOUND = Rule(
    "common.fulfillment_order_not_found",
    "000, 001, 003",
    "Order or fulfillment order not found.",
    checks.refused_unchanged,
    "a fulfillment order id the order does not hold is answered 404 and nothing changes",
)

# ------------------------------------------------------------------ invariants (state machine)
TERMINAL_NEVER_CHANGE = Rule(
    "invariant.terminal_line_items_stay",
    "002",
    "You do NOT need to include fulfilled, cancelled, or closed line items in your request - they "
    "will be preserved automatically.",
    checks.terminal_lines_as_modelled,
    "in every FO that still exists, a terminal line item never disappears or changes, except as "
    "documented (page 004 closes fulfilled ones; page 000 sets partner_fulfillment_reference)",
)
FO_LINES_NAME_ORDER_LINES = Rule(
    "invariant.fo_line_items_name_order_line_items",
    "002",
    "Ensure you include all line items you want to keep.",
    checks.fo_lines_reference_order_lines,
    "every FO line item names a line item of the order",
)
STATUSES_IN_ENUMS = Rule(
    "invariant.statuses_in_enums",
    "002",
    "Orders can only be updated when their status allows it:",
    checks.statuses_in_enums,
    "order statuses are the seven page 002 lists or the published processing; FO statuses the "
    "six published ones; line item statuses page 002's five or the published pick_in_progress, "
    "picked, pack_in_progress",
)

ALL_RULES: tuple[Rule, ...] = tuple(v for v in globals().values() if isinstance(v, Rule))
