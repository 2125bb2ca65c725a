"""The response checker of conftest.py itself: it accepts what the spec documents and refuses
what it does not, so a passing HTTP test means a conforming response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import pytest
from werkzeug.test import EnvironBuilder, TestResponse

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.response_checker import ResponseChecker

ORDER = {"order_id": "O-1", "status": "open", "line_items": [], "fulfillment_orders": []}
ERROR = {"status": "400", "timestamp": "2030-01-01T00:00:00.000+00:00", "errors": ["x"]}
JSON = "application/json"
ETAG = {"ETag": '"v1"'}


def fake(
    method: str,
    path: str,
    status: int,
    body: Any = None,
    mimetype: str = JSON,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """A response as the test client would return it for `method path`."""
    data = b"" if body is None else body if isinstance(body, bytes) else orjson.dumps(body)
    request = EnvironBuilder(method=method, path=path).get_request()
    return TestResponse([data], status, headers or {}, request, mimetype=mimetype)


CONFORMING = [
    pytest.param(
        "GET",
        "/orders/O-1",
        fake("GET", "/orders/O-1", 200, ORDER, headers=ETAG),
        id="order-with-etag",
    ),
    pytest.param(
        "POST",
        "/orders/shipment-status-update",
        fake("POST", "/orders/shipment-status-update", 200, b"", "text/plain"),
        id="empty-shipment-answer",
    ),
    pytest.param("PATCH", "/orders/O-1", fake("PATCH", "/orders/O-1", 409, ERROR), id="409"),
    pytest.param("GET", "/nowhere", fake("GET", "/nowhere", 404, ERROR), id="unknown-path"),
    pytest.param(
        "DELETE",
        "/orders/O-1",
        fake("DELETE", "/orders/O-1", 405, ERROR, headers={"Allow": "GET, HEAD, PATCH"}),
        id="405",
    ),
    pytest.param("POST", "/__admin/reset", fake("POST", "/__admin/reset", 204), id="admin-204"),
]

NONCONFORMING = [
    pytest.param("GET", "/orders/O-1", fake("GET", "/orders/O-1", 200, ORDER), id="missing-etag"),
    pytest.param(
        "GET",
        "/orders/O-1",
        fake("GET", "/orders/O-1", 200, {**ORDER, "status": "done"}, headers=ETAG),
        id="bad-enum",
    ),
    pytest.param(
        "GET",
        "/orders/O-1",
        fake("GET", "/orders/O-1", 200, {"order_id": "O-1"}, headers=ETAG),
        id="missing-required",
    ),
    pytest.param(
        "GET",
        "/orders/O-1",
        fake("GET", "/orders/O-1", 200, ORDER, "text/html", ETAG),
        id="content-type",
    ),
    pytest.param(
        "GET", "/orders/O-1", fake("GET", "/orders/O-1", 409, ERROR), id="undocumented-status"
    ),
    pytest.param("GET", "/orders/O-1", fake("GET", "/orders/O-1", 500, ERROR), id="500"),
    pytest.param(
        "GET",
        "/orders/O-1",
        fake("GET", "/orders/O-1", 404, {"error": "x"}),
        id="not-an-error-body",
    ),
    pytest.param(
        "POST",
        "/orders/shipment-status-update",
        fake("POST", "/orders/shipment-status-update", 200, b"x", "text/plain"),
        id="non-empty-text",
    ),
    pytest.param("GET", "/nowhere", fake("GET", "/nowhere", 200, ORDER), id="unknown-path-200"),
    pytest.param(
        "DELETE",
        "/orders/O-1",
        fake("DELETE", "/orders/O-1", 405, ERROR, headers={"Allow": "GET"}),
        id="405-wrong-allow",
    ),
    pytest.param(
        "DELETE",
        "/orders/O-1",
        fake("DELETE", "/orders/O-1", 404, ERROR),
        id="undocumented-method-not-405",
    ),
    pytest.param(
        "POST",
        "/__admin/reset",
        fake("POST", "/__admin/reset", 204, ORDER),
        id="admin-204-with-body",
    ),
]


@pytest.mark.parametrize(("method", "path", "response"), CONFORMING)
def test_checker_accepts_documented_responses(
    checker: ResponseChecker, method: str, path: str, response: TestResponse
) -> None:
    checker.check(method, path, response)


@pytest.mark.parametrize(("method", "path", "response"), NONCONFORMING)
def test_checker_refuses_undocumented_responses(
    checker: ResponseChecker, method: str, path: str, response: TestResponse
) -> None:
    with pytest.raises(AssertionError):
        checker.check(method, path, response)


def test_literal_path_wins_over_template(checker: ResponseChecker) -> None:
    """`/orders/shipment-status-update` is its own path, not an `orderReference`."""
    path_item = checker.path_item("/orders/shipment-status-update")
    assert path_item is not None
    assert path_item.template == "/orders/shipment-status-update"


def test_client_checks_every_call(client: CheckedClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `client` fixture sends every response, of every method, through the checker."""
    seen: list[tuple[str, str, int]] = []
    check = client.checker.check

    def recording(method: str, path: str, response: TestResponse) -> None:
        seen.append((method, path, response.status_code))
        check(method, path, response)

    monkeypatch.setattr(client.checker, "check", recording)
    client.get("/orders/ORD-1001", query_string={"key": "order_id"})
    client.patch("/orders/ORD-1001", json={"language": "ar"})
    client.post("/orders", json={})
    client.delete("/orders/ORD-1001")
    assert seen == [
        ("GET", "/orders/ORD-1001", 200),
        ("PATCH", "/orders/ORD-1001", 200),
        ("POST", "/orders", 400),
        ("DELETE", "/orders/ORD-1001", 405),
    ]
