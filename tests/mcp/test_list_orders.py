"""`list_orders`: pages that cover every match once, sorting, search and the merchant filter,
each order as REST renders it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from mcp import ClientSession

from mock_server.run.testing import RunningSandbox

from .conftest import Rest, mcp_session, text_of, unique_reference

pytestmark = pytest.mark.anyio


async def listing(tools: ClientSession, tenant: str, **arguments: Any) -> dict[str, Any]:
    result = await tools.call_tool("list_orders", {"tenantId": tenant, **arguments})
    assert not result.isError, text_of(result)
    page: dict[str, Any] = orjson.loads(text_of(result))
    return page


async def create(tools: ClientSession, tenant: str, merchant: str, reference: str) -> str:
    result = await tools.call_tool(
        "create_order",
        {"tenantId": tenant, "merchant": merchant, "partner_order_reference": reference},
    )
    assert not result.isError, text_of(result)
    order_id: str = orjson.loads(text_of(result))["order_id"]
    return order_id


async def test_pages_sorting_search_and_merchants(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    tenant = sandbox.tenant
    batch = unique_reference("Zebra")  # a word no fixture order carries
    merchants = ["ACME_FASHION", "ACME_HOME", "ACME_FASHION", "ACME_HOME", "ACME_FASHION"]
    created = {
        await create(tools, tenant, merchant, f"{batch}-{n}"): merchant
        for n, merchant in enumerate(merchants)
    }
    seen: list[str] = []
    for page in (1, 2, 3):
        answer = await listing(
            tools,
            tenant,
            search=batch.lower(),
            page=page,
            page_size=2,
            sort_by="partner_order_reference",
            sort_order="ASC",
        )
        assert (answer["page"], answer["page_size"], answer["total"]) == (page, 2, 5)
        assert answer["total_pages"] == 3
        seen += [order["partner_order_reference"] for order in answer["orders"]]
        for order in answer["orders"]:
            assert order == orjson.loads(rest.get_order(order["order_id"]))
    assert seen == [f"{batch}-{n}" for n in range(5)]
    assert (await listing(tools, tenant, search=batch, page=4, page_size=2))["orders"] == []

    newest_first = await listing(tools, tenant, search=batch, sort_by="partner_order_reference")
    assert [o["partner_order_reference"] for o in newest_first["orders"]] == seen[::-1]

    home = await listing(tools, tenant, search=batch, merchants=["ACME_HOME"])
    assert {o["order_id"] for o in home["orders"]} == {
        order_id for order_id, merchant in created.items() if merchant == "ACME_HOME"
    }


async def test_search_reads_customer_contact_and_references(
    tools: ClientSession, sandbox: RunningSandbox
) -> None:
    """Every word must be found: the fixture order ORD-1001's customer, by name and e-mail."""
    both = await listing(tools, sandbox.tenant, search="Layla almansoori@example")
    assert "ORD-1001" in {order["order_id"] for order in both["orders"]}
    neither = await listing(tools, sandbox.tenant, search="Layla no-such-word")
    assert neither["orders"] == [] and neither["total"] == 0


async def test_a_page_size_past_the_limit_is_refused(
    tools: ClientSession, sandbox: RunningSandbox
) -> None:
    result = await tools.call_tool("list_orders", {"tenantId": sandbox.tenant, "page_size": 101})
    assert result.isError
    assert orjson.loads(text_of(result))["error_details"][0]["field"] == "page_size"


async def test_each_tenant_lists_its_own_orders(
    sandbox: RunningSandbox, headers: dict[str, str]
) -> None:
    """The same call with globex-demo's headers and tenantId lists globex-demo's orders only."""
    async with mcp_session(sandbox.base_url, {**headers, "tenant-id": "globex-demo"}) as other:
        theirs = await listing(other, "globex-demo", page_size=100)
    async with mcp_session(sandbox.base_url, headers) as mine:
        ours = await listing(mine, sandbox.tenant, page_size=100)
    assert theirs["orders"] and {o["tenant"] for o in theirs["orders"]} == {"globex-demo"}
    assert {o["tenant"] for o in ours["orders"]} == {sandbox.tenant}


async def test_a_change_after_a_listing_is_seen_by_the_next(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    """What a listing keeps of an order is per stored version: a REST write is listed next time."""
    tenant = sandbox.tenant
    before, after = unique_reference("Quokka"), unique_reference("Wombat")
    order_id = await create(tools, tenant, "ACME_HOME", before)
    assert (await listing(tools, tenant, search=before))["total"] == 1
    changed = rest.raw("PATCH", f"/orders/{order_id}", json={"partner_order_reference": after})
    assert changed.status_code == 200, changed.text
    assert (await listing(tools, tenant, search=before))["total"] == 0
    found = await listing(tools, tenant, search=after)
    assert [o["order_id"] for o in found["orders"]] == [order_id]
    assert found["orders"][0] == changed.json()
