"""Every error of the public API answers the published body (`api/conventions`, "Error
responses"): `status` (the HTTP code as a string), `timestamp` (ISO-8601 with milliseconds and an
offset) and `errors` (`"field : message"` strings), with the sandbox's `error_details` beside it
(docs/behaviour.md) — whether the refusal comes from validation, a domain rule, routing, the body
limit, a fault or an unexpected failure. One builder (`mock_server.http.errors.error_body`) makes
them all."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.test import TestResponse

from mock_server.app import create_app
from mock_server.config import SandboxConfig
from tests.sandbox.client import api_headers

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

PUBLISHED_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


def assert_published_error(response: TestResponse, status: int) -> dict[str, Any]:
    """The body of an error answer, checked against the published shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert body["status"] == str(status)
    assert PUBLISHED_TIMESTAMP.match(body["timestamp"]), body["timestamp"]
    assert datetime.fromisoformat(body["timestamp"]).utcoffset() is not None
    assert body["errors"] == [
        f"{detail['field']} : {detail['message']}" if "field" in detail else detail["message"]
        for detail in body["error_details"]
    ]
    assert body["errors"], body
    return body


Send = Callable[["CheckedClient"], TestResponse]
REFUSALS: list[tuple[str, int, Send]] = [
    (
        "schema",
        400,
        lambda c: c.patch("/orders/ORD-1001", json={"language": 5}),
    ),
    (
        "domain rule",
        400,
        lambda c: c.patch(
            "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-location",
            json={"location_id": "NOWHERE"},
        ),
    ),
    ("unknown order", 404, lambda c: c.get("/orders/NO-SUCH-ORDER")),
    ("unknown route", 404, lambda c: c.get("/nowhere")),
    ("method", 405, lambda c: c.open("DELETE", "/orders/ORD-1001")),
    (
        "stale If-Match",
        409,
        lambda c: c.patch("/orders/ORD-1001", json={"language": "ar"}, headers={"If-Match": '"x"'}),
    ),
]


@pytest.mark.parametrize(
    ("status", "send"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refusals_answer_the_published_error_body(
    client: CheckedClient, status: int, send: Send
) -> None:
    assert_published_error(send(client), status)


def test_a_field_error_reads_field_colon_message(client: CheckedClient) -> None:
    """The published example's form: `"partner_shipment_reference : must not be blank"`."""
    body = assert_published_error(client.patch("/orders/ORD-1001", json={"language": 5}), 400)
    assert body["errors"][0].startswith("language : ")


def test_a_body_over_the_limit_answers_the_published_error_body(
    make_client: ClientFactory,
) -> None:
    client = make_client(SandboxConfig(max_body_bytes=64))
    response = client.patch("/orders/ORD-1001", json={"language": "a" * 100})
    assert_published_error(response, 413)


def test_a_fault_answers_the_published_error_body() -> None:
    """(A plain test client: the checked one refuses any 5xx.)"""
    app = create_app(SandboxConfig())
    client = app.test_client()
    armed = client.post("/__admin/faults", json={"operation": "getOrder", "status": 503})
    assert armed.status_code == 201
    assert_published_error(client.get("/orders/ORD-1001", headers=api_headers(app)), 503)


def test_an_unexpected_failure_answers_the_published_error_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug in the sandbox still answers a body a client can read (500), never an HTML page."""
    app = create_app(SandboxConfig())

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.extensions["sandbox"].service, "get", broken)
    response = app.test_client().get("/orders/ORD-1001", headers=api_headers(app))
    body = assert_published_error(response, 500)
    assert body["error_details"] == [{"code": "INTERNAL_ERROR", "message": "Internal error"}]
