"""Hypothesis settings of the suite; the example count comes from `--max-examples`."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from .config import DEFAULT_MAX_EXAMPLES

_state = {"max_examples": DEFAULT_MAX_EXAMPLES}
VERDICT_ONLY_ENV = "CONTRACT_VERDICT_ONLY"
"""Set (to anything) for a pass/fail verdict only: no example database, no shrinking (the
selftest sets it: it wants to know whether a broken sandbox fails, not its smallest example)."""


def configure(max_examples: int) -> None:
    """Called by the plugin before the test modules are imported."""
    _state["max_examples"] = max_examples


def max_examples(scale: float = 1.0) -> int:
    return max(1, round(_state["max_examples"] * scale))


def examples(scale: float = 1.0, **extra: Any) -> settings:
    """Settings for a network-bound property: `--max-examples` (times `scale`), no deadline;
    `extra` are further settings (e.g. `stateful_step_count`)."""
    chosen = settings(
        max_examples=max_examples(scale),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    if os.environ.get(VERDICT_ONLY_ENV):
        chosen = settings(
            chosen, database=None, phases=[phase for phase in Phase if phase is not Phase.shrink]
        )
    return settings(chosen, **extra)
