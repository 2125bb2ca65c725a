"""The transports: `/mcp` authenticated as REST is and journaled beside it, and
`carriyo-sandbox mcp` over stdio as a desktop agent starts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from mcp import ClientSession

from mock_server.config import SandboxConfig, parse_clients
from mock_server.run.testing import RunningSandbox, start_sandbox
from tests.redis_server import redis_server

from .conftest import WAIT, Rest, bearer_headers, mcp_session, stdio_session, text_of

pytestmark = pytest.mark.anyio
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}


def test_a_request_without_an_api_key_is_refused_as_rest_refuses_it(
    sandbox: RunningSandbox, headers: dict[str, str]
) -> None:
    keyless = {k: v for k, v in headers.items() if k != "x-api-key"}
    answer = httpx.post(
        f"{sandbox.base_url}/mcp", json=INITIALIZE, headers={**keyless, **MCP_ACCEPT}, timeout=WAIT
    )
    rest = httpx.get(f"{sandbox.base_url}/orders/ORD-1001", headers=keyless, timeout=WAIT)
    assert answer.status_code == rest.status_code == 403
    assert answer.json()["error_details"] == rest.json()["error_details"]


def test_by_default_a_request_without_a_token_is_refused_as_rest_refuses_it(
    sandbox: RunningSandbox, headers: dict[str, str]
) -> None:
    """As on Carriyo, the sandbox requires a bearer token by default: `/mcp` too."""
    tokenless = {k: v for k, v in headers.items() if k != "Authorization"}
    answer = httpx.post(
        f"{sandbox.base_url}/mcp",
        json=INITIALIZE,
        headers={**tokenless, **MCP_ACCEPT},
        timeout=WAIT,
    )
    rest = httpx.get(f"{sandbox.base_url}/orders/ORD-1001", headers=tokenless, timeout=WAIT)
    assert answer.status_code == rest.status_code == 401
    assert answer.json()["error_details"] == rest.json()["error_details"]


@pytest.fixture(scope="module")
def strict() -> Iterator[RunningSandbox]:
    """A sandbox requiring a live bearer token of a listed client (`--clients`)."""
    client = {"client_secret": "s3cret", "api_key": "key-1", "tenants": ["acme-demo"]}
    running = start_sandbox(SandboxConfig(clients=parse_clients({"agent": client})), "key-1")
    try:
        yield running
    finally:
        running.close()


async def test_where_a_token_is_required_mcp_requires_it(strict: RunningSandbox) -> None:
    tokenless = httpx.post(
        f"{strict.base_url}/mcp",
        json=INITIALIZE,
        headers={**strict.headers, **MCP_ACCEPT},
        timeout=WAIT,
    )
    assert tokenless.status_code == 401
    assert tokenless.headers["WWW-Authenticate"].startswith("Bearer")
    issued = httpx.post(
        f"{strict.base_url}/oauth/token",
        json={"client_id": "agent", "client_secret": "s3cret"},
        timeout=WAIT,
    ).json()
    bearer = {**strict.headers, "Authorization": f"Bearer {issued['access_token']}"}
    async with mcp_session(strict.base_url, bearer) as tools:
        result = await tools.call_tool(
            "get_order", {"tenantId": "acme-demo", "order_id": "ORD-1001"}
        )
    assert not result.isError


async def test_tool_calls_are_journaled_beside_rest_requests(
    tools: ClientSession, rest: Rest, sandbox: RunningSandbox
) -> None:
    await tools.call_tool("get_order", {"tenantId": sandbox.tenant, "order_id": "ORD-1002"})
    rest.get_order("ORD-1002")
    newest = rest.raw("GET", "/__admin/requests", params={"limit": 5}).json()["requests"]
    assert (newest[0]["method"], newest[0]["path"], newest[0]["operation"]) == (
        "GET",
        "/orders/ORD-1002",
        "getOrder",
    )
    # The SDK's client may list the tools after a call (to check results): skip those.
    call = next(e for e in newest if e["operation"] == "mcp:get_order")
    assert (call["method"], call["path"]) == ("POST", "/mcp")
    assert (call["status"], call["tenant"]) == (200, sandbox.tenant)
    assert call["body"]["params"]["arguments"]["order_id"] == "ORD-1002"
    assert call["headers"]["Authorization"].endswith("***")  # masked as for REST


async def test_stdio_subprocess_serves_the_tools_on_its_own_sandbox(tmp_path: Path) -> None:
    async with stdio_session(tmp_path) as session:
        names = {tool.name for tool in (await session.list_tools()).tools}
        assert {"get_order", "list_orders", "ship_fulfillment_order"} <= names
        created = await session.call_tool(
            "create_order",
            {
                "tenantId": "acme-demo",
                "merchant": "ACME_FASHION",
                "partner_order_reference": "IO-1",
            },
        )
        order_id = orjson.loads(text_of(created))["order_id"]
        fetched = await session.call_tool(
            "get_order", {"tenantId": "acme-demo", "order_id": order_id}
        )
        assert text_of(fetched) == text_of(created)
        fixture = await session.call_tool(
            "get_order", {"tenantId": "acme-demo", "order_id": "ORD-1001"}
        )
        assert not fixture.isError  # its own sandbox starts from the bundled fixtures


async def test_a_tool_write_is_saved_to_the_state_file(tmp_path: Path) -> None:
    """`--state-file`: saved after a tool's write as after a REST write."""
    path = tmp_path / "state.json"
    running = start_sandbox(SandboxConfig(state_file=path))
    try:
        async with mcp_session(running.base_url, bearer_headers(running)) as tools:
            created = await tools.call_tool(
                "create_order",
                {
                    "tenantId": running.tenant,
                    "merchant": "ACME_HOME",
                    "partner_order_reference": "SAVED-BY-A-TOOL",
                },
            )
        order_id = orjson.loads(text_of(created))["order_id"]
        state_file = running.sandbox.state_file
        assert state_file is not None and state_file.wait_saved(WAIT)
        saved = orjson.loads(path.read_bytes())["tenants"][running.tenant]["orders"]
        assert order_id in {order["order_id"] for order in saved}
    finally:
        running.close()


async def test_stdio_on_a_team_sandbox_shares_its_orders_and_its_journal(tmp_path: Path) -> None:
    """`carriyo-sandbox mcp --store redis://...`: its tool writes are the HTTP sandbox's orders
    on that store, and its calls are in that sandbox's journal (method MCP)."""
    with redis_server(tmp_path / "redis") as server:
        team = start_sandbox(SandboxConfig(store=server.url))
        try:
            async with stdio_session(tmp_path, "--store", server.url) as session:
                created = await session.call_tool(
                    "create_order",
                    {
                        "tenantId": team.tenant,
                        "merchant": "ACME_FASHION",
                        "partner_order_reference": "FROM-STDIO",
                    },
                )
            order = orjson.loads(text_of(created))
            rest = httpx.Client(base_url=team.base_url, headers=bearer_headers(team), timeout=WAIT)
            fetched = rest.get(f"/orders/{order['order_id']}")
            assert fetched.status_code == 200 and fetched.json() == order
            entries = rest.get("/__admin/requests", params={"method": "MCP"}).json()["requests"]
            assert [(e["path"], e["operation"], e["status"]) for e in entries] == [
                ("/mcp", "mcp:create_order", 200)
            ]
            rest.close()
        finally:
            team.close()
