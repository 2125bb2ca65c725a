"""The proxy in front of an upstream that drips or cuts its answer short (issue 23): a 504 once
`--upstream-timeout` passes, a 502 for an answer cut before its end, never a success. Each case
takes at most the timeout and a margin."""

from __future__ import annotations

import pytest

from tests.reliability.upstream_faults import FAULTS, Fault, run


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_a_faulty_upstream_gets_a_502_or_504_in_time(fault: Fault) -> None:
    assert run(fault).problems(fault) == []
