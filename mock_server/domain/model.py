"""Type aliases for the JSON-like data the domain works on (the order as in API responses)."""

from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
Order = dict[str, Any]
FulfillmentOrder = dict[str, Any]
LineItem = dict[str, Any]
Location = dict[str, Any]
NewId = Callable[[str], str]
"""Id factory: called with a prefix ("ORD", "LI", "FO"), returns a fresh id."""

DELIVERY_FIELDS = (
    "delivery",
    "carriyo_metadata",
    "delivery_method",
    "delivery_type",
    "delivery_address",
    "customer_collection_address",
)
"""How an FO is delivered: the fields an update-order entry may set on it besides its reference
and location (page 002), and what a split's new FO takes from the original."""
