"""Common to every page: `key` chooses the kind of reference; orders belong to their tenant."""

from __future__ import annotations

import pytest

from .generation.operations import OPERATIONS, Operation, arrange, fixed_order, params
from .oracle import rules
from .oracle.model import without_derived
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour
PARTNER_KEY = "partner_order_reference"


ALL = params(OPERATIONS)


@verifies(rules.KEY_SELECTS_REFERENCE)
@pytest.mark.parametrize("operation", params(OPERATIONS, effect=True))
def test_partner_order_reference_key_reaches_the_order(
    target: Target, operation: Operation
) -> None:
    """With key=partner_order_reference the operation acts on the order holding that
    reference, not on a decoy whose order_id is that same string (the decoy is created first,
    and its order_id, the service's or the one sent, becomes the other order's reference). An
    operation answering something else than the order (its change log) answers as it does by
    the order's order_id."""
    ns = target.namespace()
    decoy = target.seed(
        fixed_order(ns, target.merchant, order_id=f"{ns}-DECOY", reference=f"{ns}-DECOY-REF")
    )
    reference = decoy.json["order_id"]
    before, setup = arrange(target, operation, ns, reference=reference)
    observation = target.observe(
        before,
        lambda: operation.send(target.api, reference, PARTNER_KEY, setup),
        order_id=before.json["order_id"],
        **operation.expect(setup),
    )
    observation.expect["decoy"] = (decoy, target.api.get_order(reference))
    if not operation.answers_order:
        observation.expect["same_as"] = operation.send(
            target.api, before.json["order_id"], None, setup
        )
    rules.KEY_SELECTS_REFERENCE.verify(observation)
    if operation.effect is not None:
        operation.effect.verify(observation)


@verifies(rules.KEY_SELECTS_REFERENCE)
def test_every_key_reads_the_same_order(target: Target) -> None:
    """No key (default "order_id"), key=order_id and key=partner_order_reference with the
    matching reference read one and the same order."""
    ns = target.namespace()
    seeded = target.seed(fixed_order(ns, target.merchant))
    order_id = seeded.json["order_id"]
    reads = [
        target.api.get_order(order_id),
        target.api.get_order(order_id, "order_id"),
        target.api.get_order(f"{ns}-REF", PARTNER_KEY),
    ]
    for read in reads:
        rules.KEY_SELECTS_REFERENCE.verify(
            Observation(seeded, read, seeded, {"order_id": order_id})
        )
        assert without_derived(read.json) == without_derived(seeded.json), (
            f"this read differs from the order as seeded:\n{read.describe()}\n{seeded.describe()}"
        )


@verifies(rules.TENANT_ISOLATION)
@pytest.mark.parametrize("operation", ALL)
def test_order_of_another_tenant_not_found(target: Target, operation: Operation) -> None:
    ns = target.namespace()
    before, setup = arrange(target, operation, ns)
    stranger = target.api.for_tenant(f"{ns}-other-tenant")
    rules.TENANT_ISOLATION.verify(
        target.observe(
            before, lambda: operation.send(stranger, before.json["order_id"], None, setup)
        )
    )
