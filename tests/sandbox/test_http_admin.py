"""The admin seeding contract (docs/controls.md; `openapi-admin.yaml`): reset, seed an
order as given, seed a location; and the guard (`--no-admin`, `--admin-token`, off loopback).

Every response is checked against `openapi-admin.yaml` (or `openapi.yaml` for `/orders`) by the
`client` fixture (conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.config import SandboxConfig

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

Json = dict[str, Any]
LOCATION = {
    "merchant": "ACME_HOME",
    "partner_location_id": "SHJ-ST-03",
    "location_code": "AH-SHJ-03",
    "name": "Acme Home store, Sharjah",
}


def seed_order(order_id: str = "SEED-1", **fields: Any) -> Json:
    """An order in statuses no rule would derive (fulfilled order, open line): stored as given."""
    return {
        "order_id": order_id,
        "partner_order_reference": f"REF-{order_id}",
        "merchant": "ACME_FASHION",
        "status": "fulfilled",
        "line_items": [{"id": "L1", "quantity": 1}],
        "fulfillment_orders": [
            {
                "fulfillment_order_id": f"FO-{order_id}",
                "status": "cancelled",
                "location_id": "DXB-WH-01",
                "line_items": [{"id": "L1", "quantity": 1, "status": "open"}],
            }
        ],
        **fields,
    }


def test_reset_restores_the_fixtures(client: CheckedClient) -> None:
    """`POST /__admin/reset` -> 204: orders, locations and events back to the baseline."""
    baseline, _ = client.order("ORD-1001")
    assert client.patch("/orders/ORD-1001", json={"language": "ar"}).status_code == 200
    assert client.post("/orders", json={"merchant": "M", "order_id": "NEW-1"}).status_code == 200
    client.seed(seed_order())
    assert client.post("/__admin/locations", json=LOCATION).status_code == 201

    response = client.post("/__admin/reset")
    assert (response.status_code, response.data) == (204, b"")
    assert client.order("ORD-1001")[0] == baseline
    assert client.get("/orders/NEW-1").status_code == 404
    assert client.get("/orders/SEED-1").status_code == 404
    assert client.events() == []
    refused = client.patch(
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/update-location",
        json={"location_id": "SHJ-ST-03"},
    )
    assert refused.status_code == 400


def test_seeded_order_is_stored_as_given(client: CheckedClient) -> None:
    """`POST /__admin/orders` -> 201 with the stored order: any statuses, any ids, nothing
    derived; the tenant comes from the `tenant-id` header."""
    sent = seed_order()
    stored = client.seed(sent)
    assert stored == {**sent, "tenant": "acme-demo"}
    assert client.order("SEED-1")[0] == stored
    assert client.order("REF-SEED-1", key="partner_order_reference")[0] == stored


def test_a_seeded_fo_without_a_status_gets_its_derived_one(client: CheckedClient) -> None:
    """Seeded orders are stored as given, but every FO the API returns carries a status
    (api/orders/fulfillment-orders): one without gets the status its lines derive, and the
    statuses given are kept."""
    sent = seed_order(line_items=[{"id": "L1", "quantity": 1}, {"id": "L2", "quantity": 1}])
    given = sent["fulfillment_orders"][0]
    bare = {
        "fulfillment_order_id": "FO-BARE",
        "line_items": [{"id": "L2", "quantity": 1, "status": "picked"}],
    }
    sent["fulfillment_orders"].append(bare)
    stored = client.seed(sent)
    assert stored["fulfillment_orders"] == [given, {**bare, "status": "processing"}]
    assert stored["status"] == "fulfilled"
    assert client.order("SEED-1")[0] == stored


def test_seeding_the_same_order_id_replaces_it(client: CheckedClient) -> None:
    """`POST /__admin/orders` replaces an order with the same `order_id`, and its old
    partner reference no longer finds it."""
    client.seed(seed_order("ORD-1001", language="ar"))
    replaced, _ = client.order("ORD-1001")
    assert (replaced["language"], replaced["status"]) == ("ar", "fulfilled")
    assert replaced["partner_order_reference"] == "REF-ORD-1001"
    old = client.get("/orders/SHOP-1001", query_string={"key": "partner_order_reference"})
    assert old.status_code == 404


def test_seeding_targets_the_header_tenant(client: CheckedClient) -> None:
    """The order belongs to the `tenant-id` of the seeding request only."""
    client.seed(seed_order(), tenant="globex-demo")
    assert client.get("/orders/SEED-1").status_code == 404
    as_globex = client.get("/orders/SEED-1", headers={"tenant-id": "globex-demo"})
    assert as_globex.status_code == 200


@pytest.mark.parametrize(
    ("headers", "body", "status", "field"),
    [
        pytest.param({"tenant-id": None}, seed_order(), 400, "tenant-id", id="no-tenant"),
        pytest.param({"tenant-id": " "}, seed_order(), 400, "tenant-id", id="blank-tenant"),
        pytest.param({}, {**seed_order(), "order_id": None}, 400, "order_id", id="bad-order-id"),
        pytest.param({}, {"order_id": "X"}, 400, "fulfillment_orders", id="not-an-order"),
        pytest.param(
            {},
            seed_order(partner_order_reference="SHOP-1002"),
            409,
            "partner_order_reference",
            id="reference-of-another-order",
        ),
    ],
)
def test_invalid_seeding_is_refused_and_changes_nothing(
    client: CheckedClient, headers: Json, body: Json, status: int, field: str
) -> None:
    """Seeding needs `tenant-id` and an `Order` body (400); a partner reference of another
    order of the tenant is a 409."""
    with client.unchanged("ORD-1002"):
        response = client.post("/__admin/orders", json=body, headers=headers)
    assert response.status_code == status
    assert field in client.error_fields(response)


def test_seeded_location_is_returned_and_resolved(client: CheckedClient) -> None:
    """`POST /__admin/locations` -> 201; page 001 then resolves it by partner id and by code."""
    response = client.post("/__admin/locations", json=LOCATION)
    assert (response.status_code, response.get_json()) == (201, LOCATION)
    for location_id in ("SHJ-ST-03", "AH-SHJ-03"):
        moved = client.patch(
            "/orders/ORD-1003/fulfillment-orders/FO-1003-A/update-location",
            json={"location_id": location_id},
        )
        assert moved.status_code == 200
        assert moved.get_json()["fulfillment_orders"][0]["location_id"] == "SHJ-ST-03"


@pytest.mark.parametrize("missing", ["merchant", "partner_location_id", "location_code"])
def test_location_missing_a_required_field_is_400(client: CheckedClient, missing: str) -> None:
    body = {key: value for key, value in LOCATION.items() if key != missing}
    response = client.post("/__admin/locations", json=body)
    assert response.status_code == 400
    assert client.error_fields(response) == [missing]


def test_a_location_is_seeded_for_the_tenant_named_by_the_header(client: CheckedClient) -> None:
    """`POST /__admin/locations` takes `tenant-id` as `POST /__admin/orders` does: the location
    is that tenant's only."""
    assert (
        client.post("/__admin/locations", json=LOCATION, headers={"tenant-id": "t-9"}).status_code
        == 201
    )
    tenants = client.get("/__admin/state").get_json()["tenants"]
    assert tenants["t-9"]["locations"] == [LOCATION]
    assert LOCATION not in tenants["acme-demo"]["locations"]


def test_a_location_without_tenant_id_is_400_naming_it(client: CheckedClient) -> None:
    before = client.get("/__admin/state").get_json()
    response = client.post("/__admin/locations", json=LOCATION, headers={"tenant-id": None})
    assert response.status_code == 400
    assert client.error_fields(response) == ["tenant-id"]
    assert client.get("/__admin/state").get_json() == before


# ---------------------------------------------------------------- the guard
AdminCall = Callable[["CheckedClient", dict[str, str | None]], "TestResponse"]
ADMIN_CALLS: list[tuple[str, AdminCall, int]] = [
    ("reset", lambda c, h: c.post("/__admin/reset", headers=h), 204),
    ("orders", lambda c, h: c.post("/__admin/orders", json=seed_order(), headers=h), 201),
    ("locations", lambda c, h: c.post("/__admin/locations", json=LOCATION, headers=h), 201),
]


@pytest.fixture(params=ADMIN_CALLS, ids=[name for name, _, _ in ADMIN_CALLS])
def admin_call(request: pytest.FixtureRequest) -> tuple[Callable[..., TestResponse], int]:
    """One seeding call (with headers over the client's own) and its success status."""
    _, call, status = request.param
    return call, status


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(SandboxConfig(admin=False), id="no-admin"),
        pytest.param(SandboxConfig(host="0.0.0.0"), id="off-loopback-without-token"),
    ],
)
def test_admin_is_refused(
    make_client: ClientFactory,
    admin_call: tuple[Callable[..., TestResponse], int],
    config: SandboxConfig,
) -> None:
    """`--no-admin` refuses `/__admin/`; so does a non-loopback host without `--admin-token`.
    The public API is unaffected."""
    client = make_client(config)
    call, _ = admin_call
    with client.unchanged("ORD-1001"):
        response = call(client, {})
    assert response.status_code in (403, 404)
    assert client.get("/orders/ORD-1001").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
@pytest.mark.parametrize(
    ("authorization", "allowed"),
    [
        (None, False),
        ("Bearer wrong", False),
        ("s", False),  # the bare token, without the Bearer scheme (fixed: it was accepted)
        ("Bearer s", True),
    ],
    ids=["none", "wrong", "no-scheme", "right"],
)
def test_admin_token_is_required_when_set(
    make_client: ClientFactory,
    admin_call: tuple[Callable[..., TestResponse], int],
    host: str,
    authorization: str | None,
    allowed: bool,
) -> None:
    """With `--admin-token s`, `/__admin/` needs `Authorization: Bearer s` (401 otherwise),
    where the API takes its access token."""
    client = make_client(SandboxConfig(host=host, admin_token="s"))
    call, status = admin_call
    if allowed:
        assert call(client, {"Authorization": authorization}).status_code == status
        return
    with client.unchanged("ORD-1001"):
        assert call(client, {"Authorization": authorization}).status_code == 401
