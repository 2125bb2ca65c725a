"""A Flask test client of a fresh sandbox whose every response is checked against the spec,
with the shortcuts the HTTP tests share (read an order, seed one, assert nothing changed)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partialmethod
from typing import Any

import orjson
from flask import Flask
from werkzeug.test import TestResponse

from mock_server.clock import published_timestamp
from mock_server.domain import derive_fo_status, derive_order_status
from mock_server.events import triggers_of
from mock_server.sandbox import Sandbox
from tests.sandbox.response_checker import ResponseChecker

Json = dict[str, Any]

TENANT = "acme-demo"
AUTH = {"x-api-key": "k", "tenant-id": TENANT}
CLOCK_START = datetime(2030, 1, 1, tzinfo=UTC)


def bearer(sandbox: Sandbox) -> str:
    """`Bearer <token>`, a token issued straight by the sandbox's token service (any client)."""
    issued = sandbox.tokens.issue("tests", "secret")
    assert issued is not None
    return f"Bearer {issued.access_token}"


def api_headers(app: Flask) -> dict[str, str]:
    """What an `/orders` request of tenant `acme-demo` carries to `app`: key, tenant, token."""
    return {**AUTH, "Authorization": bearer(app.extensions["sandbox"])}


class Clock:
    """A deterministic clock for the service: one second later at every call."""

    def __init__(self) -> None:
        self.calls = 0
        self.last: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.calls += 1
            moment = CLOCK_START + timedelta(seconds=self.calls)
            self.last = published_timestamp(moment.timestamp())
            return self.last


class CheckedClient:
    """A Flask test client with default auth headers whose every response is spec-checked.

    `headers` given to a call are merged over the defaults; a `None` value removes that header.
    When the sandbox checks tokens of any client (its default), the defaults carry one, issued
    straight by its token service so that the journal starts empty (the HTTP face of
    `POST /oauth/token` has its own tests).
    """

    def __init__(self, app: Flask, checker: ResponseChecker, headers: Mapping[str, str]) -> None:
        self.app = app
        self.checker = checker
        self.headers = dict(headers)
        self.clock = Clock()
        self.sandbox.service.clock = self.clock
        self._client = app.test_client()
        tokens = self.sandbox.tokens
        if tokens.checked and tokens.clients is None and "Authorization" not in self.headers:
            self.headers["Authorization"] = bearer(self.sandbox)

    @property
    def sandbox(self) -> Sandbox:
        return self.app.extensions["sandbox"]  # type: ignore[no-any-return]

    def open(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        merged = {**self.headers, **(headers or {})}
        sent = {name: value for name, value in merged.items() if value is not None}
        response = self._client.open(path, method=method, headers=sent, **kwargs)
        self.checker.check(method, response.request.path, response)
        return response

    get = partialmethod(open, "GET")
    post = partialmethod(open, "POST")
    patch = partialmethod(open, "PATCH")
    put = partialmethod(open, "PUT")
    delete = partialmethod(open, "DELETE")

    # ------------------------------------------------------------------ shortcuts
    def order(self, reference: str, key: str | None = None) -> tuple[Json, str]:
        """GET an order (must be 200): its body and its ETag."""
        query = {"key": key} if key else None
        response = self.get(f"/orders/{reference}", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json(), response.headers["ETag"]

    def seed(self, order: Json, tenant: str = TENANT) -> Json:
        """Store `order` as given through `POST /__admin/orders` (must be 201)."""
        response = self.post("/__admin/orders", json=order, headers={"tenant-id": tenant})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def events(self) -> list[Json]:
        """Recorded events, newest first, as JSON sends them (their triggers a list, as the
        admin API lists them)."""
        events = orjson.loads(orjson.dumps(self.sandbox.events.list()))
        return [{**event, "triggers": triggers_of(event)} for event in events]

    def stored(self) -> dict[str, list[Json]]:
        """A deep copy of every tenant's stored orders."""
        store = self.sandbox.store
        return copy.deepcopy({tenant: store.orders(tenant) for tenant in store.tenants()})

    @contextmanager
    def unchanged(self, *references: str) -> Iterator[None]:
        """Assert that the block changes nothing (docs/behaviour.md: a request that fails changes
        nothing): GET of each reference gives the same body and ETag, no order of any tenant
        differs, and no event is recorded."""
        before = [self.order(reference) for reference in references]
        stored, events = self.stored(), len(self.events())
        yield
        assert [self.order(reference) for reference in references] == before
        assert self.stored() == stored
        assert len(self.events()) == events

    def assert_changed(self, response: TestResponse, before: tuple[Json, str], event: str) -> Json:
        """A successful change (page 002/001/003/000/004 and ours): 200, `update_date` stamped now,
        statuses re-derived (domain `status.py`), a new ETag that GET also returns, and one event
        firing the order webhook trigger `event` (among others it may fire) carrying the order as
        returned and the order before it. Returns the response body."""
        assert response.status_code == 200, response.get_json()
        body: Json = response.get_json()
        assert body["update_date"] == self.clock.last != before[0]["update_date"]
        self.assert_statuses_derived(body)
        assert response.headers["ETag"] != before[1]
        assert self.order(body["order_id"]) == (body, response.headers["ETag"])
        newest = self.events()[0]
        assert event in newest["triggers"]
        assert (newest["order_id"], newest["order"], newest["old_order"]) == (
            body["order_id"],
            body,
            before[0],
        )
        return body

    @staticmethod
    def error_fields(response: TestResponse) -> list[str | None]:
        """The `field` of every `error_details` entry of an `Error` response."""
        return [detail.get("field") for detail in response.get_json()["error_details"]]

    @staticmethod
    def assert_statuses_derived(order: Json) -> None:
        """Every FO status and the order status follow the published roll-up (the domain's
        `status.py`)."""
        for fo in order["fulfillment_orders"]:
            assert fo["status"] == derive_fo_status(fo), fo
        if order["status"] != "cancelled":
            fo_statuses = [fo["status"] for fo in order["fulfillment_orders"]]
            assert order["status"] == derive_order_status(fo_statuses), order
