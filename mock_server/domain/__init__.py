"""The Orders API's rules as pure functions over JSON-like orders: no Flask, no spec, no I/O."""

from .change_log import change_entry, changed_fields
from .errors import CONCURRENT_UPDATE, Conflict, DomainError, InvalidRequest, NotFound, NotUpdatable
from .fulfillment_orders import (
    resolve_location,
    update_address,
    update_delivery_method,
    update_location,
    update_partner_references,
    update_schedule,
)
from .lifecycle import cancel_line_items, fulfill, merge, ship, split, unfulfill
from .model import FulfillmentOrder, Json, LineItem, Location, NewId, Order
from .orders import cancel_order, create_order, redact, update_order
from .preservation import merge_fulfillment_orders
from .shipments import apply_shipment
from .status import (
    IN_PROGRESS_LINE_STATUSES,
    PENDING_LINE_STATUSES,
    PRESERVED_LINE_STATUSES,
    TERMINAL_LINE_STATUSES,
    derive_fo_status,
    derive_order_status,
    refresh_statuses,
    with_fo_statuses,
)
from .system_logs import detail_url, system_log_entry

__all__ = [
    "CONCURRENT_UPDATE",
    "IN_PROGRESS_LINE_STATUSES",
    "PENDING_LINE_STATUSES",
    "PRESERVED_LINE_STATUSES",
    "TERMINAL_LINE_STATUSES",
    "Conflict",
    "DomainError",
    "FulfillmentOrder",
    "InvalidRequest",
    "Json",
    "LineItem",
    "Location",
    "NewId",
    "NotFound",
    "NotUpdatable",
    "Order",
    "apply_shipment",
    "cancel_line_items",
    "cancel_order",
    "change_entry",
    "changed_fields",
    "create_order",
    "derive_fo_status",
    "derive_order_status",
    "detail_url",
    "fulfill",
    "merge",
    "merge_fulfillment_orders",
    "redact",
    "refresh_statuses",
    "resolve_location",
    "ship",
    "split",
    "system_log_entry",
    "unfulfill",
    "update_address",
    "update_delivery_method",
    "update_location",
    "update_order",
    "update_partner_references",
    "update_schedule",
    "with_fo_statuses",
]
