"""Team sandboxes: sandbox processes sharing one redis-server of the module's own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.launcher import Server, running
from tests.redis_server import RedisServer, redis_server


@dataclass
class Team:
    """Two sandbox processes (`first`, `second`) on one Redis."""

    redis: RedisServer
    first: Server
    second: Server


FAST_WEBHOOKS = ("--webhook-time-scale", "0.001")
"""Webhook retries after milliseconds instead of the published minutes."""


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    logs = tmp_path_factory.mktemp("team")
    with (
        redis_server(logs / "redis") as redis,
        running("--store", redis.url, *FAST_WEBHOOKS, log_dir=logs) as first,
        running("--store", redis.url, *FAST_WEBHOOKS, log_dir=logs) as second,
    ):
        yield Team(redis, first, second)
