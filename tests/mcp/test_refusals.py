"""A refused call is a tool error carrying the error body REST sends for the same request."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from mcp import ClientSession

from mock_server.run.testing import RunningSandbox

from .conftest import Rest, text_of, unique_reference

pytestmark = pytest.mark.anyio


def without_time(body: dict[str, Any]) -> dict[str, Any]:
    """An error body without its `timestamp` (the one field two refusals never share)."""
    assert isinstance(body.pop("timestamp"), str)
    return body


async def refusal(tools: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await tools.call_tool(name, arguments)
    assert result.isError, text_of(result)
    body: dict[str, Any] = orjson.loads(text_of(result))
    assert result.structuredContent == body
    assert set(body) >= {"status", "timestamp", "errors"}  # the published error body
    return without_time(body)


async def test_an_unknown_order_is_the_404_of_get_orders(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    body = await refusal(tools, "get_order", {"tenantId": sandbox.tenant, "order_id": "NO-SUCH"})
    answer = rest.raw("GET", "/orders/NO-SUCH")
    assert answer.status_code == 404
    assert body == without_time(answer.json())
    assert body["status"] == "404"


async def test_a_rule_refusal_is_the_body_rest_sends_and_changes_nothing(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    """cancel_order once every line is fulfilled: the page's 400, through either face."""
    tenant, wanted = sandbox.tenant, [{"id": "a", "quantity": 1}]
    created = await tools.call_tool(
        "create_order",
        {
            "tenantId": tenant,
            "merchant": "ACME_FASHION",
            "partner_order_reference": unique_reference("MCP-REFUSED"),
            "line_items": wanted,
            "fulfillment_orders": [
                {
                    "fulfillment_location": {"partner_location_code": "AF-RUH-01"},
                    "line_items": wanted,
                }
            ],
        },
    )
    order = orjson.loads(text_of(created))
    order_id, fo_id = order["order_id"], order["fulfillment_orders"][0]["fulfillment_order_id"]
    fulfil = {"tenantId": tenant, "order_id": order_id, "fulfillment_order_id": fo_id}
    assert not (
        await tools.call_tool("fulfill_fulfillment_order", {**fulfil, "line_items": wanted})
    ).isError
    before = rest.get_order(order_id)
    reason = {"cancellation_reason": "OTHER"}
    body = await refusal(
        tools, "cancel_order", {"tenantId": tenant, "order_id": order_id, **reason}
    )
    answer = rest.raw("POST", f"/orders/{order_id}/cancel", json=reason)
    assert answer.status_code == 400
    assert body == without_time(answer.json())
    assert rest.get_order(order_id) == before


async def test_an_invalid_body_names_the_field_as_rest_does(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    """The REST operation's body schema judges the tool's body arguments."""
    order = orjson.loads(rest.get_order("ORD-1001"))
    fo_id = order["fulfillment_orders"][0]["fulfillment_order_id"]
    bad = {"line_items": [{"id": "x", "quantity": "two"}]}
    arguments = {"tenantId": sandbox.tenant, "order_id": "ORD-1001", "fulfillment_order_id": fo_id}
    body = await refusal(tools, "split_fulfillment_order", {**arguments, **bad})
    answer = rest.raw("POST", f"/orders/ORD-1001/fulfillment-orders/{fo_id}/split", json=bad)
    assert answer.status_code == 400
    assert body == without_time(answer.json())
    assert any("line_items[0].quantity" in error for error in body["errors"]), body


async def test_a_missing_parameter_is_a_400_naming_it(
    tools: ClientSession, sandbox: RunningSandbox
) -> None:
    body = await refusal(tools, "get_order", {"tenantId": sandbox.tenant})
    assert body["status"] == "400"
    assert body["error_details"] == [
        {
            "code": "MISSING_FIELD",
            "message": "'order_id' is a required property",
            "field": "order_id",
        }
    ]


async def test_a_tenant_id_other_than_the_requests_is_403(
    tools: ClientSession, sandbox: RunningSandbox
) -> None:
    """The credentials were checked for the request's tenant-id: tenantId may not name another
    (a REST request's credentials cover its tenant-id alone)."""
    body = await refusal(tools, "get_order", {"tenantId": "globex-demo", "order_id": "ORD-1001"})
    assert body["status"] == "403"
    assert body["error_details"][0]["field"] == "tenantId"


async def test_a_reference_past_the_published_limit_is_refused_as_rest_refuses_it(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    """References are limited to 250 characters (api/conventions): the path parameter's own
    validator judges `order_id`."""
    long = "R" * 251
    body = await refusal(tools, "get_order", {"tenantId": sandbox.tenant, "order_id": long})
    answer = rest.raw("GET", f"/orders/{long}")
    assert answer.status_code == 400
    assert body == without_time(answer.json())
