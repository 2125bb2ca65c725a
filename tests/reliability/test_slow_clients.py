"""Slow clients do not lock others out: a few hundred connections that send part of their
headers and then nothing, held open, while a normal client is served.

waitress (the fallback server) accepts at most `connection_limit` connections at once and closes
an idle one after `channel_timeout`; with its defaults (100, 120 s) the 100th slow client locked
every new one out for two minutes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.launcher import Server
from tests.reliability.client_faults import SLOW_CLIENTS, get_while_headers_stall
from tests.reliability.conftest import StartServer

ANSWER_WITHIN_SECONDS = 5.0


@pytest.fixture(params=["waitress", "granian"])
def server(request: pytest.FixtureRequest, start: StartServer) -> Iterator[Server]:
    yield start("--server", request.param, "--quiet")


def test_a_client_is_served_while_hundreds_stall_their_headers(server: Server) -> None:
    status, elapsed = get_while_headers_stall(server)
    assert status == 200, f"{server.http_server}: no answer while {SLOW_CLIENTS} clients stall"
    assert elapsed < ANSWER_WITHIN_SECONDS, f"{server.http_server}: answered after {elapsed:.1f} s"
