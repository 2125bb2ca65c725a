"""What the running test verified, for the report: per claim the examples checked and failed,
and the last failure with its exchange (a property's last failure is its final, shrunk replay).

The plugin opens a record around each test (`begin`/`end`); `Rule.verify` and the Schemathesis
tests note every check in it. A test may only verify the claims it declares (the plugin's
`verifies`), so that its tier marker tells the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .tiers import Claim


class UndeclaredClaim(RuntimeError):
    """A test verified a claim its `verifies(...)` does not name (its tier would be wrong)."""


@dataclass(frozen=True)
class Failure:
    """A failed check: the claim, the problems found and the exchange that shows them (request,
    response, the order before and after; secrets masked) with a curl line to replay it."""

    claim: str
    problems: tuple[str, ...]
    exchange: dict[str, Any]
    curl: str

    def as_json(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "problems": list(self.problems),
            **self.exchange,
            "curl": self.curl,
        }


@dataclass
class Tally:
    examples: int = 0
    failed: int = 0
    readings: dict[str, int] = field(default_factory=dict)
    """How many examples passed by each of the claim's other readings (by its label)."""


@dataclass
class TestRecord:
    declared: tuple[str, ...]
    tallies: dict[str, Tally] = field(default_factory=dict)
    failure: Failure | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "claims": {
                name: {
                    "examples": tally.examples,
                    "failed": tally.failed,
                    "readings": tally.readings,
                }
                for name, tally in self.tallies.items()
            },
            "failure": None if self.failure is None else self.failure.as_json(),
        }


_current: list[TestRecord] = []


def begin(declared: tuple[str, ...]) -> TestRecord:
    _current[:] = [TestRecord(declared)]
    return _current[0]


def end() -> TestRecord | None:
    record = _current[0] if _current else None
    _current.clear()
    return record


def current() -> TestRecord | None:
    return _current[0] if _current else None


def checked(claim: Claim, failure: Failure | None = None, reading: str = "") -> None:
    """Count one example of `claim` (failed when `failure` is given; passed by another of its
    readings when `reading` names it) in the running test."""
    record = current()
    if record is None:
        return
    if claim.name not in record.declared:
        raise UndeclaredClaim(
            f"this test verifies {claim.name} without declaring it: add it to its verifies(...)"
        )
    tally = record.tallies.setdefault(claim.name, Tally())
    tally.examples += 1
    if reading:
        tally.readings[reading] = tally.readings.get(reading, 0) + 1
    if failure is not None:
        tally.failed += 1
        record.failure = failure
