"""Timestamps (api/conventions, docs/behaviour.md "Timestamps"): the sandbox writes its own as
`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, reads an input without an offset as UTC, echoes the client's as
sent, and keeps an order's `update_date`s apart although milliseconds can tie."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import yaml

from mock_server import resources
from mock_server.clock import later_than, published_timestamp, read_timestamp
from mock_server.http.timestamps import DATE_TIME_FIELDS
from tests.sandbox.client import TENANT

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient

PUBLISHED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")
INSTANT = "2031-05-06T07:08:09.010+00:00"


def published(value: Any) -> bool:
    return isinstance(value, str) and PUBLISHED.fullmatch(value) is not None


def test_the_published_form_has_milliseconds_and_an_offset() -> None:
    moment = datetime(2025, 11, 3, 9, 15, 0, 987654, tzinfo=UTC)
    assert published_timestamp(moment.timestamp()) == "2025-11-03T09:15:00.987+00:00"


def test_an_input_without_an_offset_is_read_as_utc() -> None:
    assert read_timestamp("2025-11-03T09:15:00") == read_timestamp("2025-11-03T13:15:00+04:00")


def test_a_stamp_that_does_not_follow_the_last_one_moves_one_millisecond_after_it() -> None:
    assert later_than(None, INSTANT) == INSTANT
    assert later_than("2031-05-06T07:08:09.009Z", INSTANT) == INSTANT
    assert later_than(INSTANT, INSTANT) == "2031-05-06T07:08:09.011+00:00"
    assert later_than("2031-05-06T11:08:09.500+04:00", INSTANT) == "2031-05-06T07:08:09.501+00:00"


def test_the_service_writes_its_own_timestamps_in_the_published_form(
    client: CheckedClient,
) -> None:
    """Order dates, the change log, a refusal's body, the event and the journal's time."""
    response = client.post(
        "/orders",
        json={
            "merchant": "ACME_FASHION",
            "order_date": "2026-03-14T10:15:00",
            "line_items": [{"id": "tee", "quantity": 1}],
        },
    )
    created = response.get_json()
    assert response.status_code == 200, created
    order_id = created["order_id"]
    updated = client.patch(f"/orders/{order_id}", json={"language": "fr"}).get_json()
    log = client.get(f"/orders/{order_id}/change-logs").get_json()
    refused = client.patch(f"/orders/{order_id}", json={"line_items": "none"}).get_json()
    stamps = [
        created["creation_date"],
        updated["update_date"],
        *(entry["log_date"] for entry in log),
        refused["timestamp"],
        client.events()[0]["created_at"],
    ]
    assert all(published(stamp) for stamp in stamps), stamps
    journal = client.get("/__admin/requests").get_json()["requests"]
    assert journal and all(published(entry["time"]) for entry in journal)


def test_a_client_timestamp_is_echoed_as_sent_with_an_offset_added_where_missing(
    client: CheckedClient,
) -> None:
    """api/conventions: input without an offset accepted (read as UTC), answers always carry one."""
    window = {"scheduled_from": "2030-02-01T09:00:00", "scheduled_to": "2030-02-01T13:00:00+04:00"}
    response = client.patch(
        "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-schedule", json=window
    )
    assert response.status_code == 200, response.get_json()
    fo = response.get_json()["fulfillment_orders"][0]
    assert fo["delivery_schedule"] == {**window, "scheduled_from": "2030-02-01T09:00:00+00:00"}
    patched = client.patch("/orders/ORD-1001", json={"order_date": "2026-03-14T10:15:00.5"})
    assert patched.get_json()["order_date"] == "2026-03-14T10:15:00.5+00:00"


def _date_time_fields(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _date_time_fields(item)
    elif isinstance(node, dict):
        properties = node.get("properties")
        for key, value in properties.items() if isinstance(properties, dict) else ():
            if isinstance(value, dict) and value.get("$ref") == "#/components/schemas/DateTime":
                yield key
        for value in node.values():
            yield from _date_time_fields(value)


def test_every_date_time_field_of_the_spec_gets_its_offset() -> None:
    spec = yaml.safe_load(resources.spec_files()[0].read_text())
    assert set(_date_time_fields(spec)) == DATE_TIME_FIELDS


def test_successive_changes_within_one_millisecond_get_successive_update_dates(
    client: CheckedClient,
) -> None:
    """A stopped clock: each change still stamps a later update_date, and If-Match naming the
    previous one is stale."""
    client.sandbox.service.clock = lambda: INSTANT
    first = client.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()["update_date"]
    second = client.patch("/orders/ORD-1001", json={"language": "fr"}).get_json()["update_date"]
    assert read_timestamp(INSTANT) <= read_timestamp(first) < read_timestamp(second)
    stale = client.patch("/orders/ORD-1001", json={"language": "en"}, headers={"If-Match": first})
    assert stale.status_code == 409


def test_a_seeded_order_s_timestamps_are_kept_in_the_published_form(
    client: CheckedClient,
) -> None:
    """Seeding takes an order as another service or an older sandbox wrote it (seconds and `Z`,
    microseconds, another offset) and answers its dates as the sandbox writes them."""
    order, _ = client.order("ORD-1001")
    seeded = client.seed(
        {
            **order,
            "order_id": "OLD-1",
            "partner_order_reference": "OLD-1-REF",
            "creation_date": "2026-03-02T08:14:09Z",
            "update_date": "2026-03-02T12:14:09.123456+04:00",
        }
    )
    assert (seeded["creation_date"], seeded["update_date"]) == (
        "2026-03-02T08:14:09.000+00:00",
        "2026-03-02T08:14:09.123+00:00",
    )
    assert seeded["order_date"] == order["order_date"]  # the client's, as sent


def test_a_state_document_of_an_older_sandbox_loads(client: CheckedClient) -> None:
    """Microsecond `Z` stamps (what the sandbox wrote before) in orders and change logs."""
    state = client.get("/__admin/state").get_json()
    content = state["tenants"][TENANT]
    content["orders"][0]["update_date"] = "2026-03-02T08:14:09.506809Z"
    content["change_logs"] = {
        content["orders"][0]["order_id"]: [
            {
                "change_log_id": "CL-1",
                "log_date": "2026-03-02T08:14:09.506809Z",
                "operation": "createOrder",
                "changed_fields": [],
            }
        ]
    }
    response = client.put("/__admin/state", json=state)
    assert response.status_code == 204, response.get_json()
    order_id = content["orders"][0]["order_id"]
    assert client.order(order_id)[0]["update_date"] == "2026-03-02T08:14:09.506+00:00"
    [entry] = client.get(f"/orders/{order_id}/change-logs").get_json()
    assert entry["log_date"] == "2026-03-02T08:14:09.506+00:00"


def test_a_form_naming_no_calendar_day_is_refused_naming_it(client: CheckedClient) -> None:
    """The pattern takes 31 February and year 0; the calendar does not: a 400 naming the field,
    nothing changed (it once went through to a 500)."""
    path = "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-schedule"
    for value in ("2027-02-31T10:00:00", "0000-01-01T10:00:00Z"):
        with client.unchanged("ORD-1001"):
            body = {"scheduled_from": value, "scheduled_to": "2027-03-01T10:00:00Z"}
            response = client.patch(path, json=body)
        assert response.status_code == 400
        assert response.get_json()["error_details"][0]["field"] == "scheduled_from"
