"""The request journal (docs/controls.md, "Request journal"): `GET /__admin/requests` and `DELETE
/__admin/requests`.

Every response is checked against the specs by the `client` fixture (conftest.py), so the entries
also match `JournalEntry` in openapi-admin.yaml.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.config import SandboxConfig
from mock_server.controls.journal import BODY_LIMIT, HEADER_VALUE_LIMIT

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory


def journal(client: CheckedClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/requests", query_string=query)
    assert response.status_code == 200, response.get_json()
    entries: list[dict[str, Any]] = response.get_json()["requests"]
    return entries


def test_an_entry_holds_the_request_and_its_answer(client: CheckedClient) -> None:
    client.patch(
        "/orders/ORD-1001",
        json={"language": "ar"},
        query_string={"key": "order_id"},
        headers={"X-Trace": "t-1"},
    )
    [entry] = journal(client)
    assert entry["method"] == "PATCH"
    assert entry["path"] == "/orders/ORD-1001"
    assert entry["query"] == {"key": ["order_id"]}
    assert entry["body"] == {"language": "ar"}
    assert entry["body_truncated"] is False
    assert entry["status"] == 200
    assert entry["tenant"] == "acme-demo"
    assert entry["operation"] == "updateOrder"
    assert entry["fault"] is None
    assert entry["duration_ms"] >= 0
    assert entry["id"].startswith("REQ-")
    assert entry["headers"]["X-Trace"] == "t-1"


def test_secrets_are_masked(make_client: ClientFactory) -> None:
    client = make_client(headers={"x-api-key": "live-key-123", "tenant-id": "acme-demo"})
    client.get("/orders/ORD-1001", headers={"Authorization": "Bearer secret-token"})
    headers = journal(client)[0]["headers"]
    assert headers["X-Api-Key"] == "li***"
    assert headers["Authorization"] == "Be***"
    assert "live-key-123" not in str(headers) and "secret-token" not in str(headers)


def test_entries_are_newest_first_and_limit_keeps_the_newest(client: CheckedClient) -> None:
    for order in ("ORD-1001", "ORD-1002", "ORD-1003"):
        client.get(f"/orders/{order}")
    assert [e["path"] for e in journal(client)] == [
        "/orders/ORD-1003",
        "/orders/ORD-1002",
        "/orders/ORD-1001",
    ]
    assert [e["path"] for e in journal(client, limit=2)] == ["/orders/ORD-1003", "/orders/ORD-1002"]


def test_filters_by_path_status_and_method(client: CheckedClient) -> None:
    client.get("/orders/ORD-1001")
    client.get("/orders/NOPE")
    client.patch(
        "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-location",
        json={"location_id": "RUH-DC-01"},
    )
    assert [e["path"] for e in journal(client, path="NOPE")] == ["/orders/NOPE"]
    assert [e["method"] for e in journal(client, path="/orders/*/fulfillment-orders/*")] == [
        "PATCH"
    ]
    assert [e["path"] for e in journal(client, status="404")] == ["/orders/NOPE"]
    assert len(journal(client, status="2xx")) == 2
    assert [e["method"] for e in journal(client, method="patch")] == ["PATCH"]


@pytest.mark.parametrize(
    ("name", "value"), [("limit", "0"), ("limit", "ten"), ("status", "40"), ("status", "6xx")]
)
def test_bad_filters_are_400_naming_the_parameter(
    client: CheckedClient, name: str, value: str
) -> None:
    response = client.get("/__admin/requests", query_string={name: value})
    assert response.status_code == 400
    assert client.error_fields(response) == [name]


def test_delete_clears_the_journal(client: CheckedClient) -> None:
    client.get("/orders/ORD-1001")
    assert client.delete("/__admin/requests").status_code == 204
    assert journal(client) == []


def test_admin_requests_and_docs_are_not_journaled(client: CheckedClient) -> None:
    client.get("/__admin/requests")
    client.post("/__admin/reset")
    raw = client.app.test_client()
    raw.get("/docs")
    raw.get("/openapi.json")
    assert journal(client) == []


def test_an_unknown_route_is_journaled_without_operation(client: CheckedClient) -> None:
    client.get("/nowhere")
    [entry] = journal(client)
    assert (entry["path"], entry["status"], entry["operation"]) == ("/nowhere", 404, None)


def test_the_ring_buffer_keeps_the_newest_entries(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(journal_size=3))
    for order in ("ORD-1001", "ORD-1002", "ORD-1003", "ORD-1004", "ORD-1005"):
        client.get(f"/orders/{order}")
    assert [e["path"] for e in journal(client)] == [
        "/orders/ORD-1005",
        "/orders/ORD-1004",
        "/orders/ORD-1003",
    ]


def test_large_bodies_are_cut_and_marked(client: CheckedClient) -> None:
    big = {"language": "x" * (BODY_LIMIT * 2)}
    client.patch("/orders/ORD-1001", json=big)
    [entry] = journal(client)
    assert entry["body_truncated"] is True
    assert isinstance(entry["body"], str)
    assert len(entry["body"].encode()) <= BODY_LIMIT
    assert entry["body"].startswith('{"language": "xxx')


def test_a_body_over_the_size_limit_is_journaled_unread(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(max_body_bytes=1024))
    client.patch("/orders/ORD-1001", json={"language": "x" * 2048})
    [entry] = journal(client)
    assert (entry["status"], entry["body"], entry["operation"]) == (413, None, "updateOrder")


def test_the_path_is_shown_decoded(client: CheckedClient) -> None:
    client.get("/orders/%D8%B7%D9%84%D8%A8-1")
    [entry] = journal(client)
    assert (entry["path"], entry["status"], entry["operation"]) == (
        "/orders/طلب-1",
        404,
        "getOrder",
    )


def test_long_header_values_are_cut(client: CheckedClient) -> None:
    client.get("/orders/ORD-1001", headers={"X-Trace": "t" * (HEADER_VALUE_LIMIT * 4)})
    assert journal(client)[0]["headers"]["X-Trace"] == "t" * HEADER_VALUE_LIMIT


def test_a_body_that_is_not_json_is_kept_as_text(client: CheckedClient) -> None:
    client.patch("/orders/ORD-1001", data="not json", content_type="application/json")
    [entry] = journal(client)
    assert (entry["body"], entry["status"]) == ("not json", 400)


def test_a_body_too_deep_to_send_back_is_kept_as_text(client: CheckedClient) -> None:
    deep = '{"language":"ar","custom_attributes":' + "[" * 1000 + "]" * 1000 + "}"
    client.patch("/orders/ORD-1001", data=deep, content_type="application/json")
    [entry] = journal(client)
    assert entry["body"] == deep


def test_entries_and_events_never_reach_the_oldest_generation_tracked(
    client: CheckedClient,
) -> None:
    """The journal's entries and the events hold nothing the garbage collector keeps tracking
    past its young generations: 10,000 of each, tracked, made its full passes long pauses in the
    middle of requests (docs/benchmarks.md)."""
    gc.collect()
    client.patch("/orders/ORD-1001", json={"language": "ar"}, headers={"X-Trace": "t-1"})
    client.get("/orders/ORD-1001")
    gc.collect(0)
    gc.collect(1)  # the young generations only
    sandbox = client.sandbox
    entries = list(sandbox.journal._entries)
    assert len(entries) == 2 and not any(map(gc.is_tracked, entries))
    events = sandbox.events.list()
    assert events and not any(map(gc.is_tracked, events))
