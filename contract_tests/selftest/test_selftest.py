"""The suite has teeth and no false alarms: the documented or reading tier fails every broken
sandbox, the documented tier passes every fair one (each seen to differ from the sandbox first),
and a failing property is reported within the shrinking bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ..plugin.server import running
from ..target.client import UPDATE_LOCATION, ApiClient
from ..target.webhooks import Receiver, register, unregister
from .fair import FAIR_VARIANTS
from .runner import run_behaviour_suite, run_documented_tier, run_one, serve_command
from .variants import VARIANTS, Variant

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
SELFTEST_EXAMPLES = 10
"""Examples per property against each broken sandbox (a verdict, not a thorough run)."""
FAIR_EXAMPLES = 5
"""Examples per property and operation against each fair sandbox."""
SHRINK_SECONDS = 2
REPORTED_WITHIN = 60.0
"""Finding 5: a broken rule is reported within a minute, however long shrinking could take."""
Probe = Callable[[ApiClient], str]
"""Shows, through the API, how a fair sandbox differs from ours ("" when it does not)."""


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_every_broken_sandbox_is_caught(variant: Variant) -> None:
    with running(serve_command(variant)) as sandbox:
        verdict = run_behaviour_suite(
            sandbox.url, max_examples=SELFTEST_EXAMPLES, first_failure=True, first=variant.first
        )
    assert verdict.caught, (
        f"the documented and reading tiers passed against {variant.name!r}, which breaks "
        f"{variant.breaks}:\n{verdict.output[-3000:]}"
    )


def _order(api: ApiClient, name: str, status: str = "open") -> str:
    line = {"id": "item-1", "quantity": 1, "status": status, "fulfillment_id": "F-1"}
    order = {
        "order_id": f"probe-{name}",
        "partner_order_reference": f"probe-{name}-REF",
        "merchant": "M",
        "status": "open",
        "line_items": [{"id": "item-1", "quantity": 1}],
        "fulfillment_orders": [{"fulfillment_order_id": "FO-1", "line_items": [line]}],
    }
    assert api.seed_order(order).status == 201
    return str(order["order_id"])


def _client_fo_id_kept(api: ApiClient) -> str:
    entry = {"fulfillment_order_id": "FO-MINE", "line_items": []}
    api.update_order(_order(api, "ids"), {"fulfillment_orders": [entry]})
    return "" if '"FO-MINE"' not in api.last.response_text else "new FO read back as FO-MINE"


def _no_etag(api: ApiClient) -> str:
    order_id = _order(api, "etag")
    stale = api.update_order(order_id, {"language": "ar"}, headers={"If-Match": '"stale"'})
    return "no ETag, If-Match ignored" if "ETag" not in stale.response_headers and stale.ok else ""


def _no_error_details(api: ApiClient) -> str:
    body = api.get_order("probe-missing").json or {}
    return (
        "errors without error_details" if "errors" in body and "error_details" not in body else ""
    )


def _gateway_refusal(api: ApiClient) -> str:
    refused = api.request("GET", "/orders/x", omit=["x-api-key"])
    return "bare 403" if (refused.status, refused.json) == (403, {"message": "Forbidden"}) else ""


def _line_item_id(api: ApiClient) -> str:
    line = (api.get_order(_order(api, "names")).json or {})["fulfillment_orders"][0]["line_items"][
        0
    ]
    return "FO lines by line_item_id" if "line_item_id" in line and "id" not in line else ""


def _more_fields(api: ApiClient) -> str:
    body = api.get_order(_order(api, "fields")).json or {}
    return "fields no page lists" if "channel_code" in body else ""


def _held_fo_kept(api: ApiClient) -> str:
    removed = api.update_order(_order(api, "held", "fulfilled"), {"fulfillment_orders": []})
    return "an FO with fulfilled items is not removed" if removed.status == 400 else ""


def _busy_fo_stays(api: ApiClient) -> str:
    location = {"merchant": "M", "partner_location_id": "LOC-P", "location_code": "P"}
    assert api.seed_location(location).status == 201
    order_id = _order(api, "busy", "fulfilled")
    moved = api.update_fulfillment_order(
        UPDATE_LOCATION, order_id, "FO-1", {"location_id": "LOC-P"}
    )
    return "a processing FO is not relocated" if moved.status == 400 else ""


def _operation_named(api: ApiClient) -> str:
    receiver = Receiver()
    try:
        webhook_id = register(api, receiver.url)
        order_id = _order(api, "hook")
        updated = (api.update_order(order_id, {"language": "ar"}).json or {}).get("update_date")
        deliveries = receiver.about(order_id, str(updated), "ORDER_UPDATE")
        unregister(api, webhook_id)
    finally:
        receiver.close()
    named = {(delivery["body"] or {}).get("operation") for delivery in deliveries}
    return "the envelope's operation is MODIFY" if "MODIFY" in named else ""


PROBES: dict[str, Probe] = {
    "keeps_client_fo_ids": _client_fo_id_kept,
    "no_etag": _no_etag,
    "no_error_details": _no_error_details,
    "gateway_refusals": _gateway_refusal,
    "names_fo_lines_line_item_id": _line_item_id,
    "adds_response_fields": _more_fields,
    "refuses_removing_held_fos": _held_fo_kept,
    "refuses_relocating_busy_fos": _busy_fo_stays,
    "names_operations_insert_modify": _operation_named,
}


@pytest.mark.parametrize("variant", FAIR_VARIANTS, ids=lambda variant: variant.name)
def test_every_fair_sandbox_passes_the_documented_tier(variant: Variant) -> None:
    with running(serve_command(variant)) as sandbox:
        differs = PROBES[variant.name](ApiClient(sandbox.url, "selftest-key", "probe-tenant"))
        assert differs, f"{variant.name} does not differ from the sandbox: {variant.breaks}"
        verdict = run_documented_tier(sandbox.url, max_examples=FAIR_EXAMPLES)
    assert verdict.passed, (
        f"false alarm: the documented tier failed against {variant.name!r}, which "
        f"{variant.breaks} ({differs}):\n{verdict.output[-4000:]}"
    )


def test_a_failing_property_is_reported_within_the_shrinking_bound(tmp_path: Path) -> None:
    """Against a server clearing what an update omits, the property fails at once; shrinking
    it is cut at --shrink-seconds (Hypothesis says it stopped), so the failure is out in time."""
    variant = next(v for v in VARIANTS if v.name == "clears_omitted_billing_address")
    with running(serve_command(variant)) as sandbox:
        started = time.monotonic()
        verdict = run_one(
            sandbox.url,
            "test_update_order.py",
            "test_only_provided_fields_change",
            "--shrink-seconds",
            str(SHRINK_SECONDS),
            tiers="documented",
            max_examples=50,
            first_failure=True,
            verdict_only=False,
            env={"HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path)},  # no example from before
        )
        elapsed = time.monotonic() - started
    assert verdict.caught, verdict.output[-3000:]
    assert "stopped because it is making very slow progress" in verdict.output, (
        "shrinking ended before the bound: the test shows nothing"
    )
    assert elapsed < REPORTED_WITHIN, f"reported after {elapsed:.0f} s"
