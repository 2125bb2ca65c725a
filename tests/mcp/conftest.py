"""A sandbox on loopback for the MCP tests, the SDK's own client to reach it, and REST beside it
with the same credentials (a bearer token from /oauth/token, x-api-key, tenant-id)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from mock_server.run.testing import RunningSandbox, start_sandbox

WAIT = 30
"""Seconds any one exchange may take before the test fails (a hung server fails, not hangs)."""
REFERENCES = itertools.count(1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="package")
def sandbox() -> Iterator[RunningSandbox]:
    running = start_sandbox()
    try:
        yield running
    finally:
        running.close()


def bearer_headers(running: RunningSandbox) -> dict[str, str]:
    """`running`'s REST headers with a bearer token of its own, as every API request carries."""
    answer = httpx.post(
        f"{running.base_url}/oauth/token",
        json={"client_id": "any", "client_secret": "any"},
        timeout=WAIT,
    )
    answer.raise_for_status()
    return {**running.headers, "Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="package")
def headers(sandbox: RunningSandbox) -> dict[str, str]:
    return bearer_headers(sandbox)


class Rest:
    """The REST API of the same sandbox, with the same headers."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=WAIT)

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, **kwargs)

    def get_order(self, order_id: str) -> bytes:
        answer = self.raw("GET", f"/orders/{order_id}")
        assert answer.status_code == 200, answer.text
        return answer.content


@pytest.fixture
def rest(sandbox: RunningSandbox, headers: dict[str, str]) -> Iterator[Rest]:
    api = Rest(sandbox.base_url, headers)
    yield api
    api.client.close()


@asynccontextmanager
async def mcp_session(base_url: str, headers: dict[str, str]) -> AsyncIterator[ClientSession]:
    """An initialized session of the SDK's streamable-HTTP client on the sandbox's `/mcp`."""
    with anyio.fail_after(WAIT):
        async with (
            httpx.AsyncClient(headers=headers, timeout=WAIT) as http,
            streamable_http_client(f"{base_url}/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


@asynccontextmanager
async def stdio_session(cwd: Path, *args: str) -> AsyncIterator[ClientSession]:
    """An initialized session of the SDK's stdio client on `carriyo-sandbox mcp ARGS`, the
    installed script, started in `cwd` as a desktop agent starts it."""
    command = StdioServerParameters(
        command=str(Path(sys.executable).with_name("carriyo-sandbox")),
        args=["mcp", *args],
        cwd=str(cwd),
    )
    with anyio.fail_after(WAIT * 2):
        async with (
            stdio_client(command) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


@pytest.fixture
async def tools(sandbox: RunningSandbox, headers: dict[str, str]) -> AsyncIterator[ClientSession]:
    async with mcp_session(sandbox.base_url, headers) as session:
        yield session


def unique_reference(prefix: str) -> str:
    """A partner_order_reference no other test of the session uses."""
    return f"{prefix}-{next(REFERENCES):05d}"


def text_of(result: CallToolResult) -> str:
    """The JSON text of a tool's answer (its one content block)."""
    (block,) = result.content
    assert block.type == "text"
    return block.text
