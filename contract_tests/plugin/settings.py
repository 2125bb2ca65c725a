"""Hypothesis settings of the suite; the example count comes from `--max-examples`, the time a
failing property may spend shrinking from `--shrink-seconds`."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.internal.conjecture import engine

from ..oracle.tiers import TIERS, Tier
from ..target.config import DEFAULT_MAX_EXAMPLES, DEFAULT_SHRINK_SECONDS

_state = {"max_examples": DEFAULT_MAX_EXAMPLES, "shrink_seconds": DEFAULT_SHRINK_SECONDS}
_tiers: list[Tier] = list(TIERS)
VERDICT_ONLY_ENV = "CONTRACT_VERDICT_ONLY"
"""Set (to anything) for a pass/fail verdict only: no example database, no shrinking (the
selftest sets it: it wants to know whether a broken sandbox fails, not its smallest example)."""
NO_SHRINKING = tuple(phase for phase in Phase if phase is not Phase.shrink)


def configure(max_examples: int, shrink_seconds: int, tiers: tuple[Tier, ...] = TIERS) -> None:
    """Called by the plugin before the test modules are imported.

    Against a network target every shrinking step re-seeds and re-reads orders, and Hypothesis
    shrinks for up to five minutes: its engine reads that bound from `MAX_SHRINKING_SECONDS`,
    which it keeps monkeypatchable for this purpose. Once the bound is hit Hypothesis reports the
    smallest failing example found so far (with its own warning, which speaks of five minutes).
    """
    _state.update(max_examples=max_examples, shrink_seconds=shrink_seconds)
    _tiers[:] = tiers
    engine.MAX_SHRINKING_SECONDS = max(1, shrink_seconds)


def chosen_tiers() -> tuple[Tier, ...]:
    """The tiers of this run (`--tiers`): Schemathesis tests of others are not even built."""
    return tuple(_tiers)


def max_examples(scale: float = 1.0) -> int:
    return max(1, round(_state["max_examples"] * scale))


def examples(scale: float = 1.0, **extra: Any) -> settings:
    """Settings for a network-bound property: `--max-examples` (times `scale`), no deadline;
    `extra` are further settings (e.g. `stateful_step_count`). A property may discard many
    examples: it reasons about the order read back, which need not hold what it drew (a DIGITAL
    FO's fulfilled line reads back closed in api seed mode, say); the strategies' `anchors`
    keep that rare."""
    chosen = settings(
        max_examples=max_examples(scale),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    if os.environ.get(VERDICT_ONLY_ENV):
        chosen = settings(chosen, database=None, phases=NO_SHRINKING)
    elif _state["shrink_seconds"] == 0:
        chosen = settings(chosen, phases=NO_SHRINKING)
    return settings(chosen, **extra)
