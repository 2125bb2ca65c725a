"""Fault injection (docs/controls.md, "Fault injection"): `POST/GET/DELETE /__admin/faults`.

Faulted API responses are read with a plain test client (the spec documents neither 429/503 on
every operation nor a 500), and their body is checked against `Error` here. Dropped connections
and latency are tested over a real socket, with the sandbox on granian in this process.
"""

from __future__ import annotations

import http.client
import socket
import struct
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from flask.testing import FlaskClient

from mock_server.controls.faults import FAULT_HEADER
from mock_server.domain import CONCURRENT_UPDATE
from mock_server.http.spec import Spec
from mock_server.run.server import BackgroundServer
from tests.launcher import wait_until

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient

TCP_INFO_LAST_DATA_RECV = 52
"""Offset in Linux's `struct tcp_info` of the milliseconds since data was last received."""
SCHEDULE = {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"}
FO_PATH = "/orders/ORD-1001/fulfillment-orders/FO-1001-A"


def arm(client: CheckedClient, **fault: Any) -> dict[str, Any]:
    response = client.post("/__admin/faults", json=fault)
    assert response.status_code == 201, response.get_json()
    armed: dict[str, Any] = response.get_json()
    return armed


@pytest.fixture
def raw(client: CheckedClient) -> FlaskClient:
    """An unchecked test client of the same sandbox, for faulted API requests."""
    return client.app.test_client()


def assert_error(spec: Spec, response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert spec.validator("#/components/schemas/Error", root="response").errors(body) == []
    assert body["error_details"][0]["code"] == code


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (409, "CONCURRENT_UPDATE"),
        (429, "TOO_MANY_REQUESTS"),
        (500, "INTERNAL_ERROR"),
        (503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_a_status_fault_answers_an_error_body(
    client: CheckedClient, raw: FlaskClient, spec: Spec, status: int, code: str
) -> None:
    fault = arm(client, operation="getOrder", status=status)
    response = raw.get("/orders/ORD-1001", headers=client.headers)
    assert_error(spec, response, status, code)
    assert response.headers[FAULT_HEADER] == fault["id"]


def test_the_token_endpoint_can_be_faulted_by_its_operation(
    client: CheckedClient, raw: FlaskClient
) -> None:
    """A client's token refresh under an outage: `getAccessToken` is a fault's operation too."""
    arm(client, operation="getAccessToken", status=503, count=1)
    token = {"client_id": "c", "client_secret": "s"}
    assert raw.post("/oauth/token", json=token).status_code == 503
    assert raw.post("/oauth/token", json=token).status_code == 200


def test_409_says_concurrent_update_and_429_says_when_to_retry(
    client: CheckedClient, raw: FlaskClient
) -> None:
    arm(client, operation="updateOrder", status=409, count=1)
    arm(client, operation="getOrder", status=429, retry_after=7, count=1)
    conflict = raw.patch("/orders/ORD-1001", headers=client.headers, json={"language": "ar"})
    assert conflict.get_json()["error_details"][0]["message"] == CONCURRENT_UPDATE
    limited = raw.get("/orders/ORD-1001", headers=client.headers)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")


def test_count_disarms_the_fault_once_spent(client: CheckedClient, raw: FlaskClient) -> None:
    arm(client, operation="getOrder", status=503, count=2)
    statuses = [raw.get("/orders/ORD-1001", headers=client.headers).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert client.get("/__admin/faults").get_json()["faults"] == []


def test_a_fault_without_count_stays_until_disarmed(
    client: CheckedClient, raw: FlaskClient
) -> None:
    fault = arm(client, path="/orders/*", status=500)
    for _ in range(3):
        assert raw.get("/orders/ORD-1001", headers=client.headers).status_code == 500
    [listed] = client.get("/__admin/faults").get_json()["faults"]
    assert (listed["id"], listed["hits"], listed["remaining"]) == (fault["id"], 3, None)
    assert client.delete("/__admin/faults").status_code == 204
    assert client.get("/__admin/faults").get_json()["faults"] == []
    assert raw.get("/orders/ORD-1001", headers=client.headers).status_code == 200


def test_a_faulted_write_changes_nothing(client: CheckedClient, raw: FlaskClient) -> None:
    arm(client, operation="updateFulfillmentOrderSchedule", status=503)
    with client.unchanged("ORD-1001"):
        response = raw.patch(f"{FO_PATH}/update-schedule", headers=client.headers, json=SCHEDULE)
        assert response.status_code == 503


def test_path_glob_regex_and_method_select_requests(
    client: CheckedClient, raw: FlaskClient
) -> None:
    arm(client, path="/orders/*/fulfillment-orders/*/update-schedule", method="PATCH", status=503)
    arm(client, path=r"^/orders/ORD-100[2-3]$", status=500)
    schedule = raw.patch(f"{FO_PATH}/update-schedule", headers=client.headers, json=SCHEDULE)
    assert schedule.status_code == 503
    assert raw.get("/orders/ORD-1001", headers=client.headers).status_code == 200
    assert raw.get("/orders/ORD-1002", headers=client.headers).status_code == 500
    assert raw.get("/orders/ORD-1004", headers=client.headers).status_code == 200


def test_the_oldest_matching_fault_applies(client: CheckedClient, raw: FlaskClient) -> None:
    arm(client, operation="getOrder", status=429, count=1)
    arm(client, operation="getOrder", status=503, count=1)
    statuses = [raw.get("/orders/ORD-1001", headers=client.headers).status_code for _ in range(3)]
    assert statuses == [429, 503, 200]


def test_the_journal_names_the_fault(client: CheckedClient, raw: FlaskClient) -> None:
    fault = arm(client, operation="getOrder", status=500, count=1)
    raw.get("/orders/ORD-1001", headers=client.headers)
    [entry] = client.get("/__admin/requests").get_json()["requests"]
    assert (entry["status"], entry["fault"], entry["operation"]) == (500, fault["id"], "getOrder")


def test_admin_and_docs_are_never_faulted(client: CheckedClient, raw: FlaskClient) -> None:
    arm(client, path="*", status=503)
    assert client.get("/__admin/faults").status_code == 200
    assert raw.get("/docs").status_code == 200
    assert raw.get("/openapi.json").status_code == 200


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        ({"operation": "deleteOrder", "status": 500}, "operation"),
        ({"path": "^/orders/(", "status": 500}, "path"),
        ({"operation": "getOrder"}, "status"),
        ({"status": 404}, "status"),
        ({"status": 500, "drop_connection": True}, "drop_connection"),
        ({"status": 500, "count": 0}, "count"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"status": 500, "colour": "red"}, "body"),
    ],
)
def test_an_invalid_fault_is_400_naming_the_field(
    client: CheckedClient, fault: dict[str, Any], field: str
) -> None:
    response = client.post("/__admin/faults", json=fault)
    assert response.status_code == 400
    assert field in client.error_fields(response)
    assert client.get("/__admin/faults").get_json()["faults"] == []


def test_without_a_socket_a_dropped_connection_is_a_500_saying_so(
    client: CheckedClient, raw: FlaskClient
) -> None:
    arm(client, operation="getOrder", drop_connection=True)
    response = raw.get("/orders/ORD-1001", headers=client.headers)
    assert response.status_code == 500
    assert response.get_json()["error_details"][0]["code"] == "CONNECTION_NOT_DROPPED"


# ---------------------------------------------------------------- over a real socket
@pytest.fixture
def served(client: CheckedClient) -> Iterator[BackgroundServer]:
    """The `client` fixture's sandbox, also served by granian on a free loopback port."""
    server = BackgroundServer(client.app).start()
    yield server
    server.stop()


def connect(server: BackgroundServer) -> http.client.HTTPConnection:
    host, port = server.url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


def test_a_dropped_connection_gets_no_response_and_changes_nothing(
    client: CheckedClient, served: BackgroundServer
) -> None:
    fault = arm(client, operation="updateOrder", drop_connection=True, count=1)
    conn = connect(served)
    with client.unchanged("ORD-1001"):
        conn.request("PATCH", "/orders/ORD-1001", body=b'{"language":"ar"}', headers=client.headers)
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
            conn.getresponse()
    conn.close()
    assert client.sandbox.journal.wait_for(lambda entry: entry["fault"] == fault["id"], 10)
    journal = client.get("/__admin/requests", query_string={"method": "PATCH"})
    [entry] = journal.get_json()["requests"]
    assert (entry["status"], entry["fault"]) == (None, fault["id"])
    again = connect(served)
    again.request("PATCH", "/orders/ORD-1001", body=b'{"language":"ar"}', headers=client.headers)
    assert again.getresponse().status == 200
    again.close()


def test_latency_delays_the_answer_by_at_least_the_given_time(
    client: CheckedClient, served: BackgroundServer
) -> None:
    arm(client, operation="getOrder", latency_ms=250, count=1)
    conn = connect(served)
    started = time.perf_counter()
    conn.request("GET", "/orders/ORD-1001", headers=client.headers)
    response = conn.getresponse()
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert response.status == 200
    response.read()
    conn.close()
    assert elapsed_ms >= 250
    [entry] = client.get("/__admin/requests").get_json()["requests"]
    assert entry["duration_ms"] >= 250


def test_latency_then_status(client: CheckedClient, served: BackgroundServer) -> None:
    arm(client, operation="getOrder", latency_ms=100, status=503, count=1)
    conn = connect(served)
    started = time.perf_counter()
    conn.request("GET", "/orders/ORD-1001", headers=client.headers)
    response = conn.getresponse()
    assert response.status == 503
    assert (time.perf_counter() - started) * 1000 >= 100
    conn.close()


def quiet_ms(sock: socket.socket) -> int:
    """Milliseconds since the connection last received data (Linux's TCP_INFO)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return int(struct.unpack_from("I", info, TCP_INFO_LAST_DATA_RECV)[0])


def hits(client: CheckedClient, fault_id: str) -> int:
    faults = client.get("/__admin/faults").get_json()["faults"]
    return int(next(f["hits"] for f in faults if f["id"] == fault_id))


def patch_status(server: BackgroundServer, headers: dict[str, str]) -> int:
    conn = connect(server)
    try:
        conn.request("PATCH", "/orders/ORD-1001", body=b'{"language":"ar"}', headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_held_request_stalls_no_other_request(
    client: CheckedClient, served: BackgroundServer
) -> None:
    """granian runs requests on one thread; one that a latency fault holds runs on a thread of
    its own, so that the others are answered while it waits."""
    fault = arm(client, operation="updateOrder", latency_ms=2000)
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(patch_status, served, client.headers)
        assert wait_until(lambda: hits(client, fault["id"]) == 1)
        conn = connect(served)
        conn.request("GET", "/orders/ORD-1002", headers=client.headers)
        assert conn.getresponse().status == 200
        conn.close()
        # The PATCH is journaled once answered: not yet, so the GET did not wait for it.
        journal = client.get("/__admin/requests", query_string={"method": "PATCH"})
        assert journal.get_json()["requests"] == []
        assert held.result(timeout=30) == 200


def test_the_dropped_connection_is_the_faulted_requests(
    client: CheckedClient, served: BackgroundServer
) -> None:
    """Another connection of the same client, idle between two requests, is left alone. (Under
    granian the connection is chosen by when it last received data, to the millisecond: the idle
    one is given a few milliseconds of quiet first.)"""
    idle = connect(served)
    idle.request("GET", "/orders/ORD-1002", headers=client.headers)
    idle.getresponse().read()
    assert idle.sock is not None
    assert wait_until(lambda: quiet_ms(idle.sock) >= 5)
    arm(client, operation="updateOrder", drop_connection=True, count=1)
    faulted = connect(served)
    faulted.request("PATCH", "/orders/ORD-1001", body=b'{"language":"ar"}', headers=client.headers)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        faulted.getresponse()
    faulted.close()
    idle.request("GET", "/orders/ORD-1002", headers=client.headers)
    assert idle.getresponse().status == 200
    idle.close()
