"""Operations on one fulfillment order: update location (page 001), update schedule (page 003)
and update partner references (page 000). Each changes only what its page names.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.sandbox.client import CheckedClient

Json = dict[str, Any]
EVENTS = {
    "update-location": "FULFILLMENT_ORDER_UPDATE_LOCATION",
    "update-schedule": "FULFILLMENT_ORDER_UPDATE_SCHEDULE",
    "update-partner-references": "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
}


def change_fo(client: CheckedClient, order_id: str, fo_id: str, action: str, body: Json) -> Json:
    """PATCH one FO operation, which must succeed as every change does (`assert_changed`), and
    check that nothing but that FO and the derived `update_date` / `status` changed. Returns the
    FO after the change."""
    before = client.order(order_id)
    response = client.patch(f"/orders/{order_id}/fulfillment-orders/{fo_id}/{action}", json=body)
    trigger = EVENTS[action]
    if action == "update-partner-references" and "partner_fulfillment_order_reference" not in body:
        trigger = "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_REFERENCES"  # the lines' only
    after = client.assert_changed(response, before, trigger)
    index = next(
        i
        for i, fo in enumerate(before[0]["fulfillment_orders"])
        if fo["fulfillment_order_id"] == fo_id
    )
    derived = {"update_date": None, "status": None, "fulfillment_orders": None}
    assert {**after, **derived} == {**before[0], **derived}
    fos_before, fos_after = before[0]["fulfillment_orders"], after["fulfillment_orders"]
    assert (
        fos_after[:index] + fos_after[index + 1 :] == fos_before[:index] + fos_before[index + 1 :]
    )
    changed: Json = fos_after[index]
    return changed


def fo_of(client: CheckedClient, order_id: str, fo_id: str) -> Json:
    order, _ = client.order(order_id)
    return next(fo for fo in order["fulfillment_orders"] if fo["fulfillment_order_id"] == fo_id)


# ---------------------------------------------------------------- page 001: update location
@pytest.mark.parametrize(
    ("order_id", "fo_id", "location_id", "resolved"),
    [
        pytest.param("ORD-1001", "FO-1001-A", "RUH-DC-01", "RUH-DC-01", id="partner-id"),
        pytest.param("ORD-1001", "FO-1001-A", "AF-RUH-01", "RUH-DC-01", id="code-of-merchant"),
        pytest.param(
            "ORD-1003", "FO-1003-A", "DXB-WH-01", "DXB-WH-01", id="partner-id-before-code"
        ),
        pytest.param("ORD-1004", "FO-1004-B", "AH-AUH-01", "AUH-YAS-01", id="home-code"),
        pytest.param(
            "ORD-1001", "FO-1001-A", "JAFZA-WH-07", "JAFZA-WH-07", id="partner-id-any-merchant"
        ),
        pytest.param("ORD-1002", "FO-1002-A", "DXB-WH-01", "DXB-WH-01", id="partially-allocated"),
    ],
)
def test_location_resolution_order(
    client: CheckedClient, order_id: str, fo_id: str, location_id: str, resolved: str
) -> None:
    """Page 001: "First tries to find by partner_location_id", then "by location_code for the
    merchant". fixtures/README.md: ACME_HOME's location_code DXB-WH-01 is ACME_FASHION's
    partner_location_id, so DXB-WH-01 resolves to the Dubai warehouse even on an ACME_HOME
    order. The FO's location_id becomes the partner_location_id, its pending lines are
    `allocated` (reference/line-item-status-codes); nothing else in it changes."""
    before = fo_of(client, order_id, fo_id)
    after = change_fo(client, order_id, fo_id, "update-location", {"location_id": location_id})
    lines = [
        {**line, "status": "allocated"} if line["status"] in ("open", "allocated") else line
        for line in before["line_items"]
    ]
    assert after == {
        **before,
        "location_id": resolved,
        "line_items": lines,
        "status": after["status"],
    }


@pytest.mark.parametrize(
    ("order_id", "fo_id", "statuses"),
    [
        ("ORD-1001", "FO-1001-A", ("open", "allocated", "allocated")),
        ("ORD-1002", "FO-1002-B", ("partially_allocated", "allocated", "allocated")),
        ("ORD-1009", "FO-1009-B", ("processing", "allocated", "processing")),
    ],
)
def test_a_location_allocates_the_open_lines_and_the_status_rolls_up(
    client: CheckedClient, order_id: str, fo_id: str, statuses: tuple[str, str, str]
) -> None:
    """Page 001 ("Order status is recalculated") with the published catalogue: the FO's open
    lines become allocated, so does the FO, and the order rolls up (ORD-1002's other FO is
    allocated already: the order is allocated; ORD-1009 has a fulfilled FO: still processing)."""
    order_before, fo_after, order_after = statuses
    assert client.order(order_id)[0]["status"] == order_before
    fo = change_fo(client, order_id, fo_id, "update-location", {"location_id": "RUH-DC-01"})
    assert {line["status"] for line in fo["line_items"]} == {"allocated"}
    assert fo["status"] == fo_after
    assert client.order(order_id)[0]["status"] == order_after


@pytest.mark.parametrize(
    ("order_id", "fo_id"),
    [("ORD-1004", "FO-1004-A"), ("ORD-1006", "FO-1006-A"), ("ORD-1013", "FO-1013-A")],
    ids=["fulfilled", "closed", "processing"],
)
def test_only_an_open_or_allocated_fo_is_relocated(
    client: CheckedClient, order_id: str, fo_id: str
) -> None:
    """platform/orders/allocation: an FO is re-allocated only while open or allocated; any
    other is a 400 in the published error body naming `status`, and nothing changes."""
    with client.unchanged(order_id):
        refused = move(client, order_id, fo_id, "RUH-DC-01", "acme-demo")
        assert refused.status_code == 400
        assert refused.get_json()["status"] == "400"
        assert client.error_fields(refused) == ["status"]


def test_location_update_recalculates_the_order_status(
    client: CheckedClient, fixture_order: Callable[[str], Json]
) -> None:
    """Page 001: "Order status is recalculated" (a seeded order with stale statuses)."""
    stale = fixture_order("ORD-1003")
    stale["status"] = "open"
    client.seed(stale)
    change_fo(client, "ORD-1003", "FO-1003-A", "update-location", {"location_id": "JAFZA-WH-07"})
    assert client.order("ORD-1003")[0]["status"] == "allocated"


def test_location_seeded_through_admin_is_resolved(client: CheckedClient) -> None:
    """`POST /__admin/locations` (seeding contract) then page 001's resolution by both keys."""
    location = {
        "merchant": "ACME_FASHION",
        "partner_location_id": "JED-WH-02",
        "location_code": "AF-JED-02",
        "name": "Jeddah warehouse",
    }
    assert client.post("/__admin/locations", json=location).status_code == 201
    for location_id in ("JED-WH-02", "AF-JED-02"):
        after = change_fo(
            client, "ORD-1002", "FO-1002-A", "update-location", {"location_id": location_id}
        )
        assert after["location_id"] == "JED-WH-02"


GLOBEX = "globex-demo"
JEDDAH = {
    "merchant": "ACME_FASHION",
    "partner_location_id": "JED-WH-02",
    "location_code": "AF-JED-02",
    "name": "Jeddah warehouse",
}


def move(client: CheckedClient, order_id: str, fo_id: str, location_id: str, tenant: str) -> Any:
    return client.patch(
        f"/orders/{order_id}/fulfillment-orders/{fo_id}/update-location",
        json={"location_id": location_id},
        headers={"tenant-id": tenant},
    )


def test_a_location_of_another_tenant_is_not_found(client: CheckedClient) -> None:
    """Ours: locations belong to a tenant. A location seeded for globex is, for an acme order,
    no location at all (400 naming `location_id`, by partner id and by code, nothing changed),
    while globex's own orders resolve it."""
    seeded = client.post("/__admin/locations", json=JEDDAH, headers={"tenant-id": GLOBEX})
    assert seeded.status_code == 201
    with client.unchanged("ORD-1002"):
        for location_id in ("JED-WH-02", "AF-JED-02"):
            refused = move(client, "ORD-1002", "FO-1002-A", location_id, "acme-demo")
            assert refused.status_code == 400
            assert client.error_fields(refused) == ["location_id"]
    moved = move(client, "GLX-5001", "FO-5001-A", "AF-JED-02", GLOBEX)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["fulfillment_orders"][0]["location_id"] == "JED-WH-02"


@pytest.mark.parametrize(
    ("location_id", "status"),
    [("RUH-DC-01", 200), ("AF-RUH-01", 200), ("AUH-YAS-01", 400), ("JAFZA-WH-07", 400)],
)
def test_the_fixture_tenants_have_their_own_locations(
    client: CheckedClient, location_id: str, status: int
) -> None:
    """fixtures/README.md: globex holds the two ACME_FASHION locations its orders use; acme's
    ACME_HOME locations are not among them."""
    response = move(client, "GLX-5001", "FO-5001-A", location_id, GLOBEX)
    assert response.status_code == status, response.get_json()


# ---------------------------------------------------------------- page 003: update schedule
WINDOW = {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"}


@pytest.mark.parametrize(
    ("order_id", "fo_id", "method", "schedule"),
    [
        ("ORD-1001", "FO-1001-A", "DELIVERY", "delivery_schedule"),
        ("ORD-1002", "FO-1002-A", "DELIVERY", "delivery_schedule"),
        ("ORD-1003", "FO-1003-A", "COLLECTION", "customer_collection_schedule"),
        ("ORD-1004", "FO-1004-B", "COLLECTION", "customer_collection_schedule"),
    ],
)
def test_schedule_follows_the_delivery_method(
    client: CheckedClient, order_id: str, fo_id: str, method: str, schedule: str
) -> None:
    """Page 003: DELIVERY updates `delivery_schedule`, COLLECTION
    `customer_collection_schedule`, "without changing its delivery method"."""
    before = fo_of(client, order_id, fo_id)
    after = change_fo(client, order_id, fo_id, "update-schedule", WINDOW)
    assert after == {**before, schedule: WINDOW}
    assert after["delivery_method"] == method


@pytest.mark.parametrize(
    "body",
    [
        {"scheduled_to": "2026-03-04T15:00:00Z"},
        {"scheduled_from": "2026-03-04T10:00:00Z"},
        {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T09:00:00Z"},
        {"scheduled_from": "2030-02-01T10:00:00+02:00", "scheduled_to": "2030-02-01T09:00:00Z"},
    ],
    ids=["only-to", "only-from", "empty-window", "offsets-compared-as-instants"],
)
def test_schedule_window_edges(client: CheckedClient, body: Json) -> None:
    """Page 003: an end not given is kept; `scheduled_from` may equal `scheduled_to`; ends are
    compared as instants (10:00+02:00 is before 09:00Z) and stored as given."""
    before = fo_of(client, "ORD-1001", "FO-1001-A")
    after = change_fo(client, "ORD-1001", "FO-1001-A", "update-schedule", body)
    assert after["delivery_schedule"] == {**before["delivery_schedule"], **body}


def test_schedule_on_a_fo_without_one_creates_it(client: CheckedClient) -> None:
    """Page 003 on a DELIVERY FO that had no schedule yet (a new FO of ORD-1010)."""
    created = client.patch(
        "/orders/ORD-1010",
        json={"fulfillment_orders": [{"fulfillment_order_id": "FO-1010-A", "line_items": []}]},
    )
    assert created.status_code == 200
    fo_id = created.get_json()["fulfillment_orders"][0]["fulfillment_order_id"]  # generated
    after = change_fo(client, "ORD-1010", fo_id, "update-schedule", WINDOW)
    assert after["delivery_schedule"] == WINDOW
    assert "customer_collection_schedule" not in after


# ---------------------------------------------------------------- page 000: partner references
def test_fo_reference_only(client: CheckedClient) -> None:
    """Page 000: `partner_fulfillment_order_reference` alone; lines, schedule, location and
    statuses untouched."""
    before = fo_of(client, "ORD-1001", "FO-1001-A")
    after = change_fo(
        client,
        "ORD-1001",
        "FO-1001-A",
        "update-partner-references",
        {"partner_fulfillment_order_reference": "WMS-DXB-1"},
    )
    assert after == {**before, "partner_fulfillment_order_reference": "WMS-DXB-1"}


@pytest.mark.parametrize("with_fo_reference", [False, True])
def test_fulfillment_references_are_set_on_their_fulfilled_lines(
    client: CheckedClient, with_fo_reference: bool
) -> None:
    """Page 000: each `fulfillments[].fulfillment_id` names a fulfillment "in the FO's fulfilled
    items"; its `partner_fulfillment_reference` is set on those lines; statuses and quantities do
    not change. Either or both fields may be given. FO-1009-A's other line (closed, FUL-1009-1)
    is untouched."""
    before = fo_of(client, "ORD-1009", "FO-1009-A")
    body: Json = {
        "fulfillments": [{"fulfillment_id": "FUL-1009-2", "partner_fulfillment_reference": "WMS-B"}]
    }
    expected = {**before}
    if with_fo_reference:
        body["partner_fulfillment_order_reference"] = "WMS-FO"
        expected["partner_fulfillment_order_reference"] = "WMS-FO"
    after = change_fo(client, "ORD-1009", "FO-1009-A", "update-partner-references", body)
    closed, fulfilled = before["line_items"]
    assert after == {
        **expected,
        "line_items": [closed, {**fulfilled, "partner_fulfillment_reference": "WMS-B"}],
    }


def test_fulfillment_reference_of_a_split_line(client: CheckedClient) -> None:
    """Page 000 on ORD-1004 (fixtures' handy case): FUL-1004-1 covers both lines of FO-1004-A;
    FO-1004-B, which holds LI-1004-1 allocated, is untouched (checked by `change_fo`)."""
    after = change_fo(
        client,
        "ORD-1004",
        "FO-1004-A",
        "update-partner-references",
        {"fulfillments": [{"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "R"}]},
    )
    assert [line["partner_fulfillment_reference"] for line in after["line_items"]] == ["R", "R"]
    assert [line["status"] for line in after["line_items"]] == ["fulfilled", "fulfilled"]
