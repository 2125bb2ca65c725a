"""A sandbox running in this process, on a free loopback port, for tests (the pytest plugin's).

`start_sandbox()` starts one on the HTTP server (granian) in the background; the returned
`RunningSandbox` talks to it over HTTP, through the admin API, the way a test of an integration
would.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

from .app import create_app
from .config import SandboxConfig
from .sandbox import Sandbox
from .server import BackgroundServer

DEFAULT_API_KEY = "sandbox-test-key"
FALLBACK_TENANT = "sandbox-tenant"
# Straight to the sandbox on loopback, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SandboxHTTPError(Exception):
    """The sandbox refused an admin call; `status` and `body` say why."""

    def __init__(self, method: str, path: str, status: int, body: bytes) -> None:
        super().__init__(f"{method} {path}: {status} {body.decode('utf-8', 'replace')[:500]}")
        self.status = status
        self.body = body


class RunningSandbox:
    """A started sandbox: where it listens, the headers of its API, and its admin controls."""

    def __init__(self, server: BackgroundServer, sandbox: Sandbox, tenant: str, api_key: str):
        self._server = server
        self.sandbox = sandbox
        self.base_url = server.url
        self.tenant = tenant
        self.headers = {"x-api-key": api_key, "tenant-id": tenant}

    def seed_order(self, order: dict[str, Any], tenant: str | None = None) -> dict[str, Any]:
        """Store `order` as given (any ids and statuses) for `tenant` (default: `self.tenant`);
        returns the stored order."""
        stored: dict[str, Any] = self._admin(
            "POST", "/__admin/orders", order, {"tenant-id": tenant or self.tenant}
        )
        return stored

    def reset(self) -> None:
        """Back to the fixtures baseline, with an empty journal and no armed fault."""
        self._admin("POST", "/__admin/reset")
        self._admin("DELETE", "/__admin/requests")
        self._admin("DELETE", "/__admin/faults")

    def requests(self, **filters: str | int) -> list[dict[str, Any]]:
        """Journaled API requests, newest first; filters: `limit`, `path`, `status`, `method`."""
        entries: list[dict[str, Any]] = self._admin("GET", "/__admin/requests", query=filters)[
            "requests"
        ]
        return entries

    def webhooks(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """Recorded webhook events with their deliveries, newest first."""
        query: dict[str, str | int] = {} if tenant is None else {"tenant": tenant}
        events: list[dict[str, Any]] = self._admin("GET", "/__admin/webhooks", query=query)[
            "events"
        ]
        return events

    def close(self) -> None:
        """Stop the server and the sandbox's background threads."""
        self._server.stop()
        self.sandbox.close()

    def _admin(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str | int] | None = None,
    ) -> Any:
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(
            url,
            data=None if body is None else orjson.dumps(body),
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with OPENER.open(request, timeout=30) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise SandboxHTTPError(method, path, exc.code, exc.read()) from exc
        return orjson.loads(payload) if payload else None


def start_sandbox(
    config: SandboxConfig | None = None, api_key: str = DEFAULT_API_KEY
) -> RunningSandbox:
    """Start a sandbox (default options: bundled fixtures, admin API on) on a free loopback port.
    Its `tenant` is the first tenant of the fixtures."""
    app = create_app(config or SandboxConfig())
    sandbox: Sandbox = app.extensions["sandbox"]
    tenant = next(iter(sandbox.baseline["tenants"]), FALLBACK_TENANT)
    server = BackgroundServer(app).start()
    return RunningSandbox(server, sandbox, tenant, api_key)
