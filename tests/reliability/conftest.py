"""Shared fixtures: real sandbox processes on free loopback ports, stopped after use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.launcher import ACME, GLOBEX, Server, running, secret, start_server

StartServer = Callable[..., Server]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[StartServer]:
    """Start servers with any options (`start("--no-admin", keys={...})`); all stopped after."""
    servers: list[Server] = []

    def _start(
        *args: str, keys: dict[str, str] | None = None, default_host: bool = False
    ) -> Server:
        server = start_server(
            *args, log_dir=tmp_path / "logs", keys=keys, default_host=default_host
        )
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A sandbox with the default options, shared by one module's tests."""
    with running(log_dir=tmp_path_factory.mktemp("sandbox")) as server:
        yield server


def tenant_keys() -> dict[str, str]:
    """Fresh API keys for the two fixture tenants."""
    return {ACME: secret("acme"), GLOBEX: secret("globex")}


@pytest.fixture(scope="module")
def strict_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A sandbox started with `--api-keys` (one key per fixture tenant), shared by a module."""
    with running(log_dir=tmp_path_factory.mktemp("strict"), keys=tenant_keys()) as server:
        yield server
