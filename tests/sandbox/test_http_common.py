"""HTTP rules common to every `/orders` operation (docs/behaviour.md, common to every operation;
pages 000-004 list `x-api-key`, `tenant-id` and the `key` query parameter on every operation).

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from mock_server.config import SandboxConfig

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory
    from tests.sandbox.operations import Operation

OTHER_TENANT = "globex-demo"


# ---------------------------------------------------------------- authentication
@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-api-key", None),
        ("x-api-key", ""),
        ("x-api-key", "   "),
        ("tenant-id", None),
        ("tenant-id", ""),
    ],
    ids=["no-key", "empty-key", "blank-key", "no-tenant", "empty-tenant"],
)
def test_missing_credentials_are_403_naming_the_header(
    client: CheckedClient, operation: Operation, header: str, value: str | None
) -> None:
    """Both headers are required on every page; a missing API key or tenant id is a 403
    (published: reference/validation-errors), an `Error` naming the header."""
    with client.unchanged("ORD-1001"):
        response = operation.send(client, headers={header: value})
    assert response.status_code == 403
    assert client.error_fields(response) == [header]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic a2V5OnNlY3JldA==", "Bearer"],
    ids=["no-token", "unknown-bearer", "basic", "empty-bearer"],
)
def test_the_default_mode_refuses_a_request_without_a_live_token(
    client: CheckedClient, operation: Operation, authorization: str | None
) -> None:
    """As on Carriyo (api/authentication, reference/validation-errors), a missing or unknown
    bearer token is a 401 naming `Authorization`, with the challenge, and nothing changes."""
    with client.unchanged("ORD-1001"):
        response = operation.send(client, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert client.error_fields(response) == ["Authorization"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"], ids=["none", "unknown"])
def test_no_auth_serves_without_a_token(
    make_client: ClientFactory, operation: Operation, authorization: str | None
) -> None:
    """`--no-auth` (the sandbox's open mode): no token is asked for, and one sent is not read."""
    client = make_client(SandboxConfig(require_token=False))
    assert "Authorization" not in client.headers
    assert operation.send(client, headers={"Authorization": authorization}).status_code == 200


def test_orders_of_another_tenant_are_not_found(
    client: CheckedClient, order_operation: Operation
) -> None:
    """Orders belong to the tenant that created them: another tenant gets 404, both ways."""
    with client.unchanged("ORD-1001"):
        as_globex = order_operation.send(client, headers={"tenant-id": OTHER_TENANT})
        assert as_globex.status_code == 404
        as_acme = order_operation.send(client, order="GLX-5001", fo="FO-5001-A")
        assert as_acme.status_code == 404


def test_shipment_for_another_tenants_reference_is_an_empty_200(client: CheckedClient) -> None:
    """Page 004: no order with that reference *in the caller's tenant* -> empty body."""
    with client.unchanged("ORD-1001"):
        response = client.post(
            "/orders/shipment-status",
            json={
                "references": {"partner_order_reference": "GLX-WEB-5001"},
                "post_shipping_info": {"status": "delivered"},
            },
        )
    assert (response.status_code, response.data) == (200, b"")


STRICT_KEYS = {"k1": "t1", "k2": "acme-demo"}


@pytest.mark.parametrize(
    ("headers", "status", "field"),
    [
        ({"x-api-key": "unknown", "tenant-id": "t1"}, 403, "x-api-key"),
        ({"x-api-key": "k1", "tenant-id": "acme-demo"}, 403, "tenant-id"),
        ({"x-api-key": "k2", "tenant-id": "t1"}, 403, "tenant-id"),
    ],
    ids=["unknown-key", "key-of-t1-for-acme", "key-of-acme-for-t1"],
)
def test_strict_api_keys_refuse_unknown_and_foreign_keys(
    make_client: ClientFactory,
    operation: Operation,
    headers: dict[str, str],
    status: int,
    field: str,
) -> None:
    """`--api-keys FILE` (key -> tenant): an unknown key, or a key used with another tenant, is
    a 403 (published: an invalid API key or tenant id)."""
    client = make_client(
        SandboxConfig(api_keys=STRICT_KEYS), headers={"x-api-key": "k2", "tenant-id": "acme-demo"}
    )
    with client.unchanged("ORD-1001"):
        response = operation.send(client, headers=headers)
    assert response.status_code == status
    assert client.error_fields(response) == [field]


def test_strict_api_keys_accept_the_right_pair(
    make_client: ClientFactory, operation: Operation
) -> None:
    """With `--api-keys`, a key used with its own tenant is served as usual."""
    client = make_client(
        SandboxConfig(api_keys=STRICT_KEYS), headers={"x-api-key": "k2", "tenant-id": "acme-demo"}
    )
    assert operation.send(client).status_code == 200


def test_strict_api_keys_isolate_a_new_tenant(make_client: ClientFactory) -> None:
    """Key k1 of tenant t1 (no fixtures there): create 200, then GET by both keys 200."""
    client = make_client(
        SandboxConfig(api_keys=STRICT_KEYS), headers={"x-api-key": "k1", "tenant-id": "t1"}
    )
    created = client.post("/orders", json={"merchant": "M", "partner_order_reference": "R-1"})
    assert created.status_code == 200
    order_id = created.get_json()["order_id"]
    assert client.order(order_id) == client.order("R-1", key="partner_order_reference")
    assert client.get("/orders/ORD-1001").status_code == 404


# ---------------------------------------------------------------- key and not found
def test_key_partner_order_reference_finds_the_order(
    client: CheckedClient, order_operation: Operation
) -> None:
    """Pages 000-003: `key=partner_order_reference` looks the order up by that reference."""
    response = order_operation.send(
        client, order=order_operation.reference, query_string={"key": "partner_order_reference"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    if isinstance(body, dict):  # an order (a change log is a list of entries)
        assert body["order_id"] == order_operation.order


def test_default_key_is_order_id(client: CheckedClient, order_operation: Operation) -> None:
    """Pages 000-003: `key` defaults to order_id, so a partner reference alone is not found."""
    with client.unchanged(order_operation.order):
        for query in (None, {"key": "order_id"}):
            response = order_operation.send(
                client, order=order_operation.reference, query_string=query
            )
            assert response.status_code == 404
            assert client.error_fields(response) == ["orderReference"]


@pytest.mark.parametrize("key", ["foo", "ORDER_ID", "", "partner_fulfillment_order_reference"])
def test_unknown_key_is_400_naming_key(
    client: CheckedClient, order_operation: Operation, key: str
) -> None:
    """Pages 000-003: `key` is `order_id` or `partner_order_reference`; anything else is 400."""
    with client.unchanged("ORD-1001"):
        response = order_operation.send(client, query_string={"key": key})
    assert response.status_code == 400
    assert client.error_fields(response) == ["key"]


@pytest.mark.parametrize("key", ["order_id", "partner_order_reference"])
def test_unknown_order_is_404(client: CheckedClient, order_operation: Operation, key: str) -> None:
    """Pages 000-003: "Order not found" -> 404 naming `orderReference`."""
    with client.unchanged("ORD-1001"):
        response = order_operation.send(client, order="NO-SUCH-ORDER", query_string={"key": key})
    assert response.status_code == 404
    assert client.error_fields(response) == ["orderReference"]


def test_unknown_fulfillment_order_is_404(client: CheckedClient, fo_operation: Operation) -> None:
    """Pages 000, 001, 003: "Order or fulfillment order not found" -> 404; an FO of another order
    of the same tenant is not found either."""
    for fo in ("NO-SUCH-FO", "FO-1002-A"):
        with client.unchanged("ORD-1001", "ORD-1002"):
            response = fo_operation.send(client, fo=fo)
        assert response.status_code == 404
        assert client.error_fields(response) == ["fulfillmentOrderId"]


# ---------------------------------------------------------------- HTTP-level refusals
@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/orders/ORD-1001", {"GET", "HEAD", "PATCH"}),
        ("PUT", "/orders/ORD-1001", {"GET", "HEAD", "PATCH"}),
        ("OPTIONS", "/orders/ORD-1001", {"GET", "HEAD", "PATCH"}),
        ("GET", "/orders", {"POST"}),
        ("GET", "/orders/shipment-status-update", {"POST"}),
        ("PATCH", "/orders/shipment-status-update", {"POST"}),
        ("GET", "/orders/shipment-status", {"POST"}),
        ("PATCH", "/orders/shipment-status", {"POST"}),
        ("GET", "/orders/ORD-1001/fulfillment-orders/FO-1001-A", {"PATCH"}),
        ("GET", "/orders/ORD-1001/fulfillment-orders/merge", {"POST"}),
        ("PATCH", "/orders/ORD-1001/fulfillment-orders/merge", {"POST"}),
        ("GET", "/orders/ORD-1001/fulfillment-orders/FO-1001-A/fulfill", {"POST"}),
        ("POST", "/orders/ORD-1001/change-logs", {"GET", "HEAD"}),
        ("GET", "/orders/ORD-1001/cancel", {"POST"}),
        ("GET", "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-location", {"PATCH"}),
        ("POST", "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-schedule", {"PATCH"}),
        (
            "PUT",
            "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-partner-references",
            {"PATCH"},
        ),
        ("GET", "/__admin/reset", {"POST"}),
    ],
)
def test_undocumented_method_is_405_with_allow(
    client: CheckedClient, method: str, path: str, allow: set[str]
) -> None:
    """A method the spec does not document on a path: 405 `Error` with `Allow`."""
    with client.unchanged("ORD-1001"):
        response = client.open(method, path, json={})
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allow


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/order",
        "/orders/ORD-1001/fulfillment-orders",
        "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-nothing",
        "/orders/ORD-1001/change-log",
        "/__admin/nothing",
    ],
)
def test_unknown_path_is_404_error(client: CheckedClient, path: str) -> None:
    """A path no spec documents: 404 with an `Error` body (checked by the client)."""
    assert client.get(path).status_code == 404


def test_head_of_an_order_is_its_get_without_body(client: CheckedClient) -> None:
    """HEAD follows GET (RFC 9110): same status and ETag, no body."""
    response = client.open("HEAD", "/orders/ORD-1001")
    assert (response.status_code, response.data) == (200, b"")
    assert response.headers["ETag"] == client.order("ORD-1001")[1]


def test_body_larger_than_the_limit_is_413(
    make_client: ClientFactory, body_operation: Operation
) -> None:
    """`--max-body-bytes`: a larger body is refused with 413 and an `Error` body."""
    client = make_client(SandboxConfig(max_body_bytes=512))
    with client.unchanged("ORD-1001"):
        response = body_operation.send(client, json={**(body_operation.body or {}), "x": "y" * 600})
    assert response.status_code == 413
    assert response.get_json()["error_details"]


def test_body_within_the_limit_is_accepted(make_client: ClientFactory) -> None:
    """The limit refuses only what exceeds it."""
    client = make_client(SandboxConfig(max_body_bytes=512))
    assert client.patch("/orders/ORD-1001", json={"language": "ar"}).status_code == 200


# ---------------------------------------------------------------- process and structure
def test_module_help_lists_the_options() -> None:
    """`python -m mock_server --help` exits 0 and documents every serve option."""
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for option in (
        "--host",
        "--port",
        "--fixtures",
        "--api-keys",
        "--clients",
        "--token-ttl",
        "--no-admin",
        "--admin-token",
        "--max-body-bytes",
    ):
        assert option in result.stdout
