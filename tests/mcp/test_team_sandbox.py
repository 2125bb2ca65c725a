"""On a team sandbox (Redis), a tool's write on one sandbox is listed by `list_orders` on another
sharing the store: the listing reads the shared store, not a process's copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from mock_server.config import SandboxConfig
from mock_server.run.testing import RunningSandbox, start_sandbox
from tests.redis_server import redis_server

from .conftest import bearer_headers, mcp_session, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSandbox, ...]]:
    """Two sandboxes on one redis-server of this module's own."""
    with redis_server(Path(tmp_path_factory.mktemp("redis"))) as server:
        first = start_sandbox(SandboxConfig(store=server.url))
        second = start_sandbox(SandboxConfig(store=server.url))
        try:
            yield first, second
        finally:
            first.close()
            second.close()


async def test_a_write_on_one_sandbox_is_listed_by_the_other(
    pair: tuple[RunningSandbox, RunningSandbox],
) -> None:
    first, second = pair
    tenant = first.tenant
    async with mcp_session(first.base_url, bearer_headers(first)) as tools:
        for n in range(3):
            created = await tools.call_tool(
                "create_order",
                {
                    "tenantId": tenant,
                    "merchant": "ACME_HOME",
                    "partner_order_reference": f"TEAM-MCP-{n}",
                },
            )
            assert not created.isError, text_of(created)
    async with mcp_session(second.base_url, bearer_headers(second)) as tools:
        listing = await tools.call_tool(
            "list_orders",
            {"tenantId": tenant, "search": "team-mcp", "sort_by": "partner_order_reference"},
        )
    page = orjson.loads(text_of(listing))
    assert [o["partner_order_reference"] for o in page["orders"]] == [
        "TEAM-MCP-2",
        "TEAM-MCP-1",
        "TEAM-MCP-0",
    ]
