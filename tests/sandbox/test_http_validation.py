"""Refused requests (docs/behaviour.md, common to every operation): 400/404/409 naming the field
at fault, never a 500, and a request that fails changes nothing — the GET body and ETag, every
stored order and the event log are the same before and after.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.operations import Operation

ORDER = "/orders/ORD-1001"
SHIPMENT = "/orders/shipment-status-update"


def fo_path(order: str, fo: str, action: str) -> str:
    return f"/orders/{order}/fulfillment-orders/{fo}/{action}"


def want(line_id: str, quantity: int = 1) -> dict[str, Any]:
    """A line item of an update request (page 002: id and quantity)."""
    return {"id": line_id, "quantity": quantity}


def fo_entry(fo_id: str, *lines: dict[str, Any]) -> dict[str, Any]:
    """A `fulfillment_orders` entry (page 002) naming `fo_id` and listing `lines`."""
    return {"fulfillment_order_id": fo_id, "line_items": list(lines)}


def fo_lines(fo_id: str, *lines: dict[str, Any]) -> dict[str, Any]:
    """An update-order body (page 002) replacing the FOs with one entry listing `lines`."""
    return {"fulfillment_orders": [fo_entry(fo_id, *lines)]}


LOCATION_1001 = fo_path("ORD-1001", "FO-1001-A", "update-location")
SCHEDULE_1001 = fo_path("ORD-1001", "FO-1001-A", "update-schedule")
REFERENCES_1004_A = fo_path("ORD-1004", "FO-1004-A", "update-partner-references")
REFERENCES_1004_B = fo_path("ORD-1004", "FO-1004-B", "update-partner-references")
LI_1004_1, LI_1004_2 = want("LI-1004-1"), want("LI-1004-2")
FO_1004_B_AS_IS = {"fulfillment_order_id": "FO-1004-B"}
"""FO-1004-B kept with its line (LI-1004-1, allocated; the item is fulfilled in FO-1004-A too)."""


@dataclass(frozen=True)
class Refusal:
    """A request that must be refused with `status`, the first error naming `field`."""

    id: str
    method: str
    path: str
    status: int
    field: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    watch: tuple[str, ...] = ("ORD-1001",)

    def param(self) -> Any:
        return pytest.param(self, id=self.id)


def patch(id: str, body: Any, field: str, path: str = ORDER, **extra: Any) -> Refusal:
    """A PATCH with a JSON body refused with 400."""
    return Refusal(id, "PATCH", path, 400, field, {"json": body}, **extra)


def raw(
    id: str,
    data: str | bytes,
    field: str,
    content_type: str = "application/json",
    status: int = 400,
) -> Refusal:
    """A PATCH of update order with a raw (non-JSON or empty) body refused: 400, or 415 for
    another media type."""
    return Refusal(id, "PATCH", ORDER, status, field, {"data": data, "content_type": content_type})


REFUSALS = [
    # -- the body is not a JSON object (pages 000-003: Content-Type application/json)
    raw("malformed-json", '{"language": ', "body"),
    raw("empty-body", "", "body"),
    raw("not-utf-8", b"\xff\xfe{}", "body"),
    raw("nested-too-deep", "[" * 5000 + "]" * 5000, "body"),
    raw("nested-one-level-too-deep", '{"custom_attributes":' + "[" * 64 + "]" * 64 + "}", "body"),
    raw(
        "text-with-parameters",
        '{"language": "ar"}',
        "Content-Type",
        "Text/Plain; charset=utf-8",
        415,
    ),
    raw(
        "form-content-type", "language=ar", "Content-Type", "application/x-www-form-urlencoded", 415
    ),
    patch("json-array", [{"language": "ar"}], "body"),
    patch("json-string", "ar", "body"),
    patch("json-null", None, "body"),
    # -- wrong types, unknown enum values, bad formats (schema validation)
    patch("type-string", {"language": 5}, "language"),
    patch("type-boolean", {"taxes_included": "yes"}, "taxes_included"),
    patch("type-array", {"line_items": {"id": "LI-1001-1"}}, "line_items"),
    patch(
        "type-nested",
        {"line_items": [{"id": "LI-1001-1", "quantity": "two"}]},
        "line_items[0].quantity",
    ),
    patch(
        "type-fo-lines",
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1001-A", "line_items": "all"}]},
        "fulfillment_orders[0].line_items",
    ),
    patch(
        "quantity-too-large",
        {"line_items": [{"id": "LI-1001-1", "quantity": 10**7}]},
        "line_items[0].quantity",
    ),
    patch(
        "enum-delivery-method",
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1001-A", "delivery_method": "DRONE"}]},
        "fulfillment_orders[0].delivery_method",
    ),
    patch(
        "enum-delivery-method",
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1001-A", "delivery_method": "DRONE"}]},
        "fulfillment_orders[0].delivery_method",
    ),
    patch("format-email", {"customer": {"email": "not-an-email"}}, "customer.email"),
    patch("format-order-date", {"order_date": "2026-13-45"}, "order_date"),
    # -- missing required fields
    patch("location-missing", {}, "location_id", LOCATION_1001),
    patch("location-misnamed", {"location": "DXB-WH-01"}, "location_id", LOCATION_1001),
    patch("location-empty", {"location_id": ""}, "location_id", LOCATION_1001),
    patch("location-type", {"location_id": 7}, "location_id", LOCATION_1001),
    Refusal(
        "shipment-reference-missing",
        "POST",
        SHIPMENT,
        400,
        "references.partner_order_reference",
        {"json": {"references": {}, "post_shipping_info": {"status": "delivered"}}},
    ),
    Refusal(
        "shipment-references-missing",
        "POST",
        SHIPMENT,
        400,
        "references",
        {"json": {"post_shipping_info": {"status": "delivered"}}},
    ),
    Refusal(
        "shipment-status-type",
        "POST",
        SHIPMENT,
        400,
        "post_shipping_info.status",
        {
            "json": {
                "references": {"partner_order_reference": "SHOP-1005"},
                "post_shipping_info": {"status": 5},
            }
        },
        ("ORD-1005",),
    ),
    patch(
        "fo-line-quantity-missing",
        fo_lines("FO-1001-A", {"id": "LI-1001-1"}),
        "fulfillment_orders[0].line_items[0].quantity",
    ),
    Refusal(
        "create-merchant-missing",
        "POST",
        "/orders",
        400,
        "merchant",
        {"json": {"partner_order_reference": "NEW-1"}},
    ),
    # -- schedule (page 003)
    patch(
        "schedule-not-date-time",
        {"scheduled_from": "tomorrow 9am"},
        "scheduled_from",
        SCHEDULE_1001,
    ),
    patch("schedule-type", {"scheduled_to": 1700000000}, "scheduled_to", SCHEDULE_1001),
    patch("schedule-empty", {}, "body", SCHEDULE_1001),
    patch(
        "schedule-from-after-to",
        {"scheduled_from": "2030-02-01T13:00:00Z", "scheduled_to": "2030-02-01T09:00:00Z"},
        "scheduled_from",
        SCHEDULE_1001,
    ),
    patch(
        "schedule-from-after-to-across-offsets",
        {
            "scheduled_from": "2030-02-01T10:00:00+00:00",
            "scheduled_to": "2030-02-01T11:00:00+02:00",
        },
        "scheduled_from",
        SCHEDULE_1001,
    ),
    patch(
        "schedule-from-after-stored-to",
        {"scheduled_from": "2026-03-05T00:00:00Z"},
        "scheduled_from",
        SCHEDULE_1001,
    ),
    patch(
        "schedule-digital",
        {"scheduled_to": "2030-02-01T09:00:00Z"},
        "delivery_method",
        fo_path("ORD-1011", "FO-1011-A", "update-schedule"),
        watch=("ORD-1011",),
    ),
    patch(
        "schedule-fulfilled-fo",
        {"scheduled_to": "2030-02-01T09:00:00Z"},
        "status",
        fo_path("ORD-1005", "FO-1005-A", "update-schedule"),
        watch=("ORD-1005",),
    ),
    patch(
        "schedule-closed-fo",
        {"scheduled_to": "2030-02-01T09:00:00Z"},
        "status",
        fo_path("ORD-1006", "FO-1006-A", "update-schedule"),
        watch=("ORD-1006",),
    ),
    # -- update order rules (page 002)
    patch(
        "fo-line-not-in-order",
        fo_lines("FO-1001-A", {"id": "LI-1001-1", "quantity": 1}, {"id": "NOPE", "quantity": 1}),
        "fulfillment_orders[0].line_items[1].id",
    ),
    patch(
        "line-items-drop-a-referenced-item",
        {"line_items": [{"id": "LI-1001-1", "quantity": 1}]},
        "fulfillment_orders[0].line_items[1].id",
    ),
    patch(
        "terminal-line-listed-again",
        {"fulfillment_orders": [fo_entry("FO-1004-A", LI_1004_2), FO_1004_B_AS_IS]},
        "fulfillment_orders[0].line_items[0].id",
        "/orders/ORD-1004",
        watch=("ORD-1004",),
    ),
    patch(
        "terminal-line-listed-again-as-line_item_id",
        {
            "fulfillment_orders": [
                FO_1004_B_AS_IS,
                fo_entry("FO-1004-A", {"line_item_id": "LI-1004-1", "quantity": 1}),
            ]
        },
        "fulfillment_orders[1].line_items[0].id",
        "/orders/ORD-1004",
        watch=("ORD-1004",),
    ),
    patch(
        "terminal-line-of-another-fo-listed",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1004-A"},
                fo_entry("FO-1004-B", LI_1004_1, LI_1004_2),
            ]
        },
        "fulfillment_orders[1].line_items[1].id",
        "/orders/ORD-1004",
        watch=("ORD-1004",),
    ),
    patch(
        "picked-line-listed",
        fo_lines("FO-1013-A", want("LI-1013-2", 2), want("LI-1013-1")),
        "fulfillment_orders[0].line_items[1].id",
        "/orders/ORD-1013",
        watch=("ORD-1013",),
    ),
    patch(
        "fo-quantity-over-the-ordered-one",
        fo_lines("FO-1001-A", want("LI-1001-1"), want("LI-1001-2", 3)),
        "fulfillment_orders[0].line_items[1].quantity",
    ),
    patch(
        "line-quantity-below-the-preserved-one",
        {"line_items": [want("LI-1006-1"), want("LI-1006-2")]},
        "line_items[0].quantity",
        "/orders/ORD-1006",
        watch=("ORD-1006",),
    ),
    patch("cancelled-order", {"language": "ar"}, "status", "/orders/ORD-1007", watch=("ORD-1007",)),
    patch(
        "cancelled-order-fos",
        {"fulfillment_orders": []},
        "status",
        "/orders/ORD-1007",
        watch=("ORD-1007",),
    ),
    patch(
        "line-item-ids-differ",
        {"line_items": [{"id": "a", "line_item_id": "b", "quantity": 1}]},
        "line_items[0].id",
    ),
    patch(
        "line-item-listed-twice",
        {"line_items": [{"id": "LI-1001-1", "quantity": 1}, {"id": "LI-1001-1", "quantity": 1}]},
        "line_items[1].id",
    ),
    patch(
        "zero-quantity",
        {"line_items": [{"id": "LI-1001-1", "quantity": 0}, {"id": "LI-1001-2", "quantity": 2}]},
        "line_items[0].quantity",
    ),
    patch(
        "two-entries-match-one-fo",
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A"},
                {"partner_fulfillment_order_reference": "SHOP-1001-F1"},
            ]
        },
        "fulfillment_orders[1]",
    ),
    patch(
        "new-fos-share-a-reference",
        {
            "fulfillment_orders": [
                {"partner_fulfillment_order_reference": "R-X", "line_items": []},
                {"partner_fulfillment_order_reference": "R-X", "line_items": []},
            ]
        },
        "fulfillment_orders[1].partner_fulfillment_order_reference",
    ),
    patch(
        "partner-order-reference-of-another-order",
        {"partner_order_reference": "SHOP-1002"},
        "partner_order_reference",
        watch=("ORD-1001", "ORD-1002"),
    ),
    # -- update location (page 001)
    patch("location-unknown", {"location_id": "NOWHERE"}, "location_id", LOCATION_1001),
    patch(
        "location-code-of-another-merchant",
        {"location_id": "AH-AUH-01"},
        "location_id",
        LOCATION_1001,
    ),
    # -- update partner references (page 000)
    patch("references-none-given", {}, "body", REFERENCES_1004_A, watch=("ORD-1004",)),
    patch(
        "references-unrelated-field",
        {"reference": "X"},
        "body",
        REFERENCES_1004_A,
        watch=("ORD-1004",),
    ),
    patch(
        "references-unknown-fulfillment-id",
        {
            "partner_fulfillment_order_reference": "WMS-NEW",
            "fulfillments": [
                {"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "X"},
                {"fulfillment_id": "FUL-NOPE", "partner_fulfillment_reference": "Y"},
            ],
        },
        "fulfillments[1].fulfillment_id",
        REFERENCES_1004_A,
        watch=("ORD-1004",),
    ),
    patch(
        "references-fulfillment-of-another-fo",
        {"fulfillments": [{"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "X"}]},
        "fulfillments[0].fulfillment_id",
        REFERENCES_1004_B,
        watch=("ORD-1004",),
    ),
    patch(
        "references-fulfillment-of-a-closed-line",
        {"fulfillments": [{"fulfillment_id": "FUL-1006-1", "partner_fulfillment_reference": "X"}]},
        "fulfillments[0].fulfillment_id",
        fo_path("ORD-1006", "FO-1006-A", "update-partner-references"),
        watch=("ORD-1006",),
    ),
    patch(
        "references-fulfillment-missing-reference",
        {"fulfillments": [{"fulfillment_id": "FUL-1004-1"}]},
        "fulfillments[0].partner_fulfillment_reference",
        REFERENCES_1004_A,
        watch=("ORD-1004",),
    ),
    patch(
        "references-fo-reference-of-another-fo",
        {"partner_fulfillment_order_reference": "SHOP-1004-F1"},
        "partner_fulfillment_order_reference",
        REFERENCES_1004_B,
        watch=("ORD-1004",),
    ),
    # -- conflicts (ours: POST /orders)
    Refusal(
        "create-duplicate-order-id",
        "POST",
        "/orders",
        409,
        "order_id",
        {"json": {"merchant": "ACME_FASHION", "order_id": "ORD-1001"}},
    ),
    Refusal(
        "create-duplicate-partner-reference",
        "POST",
        "/orders",
        409,
        "partner_order_reference",
        {"json": {"merchant": "ACME_FASHION", "partner_order_reference": "SHOP-1001"}},
    ),
    Refusal(
        "create-fo-line-not-in-order",
        "POST",
        "/orders",
        400,
        "fulfillment_orders[0].line_items[0].id",
        {
            "json": {
                "merchant": "ACME_FASHION",
                "line_items": [{"id": "a", "quantity": 1}],
                "fulfillment_orders": [{"line_items": [{"id": "b", "quantity": 1}]}],
            }
        },
    ),
]


@pytest.mark.parametrize("refusal", [r.param() for r in REFUSALS])
def test_refused_request_names_the_field_and_changes_nothing(
    client: CheckedClient, refusal: Refusal
) -> None:
    """docs/behaviour.md: the documented 4xx with `error_details[].field` naming the offending
    field; "a request that fails changes nothing" (GET body, ETag, store and events unchanged)."""
    with client.unchanged(*refusal.watch):
        response = client.open(refusal.method, refusal.path, **refusal.kwargs)
    assert response.status_code == refusal.status, response.get_json()
    assert client.error_fields(response)[0] == refusal.field, response.get_json()


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        (
            REFERENCES_1004_A,
            {"fulfillments": [{}]},
            ["fulfillments[0].fulfillment_id", "fulfillments[0].partner_fulfillment_reference"],
        ),
        (
            ORDER,
            {"line_items": [{"id": "LI-1001-1", "quantity": "1", "unit_price": "9"}]},
            ["line_items[0].quantity", "line_items[0].unit_price"],
        ),
    ],
)
def test_every_offending_field_is_named(
    client: CheckedClient, path: str, body: dict[str, Any], fields: list[str]
) -> None:
    """docs/behaviour.md: `error_details[].field` names *the* offending field — one entry per
    field when several are wrong (e.g. both required fields of page 000's "Update Fulfillment
    Request")."""
    with client.unchanged("ORD-1001", "ORD-1004"):
        response = client.patch(path, json=body)
    assert response.status_code == 400
    assert sorted(client.error_fields(response)) == fields


@pytest.mark.parametrize("too_long", ["order", "fo"])
def test_references_longer_than_documented_are_400(
    client: CheckedClient, fo_operation: Operation, too_long: str
) -> None:
    """`orderReference` and `fulfillmentOrderId` are at most 256 characters (openapi.yaml)."""
    ids = {"order": "ORD-1001", "fo": "FO-1001-A", too_long: "X" * 257}
    with client.unchanged("ORD-1001"):
        response = fo_operation.send(client, **ids)
    assert response.status_code == 400
    field = {"order": "orderReference", "fo": "fulfillmentOrderId"}[too_long]
    assert client.error_fields(response) == [field]


@pytest.mark.parametrize("status", ["cancelled", "fulfilled", "closed"])
def test_schedule_of_a_terminal_fo_is_400(
    client: CheckedClient, fixture_order: Any, status: str
) -> None:
    """Page 003: 400 when the FO "is not in a state that allows this update" (ours: an FO whose
    status is fulfilled, cancelled or closed), whatever its lines say."""
    seeded = fixture_order("ORD-1001")
    seeded["fulfillment_orders"][0]["status"] = status
    client.seed(seeded)
    with client.unchanged("ORD-1001"):
        response = client.patch(
            fo_path("ORD-1001", "FO-1001-A", "update-schedule"),
            json={"scheduled_to": "2030-02-01T09:00:00Z"},
        )
    assert response.status_code == 400
    assert client.error_fields(response) == ["status"]


def test_stale_if_match_is_409_and_changes_nothing(
    client: CheckedClient, change_operation: Operation
) -> None:
    """Page 002's 409 "Concurrent update detected. Retry the request.", for a stale `If-Match`."""
    order = change_operation.order
    _, stale = client.order(order)
    assert client.patch(f"/orders/{order}", json={"language": "fr"}).status_code == 200
    with client.unchanged(order):
        response = change_operation.send(client, headers={"If-Match": stale})
    assert response.status_code == 409
    (detail,) = response.get_json()["error_details"]
    assert detail["message"] == "Concurrent update detected. Retry the request."


def test_stale_update_date_in_if_match_is_409(client: CheckedClient) -> None:
    """The sandbox also accepts the `update_date` as a version; an old one is stale."""
    before, _ = client.order("ORD-1001")
    assert client.patch(ORDER, json={"language": "fr"}).status_code == 200
    with client.unchanged("ORD-1001"):
        response = client.patch(
            ORDER, json={"language": "de"}, headers={"If-Match": before["update_date"]}
        )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"],
)
def test_json_media_types_with_parameters_are_accepted(
    client: CheckedClient, content_type: str
) -> None:
    response = client.patch(ORDER, data='{"language": "ar"}', content_type=content_type)
    assert (response.status_code, response.get_json()["language"]) == (200, "ar")


def test_brackets_inside_strings_are_not_nesting(client: CheckedClient) -> None:
    brackets = "[" * 100 + "{" * 100
    response = client.patch(ORDER, json={"language": "ar", "customer": {"name": brackets}})
    assert (response.status_code, response.get_json()["customer"]["name"]) == (200, brackets)


JSON_KEYS = (
    "language",
    "line_items",
    "fulfillment_orders",
    "id",
    "line_item_id",
    "quantity",
    "fulfillment_order_id",
    "partner_fulfillment_order_reference",
    "location_id",
    "scheduled_from",
    "scheduled_to",
    "fulfillments",
    "fulfillment_id",
    "partner_fulfillment_reference",
    "references",
    "partner_order_reference",
    "post_shipping_info",
    "status",
    "shipment_id",
    "merchant",
    "delivery_method",
    "order_id",
    "creation_date",
    "allocation_history",
    "update_source",
    "error_details",
    "redacted",
    "cancellation_reason",
    "delivery_schedule",
    "customer",
    "weight",
    "coords",
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "LI-1001-1", "FO-1001-A", "SHOP-1001", "delivered", "2030-01-01"])
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_values)
def test_arbitrary_bodies_get_a_documented_answer(
    client: CheckedClient, body_operation: Operation, body: Any
) -> None:
    """docs/behaviour.md: never a 500: any JSON body gets a documented status and a response that
    matches the spec (the client checks every response). One sandbox serves all the examples, so
    accepted ones pile up state for the later ones to meet."""
    assert body_operation.send(client, json=body).status_code < 500


# ---------------------------------------------------------------- values the docs leave open
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payment": {"payment_mode": "CASH_ON_DELIVERY"}}, "payment"),
        ({"shipping_address": {"type": "office", "address1": "1 Road"}}, "shipping_address"),
        ({"customer": {"personal_id": {"id": "X1", "type": "NATIONAL_ID"}}}, "customer"),
    ],
    ids=["payment-mode", "address-type", "personal-id-type"],
)
def test_values_shown_by_one_sample_are_open_strings(
    client: CheckedClient, body: dict[str, Any], field: str
) -> None:
    """Fields the pages show by one sample value (`prepaid`, `residential`, `kg` ...) have no
    published list: another value is accepted and kept (docs/behaviour.md)."""
    response = client.patch("/orders/ORD-1001", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()[field] == body[field]


@pytest.mark.parametrize(
    "reason",
    [
        "CUSTOMER_CANCELLATION",
        "AUTO_ALLOCATION_FAILED",
        "INVENTORY_OUT_OF_STOCK",
        "STAFF_ERROR",
        "PAYMENT_ISSUE",
        "OTHER",
    ],
)
def test_the_six_published_cancellation_reasons_are_accepted(
    client: CheckedClient, reason: str
) -> None:
    """`api/orders/operation/cancel-order` lists six reasons; an order may carry any of them."""
    order = {
        "order_id": f"CXL-{reason}",
        "status": "cancelled",
        "cancellation_reason": reason,
        "line_items": [],
        "fulfillment_orders": [],
    }
    assert client.seed(order)["cancellation_reason"] == reason
    assert client.order(f"CXL-{reason}")[0]["cancellation_reason"] == reason


def test_an_unpublished_cancellation_reason_is_refused(client: CheckedClient) -> None:
    order = {"order_id": "CXL-X", "status": "cancelled", "cancellation_reason": "BORED"}
    response = client.post(
        "/__admin/orders", json={**order, "line_items": [], "fulfillment_orders": []}
    )
    assert response.status_code == 400
    assert client.error_fields(response) == ["cancellation_reason"]


@pytest.mark.parametrize(("length", "status"), [(250, 200), (251, 400)])
def test_references_are_at_most_250_characters(
    client: CheckedClient, length: int, status: int
) -> None:
    """`reference/validation-errors`: "Maximum length for all references is 250 characters"."""
    response = client.patch("/orders/ORD-1001", json={"partner_order_reference": "R" * length})
    assert response.status_code == status, response.get_json()
    if status == 400:
        assert client.error_fields(response) == ["partner_order_reference"]


def test_a_weight_unit_other_than_the_sample_is_kept(client: CheckedClient) -> None:
    """`kg` is the pages' only sample unit, not a published list."""
    line = {"id": "LB-1", "sku": "BOX", "quantity": 1, "weight": {"value": 2, "unit": "lb"}}
    response = client.post("/orders", json={"merchant": "ACME_FASHION", "line_items": [line]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["line_items"][0]["weight"] == {"value": 2, "unit": "lb"}
