"""Pages 000-003: unknown orders and fulfillment orders are 404, and change nothing."""

from __future__ import annotations

import pytest

from .generation.operations import OPERATIONS, Operation, arrange, params
from .oracle import rules
from .oracle.exchange import Exchange
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour
FO_OPERATIONS = [op for op in OPERATIONS if op.on_fulfillment_order]


def _refused(
    target: Target, operation: Operation, rule: rules.Rule, *, order: str = "", fo: str = ""
) -> None:
    """Seed an order that a request would succeed on, address `order`/`fo` (when given) instead,
    expect 404 and the seeded order untouched. The request is otherwise valid, so that the
    missing resource is its only fault."""
    ns = target.namespace()
    before, setup = arrange(target, operation, ns, fo_id=fo and f"{ns}-{fo}")
    reference = f"{ns}-{order}" if order else before.json["order_id"]

    def call() -> Exchange:
        return operation.send(target.api, reference, None, setup)

    rule.verify(target.observe(before, call, status=404))


@verifies(rules.ORDER_NOT_FOUND)
@pytest.mark.parametrize("operation", params(OPERATIONS))
def test_unknown_order_is_not_found(target: Target, operation: Operation) -> None:
    """404 for a reference no order holds; the order that does exist is untouched."""
    _refused(target, operation, rules.ORDER_NOT_FOUND, order="NONE")


@verifies(rules.FO_NOT_FOUND)
@pytest.mark.parametrize("operation", params(FO_OPERATIONS))
def test_unknown_fulfillment_order_is_not_found(target: Target, operation: Operation) -> None:
    _refused(target, operation, rules.FO_NOT_FOUND, fo="FO-NONE")
