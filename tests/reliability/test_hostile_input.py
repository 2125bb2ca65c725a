"""Hostile input: each answered 4xx with an `Error` body (405s with `Allow`), nothing changed,
the server healthy after. The cases are data in `cases.HOSTILE_CASES`; body-size limits, which need
servers of their own, are in `test_body_limits.py`."""

from __future__ import annotations

import pytest

from tests.launcher import Server
from tests.reliability.cases import HOSTILE_CASES, Refused, check_refusal


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=lambda case: case.name)
def test_hostile_input_is_refused(sandbox: Server, case: Refused) -> None:
    assert check_refusal(sandbox, case) == []
