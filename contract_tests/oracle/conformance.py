"""The Schemathesis checks as claims: for each operation of `openapi.yaml` and each tier, which
built-in checks run, against which view of the spec (documented.py).

- documented: the documented view (the spec without its `x-sandbox` parts); the checks that
  hold for any service documented by it: no 5xx, documented status codes, content types,
  headers and response bodies, credentials not ignored.
- reading: the documented view; negative data refused and valid data accepted. A service may
  coerce a value of the wrong type or ignore a field it does not know, so this is a reading.
- sandbox: the whole spec, every check, the sandbox's limits, ETag and error details included.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tiers import SANDBOX_PAGE, Claim, Tier

DOCUMENTED_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "ignored_auth",
)
READING_CHECKS = ("negative_data_rejection", "positive_data_acceptance")
STATEFUL_CHECKS = ("use_after_free", "ensure_resource_availability")
SANDBOX_CHECKS = ("all",)
CHECKS: dict[Tier, tuple[str, ...]] = {
    "documented": DOCUMENTED_CHECKS,
    "reading": READING_CHECKS,
    "sandbox": SANDBOX_CHECKS,
}
NOTES: dict[Tier, str] = {
    "documented": "",
    "reading": "requests the documented view of the spec forbids (a wrong type, a required field "
    "missing, a value outside a published list) are refused with a 4xx, and valid ones are not "
    "refused but with 400, 401, 403, 404 or 409. Other readings: a service may coerce a value "
    "of the wrong type or ignore what it does not know",
    "sandbox": "the whole openapi.yaml, its x-sandbox parts included (ETag, If-Match, 409 on a "
    "stale version, 413, length and count limits, error_details), with every built-in check",
}
OPERATIONS: dict[str, tuple[str, str]] = {
    "getAccessToken": (
        "api/authentication",
        "a client application exchanges its client id and secret for an access token",
    ),
    "createOrder": ("api/orders/operation/create-order", "creates an order"),
    "getOrder": (
        "api/orders/operation/get-order",
        "reads an order by order_id or partner_order_reference",
    ),
    "updateOrder": ("002", "Updates an existing order with the specified changes."),
    "updateFulfillmentOrderLocation": (
        "001",
        "Updates the assigned location for a fulfillment order.",
    ),
    "updateFulfillmentOrderSchedule": (
        "003",
        "Updates the scheduled window of a fulfillment order without changing its delivery method.",
    ),
    "updateFulfillmentOrderPartnerReferences": (
        "000",
        "Updates partner reference fields on a fulfillment order without affecting its line "
        "items, schedule, or location.",
    ),
    "notifyShipmentStatus": (
        "004",
        "Notifies the order service of a shipment status change using a shipment payload.",
    ),
    "cancelOrder": (
        "api/orders/operation/cancel-order",
        "cancels an order not yet being fulfilled, giving one of the published reasons",
    ),
    "redactOrder": (
        "api/orders/operation/redact-order",
        "removes an order's personal data and keeps the order itself",
    ),
    "listOrderChangeLogs": (
        "api/orders/operation/list-order-change-logs",
        "lists what was changed on an order, oldest change first unless asked otherwise",
    ),
    "mergeFulfillmentOrders": (
        "api/orders/operation/merge-fulfillment-orders",
        "moves line items of one fulfillment order of an order into another",
    ),
    "fulfillFulfillmentOrder": (
        "api/orders/operation/fulfill-order",
        "marks pending line items of a fulfillment order fulfilled, with or without a shipment",
    ),
    "shipFulfillmentOrder": (
        "api/orders/operation/ship-fulfillment-order",
        "creates a shipment for allocated or fulfilled line items of a fulfillment order",
    ),
    "unfulfillFulfillmentOrder": (
        "api/orders/operation/unfulfill-order",
        "undoes fulfillments of a fulfillment order, so that their items are pending again",
    ),
    "splitFulfillmentOrder": (
        "api/orders/operation/split-fulfillment-order",
        "moves pending line items of a fulfillment order into a new fulfillment order",
    ),
    "cancelFulfillmentOrderLineItems": (
        "api/orders/operation/cancel-fulfillment-order-line-items",
        "cancels pending line items of a fulfillment order for a given reason",
    ),
    "updateFulfillmentOrderDeliveryMethod": (
        "api/orders/operation/update-fulfillment-order-delivery-method",
        "switches a fulfillment order to another delivery method, with the address and time "
        "window that method uses",
    ),
    "updateFulfillmentOrderAddress": (
        "api/orders/operation/update-fulfillment-order-address",
        "replaces the address that a fulfillment order's delivery method uses",
    ),
    "addOrderSystemLog": (
        "api/orders/operation/add-order-system-log",
        "records a system log entry for an order, such as the details of an API call",
    ),
    "getOrderSystemLogDetailUrl": (
        "api/orders/operation/get-order-system-log-detail-url",
        "gives a time-limited URL to download what a system log entry of an order stored",
    ),
    "updateFulfillmentOrder": (
        "api/orders/operation/update-fulfillment-order",
        "the older path for updating a fulfillment order's partner references, deprecated but "
        "still served for the clients that call it",
    ),
}
"""Every operation of the documented view, with its page and the sentence naming it (a
published page is not in the repository: its words are ours)."""
SANDBOX_OPERATIONS: dict[str, tuple[str, str]] = {
    "notifyShipmentStatusDeprecated": (
        SANDBOX_PAGE,
        "POST /orders/shipment-status, the path this sandbox used before the published one was "
        "known, keeps answering exactly the same way",
    ),
}
"""Operations only the sandbox serves (`x-sandbox`: not in the documented view), checked in the
sandbox tier alone: integrations built against them still call them."""


@dataclass(frozen=True)
class SchemaClaim(Claim):
    """The Schemathesis `checks` of one tier over one operation (or over the spec's links)."""

    operation_id: str = ""
    checks: tuple[str, ...] = ()


def _claim(operation_id: str, tier: Tier) -> SchemaClaim:
    page, quote = {**OPERATIONS, **SANDBOX_OPERATIONS}[operation_id]
    checks = CHECKS[tier]
    return SchemaClaim(
        f"schema.{operation_id}.{tier}",
        page,
        quote,
        tier,
        NOTES[tier],
        operation_id,
        checks,
    )


SCHEMA_CLAIMS: dict[tuple[str, Tier], SchemaClaim] = {
    **{
        (operation_id, tier): _claim(operation_id, tier)
        for operation_id in OPERATIONS
        for tier in CHECKS
    },
    **{
        (operation_id, "sandbox"): _claim(operation_id, "sandbox")
        for operation_id in SANDBOX_OPERATIONS
    },
}
LINKS_CLAIM = SchemaClaim(
    "schema.links.documented",
    "002",
    "Updates an existing order with the specified changes.",
    "documented",
    "",
    "",
    DOCUMENTED_CHECKS + STATEFUL_CHECKS,
)
"""Sequences along the spec's links (create, read, update, read again)."""
ALL_SCHEMA_CLAIMS: tuple[SchemaClaim, ...] = (*SCHEMA_CLAIMS.values(), LINKS_CLAIM)
