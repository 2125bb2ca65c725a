"""Every broken sandbox fails the behaviour suite (and the sandbox as it is passes it)."""

from __future__ import annotations

import pytest

from ..config import TargetConfig
from ..server import running
from .runner import run_behaviour_suite, serve_command
from .variants import VARIANTS, Variant

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
SELFTEST_EXAMPLES = 10
"""Examples per property against each broken sandbox (a verdict, not a thorough run)."""


@pytest.fixture(autouse=True)
def _own_sandboxes_only(contract_config: TargetConfig) -> None:
    if contract_config.base_url is not None:
        pytest.skip("the selftest runs its own broken sandboxes; it is skipped with --base-url")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_behaviour_suite_catches(variant: Variant) -> None:
    with running(serve_command(variant)) as sandbox:
        verdict = run_behaviour_suite(
            sandbox.url, max_examples=SELFTEST_EXAMPLES, first_failure=True
        )
    assert verdict.caught, (
        f"the behaviour suite passed against {variant.name!r}, which breaks {variant.breaks}:\n"
        f"{verdict.output[-3000:]}"
    )
