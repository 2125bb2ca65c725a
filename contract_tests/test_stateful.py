"""Sequences of operations.

1. Schemathesis' state machine over the spec's `links` (create, read, update, read again): no
   step may 5xx or break the schema.
2. A Hypothesis rule-based machine interleaving the operations of the five pages and of the
   published lifecycle on a few orders and checking, after every step, the invariants the docs
   imply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis.stateful import run_state_machine_as_test

from .generation.lifecycle import ALL_INVARIANTS, OrderLifecycle
from .oracle import rules
from .oracle.conformance import LINKS_CLAIM
from .plugin.marks import verifies
from .plugin.settings import examples, max_examples
from .target.client import ApiClient
from .target.target import Target

if TYPE_CHECKING:
    from requests import Response
    from schemathesis import Case, CheckFunction
    from schemathesis.generation.stateful.state_machine import APIStateMachine
    from schemathesis.specs.openapi.schemas import OpenApiSchema

pytestmark = pytest.mark.stateful
STEPS = 8
LIFECYCLE_STEPS = 10
"""Steps of the rule-based machine: fifteen operations to interleave."""


@pytest.fixture(scope="module")
def linked_schema(base_url: str) -> OpenApiSchema:
    from .target.schema import load_schema  # Schemathesis is imported only when this test runs

    schema = load_schema(view="documented", coverage=False)
    schema.config.update(base_url=base_url)
    return schema


def _authenticated(machine: type[APIStateMachine], api: ApiClient) -> type[APIStateMachine]:
    """`machine` sending the suite's headers and telling the checks about them (otherwise
    ignored_auth takes the configured key for a generated one and reports the 200 it gets as
    "API accepts invalid authentication"), with the checks of the documented tier; a step
    whose path is another operation's (spec.shadowed) is not taken."""
    from .target.schema import shadowed, validate

    class Authenticated(machine):  # type: ignore[valid-type, misc]  # a base known at run time
        def before_call(self, case: Case[Any]) -> None:
            assume(not shadowed(case))

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"headers": api.headers(), "session": api.session}

        def validate_response(
            self,
            response: Response,
            case: Case[Any],
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            __tracebackhide__ = True
            transport = {key: value for key, value in kwargs.items() if key != "headers"}
            headers = kwargs.get("headers") or api.headers()
            validate(
                case, response, LINKS_CLAIM, headers=headers, recorder=self.recorder, **transport
            )

    return Authenticated


@verifies(LINKS_CLAIM)
def test_links_state_machine(linked_schema: OpenApiSchema, api: ApiClient) -> None:
    """createOrder / getOrder -> getOrder, updateOrder and the FO operations through the spec's
    links (documented view); every response passes the documented tier's checks and the
    stateful ones."""
    machine = _authenticated(linked_schema.as_state_machine(), api)
    machine.run(
        settings=settings(
            max_examples=max_examples(0.5),
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )


@pytest.mark.behaviour
@verifies(rules.REFUSAL_CHANGES_NOTHING, *ALL_INVARIANTS)
def test_operations_keep_the_invariants(target: Target) -> None:
    """No 5xx; terminal line items never disappear or change but as documented; no line lost
    or duplicated; statuses rolled up and in their enums; refused requests change nothing."""
    machine = type("BoundOrderLifecycle", (OrderLifecycle,), {"target": target})
    run_state_machine_as_test(
        machine, settings=examples(stateful_step_count=LIFECYCLE_STEPS, database=None)
    )
