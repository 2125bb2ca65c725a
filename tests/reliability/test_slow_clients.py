"""Slow clients do not lock others out: a few hundred connections that send part of their
headers and then nothing, held open, while a normal client is served.

waitress (the fallback server) accepts at most `connection_limit` connections at once and closes
an idle one after `channel_timeout`; with its defaults (100, 120 s) the 100th slow client locked
every new one out for two minutes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests

from tests.launcher import HOST, Server
from tests.reliability.conftest import StartServer

SLOW_CLIENTS = 300
ANSWER_WITHIN_SECONDS = 5.0


def slow_clients(server: Server, count: int, stack: ExitStack) -> None:
    """`count` connections, each with the start of a request line and nothing more."""
    for _ in range(count):
        sock = stack.enter_context(socket.create_connection((HOST, server.port), timeout=5))
        sock.sendall(b"GET /orders/ORD-1001 HTTP/1.1\r\nHost: x\r\n")


@pytest.fixture(params=["waitress", "granian"])
def server(request: pytest.FixtureRequest, start: StartServer) -> Iterator[Server]:
    yield start("--server", request.param, "--quiet")


def test_a_client_is_served_while_hundreds_stall_their_headers(server: Server) -> None:
    with ExitStack() as stack:
        slow_clients(server, SLOW_CLIENTS, stack)
        started = time.monotonic()
        try:
            status = server.session.get(
                f"{server.base_url}/orders/ORD-1001",
                headers=server.headers(),
                timeout=2 * ANSWER_WITHIN_SECONDS,
            ).status_code
        except requests.RequestException as exc:
            pytest.fail(
                f"{server.http_server}: no answer while {SLOW_CLIENTS} clients stall: {exc}"
            )
        elapsed = time.monotonic() - started
    assert status == 200
    assert elapsed < ANSWER_WITHIN_SECONDS, f"{server.http_server}: answered after {elapsed:.1f} s"
