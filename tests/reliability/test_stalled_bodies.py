"""A client that stops sending its request body holds up no one else (issue 23): the body is
read with a deadline (`--body-timeout`) off the path that serves other clients, and the client
that stalled gets a 408 once the deadline passes. On the sandbox (granian, the default server)
and on the proxy in front of it. Before, the body was read on granian's one request thread: every
other client waited until the stalled one hung up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.launcher import CLI_PROXY, Server, start_server
from tests.reliability.client_faults import BODY_TIMEOUT, STALLS, while_a_body_stalls
from tests.reliability.conftest import StartServer

GET_WITHIN_SECONDS = 1.0
"""A GET takes milliseconds; this bound leaves room for a loaded CI machine only."""
MARGIN_SECONDS = 3.0


@pytest.fixture(params=["sandbox", "proxy"])
def server(request: pytest.FixtureRequest, start: StartServer, sandbox: Server) -> Iterator[Server]:
    timeout = ("--body-timeout", str(BODY_TIMEOUT), "--quiet")
    if request.param == "sandbox":
        yield start(*timeout)
        return
    proxy = start_server(
        "--upstream", sandbox.base_url, *timeout, log_dir=sandbox.log_path.parent, command=CLI_PROXY
    )
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.mark.parametrize("stall", list(STALLS), ids=list(STALLS))
def test_a_stalled_body_holds_no_one_up_and_gets_a_408(server: Server, stall: str) -> None:
    result = while_a_body_stalls(server, *STALLS[stall])
    assert result.get_status == 200
    assert result.get_seconds < GET_WITHIN_SECONDS, f"the GET took {result.get_seconds:.2f} s"
    assert result.stalled_answer == "HTTP/1.1 408 Request Timeout"
    assert BODY_TIMEOUT - 0.5 < result.stalled_seconds < BODY_TIMEOUT + MARGIN_SECONDS
