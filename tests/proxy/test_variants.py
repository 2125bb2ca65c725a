"""The proxy in front of the selftest's sandboxes (contract_tests/selftest, each in a process of
its own as serve.py runs it), judging the same integration run (traffic.py): it names the rule a
broken variant breaks, wherever the traffic shows it, and finds nothing wrong in the documented
tier of a fair variant (one that differs only where the docs leave room)."""

from __future__ import annotations

import pytest
import requests

from contract_tests.oracle import rules
from contract_tests.plugin.server import running
from contract_tests.selftest.fair import BY_NAME, FAIR_VARIANTS
from contract_tests.selftest.runner import serve_command
from mock_server.proxy.judge import Judge, Violation
from tests.proxy.conftest import ProxyFactory
from tests.proxy.traffic import ClientCredentials, integration

BROKEN = {
    "drops_fulfilled_items": rules.TERMINAL_PRESERVED,
    "keeps_omitted_fos": rules.OMITTED_FOS_REMOVED,
    "keeps_unlisted_pending_items": rules.UNLISTED_PENDING_REMOVED,
    "accepts_terminal_items_listed": rules.ONLY_PENDING_ITEMS,
    "clears_omitted_billing_address": rules.UNPROVIDED_FIELDS_UNCHANGED,
    "updates_cancelled_orders": rules.CANCELLED_NOT_UPDATABLE,
    "ignores_key": rules.KEY_SELECTS_REFERENCE,
    "resolves_location_code_first": rules.PARTNER_LOCATION_ID_RESOLVES,
    "schedules_digital_fos": rules.SCHEDULE_KEEPS_METHOD,
    "applies_references_partially": rules.REFUSAL_CHANGES_NOTHING,
    "closes_lines_of_any_shipment": rules.DELIVERED_CLOSES_RELATED,
    "closes_shopify_orders": rules.SHOPIFY_SKIPPED,
    "writes_microsecond_timestamps": rules.TIMESTAMPS_PUBLISHED,
}
"""Each broken variant the traffic can show, and the rule it breaks. Not here:
shares_orders_across_tenants (one tenant's traffic cannot tell another's orders from its own)."""


def judged_run(variant: str, start_proxy: ProxyFactory) -> Judge:
    """The proxy's judge after the integration run against `variant`."""
    with running(serve_command(BY_NAME[variant], fixtures=True)) as served:
        proxy, app = start_proxy(served.url, judged=True, record=False)
        with requests.Session() as session:
            session.trust_env = False
            session.auth = ClientCredentials()
            integration(proxy, session)
    assert isinstance(app.judge, Judge)
    return app.judge


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_the_proxy_names_the_rule_a_broken_variant_breaks(
    variant: str, start_proxy: ProxyFactory
) -> None:
    violations: list[Violation] = judged_run(variant, start_proxy).state()["violations"]
    named = {violation["rule"] for violation in violations}
    assert BROKEN[variant].name in named, sorted(named)


@pytest.mark.parametrize("variant", [variant.name for variant in FAIR_VARIANTS])
def test_a_fair_variant_breaks_nothing_documented(variant: str, start_proxy: ProxyFactory) -> None:
    judge = judged_run(variant, start_proxy)
    assert [v for v in judge.state()["violations"] if v["tier"] == "documented"] == []
    judged = [c for c in judge.report()["claims"] if c["tier"] == "documented" and c["examples"]]
    assert len(judged) >= 50  # the traffic did let it judge (a silent judge would pass too)
