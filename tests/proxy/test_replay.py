"""`replay`: a recording replayed against a fresh sandbox gives the recorded answers (an empty
parity report) when the sandbox behaves as the recorded service did, and names the operation
and field where it does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from mock_server.app import create_app
from mock_server.proxy.har import read_har
from mock_server.proxy.replay import IdMap, Replayer, differences, write_parity
from mock_server.run.server import BackgroundServer
from tests.proxy.conftest import AUTH, ProxyFactory


@pytest.fixture
def fresh_sandbox() -> Iterator[str]:
    """A sandbox with no orders at all (what replay seeds into)."""
    from mock_server.config import SandboxConfig

    server = BackgroundServer(create_app(SandboxConfig(fixtures=None))).start()
    yield server.url
    server.stop()


@pytest.fixture
def proxy(upstream: str, start_proxy: ProxyFactory) -> str:
    """A recording proxy (to `traffic.har` in the test's directory) in front of a sandbox."""
    url, _ = start_proxy(upstream)
    return url


def integration(proxy: str, session: requests.Session) -> None:
    """A short integration run through the proxy: read, create, update, fulfil, deliver, read."""
    session.get(f"{proxy}/orders/ORD-1003", headers=AUTH)
    session.patch(f"{proxy}/orders/ORD-1003", json={"language": "ar"}, headers=AUTH)
    created = session.post(
        f"{proxy}/orders",
        headers=AUTH,
        json={
            "merchant": "ACME_FASHION",
            "partner_order_reference": "REPLAY-1",
            "line_items": [{"id": "a", "quantity": 1}],
            "fulfillment_orders": [{"line_items": [{"id": "a", "quantity": 1}]}],
        },
    ).json()
    fo = created["fulfillment_orders"][0]["fulfillment_order_id"]
    fulfilled = session.post(
        f"{proxy}/orders/{created['order_id']}/fulfillment-orders/{fo}/fulfill",
        json={"line_items": [{"id": "a", "quantity": 1}]},
        headers=AUTH,
    ).json()
    shipment = fulfilled["fulfillment_orders"][0]["line_items"][0]["shipment_ids"][0]
    session.post(
        f"{proxy}/orders/shipment-status-update",
        headers=AUTH,
        json={
            "shipment_id": shipment,
            "references": {"partner_order_reference": "REPLAY-1"},
            "post_shipping_info": {"status": "delivered"},
        },
    )
    session.get(f"{proxy}/orders/{created['order_id']}/change-logs", headers=AUTH)


def orders_only(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded `/orders` exchanges (the session's token request aside)."""
    return [entry for entry in entries if "/orders/" in entry["request"]["url"]]


def test_a_recording_replays_against_a_fresh_sandbox_with_no_difference(
    proxy: str, session: requests.Session, fresh_sandbox: str, tmp_path: Path
) -> None:
    integration(proxy, session)
    entries = read_har(tmp_path / "traffic.har")
    parity = Replayer(fresh_sandbox).run(entries, "traffic.har")
    report = parity.as_json()
    assert [d for d in parity.differences] == []
    assert report["exchanges"] == {"replayed": 7, "seeding": 0, "identical": 7}
    assert set(report["operations"]) == {
        "getAccessToken",  # the session's own, before its first call
        "getOrder",
        "updateOrder",
        "createOrder",
        "fulfillFulfillmentOrder",
        "notifyShipmentStatus",
        "listOrderChangeLogs",
    }
    write_parity(report, tmp_path / "parity")
    assert orjson.loads((tmp_path / "parity" / "parity.json").read_bytes()) == report
    assert "7 exchanges replayed, 7" in (tmp_path / "parity" / "parity.html").read_text()


def test_a_sandbox_that_differs_is_reported_by_operation_and_field(
    proxy: str, session: requests.Session, fresh_sandbox: str, tmp_path: Path
) -> None:
    """The recorded service said `ar`, the sandbox replayed against is seeded with an order of
    another language: the update's answer is the same, but a read before it differs."""
    session.get(f"{proxy}/orders/ORD-1001", headers=AUTH)
    entries = orders_only(read_har(tmp_path / "traffic.har"))
    seeded = orjson.loads(entries[0]["response"]["content"]["text"])
    entries.append(
        {
            **entries[0],
            "response": {
                **entries[0]["response"],
                "content": {
                    **entries[0]["response"]["content"],
                    "text": orjson.dumps({**seeded, "language": "xx"}).decode(),
                },
            },
        }
    )
    parity = Replayer(fresh_sandbox).run(entries, "traffic.har")
    assert [(d.operation, d.field, d.recorded) for d in parity.differences] == [
        ("getOrder", "language", "xx")
    ]


def test_an_order_recorded_with_timestamps_in_another_form_is_seeded(
    proxy: str, session: requests.Session, fresh_sandbox: str, tmp_path: Path
) -> None:
    """A service that writes `creation_date` and `update_date` in seconds and `Z` (the five
    pages' samples): seeding takes them and keeps them in the published form."""
    session.get(f"{proxy}/orders/ORD-1001", headers=AUTH)
    entries = orders_only(read_har(tmp_path / "traffic.har"))
    content = entries[0]["response"]["content"]
    recorded = orjson.loads(content["text"])
    stamps = {"creation_date": "2026-03-02T08:14:09Z", "update_date": "2026-03-02T12:14:09+04:00"}
    content["text"] = orjson.dumps({**recorded, **stamps}).decode()
    parity = Replayer(fresh_sandbox).run(entries, "traffic.har")  # raises if seeding failed
    assert (parity.replayed, parity.identical, parity.differences) == (1, 1, [])


def test_differences_ignore_times_and_compare_lists_by_position() -> None:
    recorded = {"update_date": "1", "a": [1, {"b": 2}], "c": "x"}
    replayed = {"update_date": "2", "a": [1, {"b": 3}, 4], "c": "x"}
    assert differences(recorded, replayed) == [("a[].b", 2, 3), ("a[]", None, 4)]


def test_generated_ids_are_mapped_inside_lists_and_strings() -> None:
    ids = IdMap()
    ids.learn(
        {"order_id": "ORD-A", "line_items": [{"shipment_ids": ["SHP-1", "SHP-2"]}]},
        {"order_id": "ORD-B", "line_items": [{"shipment_ids": ["SHP-7", "SHP-8"]}]},
    )
    assert ids.apply("/orders/ORD-A") == "/orders/ORD-B"
    assert ids.normalise({"shipment_ids": ["SHP-2"], "note": "SHP-1 delivered"}) == {
        "shipment_ids": ["SHP-8"],
        "note": "SHP-7 delivered",
    }
