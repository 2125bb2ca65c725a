"""Documented sentences as named rules: the page, the exact quote, the tier, and the check.

A `documented` rule asserts what its sentence says and nothing a reader could take otherwise; a
`reading` rule says in `note` how the suite reads its sentence and which other readings the text
admits; a `sandbox` rule quotes the sandbox's behaviour page (`SANDBOX_PAGE`, docs/behaviour.md):
a choice of the sandbox where the pages are silent. A published page (`api/orders/operation/...`)
is not in the repository: a rule citing one says what its sentence says in the suite's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import checks, recording
from . import creation_checks as creation
from . import inventory_checks as stock
from . import lifecycle_checks as life
from . import system_log_checks as logs
from . import webhook_checks as hooks
from .observation import Observation
from .tiers import SANDBOX_PAGE, Claim, Tier

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
    others: tuple[tuple[str, Check], ...] = ()
    """A reading claim's other readings, each a label ("the reference wins") and its check: an
    example that fails the suite's reading passes when it satisfies one of them, and the report
    counts which one it took."""

    @property
    def pages(self) -> tuple[str, ...]:
        """The pages quoted, e.g. ("000", "001", "003") for "000, 001, 003"."""
        return tuple(page.strip() for page in self.page.split(","))

    def verify(self, observation: Observation) -> None:
        """Raise ContractViolation naming the rule, the problems and the exchanges; note the
        example in the running test's record either way."""
        __tracebackhide__ = True
        problems = self.check(observation)
        taken = next(
            (label for label, other in self.others if problems and not other(observation)), ""
        )
        if taken:
            problems = []
        failure = None
        if problems:
            failure = recording.Failure(
                self.name, tuple(problems), observation.as_json(), observation.call.curl()
            )
        recording.checked(self, failure, taken)
        if problems:
            raise ContractViolation(self, problems, observation)


def _rule(
    name: str,
    page: str,
    quote: str,
    tier: Tier,
    check: Check,
    note: str = "",
    others: tuple[tuple[str, Check], ...] = (),
) -> Rule:
    return Rule(name, page, quote, tier, note, check, others)


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
    others=(
        ("FO matched by reference first", checks.reference_before_fo_id),
        ("refused as ambiguous, nothing changed", checks.refused_unchanged),
    ),
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
    SANDBOX_PAGE,
    "Listing, in any FO of the request, an item that any FO of the order holds in a terminal "
    "status is a 400 naming it",
    "sandbox",
    checks.refused_unchanged,
    "listed under another FO the item would exist twice; the request changes nothing",
)
IN_PROGRESS_LISTED_REFUSED = _rule(
    "update_order.in_progress_line_items_refused",
    SANDBOX_PAGE,
    "preserved like terminal ones, and listing one is the same 400",
    "sandbox",
    checks.refused_unchanged,
    "page 002 calls pick_in_progress, picked and pack_in_progress neither pending nor terminal; "
    "the sandbox keeps them and refuses a request that lists one",
)
FO_QUANTITY_WITHIN_ORDER = _rule(
    "update_order.fo_quantities_within_ordered",
    SANDBOX_PAGE,
    "an item's quantities over all the FO lines (preserved ones included, cancelled ones not) "
    "may not exceed the order line's",
    "sandbox",
    checks.refused_unchanged,
    "as the published fulfill and ship pages validate theirs: a 400 naming the FO line",
)
REFERENCED_ITEMS_KEPT = _rule(
    "update_order.referenced_line_items_kept",
    SANDBOX_PAGE,
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
    SANDBOX_PAGE,
    "a write with If-Match naming a stale ETag (or a stale update_date) is answered 409",
    "sandbox",
    checks.refused_unchanged,
    "the ETag response header and the If-Match request header are the sandbox's (nothing is "
    "published about ETags for Orders); the refused write changes nothing",
)

# ------------------------------------------------------------------ create order (published)
CREATE = "api/orders/operation/create-order"
CREATE_STATUS = _rule(
    "create_order.answered_200",
    CREATE,
    "the success response of create order is a 200 with the order",
    "documented",
    creation.created,
)
CREATE_REQUEST_ONLY = _rule(
    "create_order.delivery_fields_request_only",
    CREATE,
    "the top-level delivery method, type, addresses and schedules are request-only, not stored "
    "on the Order itself",
    "documented",
    creation.request_only_not_stored,
)
CREATE_DELIVERY_TO_FOS = _rule(
    "create_order.delivery_fields_on_fos",
    CREATE,
    "the top-level delivery fields are propagated to each fulfillment order and persisted there",
    "reading",
    creation.delivery_fields_on_fos,
    "explicit fulfillment orders that do not set a delivery field take the top-level one. Other "
    "readings: only the FOs Carriyo allocates itself take them",
    others=(("only the FOs Carriyo allocates take them: explicit ones as sent", creation.created),),
)
CREATE_LOCATION_CODE = _rule(
    "create_order.partner_location_code_resolved",
    f"{CREATE}, recipes/orders/place-order-with-fulfillment-orders",
    "fulfillment orders name their location by partner_location_code; the line status catalogue: "
    "allocated when the fulfillment order has a location",
    "reading",
    creation.location_code_resolved,
    "the code resolves as update location resolves one, and the FO reads back with that "
    "location's partner_location_id as its location_id, its lines allocated. Other readings: "
    "the FO keeps the code, or an internal id of the location",
)
CREATE_LOCATION_UNKNOWN = _rule(
    "create_order.unknown_location_code_refused",
    f"{CREATE}, recipes/orders/place-order-with-fulfillment-orders",
    "400: invalid request",
    "reading",
    creation.create_refused,
    "a partner_location_code that names no location of the merchant makes the request invalid "
    "(400) and creates nothing, as update location refuses one. Other readings: the FO is "
    "created without a location",
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
RELOCATION_GATE = _rule(
    "update_location.open_or_allocated_only",
    "platform/orders/allocation",
    "a fulfillment order can be re-allocated, its location changed, while it is still open or "
    "allocated",
    "documented",
    checks.relocation_gate,
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
    others=(("a closed item's fulfillment id accepted", checks.succeeded),),
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
TOKEN_REQUIRED = _rule(
    "common.token_required",
    "reference/validation-errors, api/authentication",
    "Missing/expired tokens result in unauthorized responses",
    "documented",
    checks.credentials_refused,
    "a request that names no bearer token, with a valid key and tenant, is refused (401 as "
    "published; a 403 is taken too, as for the key: some gateways answer any missing "
    "credential so) and changes nothing",
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

# ------------------------------------------------------------------ cancel order (published)
CANCEL = "api/orders/operation/cancel-order"
CANCEL_ORDER_GATE = _rule(
    "cancel_order.only_open_or_allocated",
    CANCEL,
    "an order can be cancelled only while open, allocated or partially_allocated; not once "
    "partially fulfilled, fulfilled, closed or cancelled",
    "documented",
    life.cancel_order_gate,
)
ORDER_CANCELLED = _rule(
    "cancel_order.order_cancelled",
    CANCEL,
    "once cancelled, the order's status is cancelled",
    "documented",
    life.order_cancelled,
)
CANCEL_ORDER_FO_LINES = _rule(
    "cancel_order.fo_lines_cancelled",
    CANCEL,
    "every line item of every fulfillment order is marked cancelled",
    "documented",
    life.fo_lines_cancelled,
)
CANCEL_ORDER_QUANTITIES = _rule(
    "cancel_order.quantities_zeroed",
    CANCEL,
    "every line item's quantity is set to 0, the removed quantities recorded",
    "documented",
    life.quantities_zeroed,
)
CANCEL_ORDER_REMOVED = _rule(
    "cancel_order.removed_quantities_recorded",
    CANCEL,
    "every line item's quantity is set to 0, the removed quantities recorded",
    "reading",
    life.removed_quantities_recorded,
    "each order line item's removed_quantities (page 004's model: entries with a quantity) "
    "gains entries adding up to the quantity it had. Other readings: the removal may be recorded "
    "elsewhere, or as one total",
)

# ------------------------------------------------------------------ fulfil (published)
FULFIL = "api/orders/operation/fulfill-order"
FULFIL_MARKS = _rule(
    "fulfill.fulfilled_with_unique_id",
    FULFIL,
    "the items are marked fulfilled, each with a unique fulfillment id (closed at once when no "
    "shipping is needed)",
    "documented",
    life.fulfilled_with_new_ids,
)
FULFIL_PENDING_ONLY = _rule(
    "fulfill.only_pending_items",
    FULFIL,
    "only items in a pending status (open or allocated) can be fulfilled",
    "documented",
    checks.refused_unchanged,
)
FULFIL_WITHIN_PENDING = _rule(
    "fulfill.quantity_within_pending",
    FULFIL,
    "each quantity to fulfil must be no more than the pending quantity",
    "documented",
    checks.refused_unchanged,
)
FULFIL_SKIP_SHIPPING = _rule(
    "fulfill.skip_shipping_closes",
    FULFIL,
    "skip_shipping=true fulfils without creating any shipment, and the items close",
    "documented",
    life.skip_shipping_closes,
)
FULFIL_PARTIAL = _rule(
    "fulfill.partial_quantity_stays_pending",
    FULFIL,
    "each quantity to fulfil must be no more than the pending quantity",
    "reading",
    life.fulfilment_quantities,
    "a quantity below the pending one splits the line: the fulfilled part, and the rest still "
    "pending in the same FO; no other FO changes. Other readings: the remainder may move to a "
    "new FO (as other platforms' fulfillment orders do)",
)
FULFIL_SHIPMENT = _rule(
    "fulfill.shipment_linked",
    FULFIL,
    "a shipment is created unless skip_shipping=true (create_draft_shipment=true: a draft)",
    "reading",
    life.shipment_linked,
    "in a DELIVERY or COLLECTION FO the fulfilled items stay fulfilled (the shipment delivers "
    "them) and carry the new shipment's id in shipment_ids at once. Other readings: booking is "
    "asynchronous, so the id may be linked later; a collection may need no shipping",
)

# ------------------------------------------------------------------ ship (published)
SHIP = "api/orders/operation/ship-fulfillment-order"
SHIP_STATUSES = _rule(
    "ship.only_allocated_or_fulfilled",
    SHIP,
    "items must be allocated or fulfilled: an open one must be allocated first; cancelled and "
    "closed ones cannot be shipped",
    "documented",
    checks.refused_unchanged,
)
SHIP_LINKS = _rule(
    "ship.shipment_linked",
    SHIP,
    "the shipment's id is linked to the line items shipped",
    "reading",
    life.shipped_lines_linked,
    "the quantities shipped read back in lines carrying a new id in shipment_ids, at once, "
    "even for a draft; no other FO changes. Other readings: the link may wait for the carrier's "
    "confirmation",
)

# ------------------------------------------------------------------ unfulfil (published)
UNFULFIL = "api/orders/operation/unfulfill-order"
UNFULFIL_CLEARS = _rule(
    "unfulfill.fulfillment_ids_cleared",
    UNFULFIL,
    "the fulfillment id, shipment ids and partner reference are cleared from the items",
    "documented",
    life.fulfillments_cleared,
)
UNFULFIL_RETURNS = _rule(
    "unfulfill.back_to_pending",
    UNFULFIL,
    "the line items return to allocated status; items with the same id and status are merged",
    "reading",
    life.unfulfilled_back_to_pending,
    "the quantities unfulfilled are pending again in the FO (allocated, or open in an FO "
    "without a location, as the line status catalogue has it), without fulfillment id, shipment "
    "ids or partner reference, one line per item and status. Other readings: always allocated",
)
UNFULFIL_BY_FO_REFERENCE = _rule(
    "unfulfill.by_partner_fulfillment_order_reference",
    UNFULFIL,
    "partner_fulfillment_order_reference: a partner reference identifying the fulfillment to "
    "reverse (the body's alternative to fulfillment_ids)",
    "reading",
    life.fulfillments_cleared,
    "a body naming the FO by its own partner_fulfillment_order_reference, without "
    "fulfillment_ids, reverses every fulfilled line of it (no line carries their fulfillment ids "
    "afterwards). Other readings: the reference is a fulfilment's partner_fulfillment_reference "
    "(the test gives every fulfilment the FO's reference first, so both name the same lines)",
)
UNFULFIL_UNKNOWN = _rule(
    "unfulfill.unknown_fulfillment_refused",
    UNFULFIL,
    "the fulfillment ids must exist among the fulfillment order's fulfilled line items",
    "documented",
    checks.refused_unchanged,
)

# ------------------------------------------------------------------ split (published)
SPLIT = "api/orders/operation/split-fulfillment-order"
SPLIT_NEW_FO = _rule(
    "split.new_fulfillment_order",
    SPLIT,
    "the selected line items move to a new fulfillment order with a new fulfillment_order_id",
    "documented",
    life.split_new_fo,
)
SPLIT_REDUCES = _rule(
    "split.original_reduced",
    SPLIT,
    "the original FO's quantities are reduced, an item removed when its quantity reaches 0",
    "documented",
    life.split_original_reduced,
)
SPLIT_STATUS = _rule(
    "split.new_line_status",
    SPLIT,
    "location_id defaults to the original FO's; the new lines are allocated if a location is "
    "set, otherwise open",
    "documented",
    life.split_line_status,
)
SPLIT_INHERITS = _rule(
    "split.inherits_delivery",
    SPLIT,
    "the new FO inherits delivery and carriyo_metadata from the original",
    "reading",
    life.split_inherits,
    "delivery_method, delivery_type, delivery, the delivery and collection addresses and "
    "schedules and carriyo_metadata read back as the original's (the split recipe: the new FO "
    "keeps the delivery method, address and schedule). Other readings: only a field named "
    "delivery",
)
SPLIT_PENDING_ONLY = _rule(
    "split.only_pending_items",
    SPLIT,
    "only items in a pending status (open or allocated) can be split",
    "documented",
    checks.refused_unchanged,
)

# ------------------------------------------------------------------ merge (published)
MERGE = "api/orders/operation/merge-fulfillment-orders"
MERGE_MOVES = _rule(
    "merge.source_moved_and_removed",
    MERGE,
    "the source's line items move to the destination; a source whose items all moved is removed",
    "reading",
    life.merged_into_destination,
    "source is {fulfillment_order_id, line_items: [{id, quantity}]} and destination "
    "{fulfillment_order_id} (the page names both objects, not their fields); the destination's "
    "pending quantities grow by the source's. Other readings: other field names",
)
MERGE_SAME_METHOD = _rule(
    "merge.same_delivery_method",
    MERGE,
    "both fulfillment orders must have the same delivery method",
    "documented",
    checks.refused_unchanged,
)
MERGE_NO_FULFILLED = _rule(
    "merge.no_fulfilled_items",
    MERGE,
    "neither fulfillment order may hold a fulfilled line item",
    "documented",
    checks.refused_unchanged,
)

# ------------------------------------------------------------------ cancel line items (published)
CANCEL_LINES = "api/orders/operation/cancel-fulfillment-order-line-items"
LINES_CANCELLED = _rule(
    "cancel_line_items.cancelled",
    CANCEL_LINES,
    "the items' status becomes cancelled",
    "documented",
    life.lines_cancelled,
)
LINES_CANCELLED_RECORDED = _rule(
    "cancel_line_items.reason_and_removed_quantities",
    CANCEL_LINES,
    "the items are cancelled with the cancellation reason; the order line item's "
    "removed_quantities is updated",
    "reading",
    life.cancellation_reason_recorded,
    "each cancelled line carries the cancellation_reason sent, and its order line item's "
    "removed_quantities gains entries adding up to the quantity cancelled (a part of a line: "
    "the rest stays pending). Other readings: the reason recorded elsewhere; removed_quantities "
    "kept as one total",
)
CANCEL_LINES_PENDING_ONLY = _rule(
    "cancel_line_items.only_pending_items",
    CANCEL_LINES,
    "only items in a pending status can be cancelled: fulfilled ones need unfulfilling first, "
    "closed ones cannot be",
    "documented",
    checks.refused_unchanged,
)

# ------------------------------------------------------------------ delivery method, address
DELIVERY_METHOD = "api/orders/operation/update-fulfillment-order-delivery-method"
METHOD_SET = _rule(
    "delivery_method.set_with_its_fields",
    DELIVERY_METHOD,
    "the new method is set; address and scheduled_from/scheduled_to go to delivery_address and "
    "delivery_schedule (DELIVERY) or customer_collection_address and "
    "customer_collection_schedule (COLLECTION)",
    "documented",
    life.delivery_method_set,
)
METHOD_CLEARS_PREVIOUS = _rule(
    "delivery_method.previous_fields_cleared",
    DELIVERY_METHOD,
    "switching clears the address and schedule fields of the previous method",
    "documented",
    life.previous_method_cleared,
)
METHOD_NOT_ONCE_STARTED = _rule(
    "delivery_method.not_once_processing",
    DELIVERY_METHOD,
    "not on a fulfillment order that started processing (items fulfilled, shipments created)",
    "documented",
    checks.refused_unchanged,
)
ADDRESS = "api/orders/operation/update-fulfillment-order-address"
ADDRESS_FOLLOWS_METHOD = _rule(
    "update_address.by_delivery_method",
    ADDRESS,
    "the address updated is delivery_address (DELIVERY) or customer_collection_address "
    "(COLLECTION), by the FO's current method",
    "documented",
    life.address_set,
)
ADDRESS_DIGITAL = _rule(
    "update_address.digital_not_applicable",
    ADDRESS,
    "not applicable when the delivery method is DIGITAL",
    "reading",
    checks.refused_unchanged,
    'refused with 400 ("not in a state that allows this update") and nothing changes. Other '
    "readings: the call is accepted and ignored",
)

# ------------------------------------------------------------------ redact (published)
REDACT = "api/orders/operation/redact-order, security/data-redaction"
REDACT_KEEPS_RECORD = _rule(
    "redact.operational_record_kept",
    REDACT,
    "the order stays in the system; its operational record (order id, line items, statuses) "
    "is left intact",
    "documented",
    life.operational_record_kept,
)
REDACT_CLEARS = _rule(
    "redact.personal_data_cleared",
    REDACT,
    "personal data fields are cleared or masked",
    "reading",
    life.personal_data_cleared,
    "names, e-mails, phones and street lines of customer, billing_address, shipping_address "
    "and every FO's delivery and collection address no longer read back as they were, and "
    "redacted is true. Other readings: Carriyo's privacy rules, which are not published, decide "
    "which fields are personal",
)

# ------------------------------------------------------------------ change logs (published)
CHANGE_LOGS = "api/orders/operation/list-order-change-logs"
CHANGE_LOG_SORTED = _rule(
    "change_logs.sorted_by_log_date",
    CHANGE_LOGS,
    "sorted by log_date, oldest first by default; sort_order=DESC lists newest first",
    "documented",
    life.change_log_sorted,
)
CHANGE_LOG_PER_CHANGE = _rule(
    "change_logs.one_entry_per_change",
    CHANGE_LOGS,
    "the order's transactional change history: its creation, its updates and other changes",
    "reading",
    life.one_entry_per_change,
    "every call that changes the order adds one entry, a refused call none. Other readings: a "
    "service may record several entries per call, or leave some operations out",
)
CHANGE_LOG_OPERATION = _rule(
    "change_logs.entry_names_operation",
    SANDBOX_PAGE,
    "{change_log_id, log_date, operation (its operationId), changed_fields}",
    "sandbox",
    life.entry_names_operation,
    "the published page shows no entry shape: the sandbox's entry names the operation by its "
    "operationId",
)

# ------------------------------------------------------------------ system logs (published)
ADD_SYSTEM_LOG = "api/orders/operation/add-order-system-log"
SYSTEM_LOG_URL = "api/orders/operation/get-order-system-log-detail-url"
SYSTEM_LOG_ADDED = _rule(
    "system_logs.identifier_answered",
    ADD_SYSTEM_LOG,
    "200: the system log is created; the answer carries its identifier",
    "documented",
    logs.log_added,
)
SYSTEM_LOG_DETAIL_URL = _rule(
    "system_logs.detail_url_answered",
    f"{ADD_SYSTEM_LOG}, {SYSTEM_LOG_URL}",
    "the identifier of a log reads it back: 200 with a pre-signed URL as a plain string",
    "documented",
    logs.detail_url_answered,
)
SYSTEM_LOG_UNKNOWN = _rule(
    "system_logs.unknown_refused",
    f"{ADD_SYSTEM_LOG}, {SYSTEM_LOG_URL}",
    "400: system log not found or not available; 404: order not found",
    "documented",
    logs.unknown_refused,
)
SYSTEM_LOG_BAD_EVENT_TYPE = _rule(
    "system_logs.bad_event_type_refused",
    f"{ADD_SYSTEM_LOG}, api/conventions",
    "event_type is one of INBOUND, INTERNAL, OUTBOUND; 400: invalid request",
    "reading",
    logs.bad_event_type_refused,
    "another event_type is an invalid request, answered 400 in the published error body whose "
    "errors name event_type. Other readings: a service may keep a value it does not know",
)
SYSTEM_LOG_READ_BACK = _rule(
    "system_logs.read_back_as_added",
    f"{ADD_SYSTEM_LOG}, {SYSTEM_LOG_URL}",
    "Carriyo sets entity_id to the order id; the URL downloads the full payload stored for the "
    "log entry",
    "reading",
    logs.log_read_back,
    "what the URL downloads is the log as added: every field sent (event_type, request_type, "
    "times, bodies ...) as sent, entity_id the order's id. Other readings: the payload stored "
    "may be only the request and response bodies, in a shape of its own",
)
SYSTEM_LOG_NOT_A_CHANGE = _rule(
    "system_logs.order_unchanged",
    SANDBOX_PAGE,
    "adding a log changes nothing of the order, so no change-log entry, no webhook event, the "
    "same update_date and ETag",
    "sandbox",
    logs.order_unchanged,
    "the pages are silent: a log is kept beside the order, which reads back as it was",
)


# ------------------------------------------------------------------ conventions (published)
TIMESTAMPS_PUBLISHED = _rule(
    "conventions.timestamps_published",
    "api/conventions",
    "timestamps are written yyyy-MM-dd'T'HH:mm:ss.SSSXXX, and a response always carries the offset",
    "reading",
    checks.timestamps_published,
    "every timestamp the service writes itself (an order's creation_date and update_date, a "
    "change-log entry's log_date, an error body's timestamp) has three fraction digits and an "
    "offset, Z or +hh:mm (what XXX writes). Other readings: the five pages' samples show "
    "2019-08-24T14:15:22Z, seconds and Z, so a service may write another precision",
)
ANSWERS_CARRY_OFFSETS = _rule(
    "conventions.answers_carry_offsets",
    "api/conventions",
    "a timestamp in a response always carries its offset",
    "documented",
    checks.answers_carry_offsets,
)
INPUT_WITHOUT_OFFSET = _rule(
    "conventions.input_without_offset_accepted",
    "api/conventions",
    "a timestamp sent without an offset is accepted as input",
    "documented",
    checks.succeeded,
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
    "the operations do, except as documented (page 004 closes fulfilled ones; page 000 sets "
    "partner_fulfillment_reference; ship links a shipment to fulfilled ones; unfulfil returns "
    "them to pending; cancel order cancels every line). Other readings: the sentence is about "
    "update order only",
)
QUANTITIES_CONSERVED = _rule(
    "invariant.quantities_conserved",
    "api/orders/operation/split-fulfillment-order, merge-fulfillment-orders",
    "items are only reorganized between fulfillment orders",
    "reading",
    checks.quantities_conserved,
    "every operation but update order (which replaces FO lines) keeps, for each line item, the "
    "quantity all FO lines of the order hold in any status: fulfil, ship, cancel and unfulfil "
    "change statuses, split and merge move quantities between FOs, no line is lost or "
    "duplicated. Other readings: a service may drop cancelled FO lines, keeping the removal only "
    "in removed_quantities",
)
STATUSES_ROLLED_UP = _rule(
    "invariant.statuses_rolled_up",
    "api/orders/fulfillment-orders, platform/orders/order-lifecycle",
    "an FO's status is computed from its line items', an order's from its FOs'",
    "reading",
    checks.statuses_rolled_up,
    "right after fulfil, unfulfil, split, merge, cancel line items or update location answered "
    "200 (each says the order status is recalculated), on an order that was not cancelled: "
    "cancelled lines (FOs) count only when all are; all closed: closed; all fulfilled or "
    "closed: fulfilled; anything else not pending: processing (an order: or "
    "partially_fulfilled); pending only: open or allocated (an order: open, partially_allocated, "
    "allocated). Other readings: a service may recalculate later",
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

# ------------------------------------------------------------------ order webhooks
WEBHOOKS = "reference/order-webhook-events"
WEBHOOK_ENVELOPE = _rule(
    "webhook.envelope_and_trigger_header",
    WEBHOOKS,
    "(in the suite's words) each delivery's trigger header names the event that fired; the body "
    "wraps the order before and after the change: oldImage, newImage, trigger, operation",
    "documented",
    hooks.envelope_and_header,
)
WEBHOOK_TRIGGER = _rule(
    "webhook.trigger_per_operation",
    WEBHOOKS,
    "(in the suite's words) the catalogue's trigger for an order update is ORDER_UPDATE, for an "
    "FO schedule update FULFILLMENT_ORDER_UPDATE_SCHEDULE, for an FO's partner reference update "
    "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
    "documented",
    hooks.operation_trigger,
)

# ------------------------------------------------------------------ the Inventory API (published)
BULK_IMPORT = "api/inventory/operation/bulk-import-inventory-events"
INVENTORY_EVENTS = "api/inventory/inventory-events"
INVENTORY_IMPORT_ANSWERED = _rule(
    "inventory.import_answered",
    BULK_IMPORT,
    "(in the suite's words) the answer carries the request id and, for each event, PROCESSING "
    "(accepted and queued) or REJECTED (failed validation, with a reason)",
    "documented",
    stock.import_answered,
)
INVENTORY_IMPORT_APPLIED = _rule(
    "inventory.adjustment_applied",
    f"{BULK_IMPORT}, {INVENTORY_EVENTS}",
    "(in the suite's words) INVENTORY_ADJUSTMENT_ONHAND adjusts on_hand by its delta once the "
    "queue has processed it",
    "documented",
    stock.import_applied,
)
INVENTORY_EVENTS_READ_BACK = _rule(
    "inventory.events_read_back",
    "api/inventory/operation/get-inventory-events-by-request-id, "
    "api/inventory/operation/get-inventory-events-by-product-id",
    "(in the suite's words) a batch reads back by its request id, COMPLETED once every event is "
    "processed, and its events are in the product's history",
    "documented",
    stock.events_read_back,
)
INVENTORY_RULES_REFUSE = _rule(
    "inventory.validation_rules_refuse",
    BULK_IMPORT,
    "(in the suite's words) quantities within +-1,000,000; a timestamp not in the future; the "
    "product must exist; internal event types are not supported for import",
    "documented",
    stock.refused_events_not_accepted,
    "an event breaking a rule is REJECTED, or the whole request refused with a 4xx (the page's "
    "400 'invalid request payload'); either way the stock does not move by it",
)
INVENTORY_DUPLICATE_REFUSED = _rule(
    "inventory.duplicate_refused",
    BULK_IMPORT,
    "(in the suite's words) each product_id + location_id combination must be unique in a batch",
    "documented",
    stock.duplicate_not_all_accepted,
    "a batch repeating one is not accepted whole: the repeat, or both, REJECTED, or the request "
    "refused",
)

# ------------------------------------------------------------------ the orders' inventory impact
INVENTORY_CREATE_RESERVES = _rule(
    "inventory.create_reserves",
    "api/orders/operation/create-order, api/inventory/",
    "(in the suite's words) inventory is reserved for the allocated items when the order is "
    "created",
    "documented",
    stock.create_reserves,
)
INVENTORY_CANCEL_RELEASES = _rule(
    "inventory.cancel_releases",
    "api/orders/operation/cancel-order",
    "(in the suite's words) reserved inventory is released back to stock",
    "documented",
    stock.cancel_releases,
)
INVENTORY_CANCEL_LINES_RELEASE = _rule(
    "inventory.cancel_line_items_release",
    "api/orders/operation/cancel-fulfillment-order-line-items",
    "(in the suite's words) with inventory management on and a located FO, reserved decreases "
    "by the cancelled quantity",
    "documented",
    stock.cancel_releases,
)
INVENTORY_FULFIL_REDUCES = _rule(
    "inventory.fulfil_reduces",
    "api/orders/operation/fulfill-order",
    "(in the suite's words) with stock_reduction_timing ON_ORDER_FULFILLED, on_hand and reserved "
    "are reduced by the fulfilled quantity",
    "documented",
    stock.fulfil_reduces,
)
INVENTORY_UNFULFIL_RESTORES = _rule(
    "inventory.unfulfil_restores_on_hand",
    "api/orders/operation/unfulfill-order",
    "(in the suite's words) with inventory management on, on_hand increases by the unfulfilled "
    "quantity",
    "documented",
    stock.unfulfil_restores_on_hand,
)
INVENTORY_UNFULFIL_RESERVES = _rule(
    "inventory.unfulfil_reserves_again",
    "api/orders/operation/unfulfill-order",
    "(in the suite's words) the line items return to allocated status; on_hand is increased",
    "reading",
    stock.unfulfil_reserves_again,
    "the items allocated again hold their reservation again: reserved is back up by the "
    "quantity. Other readings: the page names on_hand only, so reserved may stay as it was",
    (("reserved left as it was", stock.unfulfil_leaves_reserved),),
)
INVENTORY_RELOCATION_KEEPS_ON_HAND = _rule(
    "inventory.relocation_keeps_on_hand",
    "api/orders/operation/update-fulfillment-order-location",
    "(in the suite's words) no direct inventory change occurs during a location update",
    "documented",
    stock.relocation_keeps_on_hand,
)
INVENTORY_RELOCATION_RESERVATION = _rule(
    "inventory.relocation_moves_reservation",
    "api/orders/operation/update-fulfillment-order-location, api/orders/operation/create-order",
    "(in the suite's words) no direct inventory change during a location update; inventory is "
    "reserved for the allocated items",
    "reading",
    stock.relocation_moves_reservation,
    "the reservation follows the FO to its new location (where it will be fulfilled). Other "
    "readings: the page says nothing changes, leaving the reservation where it was",
    (("the reservation left where it was", stock.relocation_moves_nothing),),
)
INVENTORY_DUPLICATES_ALL_REJECTED = _rule(
    "inventory.duplicates_all_rejected",
    SANDBOX_PAGE,
    "every event of a product and location repeated in a batch is REJECTED (the page does not "
    "say which one would win)",
    "sandbox",
    stock.duplicates_all_rejected,
    "the bulk import page forbids the repeat but not which event stands: the sandbox rejects "
    "them all",
)

ALL_RULES: tuple[Rule, ...] = tuple(v for v in globals().values() if isinstance(v, Rule))
