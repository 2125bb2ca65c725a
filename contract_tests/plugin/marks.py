"""The pytest markers that give a test its claims and its tier: where the claims and tiers,
which know nothing of pytest, become marks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from ..oracle.tiers import Claim, weakest

CLAIMS_MARKER = "claims"
Test = TypeVar("Test", bound=Callable[..., object])


def verifies(*claims: Claim) -> Callable[[Test], Test]:
    """Mark a test with the claims it verifies and the one tier they give it (the weakest)."""
    if not claims:
        raise ValueError("verifies() needs at least one claim")
    tier = weakest(claim.tier for claim in claims)

    def mark(test: Test) -> Test:
        tiered: Test = getattr(pytest.mark, tier)(test)
        marked: Test = pytest.mark.claims(*(claim.name for claim in claims))(tiered)
        return marked

    return mark
