"""jsonschema-rs (the sandbox's fast path) must agree with jsonschema (the reference) everywhere.

`SchemaValidator.errors` trusts jsonschema-rs's "valid" and asks jsonschema for the errors only of
an invalid instance, so a disagreement would let an invalid request through (or answer a valid one
with an empty 400). Each instance below is judged by both: the fixture orders and state, and
mutations of them (each value replaced by a wrong type, a bad format or removed), plus bodies and
parameters of every operation.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from mock_server.config import DEFAULT_FIXTURES, SandboxConfig
from mock_server.http.spec import SchemaValidator, Spec
from mock_server.sandbox import Sandbox

Json = dict[str, Any]
WRONG_VALUES: tuple[Any, ...] = (None, 12, "not-a-date", "", [], {}, True, -1.5, "x@")


@pytest.fixture(scope="module")
def state() -> Json:
    return orjson.loads((DEFAULT_FIXTURES / "sandbox.json").read_bytes())


def verdicts(validator: SchemaValidator, instance: Any) -> tuple[bool, bool]:
    """(jsonschema-rs says valid, jsonschema says valid)."""
    fast = validator._fast
    assert fast is not None, "jsonschema-rs is installed, so the fast path must be on"
    return fast.is_valid(instance), not any(
        True for _ in validator._validator.iter_errors(instance)
    )


def mutations(value: Any) -> Iterator[Any]:
    """Copies of `value` with one node changed: replaced by each WRONG_VALUE, or removed."""
    if isinstance(value, dict):
        for key in value:
            for wrong in WRONG_VALUES:
                yield {**value, key: wrong}
            yield {k: v for k, v in value.items() if k != key}
            for inner in mutations(value[key]):
                yield {**value, key: inner}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for inner in mutations(item):
                yield [*value[:i], inner, *value[i + 1 :]]


def assert_agree(validator: SchemaValidator, instances: Iterator[Any]) -> int:
    checked = 0
    for instance in instances:
        fast, reference = verdicts(validator, instance)
        assert fast == reference, (fast, reference, orjson.dumps(instance)[:400])
        checked += 1
    return checked


def test_fixture_state_and_orders_are_valid_in_both(spec: Spec, state: Json) -> None:
    validator = spec.validator("#/components/schemas/State", document="openapi-admin.yaml")
    assert verdicts(validator, state) == (True, True)
    order = spec.schema_of("Order")
    for content in state["tenants"].values():
        for stored in content["orders"]:
            assert verdicts(order, stored) == (True, True)


def test_mutated_orders_are_judged_alike(spec: Spec, state: Json) -> None:
    order = spec.schema_of("Order")
    samples = [
        state["tenants"]["acme-demo"]["orders"][3],  # two FOs, fulfilled lines
        state["tenants"]["globex-demo"]["orders"][0],
    ]
    checked = sum(assert_agree(order, mutations(copy.deepcopy(sample))) for sample in samples)
    assert checked > 1000


def test_operation_bodies_and_parameters_are_judged_alike(spec: Spec, state: Json) -> None:
    stored = state["tenants"]["acme-demo"]["orders"][3]
    bodies: list[Any] = [
        {"location_id": "DXB-WH-01"},
        {"scheduled_from": "2026-12-01T09:00:00Z", "scheduled_to": "2026-12-01T13:00:00Z"},
        {"partner_fulfillment_order_reference": "WMS-1", "fulfillments": []},
        {"references": {"partner_order_reference": "SHOP-1"}, "post_shipping_info": {}},
        {
            "language": "ar",
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1", "line_items": [{"id": "LI-1", "quantity": 1}]}
            ],
        },
    ]
    creation = {key: value for key, value in stored.items() if key not in ("status", "tenant")}
    for operation_id in (
        "createOrder",
        "updateOrder",
        "updateFulfillmentOrderLocation",
        "updateFulfillmentOrderSchedule",
        "updateFulfillmentOrderPartnerReferences",
        "notifyShipmentStatus",
        "getOrder",
    ):
        schemas = spec.operation(operation_id)
        if schemas.body is not None:
            for body in [*bodies, creation] if operation_id == "createOrder" else bodies:
                assert_agree(schemas.body, iter([body, *mutations(body)]))
        for validator in schemas.parameters.values():
            assert_agree(validator, iter(["ORD-1", "", "order_id", "x" * 300, "a/b", 'W/"1"']))


@pytest.mark.parametrize(("validator", "fast"), [("jsonschema-rs", True), ("jsonschema", False)])
def test_the_validator_option_chooses_the_path(validator: str, fast: bool) -> None:
    """`--validator jsonschema` (`SandboxConfig.validator`) leaves jsonschema alone on the path."""
    sandbox = Sandbox(SandboxConfig(fixtures=None, validator=validator))
    try:
        order_validator = sandbox.spec.schema_of("Order")
        assert (order_validator._fast is not None) is fast
        assert order_validator.errors({"order_id": 5})  # either path names what is wrong
    finally:
        sandbox.close()
