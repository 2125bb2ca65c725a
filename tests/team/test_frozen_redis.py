"""A Redis that stops answering (SIGSTOP: its connections stay open, the kernel still accepts new
ones, nothing comes back): the sandbox finds it out within a bounded time, then answers every
request that needs Redis 503 at once and serves those that need none (the spec, the docs, a
token in the default mode), and serves again by itself once Redis answers (SIGCONT).

The bounds are the sandbox's promises with room for a loaded machine: a frozen Redis costs one
command timeout (2 s) at most, once; before it was found out, every request that needed it
waited 10 s, and so did every request queued behind it on the process's request thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.launcher import Server, running, unique, wait_until
from tests.redis_server import RedisServer, redis_server
from tests.team.test_store_faults import unavailable
from tests.team.test_two_processes import new_order

FOUND_WITHIN = 6.0
"""Seconds until a frozen Redis is known down: one command timeout, or one health check (every
0.5 s, with the same timeout) when no request needed Redis."""
AT_ONCE = 1.0
"""Seconds a request may take that waits for no Redis."""
RECOVERED_WITHIN = 5.0
"""Seconds from SIGCONT until a request that needs Redis is served again."""
CONCURRENT_WRITES = 4
TOKEN_BODY = {"client_id": "frozen-client", "client_secret": "frozen-secret"}


@pytest.fixture
def sandbox_on(tmp_path: Path) -> Iterator[tuple[RedisServer, Server]]:
    with (
        redis_server(tmp_path / "redis") as redis,
        running("--store", redis.url, log_dir=tmp_path / "logs") as sandbox,
    ):
        yield redis, sandbox


@contextmanager
def frozen(redis: RedisServer) -> Iterator[None]:
    """Redis stopped for the block, continued after it (also when the block fails)."""
    redis.freeze()
    try:
        yield
    finally:
        redis.thaw()


def timed(
    sandbox: Server, method: str, path: str, **kwargs: Any
) -> tuple[requests.Response, float]:
    """One request on a connection of its own (threads may send at once), and its seconds."""
    started = time.monotonic()
    with requests.Session() as session:
        response = sandbox.call(method, path, session=session, **kwargs)
    return response, time.monotonic() - started


def stored_order(sandbox: Server) -> str:
    """A new order this process keeps a local copy of (read once after its creation)."""
    order_id = unique("FROZEN")
    assert sandbox.call("POST", "/orders", json=new_order(order_id)).status_code == 200
    assert sandbox.call("GET", f"/orders/{order_id}").status_code == 200
    return order_id


def test_a_frozen_redis_costs_one_timeout_then_every_request_is_answered_at_once(
    sandbox_on: tuple[RedisServer, Server],
) -> None:
    redis, sandbox = sandbox_on
    order_id = stored_order(sandbox)
    path = f"/orders/{order_id}"
    with frozen(redis):
        started = time.monotonic()
        with ThreadPoolExecutor(CONCURRENT_WRITES + 1) as pool:
            writes = [
                pool.submit(timed, sandbox, "PATCH", path, json={"language": "ar"})
                for _ in range(CONCURRENT_WRITES)
            ]
            spec = pool.submit(timed, sandbox, "GET", "/openapi.json")
            answers = [write.result()[0] for write in writes]
            spec_answer = spec.result()[0]
        elapsed = time.monotonic() - started
        assert all(map(unavailable, answers)), [a.status_code for a in answers]
        assert spec_answer.status_code == 200
        assert elapsed < FOUND_WITHIN, (
            f"{CONCURRENT_WRITES} writes and the spec took {elapsed:.1f} s"
        )
        needs_redis: list[tuple[str, str, Any]] = [
            ("PATCH", path, {"language": "fr"}),
            ("GET", path, None),
            ("POST", "/orders", new_order(unique("FROZEN-NEW"))),
            ("POST", "/oauth/token", TOKEN_BODY),  # the token is kept there, to be checked
        ]
        for method, target, body in needs_redis:
            answer, seconds = timed(sandbox, method, target, json=body)
            assert unavailable(answer), (method, target, answer.status_code)
            assert seconds < AT_ONCE, (method, target, seconds)
        for method, target, body in [
            ("GET", "/openapi.json", None),
            ("GET", "/docs", None),
        ]:
            answer, seconds = timed(sandbox, method, target, json=body)
            assert answer.status_code == 200, (method, target, answer.status_code)
            assert seconds < AT_ONCE, (method, target, seconds)
    thawed = time.monotonic()
    assert wait_until(lambda: sandbox.call("GET", path).status_code == 200)
    assert time.monotonic() - thawed < RECOVERED_WITHIN
    # The writes answered 503 at once never reached Redis; the one that waited for its timeout
    # had been sent, and Redis may run it when it resumes (docs/team-sandbox.md).
    assert sandbox.call("GET", path).json().get("language") in (None, "ar")
    assert sandbox.call("PATCH", path, json={"language": "de"}).status_code == 200


def test_a_redis_frozen_while_no_request_needs_it_is_found_by_the_health_check(
    sandbox_on: tuple[RedisServer, Server],
) -> None:
    redis, sandbox = sandbox_on
    order_id = stored_order(sandbox)
    slowest = 0.0

    def refused() -> bool:
        """A read of the local copy: answered from memory until Redis is known down."""
        nonlocal slowest
        answer, seconds = timed(sandbox, "GET", f"/orders/{order_id}")
        slowest = max(slowest, seconds)
        return answer.status_code != 200 and unavailable(answer)

    with frozen(redis):
        started = time.monotonic()
        assert wait_until(refused), "a frozen Redis was never found out"
        found = time.monotonic() - started
        assert found < FOUND_WITHIN, f"found after {found:.1f} s"
        assert slowest < AT_ONCE, f"a read waited {slowest:.1f} s"
        answer, seconds = timed(sandbox, "PATCH", f"/orders/{order_id}", json={"language": "fr"})
        assert unavailable(answer) and seconds < AT_ONCE, (answer.status_code, seconds)
    assert wait_until(lambda: sandbox.call("GET", f"/orders/{order_id}").status_code == 200)
    assert "language" not in sandbox.call("GET", f"/orders/{order_id}").json()
