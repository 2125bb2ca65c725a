"""One rule, two faces: a tool's answer is the order REST shows, and a lifecycle driven through
the tools reads back through REST the same, step by step."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from mcp import ClientSession

from mock_server.run.testing import RunningSandbox

from .conftest import Rest, text_of, unique_reference

pytestmark = pytest.mark.anyio


async def call(tools: ClientSession, name: str, **arguments: Any) -> dict[str, Any]:
    """A tool call that must succeed; its order (parsed from the text REST would send)."""
    result = await tools.call_tool(name, arguments)
    assert not result.isError, text_of(result)
    answer: dict[str, Any] = orjson.loads(text_of(result))
    assert result.structuredContent == answer
    return answer


async def step(
    tools: ClientSession, rest: Rest, tenant: str, name: str, **arguments: Any
) -> dict[str, Any]:
    """A tool call on an order, whose answer must be byte for byte what GET /orders/{id}
    answers right after."""
    result = await tools.call_tool(name, {"tenantId": tenant, **arguments})
    assert not result.isError, text_of(result)
    order: dict[str, Any] = orjson.loads(text_of(result))
    assert text_of(result).encode() == rest.get_order(order["order_id"])
    return order


def lines(order: dict[str, Any], fo_id: str) -> dict[str, tuple[str, int]]:
    (fo,) = [fo for fo in order["fulfillment_orders"] if fo["fulfillment_order_id"] == fo_id]
    return {line["id"]: (line["status"], line["quantity"]) for line in fo["line_items"]}


async def test_get_order_is_what_get_orders_answers(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    result = await tools.call_tool(
        "get_order", {"tenantId": sandbox.tenant, "order_id": "ORD-1001"}
    )
    assert not result.isError
    assert text_of(result).encode() == rest.get_order("ORD-1001")


async def test_get_order_by_partner_reference(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    order = await call(
        tools,
        "get_order",
        tenantId=sandbox.tenant,
        order_id="SHOP-1001",
        key="partner_order_reference",
    )
    assert order == orjson.loads(rest.get_order("ORD-1001"))


async def test_a_lifecycle_through_tools_reads_back_the_same_through_rest(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    tenant = sandbox.tenant
    wanted = [{"id": "a", "quantity": 2}, {"id": "b", "quantity": 2}, {"id": "c", "quantity": 1}]
    created = await step(
        tools,
        rest,
        tenant,
        "create_order",
        merchant="ACME_FASHION",
        partner_order_reference=unique_reference("MCP-LIFE"),
        line_items=wanted,
        fulfillment_orders=[
            {"fulfillment_location": {"partner_location_code": "AF-RUH-01"}, "line_items": wanted}
        ],
    )
    order_id = created["order_id"]
    (fo,) = created["fulfillment_orders"]
    fo_id = fo["fulfillment_order_id"]
    assert lines(created, fo_id) == {k: ("allocated", q) for k, q in (("a", 2), ("b", 2), ("c", 1))}
    on_fo = {"order_id": order_id, "fulfillment_order_id": fo_id}

    split = await step(
        tools,
        rest,
        tenant,
        "split_fulfillment_order",
        **on_fo,
        line_items=[{"id": "a", "quantity": 1}],
    )
    (new_fo,) = [f for f in split["fulfillment_orders"] if f["fulfillment_order_id"] != fo_id]
    assert lines(split, new_fo["fulfillment_order_id"]) == {"a": ("allocated", 1)}
    assert lines(split, fo_id)["a"] == ("allocated", 1)

    fulfilled = await step(
        tools,
        rest,
        tenant,
        "fulfill_fulfillment_order",
        **on_fo,
        line_items=[{"id": "b", "quantity": 2}],
    )
    assert lines(fulfilled, fo_id)["b"] == ("fulfilled", 2)

    shipped = await step(
        tools,
        rest,
        tenant,
        "ship_fulfillment_order",
        **on_fo,
        line_items=[{"id": "c", "quantity": 1}],
    )
    (fo_after,) = [f for f in shipped["fulfillment_orders"] if f["fulfillment_order_id"] == fo_id]
    (line_c,) = [line for line in fo_after["line_items"] if line["id"] == "c"]
    assert line_c.get("shipment_ids"), line_c

    cancelled = await step(
        tools,
        rest,
        tenant,
        "cancel_fulfillment_order_items",
        **on_fo,
        cancellation_reason="OTHER",
        line_items=[{"id": "a", "quantity": 1}],
    )
    assert lines(cancelled, fo_id)["a"][0] == "cancelled"
    changes = rest.raw("GET", f"/orders/{order_id}/change-logs").json()
    operations = [entry.get("operation") or entry.get("api_pattern") for entry in changes]
    assert len(changes) == 5, operations  # one per tool call: the same change log as REST


async def test_edit_and_cancel_order(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    tenant = sandbox.tenant
    created = await step(
        tools,
        rest,
        tenant,
        "create_order",
        merchant="ACME_HOME",
        partner_order_reference=unique_reference("MCP-EDIT"),
        line_items=[{"id": "x", "quantity": 1}],
    )
    edited = await step(
        tools, rest, tenant, "edit_order", order_id=created["order_id"], sales_channel="agent"
    )
    assert edited["sales_channel"] == "agent"
    cancelled = await step(
        tools,
        rest,
        tenant,
        "cancel_order",
        order_id=edited["partner_order_reference"],
        key="partner_order_reference",
        cancellation_reason="CUSTOMER_CANCELLATION",
    )
    assert cancelled["status"] == "cancelled"
