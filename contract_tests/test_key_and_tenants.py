"""Common to every page: `key` chooses the kind of reference; orders belong to their tenant."""

from __future__ import annotations

import pytest

from . import rules
from .model import without_derived
from .observation import Observation
from .operations import OPERATIONS, Operation, fixed_order, params, prepare
from .target import Target

pytestmark = pytest.mark.behaviour
PARTNER_KEY = "partner_order_reference"


ALL = params(OPERATIONS)


@pytest.mark.reading
@pytest.mark.parametrize("operation", ALL)
def test_partner_order_reference_key_reaches_the_order(
    target: Target, operation: Operation
) -> None:
    """With key=partner_order_reference the operation acts on the order holding that
    reference, not on a decoy whose order_id is that same string."""
    ns = target.namespace()
    setup, merchant = prepare(target, operation, ns, f"{ns}-FO-0")
    reference = f"{ns}-REF"
    decoy = target.seed(fixed_order(ns, reference, f"{ns}-DECOY-REF", merchant))
    before = target.seed(fixed_order(ns, f"{ns}-ORD", reference, merchant))
    observation = target.observe(
        before,
        lambda: operation.send(target.api, reference, PARTNER_KEY, setup),
        order_id=f"{ns}-ORD",
        **operation.expect(setup),
    )
    observation.expect["decoy"] = (decoy, target.api.get_order(reference))
    rules.KEY_SELECTS_REFERENCE.verify(observation)
    if operation.effect is not None:
        operation.effect.verify(observation)


def test_every_key_reads_the_same_order(target: Target) -> None:
    """No key (default "order_id"), key=order_id and key=partner_order_reference with the
    matching reference read one and the same order."""
    ns = target.namespace()
    seeded = target.seed(fixed_order(ns, f"{ns}-ORD", f"{ns}-REF"))
    reads = [
        target.api.get_order(f"{ns}-ORD"),
        target.api.get_order(f"{ns}-ORD", "order_id"),
        target.api.get_order(f"{ns}-REF", PARTNER_KEY),
    ]
    for read in reads:
        rules.KEY_SELECTS_REFERENCE.verify(
            Observation(seeded, read, seeded, {"order_id": f"{ns}-ORD"})
        )
        assert without_derived(read.json) == without_derived(seeded.json), (
            f"this read differs from the order as seeded:\n{read.describe()}\n{seeded.describe()}"
        )


@pytest.mark.reading
@pytest.mark.parametrize("operation", ALL)
def test_order_of_another_tenant_not_found(target: Target, operation: Operation) -> None:
    ns = target.namespace()
    setup, merchant = prepare(target, operation, ns, f"{ns}-FO-0")
    before = target.seed(fixed_order(ns, f"{ns}-ORD", f"{ns}-REF", merchant))
    stranger = target.api.for_tenant(f"{ns}-other-tenant")
    rules.TENANT_ISOLATION.verify(
        target.observe(before, lambda: operation.send(stranger, f"{ns}-ORD", None, setup))
    )
