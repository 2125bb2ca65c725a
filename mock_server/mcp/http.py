"""MCP's streamable HTTP transport at `/mcp`, on the port and in the WSGI stack of the REST API.

The sandbox's servers (granian's WSGI worker, waitress) run WSGI, and the SDK's transport is
ASGI: `McpMount` sends `/mcp` to the SDK's session manager, stateless and answering in JSON
(each POST is one whole exchange, no session to keep, no stream held open), through a2wsgi's
ASGI-to-WSGI bridge, and every other path on to the REST app. It sits inside the journal (a tool
call is journaled beside REST requests, its `operation` `mcp:<tool>`) and outside the fault
injection (faults name REST operations). Each request is authenticated as a REST request is
(`http/auth.py`): the tool calls then act for that request's `tenant-id`.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, cast

import orjson
from a2wsgi import ASGIMiddleware
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from werkzeug.exceptions import RequestEntityTooLarge

from ..http.auth import authenticate
from ..http.errors import ApiError
from ..http.wsgi import OPERATION_KEY, request_path, take_body
from ..sandbox import Sandbox
from .catalogue import TOOLS
from .server import build_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MCP_PATH = "/mcp"
TENANT_HEADER = "tenant-id"
WRITES = frozenset(f"mcp:{tool.name}" for tool in TOOLS if not tool.read_only)
"""The journal operations of tool calls that may change orders: the state file is saved after
them (`--state-file`), as after a REST write."""


class SessionManagerApp:
    """The SDK's session manager as a plain ASGI app. The manager serves only inside its
    `run()` context (its task group); a2wsgi has no lifespan, so the first request opens that
    context in a task of a2wsgi's event loop, which holds it for the life of the process."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager
        self._running: asyncio.Event | None = None
        self._holder: asyncio.Task[None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._running is None:
            self._running = asyncio.Event()
            self._holder = asyncio.get_running_loop().create_task(self._hold(self._running))
        await self._running.wait()
        await self.manager.handle_request(scope, receive, send)

    async def _hold(self, running: asyncio.Event) -> None:
        async with self.manager.run():
            running.set()
            await asyncio.Event().wait()  # until the loop (a daemon thread's) ends


def request_tenant(request: Any) -> str | None:
    """The tenant-id of the HTTP request carrying a call (McpMount authenticated it)."""
    if request is None:
        return None
    tenant: str = request.headers.get(TENANT_HEADER, "").strip()
    return tenant


def operation_of(body: bytes) -> str:
    """What the journal names an MCP request by: `mcp:<tool>` for a tool call, else
    `mcp:<method>` (`mcp:initialize`, `mcp:tools/list`)."""
    with suppress(orjson.JSONDecodeError):
        message = orjson.loads(body)
        if isinstance(message, dict):
            params = message.get("params")
            if message.get("method") == "tools/call" and isinstance(params, dict):
                return f"mcp:{params.get('name')}"
            return f"mcp:{message.get('method')}"
    return "mcp"


class McpMount:
    """WSGI: `/mcp` to the MCP server (authenticated as REST is), every other path to `app`.
    The bridge and its event loop thread start at the first MCP request."""

    def __init__(self, app: WSGIApplication, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox
        self._bridge: WSGIApplication | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if request_path(environ).rstrip("/") != MCP_PATH:
            return self.app(environ, start_response)
        config = self.sandbox.config
        try:
            body = take_body(environ, config.max_body_bytes)
            environ[OPERATION_KEY] = operation_of(body)
            authenticate(config, self.sandbox.tokens, environ)
        except ApiError as exc:
            return refusal(exc, start_response)
        except RequestEntityTooLarge:
            return refusal(
                ApiError.of(413, "REQUEST_ENTITY_TOO_LARGE", "The body is too large"),
                start_response,
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        chunks = answered(self.bridge(), environ, start_response)
        if self.sandbox.state_file is not None and environ[OPERATION_KEY] in WRITES:
            self.sandbox.state_file.changed()  # as after a REST write (state_file.py)
        return chunks

    def bridge(self) -> WSGIApplication:
        """The SDK's transport behind a2wsgi (made once)."""
        with self._lock:
            if self._bridge is None:
                # The SDK logs every message at INFO; the sandbox's access log already has a line
                # per request (and `--quiet` must stay quiet).
                logging.getLogger("mcp.server").setLevel(logging.WARNING)
                server = build_server(self.sandbox.service, self.sandbox.spec, request_tenant)
                manager = StreamableHTTPSessionManager(server, json_response=True, stateless=True)
                self._bridge = cast("WSGIApplication", ASGIMiddleware(SessionManagerApp(manager)))
            return self._bridge


def answered(
    app: WSGIApplication, environ: WSGIEnvironment, start_response: StartResponse
) -> list[bytes]:
    """`app`'s whole answer, read before returning: a2wsgi calls `start_response` only once the
    body is iterated, and the journal around us reads the status when we return. A JSON answer
    is one small document, so nothing is lost by holding it."""
    chunks = app(environ, start_response)
    try:
        return list(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def refusal(error: ApiError, start_response: StartResponse) -> list[bytes]:
    """A refused MCP request as REST refuses one: its status, headers and `Error` body."""
    payload = orjson.dumps(error.body())
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    headers.extend(error.headers.items())
    start_response(f"{error.status} {STATUS_TEXT.get(error.status, 'Error')}", headers)
    return [payload]


STATUS_TEXT = {401: "Unauthorized", 403: "Forbidden", 413: "Content Too Large"}


def mount(app: WSGIApplication, sandbox: Sandbox) -> WSGIApplication:
    """`create_app`'s mount (`mounts=(mount,)`): the MCP transport in front of `app`."""
    return McpMount(app, sandbox)
