"""The MCP server (the official SDK's low-level `Server`): `tools/list` lists the catalogue,
`tools/call` runs a tool (calls.py) on a worker thread (a service call may wait on Redis; the
event loop keeps serving other calls meanwhile).

The low-level server, not FastMCP's decorators: the tools' parameters are the published tables
(catalogue.py), not Python signatures, and a refusal must be a tool error carrying the REST error
body, not an exception's message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import orjson
from mcp import types
from mcp.server.lowlevel import Server

from ..http.spec import Spec
from ..service import OrderService
from .calls import Outcome, call_tool
from .catalogue import TOOLS

NAME = "carriyo-sandbox"
FAMILY_META = "carriyo-sandbox/family"
"""The `_meta` entry of a listed tool naming its published family (`orders`,
`fulfillment-orders`)."""
INSTRUCTIONS = (
    "A local sandbox of Carriyo's Orders API. Every tool takes tenantId; order tools take "
    "order_id (with key=partner_order_reference to pass a partner reference). Results are the "
    "order exactly as the REST API returns it; a refusal is a tool error whose content is the "
    "REST error body (status, errors)."
)
TenantOf = Callable[[Any], str | None]
"""The authenticated tenant of the request carrying a call (the transport's request object:
a Starlette request over HTTP, None over stdio)."""
Listener = Callable[[str, dict[str, Any], Outcome, float], None]
"""Told of every call once it is answered, with its duration in seconds (stdio's journal)."""


def listed_tools() -> list[types.Tool]:
    """The catalogue as MCP tools, each with its family and whether it only reads."""
    return [
        types.Tool(
            name=tool.name,
            description=tool.description,
            inputSchema=tool.input_schema(),
            annotations=types.ToolAnnotations(
                readOnlyHint=tool.read_only, destructiveHint=not tool.read_only
            ),
            _meta={FAMILY_META: tool.family},
        )
        for tool in TOOLS
    ]


def tool_result(outcome: Outcome) -> types.CallToolResult:
    """The answer as a tool result: the JSON as text (what REST would send, byte for byte) and
    as structured content; a refusal is `isError`."""
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=outcome.payload.decode())],
        structuredContent=orjson.loads(outcome.payload),
        isError=outcome.refused,
    )


def build_server(
    service: OrderService,
    spec: Spec,
    tenant_of: TenantOf,
    listener: Listener | None = None,
) -> Server[Any, Any]:
    """An MCP server of the catalogue's tools over `service`."""
    server: Server[Any, Any] = Server(NAME, instructions=INSTRUCTIONS)
    tools = listed_tools()

    @server.list_tools()  # type: ignore[no-untyped-call,untyped-decorator]
    async def list_tools() -> list[types.Tool]:
        return tools

    @server.call_tool(validate_input=False)  # type: ignore[untyped-decorator]
    async def call(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        tenant = tenant_of(server.request_context.request)
        started = time.perf_counter()
        outcome = await anyio.to_thread.run_sync(
            call_tool, service, spec, name, arguments or {}, tenant
        )
        if listener is not None:
            listener(name, arguments or {}, outcome, time.perf_counter() - started)
        return tool_result(outcome)

    return server
