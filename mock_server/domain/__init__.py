"""The Orders API's rules as pure functions over JSON-like orders: no Flask, no spec, no I/O."""

from .errors import CONCURRENT_UPDATE, Conflict, DomainError, InvalidRequest, NotFound, NotUpdatable
from .fulfillment_orders import update_location, update_partner_references, update_schedule
from .model import FulfillmentOrder, Json, LineItem, Location, NewId, Order
from .orders import create_order, update_order
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
    "create_order",
    "derive_fo_status",
    "derive_order_status",
    "merge_fulfillment_orders",
    "refresh_statuses",
    "update_location",
    "update_order",
    "update_partner_references",
    "update_schedule",
    "with_fo_statuses",
]
