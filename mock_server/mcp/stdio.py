"""`carriyo-sandbox mcp`: the tools over stdio, for desktop agents that start their MCP servers
as subprocesses. The process holds its own sandbox (in memory, from the fixtures), or with
`--store redis://...` the team sandbox every other process on that Redis shares.

Nothing authenticates over stdio: the agent started this process itself, so `tenantId` alone
names the tenant. Each tool call is journaled (`/__admin/requests` of a sandbox sharing the
store shows it) as method `MCP`, path `/mcp`, operation `mcp:<tool>`, with the status of the
answer REST would have sent.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import anyio
import orjson
from mcp.server.stdio import stdio_server

from ..config import SandboxConfig
from ..controls.journal import RequestJournal
from ..sandbox import Sandbox
from .calls import Outcome
from .server import Listener, build_server

JOURNAL_METHOD = "MCP"
JOURNAL_PATH = "/mcp"


def journaling(journal: RequestJournal) -> Listener:
    """A listener recording each stdio tool call in `journal`, beside the REST requests."""

    def record(name: str, arguments: dict[str, Any], outcome: Outcome, seconds: float) -> None:
        status = int(orjson.loads(outcome.payload)["status"]) if outcome.refused else 200
        body = orjson.dumps(
            {"method": "tools/call", "params": {"name": name, "arguments": arguments}}
        )
        tenant = arguments.get("tenantId")
        journal.add(  # in the order of journal.FIELDS
            time.time() - seconds,
            round(seconds * 1000, 3),
            JOURNAL_METHOD,
            JOURNAL_PATH,
            b"",
            (),
            body,
            False,
            status,
            tenant if isinstance(tenant, str) else None,
            f"mcp:{name}",
            None,
        )

    return record


def serve_stdio(config: SandboxConfig) -> int:
    """Serve the tools on stdin/stdout until the agent closes them. Logs go to stderr: stdout
    carries the protocol."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sandbox = Sandbox(config)
    server = build_server(
        sandbox.service, sandbox.spec, lambda _request: None, journaling(sandbox.journal)
    )

    async def run() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    try:
        anyio.run(run)
    finally:
        sandbox.close()
    return 0
