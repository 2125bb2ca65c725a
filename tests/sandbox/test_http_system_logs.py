"""System logs over HTTP (api/orders/operation/add-order-system-log and
get-order-system-log-detail-url): added, read back through the detail URL, refused as published,
and kept out of the order itself (ours). Every response is checked against `openapi.yaml`."""

from __future__ import annotations

import urllib.request
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from mock_server.store import MAX_SYSTEM_LOGS
from tests.sandbox.client import TENANT

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient

Json = dict[str, Any]
LOG = {
    "entity_id": "not-the-order",
    "tenant": "someone-else",
    "event_type": "INBOUND",
    "request_type": "ORDER_CREATE",
    "correlation_id": "corr-1",
    "request_time": 1772439245000,
    "request_headers": {"accept": ["application/json"]},
    "response_code": 201,
    "call_statistics": {"call_start": "0"},
    "duration_statistics": {"total_duration": 180, "connection_reused": False},
}


def detail(url: str) -> Json:
    """The log a `data:` detail URL holds, as a client downloads it (urllib opens data URLs)."""
    with urllib.request.urlopen(url) as download:  # a data: URL: nothing is fetched
        document: Json = orjson.loads(download.read())
    return document


def add(client: CheckedClient, order: str = "ORD-1002", body: Json = LOG, query: str = "") -> Json:
    response = client.post(f"/orders/{order}/system-logs{query}", json=body)
    assert response.status_code == 200, response.get_json()
    added: Json = response.get_json()
    return added


def test_a_log_is_added_and_read_back_by_its_identifier(client: CheckedClient) -> None:
    """The answer has an identifier; entity_id is the order's id (published); the detail URL
    holds the log as kept, every field sent (ours)."""
    added = add(client)
    assert added["identifier"]
    assert added["entity_id"] == added["order_id"] == "ORD-1002"
    assert added["tenant"] == TENANT
    assert {k: added[k] for k in LOG if k not in ("entity_id", "tenant")} == {
        k: v for k, v in LOG.items() if k not in ("entity_id", "tenant")
    }
    url = client.get(f"/orders/ORD-1002/system-logs/{added['identifier']}")
    assert url.status_code == 200
    assert url.get_json().startswith("data:application/json;base64,")
    assert detail(url.get_json()) == added


def test_by_partner_order_reference_and_every_event_type(client: CheckedClient) -> None:
    query = "?key=partner_order_reference"
    for event_type in ("INBOUND", "INTERNAL", "OUTBOUND"):
        added = add(client, "SHOP-1002", {"event_type": event_type}, query)
        assert added["entity_id"] == "ORD-1002"
        url = client.get(f"/orders/SHOP-1002/system-logs/{added['identifier']}{query}")
        assert detail(url.get_json())["event_type"] == event_type


def test_the_fixtures_log_is_there(client: CheckedClient) -> None:
    url = client.get("/orders/ORD-1001/system-logs/SYSLOG-1001-0001")
    assert url.status_code == 200
    assert detail(url.get_json())["request_type"] == "ORDER_CREATE"


def test_adding_a_log_changes_nothing_of_the_order(client: CheckedClient) -> None:
    """Ours: no change-log entry, no event, the same order and ETag."""
    before = client.get("/orders/ORD-1002")
    logs = client.get("/orders/ORD-1002/change-logs").get_json()
    events = len(client.sandbox.events.list())
    add(client)
    after = client.get("/orders/ORD-1002")
    assert after.get_json() == before.get_json()
    assert after.headers["ETag"] == before.headers["ETag"]
    assert client.get("/orders/ORD-1002/change-logs").get_json() == logs
    assert len(client.sandbox.events.list()) == events


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_type": "SIDEWAYS"}, "event_type"),
        ({"request_time": "yesterday"}, "request_time"),
        ({"response_code": 2.5}, "response_code"),
        ({"entity_ids": [1]}, "entity_ids[0]"),
        ({"request_headers": {"accept": "text/plain"}}, "request_headers.accept"),
        ({"duration_statistics": {"connection_reused": "yes"}}, None),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: CheckedClient, body: Json, field: str | None
) -> None:
    response = client.post("/orders/ORD-1002/system-logs", json=body)
    assert response.status_code == 400
    fields = [d.get("field") for d in response.get_json()["error_details"]]
    assert (field or "duration_statistics.connection_reused") in fields


def test_an_unknown_order_is_a_404_and_an_unknown_log_a_400(client: CheckedClient) -> None:
    assert client.post("/orders/NOPE/system-logs", json=LOG).status_code == 404
    assert client.get("/orders/NOPE/system-logs/SYSLOG-1001-0001").status_code == 404
    unknown = client.get("/orders/ORD-1001/system-logs/SYSLOG-NONE")
    assert unknown.status_code == 400
    assert unknown.get_json()["error_details"][0]["field"] == "identifier"
    # a log of another order is not found under this one
    assert client.get("/orders/ORD-1002/system-logs/SYSLOG-1001-0001").status_code == 400


def test_another_tenant_sees_neither_the_order_nor_its_logs(client: CheckedClient) -> None:
    other = {"tenant-id": "globex-demo"}
    assert (
        client.get("/orders/ORD-1001/system-logs/SYSLOG-1001-0001", headers=other).status_code
        == 404
    )


def test_the_newest_logs_are_kept(client: CheckedClient) -> None:
    store = client.sandbox.store
    first = {"identifier": "SL-first", "order_id": "ORD-1002"}
    store.add_system_log(TENANT, "ORD-1002", first)
    for n in range(MAX_SYSTEM_LOGS):
        store.add_system_log(TENANT, "ORD-1002", {"identifier": f"SL-{n}"})
    assert store.system_log(TENANT, "ORD-1002", "SL-first") is None
    assert len(store.system_logs(TENANT)["ORD-1002"]) == MAX_SYSTEM_LOGS


def test_logs_travel_with_the_state(client: CheckedClient) -> None:
    """`tenants.<t>.system_logs` of the state document: exported, and imported back."""
    added = add(client)
    document = client.get("/__admin/state").get_json()
    logs = document["tenants"][TENANT]["system_logs"]
    assert logs["ORD-1002"] == [added]
    assert client.put("/__admin/state", json=document).status_code == 204
    url = client.get(f"/orders/ORD-1002/system-logs/{added['identifier']}").get_json()
    assert detail(url) == added
    assert client.post("/__admin/reset").status_code in (200, 204)
    assert client.get(f"/orders/ORD-1002/system-logs/{added['identifier']}").status_code == 400
