"""Hypothesis settings of the suite; the example count comes from `--max-examples`."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from .config import DEFAULT_MAX_EXAMPLES

_state = {"max_examples": DEFAULT_MAX_EXAMPLES}
NO_DATABASE_ENV = "CONTRACT_NO_EXAMPLE_DATABASE"
"""Set (to anything) to run without Hypothesis' example database (the selftest does)."""


def configure(max_examples: int) -> None:
    """Called by the plugin before the test modules are imported."""
    _state["max_examples"] = max_examples


def max_examples(scale: float = 1.0) -> int:
    return max(1, round(_state["max_examples"] * scale))


def examples(scale: float = 1.0, **extra: object) -> settings:
    """Settings for a network-bound property: `--max-examples` (times `scale`), no deadline."""
    no_database = {"database": None} if os.environ.get(NO_DATABASE_ENV) else {}
    return settings(
        max_examples=max_examples(scale),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        **no_database,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
