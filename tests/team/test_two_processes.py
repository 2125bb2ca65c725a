"""Two sandbox processes on one Redis behave as one sandbox: an order written through one is read
and updated through the other, concurrent writers lose nothing, a reference stays unique, and the
controls (journal, events and their deliveries, faults, state, seeding) are the same on both."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.launcher import ACME, Server, unique, wait_until
from tests.reliability.storms import StormFigures, blind_storm, rmw_storm
from tests.sandbox.webhook_receiver import Receiver
from tests.team.conftest import Team

STORM_THREADS, STORM_REQUESTS, BLIND_REQUESTS = 32, 60, 100


def new_order(order_id: str, reference: str | None = None) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "partner_order_reference": reference or f"{order_id}-REF",
        "merchant": "ACME_FASHION",
        "line_items": [{"id": "LI-1", "sku": "SKU-1", "quantity": 1}],
        "fulfillment_orders": [
            {"location_id": "DXB-WH-01", "line_items": [{"id": "LI-1", "quantity": 1}]}
        ],
    }


def check(figures: StormFigures) -> None:
    assert figures.server_errors == 0
    assert figures.unexpected == 0, figures.updates + figures.reads
    assert (figures.lost, figures.undone, figures.phantom) == (0, 0, 0)
    assert figures.invalid_orders == []
    assert figures.acknowledged == figures.updates[200] > 0


def test_an_order_written_on_one_is_read_and_updated_on_the_other(team: Team) -> None:
    order_id = unique("TEAM")
    created = team.first.call("POST", "/orders", json=new_order(order_id))
    assert created.status_code == 200, created.text
    read = team.second.call("GET", f"/orders/{order_id}")
    assert read.status_code == 200 and read.headers["ETag"] == created.headers["ETag"]
    updated = team.second.call(
        "PATCH",
        f"/orders/{order_id}",
        json={"language": "ar"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert updated.status_code == 200, updated.text
    again = team.first.call("GET", f"/orders/{order_id}")
    assert again.json()["language"] == "ar" and again.headers["ETag"] == updated.headers["ETag"]
    stale = team.first.call(
        "PATCH",
        f"/orders/{order_id}",
        json={"language": "fr"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert stale.status_code == 409 and stale.json()["error_details"][0]["code"] == (
        "CONCURRENT_UPDATE"
    )
    logs = team.first.call("GET", f"/orders/{order_id}/change-logs").json()
    assert len(logs) == 2


def test_a_system_log_added_on_one_is_read_on_the_other(team: Team) -> None:
    """System logs live in Redis beside the order: the detail URL of a log added through one
    process is answered by the other, and the order's ETag is unchanged."""
    order_id = unique("TEAM")
    created = team.first.call("POST", "/orders", json=new_order(order_id))
    added = team.first.call(
        "POST", f"/orders/{order_id}/system-logs", json={"event_type": "INTERNAL"}
    )
    assert added.status_code == 200, added.text
    url = team.second.call("GET", f"/orders/{order_id}/system-logs/{added.json()['identifier']}")
    assert url.status_code == 200 and url.json().startswith("data:application/json;base64,")
    read = team.second.call("GET", f"/orders/{order_id}")
    assert read.headers["ETag"] == created.headers["ETag"]


@pytest.mark.parametrize("orders", [1, 10], ids=["same order", "10 orders"])
def test_if_match_storm_over_two_processes_loses_no_update(team: Team, orders: int) -> None:
    figures = rmw_storm(team.first, STORM_THREADS, STORM_REQUESTS, orders, (team.second,))
    assert figures.update_requests == STORM_THREADS * STORM_REQUESTS
    check(figures)


def test_blind_storm_over_two_processes_loses_no_update(team: Team) -> None:
    figures = blind_storm(team.first, BLIND_REQUESTS, (team.second,))
    assert figures.updates[200] == figures.threads * BLIND_REQUESTS
    check(figures)


def test_a_reference_is_unique_across_processes(team: Team) -> None:
    reference = unique("SHARED-REF")
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def create(i: int) -> None:
        server = (team.first, team.second)[i % 2]
        barrier.wait()
        response = server.call("POST", "/orders", json=new_order(unique("RACE"), reference))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7


def test_the_journal_lists_what_both_processes_answered(team: Team) -> None:
    marker = unique("JOURNAL")
    team.first.call("GET", f"/orders/{marker}-1")
    team.second.call("GET", f"/orders/{marker}-2")
    for server in (team.first, team.second):
        entries = server.admin("GET", "requests", params={"path": marker}).json()["requests"]
        assert [e["path"] for e in entries] == [f"/orders/{marker}-2", f"/orders/{marker}-1"]
        assert entries[0]["id"] != entries[1]["id"] and entries[0]["status"] == 404
    assert team.second.admin("DELETE", "requests").status_code == 204
    assert team.first.admin("GET", "requests").json()["requests"] == []


def test_a_fault_with_a_count_strikes_that_often_across_processes(team: Team) -> None:
    order_id = unique("FAULTED")
    assert team.first.call("POST", "/orders", json=new_order(order_id)).status_code == 200
    armed = team.first.admin(
        "POST", "faults", json={"path": f"/orders/{order_id}", "status": 503, "count": 2}
    )
    assert armed.status_code == 201
    statuses = [
        server.call("GET", f"/orders/{order_id}").status_code
        for server in (team.second, team.first, team.second, team.first)
    ]
    assert statuses == [503, 503, 200, 200]
    assert team.second.admin("GET", "faults").json()["faults"] == []
    endless = team.second.admin(
        "POST", "faults", json={"path": f"/orders/{order_id}", "status": 429}
    )
    fault_id = endless.json()["id"]
    assert fault_id != armed.json()["id"]
    assert team.first.call("GET", f"/orders/{order_id}").status_code == 429
    [listed] = team.first.admin("GET", "faults").json()["faults"]
    assert (listed["id"], listed["hits"]) == (fault_id, 1)
    assert team.first.admin("DELETE", "faults").status_code == 204
    assert team.second.call("GET", f"/orders/{order_id}").status_code == 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def configuration(server: Server, webhook_id: str) -> dict[str, Any] | None:
    listed = server.admin("GET", "webhooks/configurations").json()["configurations"]
    return next((c for c in listed if c["id"] == webhook_id), None)


def configure(server: Server, receiver: Receiver, *triggers: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "OMS", "endpoint_url": receiver.url, "entity_type": "ORDER"}
    body["notify_status"] = triggers
    response = server.admin(
        "POST", "webhooks/configurations", json=body, headers={"tenant-id": ACME}
    )
    assert response.status_code == 201, response.text
    configured: dict[str, Any] = response.json()
    return configured


def test_each_trigger_is_posted_once_whichever_process_recorded_it(
    team: Team, receiver: Receiver
) -> None:
    webhook = configure(team.first, receiver, "ORDER_CREATE", "ORDER_UPDATE")
    try:
        order_id = unique("HOOKED")
        assert team.second.call("POST", "/orders", json=new_order(order_id)).status_code == 200
        for n, server in enumerate((team.first, team.second, team.first)):
            patched = server.call("PATCH", f"/orders/{order_id}", json={"language": f"l{n}"})
            assert patched.status_code == 200
        assert wait_until(lambda: configuration(team.second, webhook["id"])["delivered"] == 4)
        assert configuration(team.first, webhook["id"])["queued"] == 0
        received = receiver.wait_for(4)
        assert len(received) == 4
        assert sorted(r.trigger for r in received) == ["ORDER_CREATE"] + ["ORDER_UPDATE"] * 3
        event_ids = sorted(r.event_id.split(":")[0] for r in received)
        assert len(set(event_ids)) == 4
        listed = team.first.admin("GET", "webhooks", params={"tenant": ACME}).json()["events"]
        mine = [e for e in listed if e["order_id"] == order_id]
        assert [e["event_id"] for e in mine] == event_ids[::-1]
        assert all(e["deliveries"][0]["outcome"] == "delivered" for e in mine)
    finally:
        team.second.admin("DELETE", f"webhooks/configurations/{webhook['id']}")
    assert configuration(team.first, webhook["id"]) is None


def test_a_failed_delivery_is_retriggered_through_the_other_process(
    team: Team, receiver: Receiver
) -> None:
    webhook = configure(team.first, receiver, "ORDER_UPDATE")
    receiver.fail_first = 100
    try:
        since = datetime.now(UTC)
        patched = team.first.call("PATCH", "/orders/ORD-1001", json={"language": "ar"})
        assert patched.status_code == 200
        assert wait_until(lambda: configuration(team.second, webhook["id"])["failed"] == 1)
        receiver.fail_first = 0
        window = {"start_date": since.isoformat(), "end_date": datetime.now(UTC).isoformat()}
        answer = team.second.admin(
            "POST", "webhooks/retrigger-failed-events", json={"webhook_id": webhook["id"], **window}
        ).json()
        assert answer["retriggered_count"] == 1
        assert wait_until(lambda: configuration(team.first, webhook["id"])["delivered"] == 1)
        assert configuration(team.first, webhook["id"])["failed"] == 0
        [event_id] = [e["event_id"] for e in answer["retriggered_events"]]
        assert receiver.received[-1].event_id == event_id
    finally:
        team.second.admin("DELETE", f"webhooks/configurations/{webhook['id']}")


def test_state_seeding_and_reset_are_the_same_on_both(team: Team) -> None:
    order_id = unique("SEEDED")
    seeded = team.second.admin(
        "POST",
        "orders",
        json={"order_id": order_id, "status": "open", "line_items": [], "fulfillment_orders": []},
        headers={"tenant-id": ACME},
    )
    assert seeded.status_code == 201, seeded.text
    assert team.first.call("GET", f"/orders/{order_id}").status_code == 200
    state = team.first.admin("GET", "state").json()
    assert order_id in [o["order_id"] for o in state["tenants"][ACME]["orders"]]
    state["tenants"][ACME]["orders"] = [
        o for o in state["tenants"][ACME]["orders"] if o["order_id"] == order_id
    ]
    assert team.second.admin("PUT", "state", json=state).status_code == 204
    assert team.first.call("GET", "/orders/ORD-1001").status_code == 404
    assert team.first.call("GET", f"/orders/{order_id}").status_code == 200
    team.second.reset()
    assert team.first.call("GET", "/orders/ORD-1001").status_code == 200
    assert team.first.call("GET", f"/orders/{order_id}").status_code == 404
