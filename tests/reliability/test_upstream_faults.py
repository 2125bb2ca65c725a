"""The proxy in front of an upstream that drips, cuts its answer short or drops a request
(issue 23): a 504 once `--upstream-timeout` passes, a 502 for an answer cut before its end, and
never a request sent twice. Each case takes at most the timeout and a margin."""

from __future__ import annotations

import pytest

from tests.reliability.upstream_faults import (
    CANCEL,
    FAULTS,
    HANG_UP_WAIT,
    OK,
    READ,
    Fault,
    answers,
    run,
    through_proxy,
)


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_a_faulty_upstream_gets_a_502_or_504_in_time(fault: Fault) -> None:
    assert run(fault).problems(fault) == []


def test_a_kept_alive_connection_closed_while_idle_is_replaced_before_sending() -> None:
    """The one case for a new connection: nothing of the request was written on the old one."""
    with through_proxy(answers(OK)) as (upstream, client):
        assert client(*READ).status_code == 200
        assert upstream.hung_up.wait(HANG_UP_WAIT)
        assert client(*CANCEL).status_code == 200
    assert upstream.received == [" ".join(READ), " ".join(CANCEL)]
