"""A sandbox running in this process, on a free loopback port, for tests (the pytest plugin's).

`start_sandbox()` starts one on the HTTP server (granian) in the background; the returned
`RunningSandbox` talks to it over HTTP, the way a test of an integration would: the admin API to
seed and inspect, and the public API for the lifecycle steps a test wants done for it (fulfil,
deliver, cancel).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

from ..app import create_app
from ..config import SandboxConfig
from ..domain.triggers import ORDER_TRIGGERS
from ..mcp.http import mount as mcp_mount
from ..sandbox import Sandbox
from .server import BackgroundServer

DEFAULT_API_KEY = "sandbox-test-key"
FALLBACK_TENANT = "sandbox-tenant"
# Straight to the sandbox on loopback, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SandboxHTTPError(Exception):
    """The sandbox refused a call of these helpers; `status` and `body` say why."""

    def __init__(self, method: str, path: str, status: int, body: bytes) -> None:
        super().__init__(f"{method} {path}: {status} {body.decode('utf-8', 'replace')[:500]}")
        self.status = status
        self.body = body


class RunningSandbox:
    """A started sandbox: where it listens, the headers of its API (a bearer token among them,
    as Carriyo requires one), and its admin controls."""

    def __init__(self, server: BackgroundServer, sandbox: Sandbox, tenant: str, api_key: str):
        self._server = server
        self.sandbox = sandbox
        self.base_url = server.url
        self.token_url = f"{server.url}/oauth/token"
        """Where an integration that fetches its own token asks (any client id and secret)."""
        self.tenant = tenant
        self.headers = {"x-api-key": api_key, "tenant-id": tenant, **self._bearer()}

    def _bearer(self) -> dict[str, str]:
        """`Authorization: Bearer <token>` from `POST /oauth/token`, unless the sandbox checks
        no token (`require_token=False`) or only knows the clients of its `clients`."""
        tokens = self.sandbox.tokens
        if not tokens.checked or tokens.clients is not None:
            return {}
        body = {"client_id": "pytest", "client_secret": "pytest"}
        issued = self._call("POST", "/oauth/token", body)
        return {"Authorization": f"Bearer {issued['access_token']}"}

    def seed_order(self, order: dict[str, Any], tenant: str | None = None) -> dict[str, Any]:
        """Store `order` as given (any ids and statuses) for `tenant` (default: `self.tenant`);
        returns the stored order."""
        stored: dict[str, Any] = self._call(
            "POST", "/__admin/orders", order, {"tenant-id": tenant or self.tenant}
        )
        return stored

    def reset(self) -> None:
        """Back to the fixtures baseline, with an empty journal, no armed fault and no webhook
        configuration."""
        self._call("POST", "/__admin/reset")
        self._call("DELETE", "/__admin/requests")
        self._call("DELETE", "/__admin/faults")
        for webhook in self._call("GET", "/__admin/webhooks/configurations")["configurations"]:
            self._call("DELETE", f"/__admin/webhooks/configurations/{webhook['id']}")

    def configure_webhook(
        self, url: str, triggers: list[str] | None = None, tenant: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Deliver the order webhooks of `tenant` (default: `self.tenant`) to `url`, as Carriyo
        does once its Dashboard is configured: `triggers` (default: all 18), and any other field
        of a configuration (`authentication`, `conditions`, ...); returns the configuration."""
        body = {
            "name": "pytest",
            "endpoint_url": url,
            "entity_type": "ORDER",
            "notify_status": list(ORDER_TRIGGERS) if triggers is None else triggers,
            **fields,
        }
        configured: dict[str, Any] = self._call(
            "POST", "/__admin/webhooks/configurations", body, {"tenant-id": tenant or self.tenant}
        )
        return configured

    def requests(self, **filters: str | int) -> list[dict[str, Any]]:
        """Journaled API requests, newest first; filters: `limit`, `path`, `status`, `method`."""
        entries: list[dict[str, Any]] = self._call("GET", "/__admin/requests", query=filters)[
            "requests"
        ]
        return entries

    def webhooks(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """Recorded webhook events with their deliveries, newest first."""
        query: dict[str, str | int] = {} if tenant is None else {"tenant": tenant}
        events: list[dict[str, Any]] = self._call("GET", "/__admin/webhooks", query=query)["events"]
        return events

    def fulfill(
        self,
        order_id: str,
        fo_id: str,
        lines: dict[str, int] | list[dict[str, Any]],
        *,
        skip_shipping: bool = False,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        """Fulfil `lines` of the FO (`{line item id: quantity}`, or the published `line_items`)
        through the public API (`POST .../fulfill`); returns the order, whose fulfilled lines
        carry the new shipment's id in `shipment_ids` (none with `skip_shipping`)."""
        items = (
            [{"id": line_id, "quantity": quantity} for line_id, quantity in lines.items()]
            if isinstance(lines, dict)
            else lines
        )
        query: dict[str, str | int] | None = {"skip_shipping": "true"} if skip_shipping else None
        order: dict[str, Any] = self._api(
            "POST",
            f"/orders/{order_id}/fulfillment-orders/{fo_id}/fulfill",
            {"line_items": items},
            tenant,
            query,
        )
        return order

    def deliver(
        self, shipment_id: str, *, order_id: str | None = None, tenant: str | None = None
    ) -> dict[str, Any]:
        """Tell the sandbox the shipment was delivered (page 004, `POST
        /orders/shipment-status-update`), which closes its lines; returns the order. The order is
        the one whose lines carry `shipment_id` unless `order_id` names it."""
        tenant = tenant or self.tenant
        order = self._order_of_shipment(shipment_id, tenant) if order_id is None else None
        if order is None:
            order = self._api("GET", f"/orders/{order_id}", tenant=tenant)
        payload = {
            "shipment_id": shipment_id,
            "references": {"partner_order_reference": order["partner_order_reference"]},
            "post_shipping_info": {"status": "delivered"},
        }
        delivered: dict[str, Any] = self._api(
            "POST", "/orders/shipment-status-update", payload, tenant
        )
        return delivered

    def cancel(
        self, order_id: str, reason: str = "CUSTOMER_CANCELLATION", tenant: str | None = None
    ) -> dict[str, Any]:
        """Cancel the order through the public API (`POST /orders/{id}/cancel`, one of the six
        published reasons); returns it."""
        order: dict[str, Any] = self._api(
            "POST", f"/orders/{order_id}/cancel", {"cancellation_reason": reason}, tenant
        )
        return order

    def close(self) -> None:
        """Stop the server and the sandbox's background threads."""
        self._server.stop()
        self.sandbox.close()

    def _order_of_shipment(self, shipment_id: str, tenant: str) -> dict[str, Any] | None:
        """The order of `tenant` one of whose lines carries `shipment_id`, from the state."""
        state = self._call("GET", "/__admin/state")
        for order in state["tenants"].get(tenant, {}).get("orders", []):
            for fo in order.get("fulfillment_orders", []):
                if any(shipment_id in line.get("shipment_ids", []) for line in fo["line_items"]):
                    found: dict[str, Any] = order
                    return found
        raise SandboxHTTPError("deliver", shipment_id, 404, b"no order carries that shipment")

    def _api(
        self,
        method: str,
        path: str,
        body: Any = None,
        tenant: str | None = None,
        query: dict[str, str | int] | None = None,
    ) -> Any:
        """A call of the public API with this sandbox's headers (another `tenant` if given)."""
        headers = {**self.headers, "tenant-id": tenant or self.tenant}
        return self._call(method, path, body, headers, query)

    def _call(
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
    """Start a sandbox (default options: bundled fixtures, admin API on) on a free loopback port,
    MCP at `/mcp` as `serve` has it. Its `tenant` is the first tenant of the fixtures."""
    app = create_app(config or SandboxConfig(), mounts=(mcp_mount,))
    sandbox: Sandbox = app.extensions["sandbox"]
    tenant = next(iter(sandbox.baseline["tenants"]), FALLBACK_TENANT)
    server = BackgroundServer(app).start()
    return RunningSandbox(server, sandbox, tenant, api_key)
