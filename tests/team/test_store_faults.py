"""Faults of the shared store: Redis unreachable at start (one clear line), Redis lost while
serving (503 with the published error body, nothing half-applied, recovery without a restart of
the sandbox), and a Redis killed with SIGKILL during a write storm (its append-only file on)
losing nothing that was answered 200."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.launcher import Server, free_port, running, unique, wait_until
from tests.redis_server import RedisServer, redis_server
from tests.team.test_two_processes import new_order
from tests.team.test_workers import serve_refusal

WRITERS = 6


@pytest.fixture
def durable(tmp_path: Path) -> Iterator[tuple[RedisServer, Server]]:
    """A redis-server with its append-only file on, and a sandbox on it."""
    with (
        redis_server(tmp_path / "redis", appendonly=True) as redis,
        running("--store", redis.url, log_dir=tmp_path / "logs") as sandbox,
    ):
        yield redis, sandbox


def test_an_unreachable_redis_at_start_is_one_clear_line() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    stderr = serve_refusal("--store", url)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"--store: Redis at {url} cannot be reached")


def unavailable(response: requests.Response) -> bool:
    body = response.json()
    return (
        response.status_code == 503
        and body["status"] == "503"
        and body["error_details"][0]["code"] == "SERVICE_UNAVAILABLE"
        and body["errors"] == ["The service is temporarily unavailable. Retry the request."]
    )


def answered(sandbox: Server, method: str, path: str, **kwargs: Any) -> requests.Response:
    """The first answer that is not a 503 (after a restart, requests are refused at once until
    the sandbox's health check finds Redis back), polled a bounded number of times."""
    last: list[requests.Response] = []

    def served() -> bool:
        last[:] = [sandbox.call(method, path, **kwargs)]
        return last[0].status_code != 503

    wait_until(served)
    return last[0]


def test_redis_lost_while_serving_is_a_503_and_the_sandbox_recovers(
    durable: tuple[RedisServer, Server],
) -> None:
    redis, sandbox = durable
    order_id = unique("OUTAGE")
    created = sandbox.call("POST", "/orders", json=new_order(order_id))
    assert created.status_code == 200
    assert sandbox.call("GET", f"/orders/{order_id}").status_code == 200  # a local copy now
    redis.kill()
    assert unavailable(sandbox.call("GET", f"/orders/{order_id}"))
    assert unavailable(sandbox.call("PATCH", f"/orders/{order_id}", json={"language": "ar"}))
    assert unavailable(sandbox.call("POST", "/orders", json=new_order(unique("LOST"))))
    assert unavailable(sandbox.admin("GET", "state"))
    redis.start()
    read = answered(sandbox, "GET", f"/orders/{order_id}")
    assert read.status_code == 200
    assert read.headers["ETag"] == created.headers["ETag"], "the refused PATCH changed nothing"
    assert "language" not in read.json()
    patched = answered(sandbox, "PATCH", f"/orders/{order_id}", json={"language": "fr"})
    assert patched.status_code == 200 and patched.json()["language"] == "fr"


class Writers:
    """WRITERS threads, each updating its own order with increasing numbers and creating new
    orders, until stopped; what was answered 200/201 is kept."""

    def __init__(self, sandbox: Server, orders: list[str]) -> None:
        self.sandbox = sandbox
        self.orders = orders
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked: dict[str, int] = {}
        self.created: list[str] = []
        self.refused = 0
        self.other: list[int] = []
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(WRITERS)]

    def count(self) -> int:
        with self.lock:
            return sum(self.acked.values()) + len(self.created)

    def run(self, i: int) -> None:
        session = requests.Session()
        order_id, k = self.orders[i], 0
        while not self.stop.is_set():
            k += 1
            try:
                patched = self.sandbox.call(
                    "PATCH", f"/orders/{order_id}", json={"language": str(k)}, session=session
                )
                new_id = unique("STORM-NEW")
                made = self.sandbox.call("POST", "/orders", json=new_order(new_id), session=session)
            except requests.RequestException:
                continue
            with self.lock:
                for response in (patched, made):
                    if response.status_code == 503:
                        self.refused += 1
                    elif response.status_code not in (200, 201):
                        self.other.append(response.status_code)
                if patched.status_code == 200:
                    self.acked[order_id] = k
                if made.status_code == 200:
                    self.created.append(new_id)


def test_a_redis_killed_during_a_write_storm_loses_nothing_answered(
    durable: tuple[RedisServer, Server],
) -> None:
    redis, sandbox = durable
    orders = [unique("DURABLE") for _ in range(WRITERS)]
    for order_id in orders:
        assert sandbox.call("POST", "/orders", json=new_order(order_id)).status_code == 200
    writers = Writers(sandbox, orders)
    for thread in writers.threads:
        thread.start()
    try:
        assert wait_until(lambda: writers.count() >= 100)
        redis.kill()
        assert wait_until(lambda: writers.refused >= WRITERS)
        before_restart = writers.count()
        redis.start()
        assert wait_until(lambda: writers.count() >= before_restart + 100)
    finally:
        writers.stop.set()
        for thread in writers.threads:
            thread.join()
    assert writers.other == []
    for order_id, k in writers.acked.items():
        found = answered(sandbox, "GET", f"/orders/{order_id}")
        assert found.status_code == 200
        assert int(found.json()["language"]) >= k, "an update answered 200 is missing"
    for order_id in writers.created:
        assert answered(sandbox, "GET", f"/orders/{order_id}").status_code == 200
