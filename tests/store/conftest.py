"""The store fixtures: every test of the shared suite runs on each Store implementation, the Redis
one on a redis-server of this module's own (emptied before each test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.store import Store
from mock_server.store.memory import MemoryStore
from mock_server.store.redis import RedisStore
from tests.redis_server import RedisServer, redis_server


@pytest.fixture(scope="module")
def redis_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh, empty store of each kind."""
    if request.param == "memory":
        yield MemoryStore()
        return
    server: RedisServer = request.getfixturevalue("redis_instance")
    server.flush()
    shared = RedisStore(server.url)
    yield shared
    shared.close()
