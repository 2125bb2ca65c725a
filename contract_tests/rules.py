"""Documented sentences as named rules: the page, the exact quote, the tier, and the check.

A `documented` rule asserts what its sentence says and nothing a reader could take otherwise; a
`reading` rule says in `note` how the suite reads its sentence and which other readings the text
admits; a `sandbox` rule quotes the README's "Behaviour" section (page "README"): a choice of the
sandbox where the pages are silent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import checks, recording
from .observation import Observation
from .tiers import Claim, Tier

Check = Callable[[Observation], list[str]]


class ContractViolation(AssertionError):
    """A rule the target broke, with the exchanges that show it."""

    def __init__(self, rule: Rule, problems: list[str], observation: Observation) -> None:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"Rule broken: {rule.describe()}\nProblems:\n{listed}\n{observation.describe()}"
        )
        self.rule = rule
        self.problems = tuple(problems)
        self.observation = observation


@dataclass(frozen=True)
class Rule(Claim):
    check: Check = checks.succeeded

    @property
    def pages(self) -> tuple[str, ...]:
        """The pages quoted, e.g. ("000", "001", "003") for "000, 001, 003"."""
        return tuple(page.strip() for page in self.page.split(","))

    def verify(self, observation: Observation) -> None:
        """Raise ContractViolation naming the rule, the problems and the exchanges; note the
        example in the running test's record either way."""
        __tracebackhide__ = True
        problems = self.check(observation)
        failure = None
        if problems:
            failure = recording.Failure(
                self.name, tuple(problems), observation.as_json(), observation.call.curl()
            )
        recording.checked(self, failure)
        if problems:
            raise ContractViolation(self, problems, observation)


def _rule(name: str, page: str, quote: str, tier: Tier, check: Check, note: str = "") -> Rule:
    return Rule(name, page, quote, tier, note, check)


# ------------------------------------------------------------------ page 002: update order
UNPROVIDED_FIELDS_UNCHANGED = _rule(
    "update_order.unprovided_fields_unchanged",
    "002",
    "The following fields are updated only if provided in the request:",
    "documented",
    checks.unprovided_listed_fields_unchanged,
)
OTHER_FIELDS_UNCHANGED = _rule(
    "update_order.other_fields_unchanged",
    "002",
    "The following fields are updated only if provided in the request:",
    "reading",
    checks.unprovided_fields_unchanged,
    "every field absent from the request, listed or not (line_items, fulfillment_orders, "
    "creation_source ...), reads back as before; only update_date, update_source and the "
    "derived statuses may change. Other readings: the sentence speaks of the listed fields only, "
    "so a service may touch bookkeeping fields of its own on every update",
)
PROVIDED_FIELDS_UPDATED = _rule(
    "update_order.provided_fields_updated",
    "002",
    "The following fields are updated only if provided in the request:",
    "documented",
    checks.provided_fields_updated,
)
LINE_ITEMS_REPLACED = _rule(
    "update_order.line_items_replaced",
    "002",
    "If line_items is provided, it completely replaces the existing line items.",
    "documented",
    checks.line_items_replaced,
)
OMITTED_FOS_REMOVED = _rule(
    "update_order.omitted_fulfillment_orders_removed",
    "002",
    "any fulfillment order not included in the request will be permanently removed.",
    "documented",
    checks.omitted_fos_removed,
)
FOS_MATCHED = _rule(
    "update_order.fulfillment_orders_matched",
    "002",
    "fulfillment_order_id or partner_fulfillment_order_reference to match existing FOs",
    "documented",
    checks.fos_matched,
)
FO_ID_BEFORE_REFERENCE = _rule(
    "update_order.fo_id_before_reference",
    "002",
    "fulfillment_order_id or partner_fulfillment_order_reference to match existing FOs",
    "reading",
    checks.fo_id_before_reference,
    "an entry whose fulfillment_order_id names one FO and whose partner reference names another "
    "updates the FO of the id; the other, named by nothing else, is removed. Other readings: the "
    "reference wins, or the request is refused as ambiguous",
)
TERMINAL_PRESERVED = _rule(
    "update_order.terminal_line_items_preserved",
    "002",
    "The system automatically preserves line items with terminal statuses:",
    "documented",
    checks.terminal_preserved,
)
TERMINAL_LISTED_STAYS = _rule(
    "update_order.listed_terminal_item_stays",
    "002",
    "You do NOT need to include fulfilled, cancelled, or closed line items in your request - they "
    "will be preserved automatically.",
    "documented",
    checks.terminal_listed_stays,
)
ONLY_PENDING_ITEMS = _rule(
    "update_order.only_pending_line_items",
    "002",
    "Only pass line items with pending statuses:",
    "reading",
    checks.refused_unchanged,
    "a request listing a terminal line item under its own FO is refused with 400 and changes "
    "nothing. Other readings: the service ignores the listed line and preserves it",
)
TERMINAL_ITEM_ELSEWHERE_REFUSED = _rule(
    "update_order.terminal_item_elsewhere_refused",
    "README",
    "Listing, in any FO of the request, an item that any FO of the order holds in a terminal "
    "status is a 400 naming it",
    "sandbox",
    checks.refused_unchanged,
    "listed under another FO the item would exist twice; the request changes nothing",
)
IN_PROGRESS_LISTED_REFUSED = _rule(
    "update_order.in_progress_line_items_refused",
    "README",
    "preserved like terminal ones, and listing one is the same 400",
    "sandbox",
    checks.refused_unchanged,
    "page 002 calls pick_in_progress, picked and pack_in_progress neither pending nor terminal; "
    "the sandbox keeps them and refuses a request that lists one",
)
FO_QUANTITY_WITHIN_ORDER = _rule(
    "update_order.fo_quantities_within_ordered",
    "README",
    "an item's quantities over all the FO lines (preserved ones included, cancelled ones not) "
    "may not exceed the order line's",
    "sandbox",
    checks.refused_unchanged,
    "as the published fulfill and ship pages validate theirs: a 400 naming the FO line",
)
REFERENCED_ITEMS_KEPT = _rule(
    "update_order.referenced_line_items_kept",
    "README",
    "so line_items cannot drop an item that a preserved terminal line still references.",
    "sandbox",
    checks.refused_unchanged,
    "every FO line item must name a line item of the order, preserved ones included: a 400",
)
LISTED_ITEMS = _rule(
    "update_order.listed_line_items",
    "002",
    "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)",
    "reading",
    checks.listed_items,
    "every line item listed for an FO is in it with the quantity sent and a pending status; one "
    "the FO did not hold is open, or allocated when the FO has a location (the published line "
    "status catalogue). Other readings: a new line waits open until allocation runs",
)
UNLISTED_PENDING_REMOVED = _rule(
    "update_order.unlisted_pending_items_removed",
    "002",
    "If you have an FO with 3 items and want to remove item-2 (which is open):",
    "documented",
    checks.unlisted_pending_removed,
)
MOVED_ITEMS = _rule(
    "update_order.moved_line_items",
    "002",
    "To move item-2 from FO-A to FO-B:",
    "documented",
    checks.moved_items,
)
CANCELLED_NOT_UPDATABLE = _rule(
    "update_order.cancelled_not_updatable",
    "002",
    "cancelled - Cannot be updated",
    "documented",
    checks.refused_unchanged,
)
UPDATABLE_STATUSES = _rule(
    "update_order.updatable_statuses",
    "002",
    "open, partially_allocated, allocated, partially_fulfilled, fulfilled, closed - Can be updated",
    "documented",
    checks.succeeded,
)
EXAMPLE_ADD_ITEM = _rule(
    "update_order.example_add_item",
    "002",
    "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)",
    "documented",
    checks.fo_contents,
)
EXAMPLE_REMOVE_ITEM = _rule(
    "update_order.example_remove_item",
    "002",
    "If you have an FO with 3 items and want to remove item-2 (which is open):",
    "documented",
    checks.fo_contents,
)
EXAMPLE_MOVE_ITEM = _rule(
    "update_order.example_move_item",
    "002",
    "To move item-2 from FO-A to FO-B:",
    "documented",
    checks.fo_contents,
)
REFUSAL_CHANGES_NOTHING = _rule(
    "common.refusal_changes_nothing",
    "002",
    "Invalid request or order cannot be updated in current status.",
    "reading",
    checks.refused_unchanged,
    "a request answered 4xx is not applied, even in part: the order reads back identical. Other "
    "readings: the pages never say a refusal is atomic",
)
STALE_IF_MATCH_REFUSED = _rule(
    "common.stale_if_match_refused",
    "README",
    "a write with If-Match naming a stale ETag (or a stale update_date) is answered 409",
    "sandbox",
    checks.refused_unchanged,
    "the ETag response header and the If-Match request header are the sandbox's (nothing is "
    "published about ETags for Orders); the refused write changes nothing",
)

# ------------------------------------------------------------------ page 001: update location
PARTNER_LOCATION_ID_RESOLVES = _rule(
    "update_location.partner_location_id_resolves",
    "001",
    "First tries to find by partner_location_id",
    "documented",
    checks.location_resolved,
)
LOCATION_BY_PARTNER_ID_FIRST = _rule(
    "update_location.partner_location_id_first",
    "001",
    "First tries to find by partner_location_id",
    "documented",
    checks.location_resolved,
)
LOCATION_BY_CODE_OF_MERCHANT = _rule(
    "update_location.location_code_of_merchant",
    "001",
    "If not found, tries to find by location_code for the merchant",
    "reading",
    checks.location_resolved,
    "a location_code resolves among the locations of the order's merchant, and the FO's "
    "location_id becomes that location's partner_location_id. Other readings: the FO keeps the "
    "code it was sent, or an internal id of the location",
)
LOCATION_CODE_OF_OTHER_MERCHANT = _rule(
    "update_location.code_of_other_merchant_refused",
    "001",
    "If not found, tries to find by location_code for the merchant",
    "reading",
    checks.refused_unchanged,
    'another merchant\'s location_code resolves nothing: 400 "Cannot update location", nothing '
    "changes. Other readings: \"the merchant\" is the caller's, not the order's",
)
LOCATION_UNKNOWN = _rule(
    "update_location.unknown_location_refused",
    "001",
    "Cannot update location.",
    "documented",
    checks.refused_unchanged,
)
LOCATION_ONLY = _rule(
    "update_location.only_location_changes",
    "001",
    "Fulfillment order's location_id is updated to the new location",
    "reading",
    checks.only_location_changed,
    "nothing but that FO's location_id changes (besides update_date, recalculated statuses and "
    "its pending line items' open or allocated, which the published line status catalogue "
    "derives from the FO's location). Other readings: the page lists effects, not an exhaustive "
    "list of what may change",
)
ORDER_STATUS_RECALCULATED = _rule(
    "update_location.order_status_recalculated",
    "001",
    "Order status is recalculated",
    "reading",
    checks.order_status_recalculated,
    "right after the call, the order status is the published roll-up of its FO statuses "
    "(api/orders/order-object: open, partially_allocated, allocated, processing, fulfilled, "
    "closed, cancelled). Other readings: a service may recalculate later, or by rules of its own",
)
ANY_FO_STATUS_RELOCATED = _rule(
    "update_location.any_fo_status",
    "README",
    "allowed in any status.",
    "sandbox",
    checks.location_resolved,
    "an FO is relocated whatever its status (the published allocation page re-allocates open "
    "or allocated FOs only; the pages say nothing)",
)

# ------------------------------------------------------------------ page 003: update schedule
SCHEDULE_DELIVERY = _rule(
    "update_schedule.delivery",
    "003",
    "For fulfillment orders with delivery_method: DELIVERY, this updates delivery_schedule.",
    "documented",
    checks.schedule_applied,
)
SCHEDULE_COLLECTION = _rule(
    "update_schedule.collection",
    "003",
    "For fulfillment orders with delivery_method: COLLECTION, this updates "
    "customer_collection_schedule.",
    "documented",
    checks.schedule_applied,
)
SCHEDULE_ONLY = _rule(
    "update_schedule.only_schedule_changes",
    "003",
    "Updates the scheduled window of a fulfillment order without changing its delivery method.",
    "reading",
    checks.only_schedule_changed,
    "nothing but that FO's schedule field changes (besides update_date and statuses). Other "
    "readings: the page only promises the delivery method stays",
)
SCHEDULE_DIGITAL = _rule(
    "update_schedule.digital_not_applicable",
    "003",
    "Not applicable to fulfillment orders with delivery_method: DIGITAL.",
    "reading",
    checks.refused_unchanged,
    'refused with 400 ("not in a state that allows this update") and nothing changes. Other '
    "readings: the call is accepted and ignored",
)
SCHEDULE_KEEPS_METHOD = _rule(
    "update_schedule.delivery_method_unchanged",
    "003",
    "Updates the scheduled window of a fulfillment order without changing its delivery method.",
    "documented",
    checks.delivery_method_unchanged,
)

# ------------------------------------------------------------------ page 000: partner references
FO_REFERENCE_UPDATED = _rule(
    "partner_references.fulfillment_order_reference",
    "000",
    "partner_fulfillment_order_reference: Your system's reference for the fulfillment order.",
    "documented",
    checks.fo_reference_updated,
)
FULFILLMENT_REFERENCES_UPDATED = _rule(
    "partner_references.fulfillment_references",
    "000",
    "fulfillments: Update partner_fulfillment_reference for individual fulfilled items.",
    "documented",
    checks.fulfillment_references_updated,
)
ONLY_REFERENCES_CHANGE = _rule(
    "partner_references.only_references_change",
    "000",
    "Updates partner reference fields on a fulfillment order without affecting its line items, "
    "schedule, or location.",
    "documented",
    checks.only_references_changed,
)
UNKNOWN_FULFILLMENT_REFUSED = _rule(
    "partner_references.unknown_fulfillment_refused",
    "000",
    "fulfillment_id: Must match an existing fulfillment ID in the FO's fulfilled items.",
    "documented",
    checks.refused,
)
OTHER_FO_FULFILLMENT_REFUSED = _rule(
    "partner_references.other_fo_fulfillment_refused",
    "000",
    "fulfillment_id: Must match an existing fulfillment ID in the FO's fulfilled items.",
    "documented",
    checks.refused,
)
CLOSED_ITEM_FULFILLMENT_REFUSED = _rule(
    "partner_references.closed_item_fulfillment_refused",
    "000",
    "fulfillment_id: Must match an existing fulfillment ID in the FO's fulfilled items.",
    "reading",
    checks.refused,
    '"fulfilled items" are the FO\'s line items in status fulfilled, so the fulfillment_id of a '
    "closed item is refused (400). Other readings: a closed item was fulfilled before it closed",
)

# ------------------------------------------------------------------ page 004: shipment status
DELIVERED_CLOSES_RELATED = _rule(
    "shipment.delivered_closes_related",
    "004",
    "When post_shipping_info.status is delivered (and the order is eligible), Carriyo may run "
    "auto-close logic on related fulfillment line items.",
    "reading",
    checks.delivered_closes_related,
    '"related" = FO line items in status fulfilled whose shipment_ids hold the payload\'s '
    'shipment_id; "auto-close" = they become closed; every other line item is unchanged (orders '
    'neither Shopify-sourced nor cancelled or closed are eligible). Other readings: "may" lets a '
    "service skip it, and related could mean every line of the FO",
)
NOT_DELIVERED_UNCHANGED = _rule(
    "shipment.not_delivered_unchanged",
    "004",
    "may return the unchanged order when the shipment does not qualify for updates (for example "
    "status is not delivered)",
    "reading",
    checks.shipment_left_order_unchanged,
    "200, and the order (read back, and in the body when there is one) is as before. Other "
    "readings: a service may record the shipment on the order without changing line items",
)
SHOPIFY_SKIPPED = _rule(
    "shipment.shopify_skipped",
    "004",
    "Shopify-sourced orders are skipped for auto-close.",
    "reading",
    checks.shipment_left_order_unchanged,
    '"Shopify-sourced" = creation_source.source_type is SHOPIFY. Other readings: another field '
    "of the order tells its source",
)
UNKNOWN_REFERENCE_EMPTY = _rule(
    "shipment.unknown_reference_empty",
    "004",
    "The response body may be empty when no order is found for references.partner_order_reference.",
    "documented",
    checks.empty_ok,
)
SHIPMENT_TENANT_ISOLATION = _rule(
    "shipment.tenant_isolation",
    "004",
    "The response body may be empty when no order is found for references.partner_order_reference.",
    "reading",
    checks.other_tenant_shipment_ignored,
    "a notification under another tenant finds no order by the reference (200 with an empty "
    "body or {}, or the credentials refused: 401/403) and the order is unchanged. Other "
    "readings: none the pages offer; tenant-id is the only namespace they name",
)

# ------------------------------------------------------------------ common to pages 000-003
KEY_SELECTS_REFERENCE = _rule(
    "common.key_selects_reference",
    "000, 001, 003",
    "The order reference (order_id or partner_order_reference based on the key parameter).",
    "documented",
    checks.reached_expected_order,
)
TENANT_ISOLATION = _rule(
    "common.tenant_isolation",
    "000, 001, 003",
    "Your unique tenant identifier in Carriyo.",
    "reading",
    checks.other_tenant_refused,
    "an order of one tenant is not found (404) under another tenant (401/403 when the "
    "credentials are not valid for that tenant); the order is unchanged. Other readings: the "
    "pages do not say orders are scoped to a tenant, though nothing else could make it unique",
)
API_KEY_REQUIRED = _rule(
    "common.api_key_required",
    "000, 001, 003",
    "Your Carriyo API key for authentication.",
    "documented",
    checks.credentials_refused,
)
TENANT_ID_REQUIRED = _rule(
    "common.tenant_id_required",
    "000, 001, 003",
    "Your unique tenant identifier in Carriyo.",
    "documented",
    checks.credentials_refused,
)
ORDER_NOT_FOUND = _rule(
    "common.order_not_found",
    "000, 001, 003",
    "Order or fulfillment order not found.",
    "documented",
    checks.refused_unchanged,
)
FO_NOT_FOUND = _rule(
    "common.fulfillment_order_not_found",
    "000, 001, 003",
    "Order or fulfillment order not found.",
    "documented",
    checks.refused_unchanged,
)

# ------------------------------------------------------------------ invariants (state machine)
NO_SERVER_ERROR = _rule(
    "invariant.no_server_error",
    "002",
    "Invalid request or order cannot be updated in current status.",
    "reading",
    checks.no_server_error,
    "no request of a sequence is answered 5xx: what the pages list is 200, 400, 404 (and 409 for "
    "update order). Other readings: a service may fail now and then under load",
)
TERMINAL_NEVER_CHANGE = _rule(
    "invariant.terminal_line_items_stay",
    "002",
    "You do NOT need to include fulfilled, cancelled, or closed line items in your request - they "
    "will be preserved automatically.",
    "reading",
    checks.terminal_lines_as_modelled,
    "in every FO that still exists, a terminal line item never disappears or changes, whatever "
    "the five operations do, except as documented (page 004 closes fulfilled ones; page 000 sets "
    "partner_fulfillment_reference). Other readings: the sentence is about update order only",
)
STATUSES_IN_ENUMS = _rule(
    "invariant.statuses_in_enums",
    "002",
    "Orders can only be updated when their status allows it:",
    "reading",
    checks.statuses_in_enums,
    "order statuses are the seven page 002 lists or the published processing; FO statuses the "
    "six published ones; line item statuses page 002's five or the published pick_in_progress, "
    "picked, pack_in_progress. Other readings: an older copy of the docs says pending",
)

ALL_RULES: tuple[Rule, ...] = tuple(v for v in globals().values() if isinstance(v, Rule))
