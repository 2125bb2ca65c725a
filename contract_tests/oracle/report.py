"""The report of a run: every claim (rule or Schemathesis check) with its outcome.

Each test's record (recording.py) rides on its pytest report, so that under pytest-xdist the
controller sees every worker's. At the end of the session the controller folds the tests into
one entry per claim: passed (with the examples checked), failed (with the last failing
exchange, the minimal one of a shrunk property, and a curl line), known (failed, listed in the
baseline), skipped (with the reason), not reachable (in this seed mode) or not run (its tier not
chosen). `summary_line` is what the terminal summary ends with; `write` puts `report.json` and
`report.html` (report_html.py) into a directory.

`assemble` makes the same report of claim entries folded elsewhere: `carriyo-sandbox proxy`
judges traffic it did not send, and names a claim "not observable" when the traffic never let
it be checked (no earlier state of the order seen).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import rules
from .baseline import Baseline
from .conformance import ALL_SCHEMA_CLAIMS
from .tiers import TIERS, Claim, Tier

CATALOGUE: tuple[Claim, ...] = (*rules.ALL_RULES, *ALL_SCHEMA_CLAIMS)
OUTCOMES = (
    "passed",
    "failed",
    "known",
    "error",
    "skipped",
    "not reachable",
    "not observable",
    "not run",
)
"""A claim's outcomes, in the order the summary counts them."""


@dataclass
class ReportedTest:
    """One test as the reports of its phases tell it."""

    nodeid: str
    tier: str
    claims: tuple[str, ...]
    outcome: str = "passed"
    reason: str = ""
    unreachable: bool = False
    duration: float = 0.0
    record: dict[str, Any] = field(default_factory=dict)

    def absorb(self, when: str, outcome: str, reason: str, data: dict[str, Any]) -> None:
        """Fold in the report of one phase (setup, call, teardown)."""
        if data.get("record"):
            self.record = data["record"]
        self.unreachable = self.unreachable or bool(data.get("unreachable"))
        if outcome == "passed" or self.outcome not in ("passed",):
            return
        self.outcome = {"failed": "failed" if when == "call" else "error"}.get(outcome, outcome)
        self.reason = reason


@dataclass
class ClaimEntry:
    claim: Claim
    tests: list[str] = field(default_factory=list)
    examples: int = 0
    failed: int = 0
    outcome: str = "not run"
    reason: str = ""
    failure: dict[str, Any] | None = None
    baseline: dict[str, Any] | None = None
    fixed: bool = False
    readings: dict[str, int] = field(default_factory=dict)
    """Examples that passed by another reading the claim names, by its label."""

    def as_json(self) -> dict[str, Any]:
        claim = self.claim
        return {
            "id": claim.name,
            "page": claim.page,
            "quote": claim.quote,
            "tier": claim.tier,
            "note": claim.note,
            "checks": list(getattr(claim, "checks", ())),
            "outcome": self.outcome,
            "reason": self.reason,
            "examples": self.examples,
            "readings": self.readings,
            "tests": self.tests,
            "failure": self.failure,
            "baseline": self.baseline,
            "fixed": self.fixed,
        }


def _fold(entry: ClaimEntry, test: ReportedTest) -> None:
    """What one test says of the claim: its examples, its failure, or why it did not check it
    (the test stopped at another claim's failure, or failed outside any claim: an error)."""
    entry.tests.append(test.nodeid)
    tally = test.record.get("claims", {}).get(entry.claim.name, {})
    entry.examples += tally.get("examples", 0)
    entry.failed += tally.get("failed", 0)
    for label, count in tally.get("readings", {}).items():
        entry.readings[label] = entry.readings.get(label, 0) + count
    failure = test.record.get("failure")
    if tally.get("failed") or test.outcome not in ("failed", "error"):
        if failure and failure.get("claim") == entry.claim.name:
            entry.failure = failure
    elif failure:
        entry.reason = f"not reached: {test.nodeid} stopped at {failure['claim']}"
    elif test.outcome == "failed" and test.claims == (entry.claim.name,):
        entry.failed += 1  # a plain assert of a one-claim test: that claim failed
        entry.failure = entry.failure or {"claim": entry.claim.name, "problems": [test.reason]}
    else:
        entry.outcome, entry.reason = "error", f"{test.nodeid}: {test.reason}"


def _settle(entry: ClaimEntry, tests: list[ReportedTest], baseline: Baseline) -> None:
    """The claim's outcome from what its tests did, and the baseline's say."""
    known = baseline.entry(entry.claim.name)
    if known is not None:
        entry.baseline = known.as_json()
    if entry.failed:
        entry.outcome = "known" if known is not None and not known.expired else "failed"
        entry.reason = known.describe() if known is not None else ""
        return
    if entry.outcome == "error":
        return
    if entry.examples:
        entry.outcome, entry.reason = "passed", ""
        entry.fixed = known is not None
        return
    skipped = [test for test in tests if test.outcome == "skipped"]
    if not tests:
        entry.reason = "not selected in this run"
    elif len(skipped) == len(tests):
        unreachable = all(test.unreachable for test in skipped)
        entry.outcome = "not reachable" if unreachable else "skipped"
        entry.reason = skipped[0].reason
    else:
        entry.outcome = "skipped"
        entry.reason = entry.reason or "no example reached this check"


def claim_entries(
    tests: Iterable[ReportedTest], tiers: tuple[Tier, ...], why_not: str, baseline: Baseline
) -> list[ClaimEntry]:
    """One entry per claim of the catalogue, in its order."""
    by_claim: dict[str, list[ReportedTest]] = {}
    for test in tests:
        for name in test.claims:
            by_claim.setdefault(name, []).append(test)
    entries = []
    for claim in CATALOGUE:
        entry = ClaimEntry(claim)
        run = by_claim.get(claim.name, [])
        for test in run:
            _fold(entry, test)
        if claim.tier not in tiers:
            entry.outcome, entry.reason = "not run", why_not
        else:
            _settle(entry, run, baseline)
        entries.append(entry)
    return entries


def counts(entries: Iterable[ClaimEntry]) -> dict[str, dict[str, int]]:
    """{tier: {outcome: number of claims}} (and `fixed`: passed claims still in the baseline)."""
    table: dict[str, dict[str, int]] = {
        tier: dict.fromkeys((*OUTCOMES, "fixed"), 0) for tier in TIERS
    }
    for entry in entries:
        table[entry.claim.tier][entry.outcome] += 1
        table[entry.claim.tier]["fixed"] += entry.fixed
    return table


def summary_line(table: dict[str, dict[str, int]], tiers: tuple[Tier, ...], why_not: str) -> str:
    """`documented 41 passed 0 failed · reading 9 passed 1 failed · sandbox skipped (remote
    target)`; other outcomes follow when there are any."""
    parts = []
    for tier in TIERS:
        if tier not in tiers:
            parts.append(f"{tier} skipped ({why_not})")
            continue
        tally = table[tier]
        words = [f"{tally['passed']} passed", f"{tally['failed']} failed"]
        words += [f"{tally[name]} {name}" for name in OUTCOMES[2:-1] if tally[name]]
        if tally["fixed"]:
            words.append(f"{tally['fixed']} fixed (remove from the baseline)")
        parts.append(f"{tier} {' '.join(words)}")
    return " · ".join(parts)


def build(
    tests: list[ReportedTest],
    *,
    target: dict[str, Any],
    tiers: tuple[Tier, ...],
    why_not: str,
    baseline: Baseline,
) -> dict[str, Any]:
    """The report as `report.json` holds it."""
    return assemble(
        claim_entries(tests, tiers, why_not, baseline),
        target=target,
        tiers=tiers,
        why_not=why_not,
        baseline_problems=baseline.problems(),
        tests=[
            {
                "id": test.nodeid,
                "tier": test.tier,
                "claims": list(test.claims),
                "outcome": test.outcome,
                "reason": test.reason,
                "duration": round(test.duration, 3),
            }
            for test in tests
        ],
    )


def assemble(
    entries: list[ClaimEntry],
    *,
    target: dict[str, Any],
    tiers: tuple[Tier, ...],
    why_not: str,
    baseline_problems: list[str] | None = None,
    tests: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The report of claim entries whose outcomes are settled."""
    table = counts(entries)
    return {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "target": target,
        "tiers": list(tiers),
        "summary": summary_line(table, tiers, why_not),
        "counts": table,
        "baseline": baseline_problems or [],
        "claims": [entry.as_json() for entry in entries],
        "tests": tests or [],
    }


def write(report: dict[str, Any], directory: Path) -> None:
    from .report_html import render

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (directory / "report.html").write_text(render(report), encoding="utf-8")
