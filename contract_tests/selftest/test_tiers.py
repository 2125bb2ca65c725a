"""Every test of the suite has exactly one tier, the weakest of the claims it declares; every
claim is verified by some test, and every documented claim by a documented test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ..oracle import recording, rules
from ..oracle.conformance import ALL_SCHEMA_CLAIMS
from ..oracle.tiers import TIERS, default_tiers, parse_tiers, weakest
from ..plugin import SUITE, tier_problems
from .collect import COLLECT_TO_ENV

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
COLLECT_ONLY = ("--collect-only", "-q", "--assert=plain", "-p", "contract_tests.selftest.collect")
CLAIMS = {claim.name: claim for claim in (*rules.ALL_RULES, *ALL_SCHEMA_CLAIMS)}


def collect(out: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    """pytest's exit code and the tests a `--collect-only` run of `args` sees."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args, *COLLECT_ONLY],
        cwd=SUITE.parent,
        env={**os.environ, COLLECT_TO_ENV: str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    tests: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return done.returncode, tests


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The whole suite as a collection of its own sees it (selftest included)."""
    code, tests = collect(tmp_path_factory.mktemp("collect") / "tests.json", str(SUITE))
    assert code == 0
    return tests


def test_every_collected_test_has_exactly_one_tier(collected: list[dict[str, Any]]) -> None:
    assert len(collected) > 100
    assert tier_problems((test["id"], test["markers"]) for test in collected) == []


def test_tier_problems_names_tests_with_none_or_two() -> None:
    problems = tier_problems(
        [("one", ["documented", "behaviour"]), ("none", ["schema"]), ("two", list(TIERS[1:]))]
    )
    assert [problem.split(":")[0] for problem in problems] == ["none", "two"]


def test_a_test_has_the_weakest_tier_of_its_claims(collected: list[dict[str, Any]]) -> None:
    for test in collected:
        if not test["claims"]:
            assert "selftest" in test["markers"], f"{test['id']} declares no claim"
            continue
        unknown = [name for name in test["claims"] if name not in CLAIMS]
        assert not unknown, f"{test['id']}: unknown claims {unknown}"
        tier = weakest(CLAIMS[name].tier for name in test["claims"])
        assert tier in test["markers"], f"{test['id']}: tier {tier} expected"


def test_every_claim_is_verified_by_a_test_of_its_own_tier(
    collected: list[dict[str, Any]],
) -> None:
    """So `--tiers documented` still checks every documented claim."""
    by_tier: dict[str, set[str]] = {tier: set() for tier in TIERS}
    for test in collected:
        for tier in TIERS:
            if tier in test["markers"]:
                by_tier[tier].update(test["claims"])
    missing = [name for name, claim in CLAIMS.items() if name not in by_tier[claim.tier]]
    assert not missing, f"claims no test of their tier verifies: {missing}"


def test_remote_targets_run_documented_and_reading_by_default() -> None:
    assert default_tiers(None) == TIERS
    assert default_tiers("http://127.0.0.1:8080") == TIERS
    assert default_tiers("http://[::1]:8080") == default_tiers("http://localhost:1") == TIERS
    assert default_tiers("https://demo-api.carriyo.com") == ("documented", "reading")
    assert parse_tiers("sandbox, documented") == ("documented", "sandbox")
    with pytest.raises(ValueError, match="--tiers"):
        parse_tiers("literal")


def test_the_selftest_is_not_collected_against_a_base_url(tmp_path: Path) -> None:
    code, tests = collect(
        tmp_path / "tests.json", str(SUITE / "selftest"), "--base-url", "https://example.test"
    )
    assert (code, tests) == (pytest.ExitCode.NO_TESTS_COLLECTED, [])


def test_a_claim_a_test_does_not_declare_cannot_be_verified() -> None:
    """So a test's tier marker cannot understate what it checks."""
    previous = recording.end()
    try:
        recording.begin((rules.MOVED_ITEMS.name,))
        recording.checked(rules.MOVED_ITEMS)
        with pytest.raises(recording.UndeclaredClaim, match=rules.ONLY_PENDING_ITEMS.name):
            recording.checked(rules.ONLY_PENDING_ITEMS)
        record = recording.current()
        assert record is not None and set(record.tallies) == {rules.MOVED_ITEMS.name}
    finally:
        recording.end()
        if previous is not None:
            recording.begin(previous.declared)
