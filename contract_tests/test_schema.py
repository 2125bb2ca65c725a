"""Schema conformance of every operation a client calls (Schemathesis, every built-in check): the
token endpoint, those on orders and their fulfillment orders, page 004's notification (and, in the
sandbox tier, its deprecated path), each case bound to an order seeded for it (target/binding.py) so
that it reaches the operation's logic; and the documented `x-api-key` and `tenant-id` headers
required on every operation on orders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, settings
from schemathesis import Case

from .oracle.conformance import SCHEMA_CLAIMS
from .oracle.tiers import Tier
from .plugin.marks import verifies
from .plugin.settings import chosen_tiers, max_examples
from .target.binding import bind
from .target.client import ApiClient
from .target.schema import (
    EXAMPLE_SCALE,
    NO_COVERAGE_PHASE,
    VIEWS,
    View,
    call,
    is_http,
    load_schema,
    shadowed,
    validate,
)
from .target.target import Target

pytestmark = pytest.mark.schema


def _view(tier: Tier) -> View:
    """The sandbox tier tests the whole spec; the others its documented view."""
    return "full" if tier == "sandbox" else "documented"


BUILT = [(operation_id, tier) for operation_id, tier in SCHEMA_CLAIMS if tier in chosen_tiers()]
"""The tests of the tiers chosen (building one costs as much as a few of its examples)."""
SCHEMAS = {
    (view, coverage): load_schema(view=view, coverage=coverage)
    for view in VIEWS
    for coverage in (True, False)
    if any(_view(tier) == view for _, tier in BUILT)
}
TIER_SCALE = {"documented": 1.0, "reading": 0.5, "sandbox": 0.5}
"""Examples per tier, as a fraction of the schema's (the documented tier runs the most)."""
UNIQUE_FIELDS = ("order_id", "partner_order_reference")
"""Top-level create-order fields unique in a tenant: every generated order gets fresh ones."""


def _unique(case: Case[Any]) -> None:
    """A generated order's order_id and partner_order_reference made unique (a non-empty string
    stays a valid one), so that runs on one tenant never collide."""
    if case.operation.label == "POST /orders" and isinstance(case.body, dict):
        for field in UNIQUE_FIELDS:
            if isinstance(case.body.get(field), str) and case.body[field]:
                case.body[field] = f"ct{uuid.uuid4().hex[:12]}-{field}"


def _conformance(operation_id: str, tier: Tier) -> Callable[..., None]:
    """A test of one operation and tier (one pytest item each, so that xdist spreads them)."""
    claim = SCHEMA_CLAIMS[(operation_id, tier)]
    schema = SCHEMAS[(_view(tier), operation_id not in NO_COVERAGE_PHASE)]

    @settings(max_examples=max_examples(EXAMPLE_SCALE * TIER_SCALE[tier]))
    def test(case: Case[Any], api: ApiClient, target: Target) -> None:
        """Positive and negative data (on an order seeded for the case when the operation acts
        on one); the claim's checks."""
        assume(is_http(case) and not shadowed(case))
        _unique(case)
        bind(case, target, operation_id)
        response, headers = call(case, api)
        validate(case, response, claim, headers=headers, base_url=api.base_url)

    test.__doc__ = f"{claim.describe()}\nChecks: {', '.join(claim.checks)}"
    parametrized: Callable[..., None] = schema.include(operation_id=operation_id).parametrize()(
        test
    )
    return verifies(claim)(parametrized)


for _operation_id, _tier in BUILT:
    globals()[f"test_{_operation_id}_{_tier}"] = _conformance(_operation_id, _tier)
