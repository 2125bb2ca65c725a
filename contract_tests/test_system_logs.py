"""The published system log operations (api/orders/operation/add-order-system-log,
get-order-system-log-detail-url): a log added to an order is answered with its identifier, read
back through its detail URL as added, and refused as the pages publish."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from .generation.operations import fixed_order
from .generation.steps import property_test
from .oracle import rules
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour
EVENT_TYPES = ("INBOUND", "INTERNAL", "OUTBOUND")
KEYS = ("order_id", "partner_order_reference")
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
LOGS = st.fixed_dictionaries(
    {"event_type": st.sampled_from(EVENT_TYPES)},
    optional={
        "request_type": st.sampled_from(("ORDER_CREATE", "ORDER_UPDATE", "SHIPMENT_CREATE")),
        "correlation_id": text,
        "source_type": st.sampled_from(("API", "SHOPIFY")),
        "request_time": st.integers(0, 2**42),
        "response_time": st.integers(0, 2**42),
        "request_method": st.sampled_from(("GET", "POST", "PATCH")),
        "request_url": st.just("https://erp.example.com/orders"),
        "request_headers": st.dictionaries(
            st.sampled_from(("accept", "content-type")), st.lists(text, max_size=2), max_size=2
        ),
        "request_body": text,
        "response_code": st.integers(100, 599),
        "response_body": text,
        "entity_ids": st.lists(text, max_size=2),
        "entity_id": st.just("not-the-order"),
    },
)


def _added(target: Target, log: dict[str, Any], key: str) -> Observation:
    """A fresh order with `log` added through `key`, then read back through the identifier
    answered (`url`, `downloaded`) and refused reads (`unknown`)."""
    ns = target.namespace()
    before = target.seed(fixed_order(ns, target.merchant))
    reference = str(before.json[key])
    api = target.api
    observation = target.observe(before, lambda: api.add_system_log(reference, log, key=key))
    answered = observation.call.json
    identifier = answered.get("identifier") if isinstance(answered, dict) else None
    if isinstance(identifier, str) and identifier:
        url = api.system_log_url(reference, identifier, key=key)
        observation.expect["url"] = url
        observation.expect["downloaded"] = api.download(url.json) if url.ok else None
    observation.expect["unknown"] = (
        api.system_log_url(reference, f"{ns}-no-such-log", key=key),
        api.system_log_url(f"{ns}-no-such-order", str(identifier or "x")),
        api.add_system_log(f"{ns}-no-such-order", log),
    )
    return observation


@property_test(rules.SYSTEM_LOG_ADDED, rules.SYSTEM_LOG_DETAIL_URL, scale=0.3, log=LOGS)
def test_a_log_is_answered_with_an_identifier_that_reads_it_back(
    target: Target, data: st.DataObject, log: dict[str, Any]
) -> None:
    observation = _added(target, log, data.draw(st.sampled_from(KEYS), label="key"))
    rules.SYSTEM_LOG_ADDED.verify(observation)
    rules.SYSTEM_LOG_DETAIL_URL.verify(observation)


@property_test(rules.SYSTEM_LOG_READ_BACK, scale=0.3, log=LOGS)
def test_the_detail_url_holds_the_log_as_added(
    target: Target, data: st.DataObject, log: dict[str, Any]
) -> None:
    observation = _added(target, log, data.draw(st.sampled_from(KEYS), label="key"))
    rules.SYSTEM_LOG_READ_BACK.verify(observation)


@verifies(rules.SYSTEM_LOG_UNKNOWN)
def test_an_unknown_log_or_order_is_refused(target: Target) -> None:
    rules.SYSTEM_LOG_UNKNOWN.verify(_added(target, {"event_type": "INTERNAL"}, "order_id"))


@verifies(rules.SYSTEM_LOG_BAD_EVENT_TYPE)
def test_an_event_type_outside_the_three_is_refused(target: Target) -> None:
    before = target.seed(fixed_order(target.namespace(), target.merchant))
    order_id = str(before.json["order_id"])
    rules.SYSTEM_LOG_BAD_EVENT_TYPE.verify(
        target.observe(
            before, lambda: target.api.add_system_log(order_id, {"event_type": "SIDEWAYS"})
        )
    )


@verifies(rules.SYSTEM_LOG_NOT_A_CHANGE)
def test_adding_a_log_leaves_the_order_as_it_was(target: Target) -> None:
    rules.SYSTEM_LOG_NOT_A_CHANGE.verify(_added(target, {"event_type": "OUTBOUND"}, "order_id"))
