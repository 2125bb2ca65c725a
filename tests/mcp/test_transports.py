"""The transports: `/mcp` authenticated as REST is and journaled beside it, and
`carriyo-sandbox mcp` over stdio as a desktop agent starts it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import orjson
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from mock_server.config import SandboxConfig, parse_clients
from mock_server.run.testing import RunningSandbox, start_sandbox

from .conftest import WAIT, Rest, mcp_session, text_of

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
        f"{strict.base_url}/mcp", json=INITIALIZE, headers={**strict.headers, **MCP_ACCEPT}
    )
    assert tokenless.status_code == 401
    assert tokenless.headers["WWW-Authenticate"].startswith("Bearer")
    issued = httpx.post(
        f"{strict.base_url}/oauth/token", json={"client_id": "agent", "client_secret": "s3cret"}
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
    command = StdioServerParameters(
        command=str(Path(sys.executable).with_name("carriyo-sandbox")),  # the installed script
        args=["mcp"],
        cwd=str(tmp_path),
    )
    with anyio.fail_after(WAIT * 2):
        async with (
            stdio_client(command) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
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
