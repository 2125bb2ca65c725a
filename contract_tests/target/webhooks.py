"""The target's order webhooks, where the suite can see them: a receiver on loopback, registered
as a webhook configuration through the sandbox's admin API (`POST /__admin/webhooks/
configurations`). A remote tenant's webhooks are configured in Carriyo's Dashboard and go where it
says, so only a loopback target in admin seed mode is observed; the webhook tests skip otherwise.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .client import ApiClient

ORDER_TRIGGERS = (
    "ORDER_CREATE",
    "ORDER_UPDATE",
    "ORDER_CANCEL",
    "ORDER_CLOSED",
    "ORDER_SHIPMENT_STATUS_UPDATE",
    "FULFILLMENT_ORDER_FULFILL",
    "FULFILLMENT_ORDER_UNFULFILL",
    "FULFILLMENT_ORDER_ALLOCATE",
    "FULFILLMENT_ORDER_MERGE",
    "FULFILLMENT_ORDER_SPLIT",
    "FULFILLMENT_ORDER_UPDATE_LOCATION",
    "FULFILLMENT_ORDER_UPDATE_ADDRESS",
    "FULFILLMENT_ORDER_UPDATE_DELIVERY_METHOD",
    "FULFILLMENT_ORDER_UPDATE_SCHEDULE",
    "FULFILLMENT_ORDER_SHIP_LINE_ITEMS",
    "FULFILLMENT_ORDER_CANCEL_LINE_ITEMS",
    "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_REFERENCES",
    "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
)
"""reference/order-webhook-events' catalogue."""
WAIT_SECONDS = 10.0


class Receiver:
    """Records every POST (headers by lower-case name, the body parsed when it is JSON) and
    answers 200."""

    def __init__(self) -> None:
        self._calls: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._arrived:
                    receiver._calls.append({"headers": headers, "body": body, "raw": raw})
                    receiver._arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def about(self, order_id: str, update_date: str, trigger: str) -> list[dict[str, Any]]:
        """The calls that name `order_id` and `update_date` (the order after a change), once one
        has the `trigger` header, or those that came within WAIT_SECONDS."""
        needles = (json.dumps(order_id).encode(), json.dumps(update_date).encode())

        def matching() -> list[dict[str, Any]]:
            return [c for c in self._calls if all(needle in c["raw"] for needle in needles)]

        with self._arrived:
            self._arrived.wait_for(
                lambda: any(c["headers"].get("trigger") == trigger for c in matching()),
                WAIT_SECONDS,
            )
            return [{"headers": c["headers"], "body": c["body"]} for c in matching()]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def register(api: ApiClient, url: str) -> str:
    """A configuration of the client's tenant sending every order trigger to `url`; its id."""
    body = {
        "name": "contract suite",
        "endpoint_url": url,
        "entity_type": "ORDER",
        "notify_status": list(ORDER_TRIGGERS),
    }
    created = api.request("POST", "/__admin/webhooks/configurations", body=body)
    if created.status != 201 or not isinstance(created.json, dict):
        raise RuntimeError(f"registering the webhook was answered {created.status}")
    return str(created.json["id"])


def unregister(api: ApiClient, webhook_id: str) -> None:
    api.request("DELETE", f"/__admin/webhooks/configurations/{webhook_id}")
