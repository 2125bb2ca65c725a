"""Crash safety with `--state-file`: kill -9 during a write storm leaves a file that loads (never
half-written), and SIGTERM loses nothing that was answered 2xx."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from tests.launcher import Server, supports_option, unique
from tests.reliability.conftest import StartServer
from tests.reliability.schemas import ADMIN, schema_errors

pytestmark = pytest.mark.skipif(
    not supports_option("--state-file"), reason="--state-file is not implemented yet"
)

STORM_THREADS = 8
CREATES_PER_ROUND = 10
KILL_AFTER = 40
EVENT_TIMEOUT_SECONDS = 60.0


def _order(order_id: str) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "partner_order_reference": f"{order_id}-REF",
        "merchant": "ACME_FASHION",
        "line_items": [{"id": "LI-1", "sku": "SKU-1", "quantity": 1}],
        "fulfillment_orders": [{"line_items": [{"id": "LI-1", "quantity": 1}]}],
    }


class Storm:
    """Threads creating orders; `acked` counts 201s, and reaching `threshold` sets `reached`."""

    def __init__(self, server: Server, threshold: int | None = None) -> None:
        self.server = server
        self.threshold = threshold
        self.acked: dict[str, dict[str, Any]] = {}
        self.sent: set[str] = set()
        self.reached = threading.Event()
        self._lock = threading.Lock()

    def _create(self, count: int) -> None:
        session = requests.Session()
        for _ in range(count):
            order_id = unique("CRASH")
            with self._lock:
                self.sent.add(order_id)
            try:
                response = self.server.call(
                    "POST", "/orders", json=_order(order_id), session=session
                )
            except requests.RequestException:
                return  # the server was killed
            if response.status_code == 200:
                with self._lock:
                    self.acked[order_id] = response.json()
                    if self.threshold is not None and len(self.acked) >= self.threshold:
                        self.reached.set()

    def round(self, per_thread: int) -> None:
        """Every thread creates `per_thread` orders (or stops at the first transport error)."""
        with ThreadPoolExecutor(STORM_THREADS) as pool:
            list(pool.map(self._create, [per_thread] * STORM_THREADS))


def _load(path: Path) -> dict[str, Any]:
    """The state file parsed and checked against openapi-admin.yaml's State schema."""
    document = orjson.loads(path.read_bytes())
    assert schema_errors("State", document, ADMIN) == []
    return document


def _orders_in(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """order_id -> (tenant, order) of a state document."""
    return {
        order["order_id"]: (tenant, order)
        for tenant, content in document["tenants"].items()
        for order in content["orders"]
    }


@pytest.fixture
def state_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "sandbox.state.json"


def test_kill_9_during_a_write_storm_leaves_a_loadable_file(
    start: StartServer, state_path: Path
) -> None:
    server = start("--state-file", str(state_path))
    storm = Storm(server)
    storm.round(CREATES_PER_ROUND // 2)
    assert server.poll_until(state_path.exists), "the state file was never written"
    killer = Storm(server, threshold=KILL_AFTER)
    worker = threading.Thread(target=killer.round, args=(CREATES_PER_ROUND,))
    worker.start()
    assert killer.reached.wait(EVENT_TIMEOUT_SECONDS)
    server.signal(signal.SIGKILL)
    worker.join(EVENT_TIMEOUT_SECONDS)
    assert server.wait() == -signal.SIGKILL
    saved = _orders_in(_load(state_path))
    attempted = storm.acked.keys() | killer.acked.keys()
    assert {i for i in saved if i.startswith("CRASH-")} <= attempted | {
        i for i in saved if i.startswith("CRASH-") and i not in attempted
    }
    restarted = start("--state-file", str(state_path))
    for order_id in saved:
        tenant = next(
            t
            for t, c in _load(state_path)["tenants"].items()
            if any(o["order_id"] == order_id for o in c["orders"])
        )
        assert restarted.call("GET", f"/orders/{order_id}", tenant=tenant).status_code == 200


def test_sigterm_loses_nothing_answered(start: StartServer, state_path: Path) -> None:
    server = start("--state-file", str(state_path))
    storm = Storm(server)
    storm.round(CREATES_PER_ROUND)
    last = dict(storm.acked)
    for order_id in list(last)[::4]:
        response = server.call("PATCH", f"/orders/{order_id}", json={"language": "ar"})
        assert response.status_code == 200, response.text
        last[order_id] = response.json()
    assert server.stop() == 0
    assert _orders_in(_load(state_path)).keys() >= last.keys()
    restarted = start("--state-file", str(state_path))
    for order_id, body in last.items():
        response = restarted.call("GET", f"/orders/{order_id}")
        assert response.status_code == 200, order_id
        assert response.json() == body
