"""Schemathesis against the real server: every operation, positive and negative data, 0 failures.

`make test` runs a quick pass (RELIABILITY_FUZZ_EXAMPLES, default 25 examples per operation, one
worker); `make reliability-full` 500 examples per operation with two workers.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.launcher import Server
from tests.reliability.fuzz import QUICK_EXAMPLES, run_schemathesis
from tests.reliability.schemas import ADMIN, schema_errors

WORKERS = int(os.environ.get("RELIABILITY_FUZZ_WORKERS", "1"))


def test_schemathesis_finds_no_failure(sandbox: Server, tmp_path: Path) -> None:
    figures = run_schemathesis(sandbox, tmp_path, QUICK_EXAMPLES, WORKERS)
    print(f"\n{figures.generated} cases in {figures.seconds:.0f} s")
    assert figures.generated > 0, figures.output[-3000:]
    assert figures.ok, figures.output[-6000:]
    state = sandbox.admin("GET", "state")
    if state.status_code == 200:  # everything the fuzzer stored is still a valid Order
        assert schema_errors("State", state.json(), ADMIN)[:5] == []
