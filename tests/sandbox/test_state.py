"""State you keep (docs/controls.md): `GET/PUT /__admin/state`, and `--state-file` (written
atomically after changes and on SIGTERM/SIGINT, read back at start)."""

from __future__ import annotations

import copy
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest
import requests

from mock_server.app import create_app
from mock_server.config import DEFAULT_FIXTURES, SandboxConfig
from mock_server.controls.state import InvalidState
from mock_server.controls.state_file import StateFile, write_atomically
from tests.launcher import running

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

WAIT = 10.0


LOCATION = {"merchant": "M", "partner_location_id": "L-1", "location_code": "C-1"}


def small_state() -> dict[str, Any]:
    """One tenant with one order and one location (format 2)."""
    return {
        "format": "carriyo-sandbox-state/2",
        "tenants": {
            "t-1": {
                "orders": [
                    {
                        "order_id": "ORD-X",
                        "partner_order_reference": "REF-X",
                        "merchant": "M",
                        "status": "open",
                        "line_items": [],
                        "fulfillment_orders": [
                            {
                                "fulfillment_order_id": "FO-X",
                                "status": "open",
                                "delivery_method": "DELIVERY",
                                "line_items": [],
                            }
                        ],
                    }
                ],
                "locations": [dict(LOCATION)],
            }
        },
    }


def exported(client: CheckedClient) -> dict[str, Any]:
    response = client.get("/__admin/state")
    assert response.status_code == 200
    state: dict[str, Any] = response.get_json()
    return state


# ---------------------------------------------------------------- GET / PUT
def test_the_export_of_a_fresh_sandbox_is_the_fixtures_document(client: CheckedClient) -> None:
    """`fixtures/` uses the same format as the export; the one token is the test client's."""
    [fixtures] = sorted(DEFAULT_FIXTURES.glob("*.json"))
    state = exported(client)
    assert [grant["client_id"] for grant in state.pop("tokens").values()] == ["tests"]
    assert state == orjson.loads(fixtures.read_bytes())


def test_the_export_follows_changes(client: CheckedClient) -> None:
    changed = client.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()
    orders = exported(client)["tenants"]["acme-demo"]["orders"]
    assert changed in orders


def test_put_replaces_every_order_and_location(client: CheckedClient) -> None:
    assert client.put("/__admin/state", json=small_state()).status_code == 204
    state = exported(client)
    assert list(state["tenants"]) == ["t-1"]
    assert state["tenants"]["t-1"]["locations"] == [LOCATION]
    assert client.get("/orders/ORD-1001").status_code == 404
    order = client.get("/orders/ORD-X", headers={"tenant-id": "t-1"}).get_json()
    assert order == {**small_state()["tenants"]["t-1"]["orders"][0], "tenant": "t-1"}


def test_an_export_put_back_changes_nothing(client: CheckedClient) -> None:
    client.patch("/orders/ORD-1001", json={"language": "ar"})
    before = exported(client)
    assert client.put("/__admin/state", json=before).status_code == 204
    assert exported(client) == before


def test_change_logs_travel_with_the_state(client: CheckedClient) -> None:
    """The state document carries each order's change log (`tenants.<t>.change_logs`), so an
    export put back, or a `--state-file` restart, keeps the history list-order-change-logs
    answers."""
    client.patch("/orders/ORD-1001", json={"language": "ar"})
    client.post("/orders/ORD-1001/cancel", json={"cancellation_reason": "OTHER"})
    log = client.get("/orders/ORD-1001/change-logs").get_json()
    assert [entry["operation"] for entry in log] == ["updateOrder", "cancelOrder"]
    document = exported(client)
    assert document["tenants"]["acme-demo"]["change_logs"] == {"ORD-1001": log}
    client.post("/__admin/reset")
    assert client.get("/orders/ORD-1001/change-logs").get_json() == []
    assert client.put("/__admin/state", json=document).status_code == 204
    assert client.get("/orders/ORD-1001/change-logs").get_json() == log


def invalid_states() -> list[tuple[str, Any, str]]:
    bad_status = small_state()
    bad_status["tenants"]["t-1"]["orders"][0]["status"] = "lost"
    no_tenants = small_state()
    del no_tenants["tenants"]
    duplicate = small_state()
    twin = {**duplicate["tenants"]["t-1"]["orders"][0], "order_id": "ORD-Y"}
    duplicate["tenants"]["t-1"]["orders"].append(twin)
    bad_location = small_state()
    del bad_location["tenants"]["t-1"]["locations"][0]["merchant"]
    old_location = {**small_state(), "locations": [{"merchant": "M"}]}
    bad_format = {**small_state(), "format": "carriyo-sandbox-state/3"}
    return [
        ("enum", bad_status, "tenants.t-1.orders[0].status"),
        ("required", no_tenants, "tenants"),
        ("duplicate", duplicate, "tenants.t-1.orders[1].partner_order_reference"),
        ("location", bad_location, "tenants.t-1.locations[0].merchant"),
        ("format-1-location", old_location, "locations[0].partner_location_id"),
        ("format", bad_format, "format"),
    ]


@pytest.mark.parametrize(
    ("document", "field"),
    [case[1:] for case in invalid_states()],
    ids=[case[0] for case in invalid_states()],
)
def test_an_invalid_state_is_400_naming_the_field_and_changes_nothing(
    client: CheckedClient, document: dict[str, Any], field: str
) -> None:
    before = exported(client)
    response = client.put("/__admin/state", json=document)
    assert response.status_code == 400
    assert field in client.error_fields(response)
    assert exported(client) == before


def test_format_1_locations_go_to_every_tenant_of_the_document(client: CheckedClient) -> None:
    """Format 1 (still read) had one location list for the whole sandbox: each tenant of the
    document gets it, as its own, and the export is format 2."""
    document = small_state()
    document["format"] = "carriyo-sandbox-state/1"
    del document["tenants"]["t-1"]["locations"]
    document["tenants"]["t-2"] = {"orders": []}
    document["locations"] = [LOCATION]
    assert client.put("/__admin/state", json=document).status_code == 204
    state = exported(client)
    assert state["format"] == "carriyo-sandbox-state/2"
    assert "locations" not in state
    assert {tenant: content["locations"] for tenant, content in state["tenants"].items()} == {
        "t-1": [LOCATION],
        "t-2": [LOCATION],
    }
    moved = client.patch(
        "/orders/ORD-X/fulfillment-orders/FO-X/update-location",
        json={"location_id": "C-1"},
        headers={"tenant-id": "t-1"},
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["fulfillment_orders"][0]["location_id"] == "L-1"


def test_a_tenant_with_locations_only_is_kept(client: CheckedClient) -> None:
    """Format 2: a tenant may hold locations and no orders (`orders` may be left out)."""
    document = {"format": "carriyo-sandbox-state/2", "tenants": {"t-3": {"locations": [LOCATION]}}}
    assert client.put("/__admin/state", json=document).status_code == 204
    assert exported(client)["tenants"] == {"t-3": {"orders": [], "locations": [LOCATION]}}


def test_a_body_that_is_not_json_is_400(client: CheckedClient) -> None:
    response = client.put("/__admin/state", data="{", content_type="application/json")
    assert (response.status_code, client.error_fields(response)) == (400, ["body"])


def test_reset_returns_to_the_fixtures_after_a_put(client: CheckedClient) -> None:
    fresh = exported(client)
    client.put("/__admin/state", json=small_state())
    client.post("/__admin/reset")
    assert exported(client) == fresh


# ---------------------------------------------------------------- the state file
def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")
    write_atomically(target, b"new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["state.json"]


def test_a_failed_save_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("previous")

    def broken_export() -> dict[str, Any]:
        raise OSError("disk on fire")

    state_file = StateFile(target, broken_export)
    with pytest.raises(OSError, match="disk on fire"):
        state_file.close()
    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == ["state.json"]


def test_changes_are_saved_without_shutdown(make_client: ClientFactory, tmp_path: Path) -> None:
    path = tmp_path / "sandbox.state.json"
    client = make_client(SandboxConfig(state_file=path))
    state_file = client.sandbox.state_file
    assert state_file is not None
    try:
        changed = client.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()
        assert state_file.wait_saved(WAIT)
        saved = orjson.loads(path.read_bytes())
        assert changed in saved["tenants"]["acme-demo"]["orders"]
        assert saved == exported(client)
    finally:
        client.sandbox.close()


def test_admin_seeding_is_saved_too(make_client: ClientFactory, tmp_path: Path) -> None:
    path = tmp_path / "sandbox.state.json"
    client = make_client(SandboxConfig(state_file=path))
    order = copy.deepcopy(small_state()["tenants"]["t-1"]["orders"][0])
    client.seed(order, tenant="t-9")
    client.sandbox.close()
    assert orjson.loads(path.read_bytes())["tenants"]["t-9"]["orders"] == [
        {**order, "tenant": "t-9"}
    ]


def test_the_state_file_is_loaded_at_start(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.state.json"
    path.write_bytes(orjson.dumps(small_state()))
    app = create_app(SandboxConfig(state_file=path))
    sandbox = app.extensions["sandbox"]
    try:
        assert sandbox.store.tenants() == ["t-1"]
        sandbox.reset()  # reset still means the fixtures
        assert "acme-demo" in sandbox.store.tenants()
    finally:
        sandbox.close()


def test_an_invalid_state_file_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.state.json"
    document = small_state()
    document["tenants"]["t-1"]["orders"][0]["status"] = "lost"
    path.write_bytes(orjson.dumps(document))
    with pytest.raises(InvalidState, match=r"tenants\.t-1\.orders\[0\]\.status"):
        create_app(SandboxConfig(state_file=path))
    assert orjson.loads(path.read_bytes()) == document  # not overwritten


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_restart_loses_nothing_that_was_answered(tmp_path: Path, signum: int) -> None:
    """Change, then stop with a signal at once (before any debounced save), start again."""
    path = tmp_path / "sandbox.state.json"
    with running("--state-file", str(path), log_dir=tmp_path) as first:
        response = requests.patch(
            f"{first.base_url}/orders/ORD-1001",
            json={"language": "ar"},
            headers=first.headers(),
            timeout=30,
        )
        assert response.status_code == 200
        assert first.stop(signum) == 0, first.logs()
    assert "state saved" in first.logs()
    with running("--state-file", str(path), log_dir=tmp_path) as second:
        again = requests.get(
            f"{second.base_url}/orders/ORD-1001", headers=second.headers(), timeout=30
        )
        assert again.json() == response.json()
        assert second.stop() == 0
