"""The admin surface: loopback by default; off loopback, `/__admin/*` needs `--admin-token`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.launcher import Reply, Server, help_text, running
from tests.reliability.cases import error_body_problems
from tests.reliability.conftest import StartServer

TOKEN = "admin-token-0123456789abcdef"
ADMIN_CALLS = (
    ("POST", "reset"),
    ("POST", "orders"),
    ("POST", "locations"),
    ("GET", "requests"),
    ("GET", "webhooks"),
    ("GET", "state"),
)
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def _admin(server: Server, method: str, path: str, authorization: str | None = None) -> Reply:
    headers = {"tenant-id": "acme-demo", "content-type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return server.raw(method, f"/__admin/{path}", b"{}" if method == "POST" else None, headers)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) listening on `port`."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("/proc/net/tcp is Linux only")
    found = set()
    for line in table.read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(address)
    return found


def test_help_says_loopback_is_the_default() -> None:
    assert re.search(r"--host HOST\s+address to bind \(default 127\.0\.0\.1\)", help_text())


def test_binds_loopback_by_default_and_admin_works_there(start: StartServer) -> None:
    server = start(default_host=True)
    assert _listening_addresses(server.port) == {LOOPBACK_HEX}
    assert _admin(server, "POST", "reset").status == 204


@pytest.fixture(scope="module")
def open_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Bound to every address (reached through 127.0.0.1), no admin token."""
    with running("--host", "0.0.0.0", log_dir=tmp_path_factory.mktemp("open")) as server:
        yield server


@pytest.fixture(scope="module", params=["0.0.0.0", "127.0.0.1"])
def token_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Started with `--admin-token`, on every address or on loopback."""
    log_dir = tmp_path_factory.mktemp("token")
    with running("--host", request.param, "--admin-token", TOKEN, log_dir=log_dir) as server:
        yield server


@pytest.mark.parametrize(("method", "path"), ADMIN_CALLS)
def test_admin_refused_off_loopback_without_token(
    open_host: Server, method: str, path: str
) -> None:
    server = open_host
    reply = _admin(server, method, path)
    assert reply.status == 403, reply.body
    assert error_body_problems(reply) == []
    assert server.healthy()


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer wrong-token", 401),
        (TOKEN, 401),
        (f"Basic {TOKEN}", 401),
        (f"Bearer {TOKEN}x", 401),
        (f"Bearer {TOKEN}", 204),
        (f"bearer {TOKEN}", 204),
    ],
)
def test_admin_token(token_server: Server, authorization: str | None, status: int) -> None:
    """With `--admin-token T`, only `Authorization: Bearer T` (scheme in any case) is let in."""
    server = token_server
    reply = _admin(server, "POST", "reset", authorization)
    assert reply.status == status, reply.body
    if status >= 400:
        assert error_body_problems(reply) == []
    assert TOKEN not in server.logs()


def test_no_admin_refuses_everything(start: StartServer) -> None:
    server = start("--no-admin")
    for method, path in ADMIN_CALLS:
        reply = _admin(server, method, path)
        assert reply.status == 404, (path, reply.body)
        assert error_body_problems(reply) == []
