"""The tools: Carriyo's published Orders and Fulfillment orders families, by name and parameter.

Each tool names the REST operation (openapi.yaml's operationId) that does the same thing: the
tool's own parameters are the operation's path and query parameters (`order_id` is the path's
`orderReference`, `fulfillment_order_id` its `fulfillmentOrderId`, `key` and the boolean flags
its query) and every other parameter goes into the operation's body, which is validated by the
same schema as over REST. `list_orders` has no REST operation (Carriyo publishes none).
Descriptions are ours; the names, parameters, types and required ones are the published pages'.
Three pages were not found (docs/mcp.md): `list_orders`'s parameters are our reading of its
family's index, and the delivery-method and schedule tools are named after the published
`change_fulfillment_order_location`, their parameters their REST operations' bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORT_FIELDS, SORT_ORDERS

ORDERS = "orders"
FULFILLMENT_ORDERS = "fulfillment-orders"
KEYS = ("order_id", "partner_order_reference")
CANCELLATION_REASONS = (
    "CUSTOMER_CANCELLATION",
    "AUTO_ALLOCATION_FAILED",
    "INVENTORY_OUT_OF_STOCK",
    "STAFF_ERROR",
    "PAYMENT_ISSUE",
    "OTHER",
)
DELIVERY_METHODS = ("DELIVERY", "COLLECTION", "DIGITAL")


@dataclass(frozen=True, slots=True)
class Param:
    """One published parameter: JSON type, whether required, and where it goes."""

    name: str
    type: str
    required: bool = False
    description: str = ""
    enum: tuple[str, ...] = ()
    query: bool = False
    """A query parameter of the REST operation (`skip_shipping`, `create_draft_shipment`)."""

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.description:
            schema["description"] = self.description
        return schema


def req(name: str, type_: str, description: str = "", *enum: str) -> Param:
    return Param(name, type_, True, description, enum)


def opt(name: str, type_: str, description: str = "", *enum: str) -> Param:
    return Param(name, type_, False, description, enum)


def flag(name: str, description: str) -> Param:
    return Param(name, "boolean", False, description, query=True)


TENANT = req("tenantId", "string", "The tenant; must be the tenant-id of the HTTP request.")
ORDER_ID = req("order_id", "string", "Carriyo order_id, or the partner_order_reference with key.")
KEY = opt("key", "string", "How order_id is read (default order_id).", *KEYS)
FO_ID = req("fulfillment_order_id", "string", "The fulfillment order acted on.")
DRAFT = flag("create_draft_shipment", "Create the shipment as a draft.")
SHIPPING = (
    opt("carrier_account", "object"),
    DRAFT,
    opt("delivery", "object"),
    opt("parcels", "array"),
    opt("payment", "object"),
    opt("pre_booking_info", "object"),
    opt("ship_zone", "string"),
)
ORDER_FIELDS = (
    opt("billing_address", "object"),
    opt("customer", "object"),
    opt("discount_applications", "array"),
    opt("duties_included", "boolean"),
    opt("fulfillment_orders", "array"),
    opt("language", "string", "ISO 639-1 code."),
    opt("line_items", "array"),
    opt("order_date", "string", "A date or a date-time."),
    opt("payment", "object"),
    opt("sales_channel", "string"),
    opt("shipping_lines", "array"),
    opt("taxes_included", "boolean"),
)


@dataclass(frozen=True, slots=True)
class Tool:
    """One tool: its family, the REST operation it shares, and its parameters beyond `tenantId`
    (`order_id` and `key` when `on_order`, `fulfillment_order_id` when `on_fo`)."""

    name: str
    family: str
    operation: str | None
    description: str
    params: tuple[Param, ...] = ()
    on_order: bool = True
    on_fo: bool = False
    read_only: bool = False

    @property
    def parameters(self) -> tuple[Param, ...]:
        """Every parameter, in the published tables' order: required first, then by name."""
        common = [TENANT]
        if self.on_order:
            common += [ORDER_ID, KEY]
        if self.on_fo:
            common.append(FO_ID)
        return tuple(sorted((*common, *self.params), key=lambda p: (not p.required, p.name)))

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema of the tool's arguments (`tools/list`)."""
        params = self.parameters
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in params},
            "required": [p.name for p in params if p.required],
        }


TOOLS: tuple[Tool, ...] = (
    Tool(
        "get_order",
        ORDERS,
        "getOrder",
        "One order, by its order_id or (key=partner_order_reference) its partner reference: the "
        "order exactly as GET /orders/{reference} returns it.",
        read_only=True,
    ),
    Tool(
        "list_orders",
        ORDERS,
        None,
        "A page of the tenant's orders, newest first by default: paging (page, page_size), "
        "sorting (sort_by, sort_order), a search over references and customer contact, and a "
        "merchant filter. Each order is as GET /orders/{reference} returns it.",
        (
            opt("page", "integer", "1-based page number (default 1)."),
            opt(
                "page_size",
                "integer",
                f"Orders per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
            ),
            opt("sort_by", "string", "Field to sort by (default creation_date).", *SORT_FIELDS),
            opt("sort_order", "string", "Direction (default DESC).", *SORT_ORDERS),
            opt("search", "string", "Words all found in ids, references or customer contact."),
            opt("merchants", "array", "Only orders of these merchants."),
        ),
        on_order=False,
        read_only=True,
    ),
    Tool(
        "create_order",
        ORDERS,
        "createOrder",
        "Create an order (POST /orders); the answer is the new order.",
        (
            req("merchant", "string", "The merchant owning the order."),
            req("partner_order_reference", "string", "Unique within the tenant."),
            opt("carriyo_metadata", "array"),
            opt("customer_collection_address", "object"),
            opt("customer_collection_schedule", "object"),
            opt("delivery_address", "object"),
            opt("delivery_method", "string", "", *DELIVERY_METHODS),
            opt("delivery_schedule", "object"),
            opt("delivery_type", "string"),
            *ORDER_FIELDS,
        ),
        on_order=False,
    ),
    Tool(
        "edit_order",
        ORDERS,
        "updateOrder",
        "Change root fields of an order (PATCH /orders/{reference}); items, locations and "
        "schedules have their own fulfillment-order tools.",
        (opt("merchant", "string"), opt("partner_order_reference", "string"), *ORDER_FIELDS),
    ),
    Tool(
        "cancel_order",
        ORDERS,
        "cancelOrder",
        "Cancel an order and every fulfillment order in it (POST /orders/{reference}/cancel).",
        (req("cancellation_reason", "string", "", *CANCELLATION_REASONS),),
    ),
    Tool(
        "split_fulfillment_order",
        FULFILLMENT_ORDERS,
        "splitFulfillmentOrder",
        "Move quantities of pending lines into a new fulfillment order, optionally at another "
        "location.",
        (
            req("line_items", "array", "Lines (id, quantity) to move."),
            opt("location_id", "string"),
            opt("partner_fulfillment_order_reference", "string"),
        ),
        on_fo=True,
    ),
    Tool(
        "merge_fulfillment_orders",
        FULFILLMENT_ORDERS,
        "mergeFulfillmentOrders",
        "Move pending lines of one fulfillment order (source) into another (destination).",
        (req("destination", "object"), req("source", "object")),
    ),
    Tool(
        "fulfill_fulfillment_order",
        FULFILLMENT_ORDERS,
        "fulfillFulfillmentOrder",
        "Fulfil lines of a fulfillment order; a shipment is created unless skip_shipping.",
        (
            req("line_items", "array", "Lines (id, quantity) to fulfil."),
            opt("partner_fulfillment_reference", "string"),
            flag("skip_shipping", "Fulfil without creating a shipment."),
            *SHIPPING,
        ),
        on_fo=True,
    ),
    Tool(
        "unfulfill_fulfillment_order",
        FULFILLMENT_ORDERS,
        "unfulfillFulfillmentOrder",
        "Undo fulfilments: their lines go back to allocated and their shipments are cancelled.",
        (
            req("fulfillment_ids", "array", "The fulfilments to undo."),
            opt("partner_fulfillment_order_reference", "string"),
        ),
        on_fo=True,
    ),
    Tool(
        "ship_fulfillment_order",
        FULFILLMENT_ORDERS,
        "shipFulfillmentOrder",
        "Ship lines of a fulfillment order: a shipment is created and linked to them.",
        (req("line_items", "array", "Lines (id, quantity) to ship."), *SHIPPING),
        on_fo=True,
    ),
    Tool(
        "cancel_fulfillment_order_items",
        FULFILLMENT_ORDERS,
        "cancelFulfillmentOrderLineItems",
        "Cancel quantities of pending lines of a fulfillment order.",
        (
            req("cancellation_reason", "string", "", *CANCELLATION_REASONS),
            req("line_items", "array", "Lines (id, quantity) to cancel."),
        ),
        on_fo=True,
    ),
    Tool(
        "change_fulfillment_order_location",
        FULFILLMENT_ORDERS,
        "updateFulfillmentOrderLocation",
        "Move a fulfillment order to another location (its id or code).",
        (req("location_id", "string", "The new location."),),
        on_fo=True,
    ),
    Tool(
        "change_fulfillment_order_delivery_method",
        FULFILLMENT_ORDERS,
        "updateFulfillmentOrderDeliveryMethod",
        "Switch a fulfillment order between delivery, collection and digital, with the new "
        "method's address and window.",
        (
            req("delivery_method", "string", "", *DELIVERY_METHODS),
            opt("address", "object"),
            opt("scheduled_from", "string", "Date-time the window opens."),
            opt("scheduled_to", "string", "Date-time the window closes."),
        ),
        on_fo=True,
    ),
    Tool(
        "change_fulfillment_order_schedule",
        FULFILLMENT_ORDERS,
        "updateFulfillmentOrderSchedule",
        "Move the delivery or collection window of a fulfillment order.",
        (
            opt("scheduled_from", "string", "Date-time the window opens."),
            opt("scheduled_to", "string", "Date-time the window closes."),
        ),
        on_fo=True,
    ),
)
BY_NAME = {tool.name: tool for tool in TOOLS}
