"""`tools/list`: both published families, by their published names and parameters."""

from __future__ import annotations

import pytest
from mcp import ClientSession

pytestmark = pytest.mark.anyio

FAMILY = "carriyo-sandbox/family"
PUBLISHED = {
    "orders": {"get_order", "list_orders", "create_order", "edit_order", "cancel_order"},
    "fulfillment-orders": {
        "split_fulfillment_order",
        "merge_fulfillment_orders",
        "fulfill_fulfillment_order",
        "unfulfill_fulfillment_order",
        "ship_fulfillment_order",
        "cancel_fulfillment_order_items",
        "change_fulfillment_order_location",
        "change_fulfillment_order_delivery_method",
        "change_fulfillment_order_schedule",
    },
}
REQUIRED = {
    # The published pages' required parameters, tool by tool.
    "create_order": {"tenantId", "merchant", "partner_order_reference"},
    "merge_fulfillment_orders": {"tenantId", "order_id", "source", "destination"},
    "unfulfill_fulfillment_order": {
        "tenantId",
        "order_id",
        "fulfillment_order_id",
        "fulfillment_ids",
    },
    "cancel_fulfillment_order_items": {
        "tenantId",
        "order_id",
        "fulfillment_order_id",
        "cancellation_reason",
        "line_items",
    },
    "change_fulfillment_order_location": {
        "tenantId",
        "order_id",
        "fulfillment_order_id",
        "location_id",
    },
    "split_fulfillment_order": {"tenantId", "order_id", "fulfillment_order_id", "line_items"},
    "get_order": {"tenantId", "order_id"},
    "list_orders": {"tenantId"},
}


async def test_both_families_are_listed_by_their_published_names(tools: ClientSession) -> None:
    listed = (await tools.list_tools()).tools
    families: dict[str, set[str]] = {}
    for tool in listed:
        assert tool.meta is not None
        families.setdefault(tool.meta[FAMILY], set()).add(tool.name)
    assert families == PUBLISHED
    assert len(listed) == sum(map(len, PUBLISHED.values()))


async def test_each_tool_takes_its_published_parameters(tools: ClientSession) -> None:
    schemas = {tool.name: tool.inputSchema for tool in (await tools.list_tools()).tools}
    for name, required in REQUIRED.items():
        assert set(schemas[name]["required"]) == required, name
    for schema in schemas.values():
        if "order_id" in schema["properties"]:
            assert schema["properties"]["key"]["enum"] == ["order_id", "partner_order_reference"]
    fulfil = schemas["fulfill_fulfillment_order"]["properties"]
    assert fulfil["skip_shipping"]["type"] == fulfil["create_draft_shipment"]["type"] == "boolean"
    assert {"carrier_account", "parcels", "partner_fulfillment_reference"} <= set(fulfil)
    reasons = schemas["cancel_order"]["properties"]["cancellation_reason"]["enum"]
    assert "CUSTOMER_CANCELLATION" in reasons and len(reasons) == 6


async def test_reads_are_marked_read_only(tools: ClientSession) -> None:
    read_only = {
        tool.name
        for tool in (await tools.list_tools()).tools
        if tool.annotations is not None and tool.annotations.readOnlyHint
    }
    assert read_only == {"get_order", "list_orders"}
