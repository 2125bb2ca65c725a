"""A small HTTP client for the target that keeps every exchange (oracle/exchange.py) so failures
can show them."""

from __future__ import annotations

import json
import urllib.request
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..oracle.exchange import Exchange
from .auth import TokenSource

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
TIMEOUT = 30.0


def _path(*segments: str) -> str:
    return "/" + "/".join(quote(segment, safe="") for segment in segments)


def session_for(base_url: str) -> requests.Session:
    """A session; for a loopback target it ignores proxy settings of the environment."""
    session = requests.Session()
    if urlsplit(base_url).hostname in LOOPBACK:
        session.trust_env = False
    return session


class ApiClient:
    """The public operations of `openapi.yaml` and the three admin seeding calls; with `tokens`,
    every request carries the bearer token, and a 401 is retried once with a new one."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        tenant: str,
        tokens: TokenSource | None = None,
        session: requests.Session | None = None,
        history: deque[Exchange] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.tenant = tenant
        self.tokens = tokens
        self.session = session or session_for(self.base_url)
        self.history: deque[Exchange] = history if history is not None else deque(maxlen=50)

    def for_tenant(self, tenant: str) -> ApiClient:
        """The same target and credentials, another tenant."""
        return ApiClient(
            self.base_url, self.api_key, tenant, self.tokens, self.session, self.history
        )

    def headers(self) -> dict[str, str]:
        """What every request carries: the key, the tenant and (with tokens) the token."""
        token = self.tokens.headers() if self.tokens is not None else {}
        return {"x-api-key": self.api_key, "tenant-id": self.tenant, **token}

    @property
    def last(self) -> Exchange:
        return self.history[-1]

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        omit: Iterable[str] = (),
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request with the credentials (minus `omit`) and `headers`, and record the
        exchange. A 401 with a renewable token is sent again, once, with a new token."""
        response = self._send(method, path, body, params, omit, headers)
        sent_token = "authorization" not in {name.lower() for name in omit}
        if response.status_code == 401 and sent_token and self.tokens and self.tokens.refused():
            response = self._send(method, path, body, params, omit, headers)
        exchange = Exchange(
            method,
            response.request.url or self.base_url + path,
            dict(response.request.headers),
            body,
            response.status_code,
            dict(response.headers),
            response.text,
        )
        self.history.append(exchange)
        return exchange

    def _send(
        self,
        method: str,
        path: str,
        body: Any,
        params: dict[str, str] | None,
        omit: Iterable[str],
        headers: dict[str, str] | None,
    ) -> requests.Response:
        sent = {**self.headers(), **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        for name in omit:
            sent.pop(name, None)
        return self.session.request(
            method,
            self.base_url + path,
            params=params,
            data=None if body is None else json.dumps(body),
            headers=sent,
            timeout=TIMEOUT,
        )

    # ------------------------------------------------------------ public operations
    def create_order(self, body: dict[str, Any]) -> Exchange:
        return self.request("POST", "/orders", body=body)

    def get_order(self, reference: str, key: str | None = None) -> Exchange:
        return self.request("GET", _path("orders", reference), params=_key(key))

    def update_order(
        self,
        reference: str,
        body: Any,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Page 002."""
        path = _path("orders", reference)
        return self.request("PATCH", path, body=body, params=_key(key), headers=headers)

    def update_fulfillment_order(
        self, operation: str, reference: str, fo_id: str, body: Any, key: str | None = None
    ) -> Exchange:
        """PATCH `…FO/{operation}`: update-location, update-schedule, update-partner-references
        (pages 001, 003, 000), update-delivery-method or update-address (published); the FO
        itself for UPDATE_FULFILLMENT_ORDER (published, deprecated)."""
        segments = [operation] if operation else []
        path = _path("orders", reference, "fulfillment-orders", fo_id, *segments)
        return self.request("PATCH", path, body=body, params=_key(key))

    def notify_shipment(self, body: Any) -> Exchange:
        """Page 004."""
        return self.request("POST", "/orders/shipment-status-update", body=body)

    # ------------------------------------------------------------ the published lifecycle
    def act_on_fulfillment_order(
        self,
        operation: str,
        reference: str,
        fo_id: str,
        body: Any,
        params: dict[str, str] | None = None,
        key: str | None = None,
    ) -> Exchange:
        """POST `…FO/{operation}`: FULFILL, SHIP, UNFULFILL, SPLIT or CANCEL_LINE_ITEMS, with
        query `params` (create_draft_shipment, skip_shipping)."""
        path = _path("orders", reference, "fulfillment-orders", fo_id, operation)
        return self.request("POST", path, body=body, params={**(params or {}), **_query(key)})

    def merge_fulfillment_orders(
        self, reference: str, body: Any, key: str | None = None
    ) -> Exchange:
        """merge-fulfillment-orders: `source` and `destination`."""
        path = _path("orders", reference, "fulfillment-orders", "merge")
        return self.request("POST", path, body=body, params=_key(key))

    def cancel_order(self, reference: str, body: Any, key: str | None = None) -> Exchange:
        """cancel-order: `cancellation_reason`."""
        return self.request(
            "POST", _path("orders", reference, "cancel"), body=body, params=_key(key)
        )

    def redact_order(self, reference: str, key: str | None = None) -> Exchange:
        """redact-order (no body)."""
        return self.request("POST", _path("orders", reference, "redact"), params=_key(key))

    def change_logs(
        self, reference: str, sort_order: str | None = None, key: str | None = None
    ) -> Exchange:
        """list-order-change-logs (`sort_order` ASC or DESC)."""
        params = {**({"sort_order": sort_order} if sort_order else {}), **_query(key)}
        return self.request("GET", _path("orders", reference, "change-logs"), params=params)

    # ------------------------------------------------------------ system logs
    def add_system_log(self, reference: str, body: Any, key: str | None = None) -> Exchange:
        """add-order-system-log."""
        path = _path("orders", reference, "system-logs")
        return self.request("POST", path, body=body, params=_key(key))

    def system_log_url(self, reference: str, identifier: str, key: str | None = None) -> Exchange:
        """get-order-system-log-detail-url: the URL, as a JSON string."""
        path = _path("orders", reference, "system-logs", identifier)
        return self.request("GET", path, params=_key(key))

    def download(self, url: str) -> Any:
        """What a system log's detail URL holds, as JSON (None when it cannot be had or is not
        JSON): fetched without credentials, as a pre-signed URL is; a `data:` URL is read as it
        is."""
        try:
            if url.startswith("data:"):
                with urllib.request.urlopen(url) as held:  # a data: URL: nothing is fetched
                    return json.loads(held.read())
            return requests.get(url, timeout=TIMEOUT).json()
        except (OSError, ValueError, requests.RequestException):
            return None

    # ------------------------------------------------------------ the Inventory API
    def import_inventory_events(self, events: list[dict[str, Any]], request_id: str) -> Exchange:
        """bulk-import-inventory-events, the batch named by `request_id`."""
        return self.request(
            "POST", "/inventory-events", body=events, headers={"request-id": request_id}
        )

    def get_inventory(self, product_id: str) -> Exchange:
        return self.request("GET", _path("inventory", "product-id", product_id))

    def inventory_batch(self, request_id: str) -> Exchange:
        return self.request("GET", _path("inventory-events", "request-id", request_id))

    def inventory_history(self, product_id: str) -> Exchange:
        return self.request("GET", _path("inventory-events", "product-id", product_id))

    # ------------------------------------------------------------ admin seeding
    def seed_product(self, product_id: str) -> Exchange:
        """A product of this client's tenant (the Inventory API refuses events of unknown
        products, and no published API creates one)."""
        return self.request("POST", "/__admin/products", body={"product_id": product_id})

    def set_inventory_settings(self, settings: dict[str, Any]) -> Exchange:
        """This client's tenant's inventory management setting."""
        return self.request("PUT", "/__admin/inventory/settings", body=settings)

    def drain_inventory(self) -> Exchange:
        """Every queued inventory event applied before the answer."""
        return self.request("POST", "/__admin/inventory/drain")

    def seed_order(self, order: dict[str, Any]) -> Exchange:
        """An order of this client's tenant (the `tenant-id` header), stored as given."""
        return self.request("POST", "/__admin/orders", body=order)

    def seed_location(self, location: dict[str, str]) -> Exchange:
        """A location of this client's tenant (the `tenant-id` header): locations belong to a
        tenant, as orders do."""
        return self.request("POST", "/__admin/locations", body=location)


def _key(key: str | None) -> dict[str, str] | None:
    return None if key is None else {"key": key}


def _query(key: str | None) -> dict[str, str]:
    return _key(key) or {}


UPDATE_LOCATION = "update-location"
UPDATE_SCHEDULE = "update-schedule"
UPDATE_PARTNER_REFERENCES = "update-partner-references"
UPDATE_DELIVERY_METHOD = "update-delivery-method"
UPDATE_ADDRESS = "update-address"
UPDATE_FULFILLMENT_ORDER = ""
"""The PATCH operations of `update_fulfillment_order` (pages 001, 003, 000, the published
delivery method and address updates, and the deprecated PATCH of the FO itself)."""
FULFILL = "fulfill"
SHIP = "ship"
UNFULFILL = "unfulfill"
SPLIT = "split"
CANCEL_LINE_ITEMS = "cancel"
"""The POST operations of `act_on_fulfillment_order` (api/orders/operation/*)."""
