"""The suite has teeth and no false alarms: the documented or reading tier fails every broken
sandbox, the documented and reading tiers pass every fair one (each seen to differ from the
sandbox first), and a failing property is reported within the shrinking bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..plugin.server import running
from ..target.auth import ClientCredentials, TokenSource
from ..target.client import UPDATE_PARTNER_REFERENCES, ApiClient, session_for
from ..target.webhooks import Receiver, register, unregister
from .fair import FAIR_VARIANTS
from .runner import run_behaviour_suite, run_fair_tiers, run_one, serve_command
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
_FO_REF = "partner_fulfillment_order_reference"
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


def _order(api: ApiClient, name: str, status: str = "open", **fields: Any) -> str:
    """Seed order probe-`name` (one FO, one line in `status`), with `fields` on top."""
    line = {"id": "item-1", "quantity": 1, "status": status, "fulfillment_id": "F-1"}
    order = {
        "order_id": f"probe-{name}",
        "partner_order_reference": f"probe-{name}-REF",
        "merchant": "M",
        "status": "open",
        "line_items": [{"id": "item-1", "quantity": 1}],
        "fulfillment_orders": [{"fulfillment_order_id": "FO-1", "line_items": [line]}],
        **fields,
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


def _explicit_fo_without_top_level(api: ApiClient) -> str:
    body = {"merchant": "M", "delivery_type": "EXPRESS", "fulfillment_orders": [{}]}
    fos = (api.create_order(body).json or {}).get("fulfillment_orders") or [{}]
    return "" if "delivery_type" in fos[0] else "an explicit FO without the top-level fields"


def _fo_reference_names_nothing(api: ApiClient) -> str:
    line = {"id": "item-1", "quantity": 1, "status": "fulfilled", "fulfillment_id": "F-1"}
    fo = {"fulfillment_order_id": "FO-1", _FO_REF: "PFO-1", "line_items": [line]}
    order: dict[str, Any] = {"order_id": "probe-unfulfil", "merchant": "M", "status": "fulfilled"}
    order |= {"line_items": [{"id": "item-1", "quantity": 1}], "fulfillment_orders": [fo]}
    assert api.seed_order(order).status == 201
    body = {_FO_REF: "PFO-1"}
    reversed_ = api.act_on_fulfillment_order("unfulfill", "probe-unfulfil", "FO-1", body)
    return "the FO's own reference names no fulfilment" if reversed_.status == 400 else ""


def _empty_lists_omitted(api: ApiClient) -> str:
    created = api.create_order({"merchant": "M", "partner_order_reference": "probe-lists"})
    body = created.json or {}
    return "no empty line_items" if created.ok and "line_items" not in body else ""


def _masked(api: ApiClient) -> str:
    address = {"email": "jo@example.com", "city": "Dubai"}
    redacted = api.redact_order(_order(api, "mask", billing_address=address)).json or {}
    email = redacted.get("billing_address", {}).get("email")
    return "personal fields masked" if email == "REDACTED" else ""


def _any_email(api: ApiClient) -> str:
    order_id = _order(api, "email")
    updated = api.update_order(order_id, {"billing_address": {"email": "useratexample.com"}})
    return "a malformed email accepted" if updated.ok else ""


def _reference_first(api: ApiClient) -> str:
    fos = [
        {
            "fulfillment_order_id": f"FO-{n}",
            "partner_fulfillment_order_reference": f"REF-{n}",
            "line_items": [{"id": f"item-{n}", "quantity": 1, "status": "open"}],
        }
        for n in (1, 2)
    ]
    items = [{"id": "item-1", "quantity": 1}, {"id": "item-2", "quantity": 1}]
    _order(api, "ref", line_items=items, fulfillment_orders=fos)
    entry = {"fulfillment_order_id": "FO-1", "partner_fulfillment_order_reference": "REF-2"}
    updated = api.update_order("probe-ref", {"fulfillment_orders": [entry]}).json or {}
    left = [fo.get("fulfillment_order_id") for fo in updated.get("fulfillment_orders") or []]
    return "the FO of the reference updated" if left == ["FO-2"] else ""


def _closed_fulfillment_id(api: ApiClient) -> str:
    order_id = _order(api, "closed", "closed")
    body = {"fulfillments": [{"fulfillment_id": "F-1", "partner_fulfillment_reference": "P-1"}]}
    took = api.update_fulfillment_order(UPDATE_PARTNER_REFERENCES, order_id, "FO-1", body)
    return "a closed item's fulfillment id accepted" if took.ok else ""


def _log_not_echoed(api: ApiClient) -> str:
    added = api.add_system_log(_order(api, "log"), {"event_type": "INBOUND"}).json or {}
    return "a log answered without its fields" if "event_type" not in added else ""


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


def _stocked_order(api: ApiClient, name: str) -> tuple[str, str]:
    """Inventory on for the probe tenant, product probe-`name` at two inventory-enabled
    locations, and an order of one unit allocated at the first: (order id, its FO)."""
    product = f"probe-{name}"
    assert api.set_inventory_settings({"enabled": True}).status == 200
    assert api.seed_product(product).status == 201
    for location in ("PROBE-LOC-1", "PROBE-LOC-2"):
        body = {"merchant": "M", "partner_location_id": location, "location_code": location}
        seeded = api.request("POST", "/__admin/locations", body=body | {"inventory_enabled": True})
        assert seeded.status == 201
    line = {"id": "item-1", "quantity": 1}
    created = (
        api.create_order(
            {
                "merchant": "M",
                "line_items": [line | {"sku": product}],
                "fulfillment_orders": [{"location_id": "PROBE-LOC-1", "line_items": [line]}],
            }
        ).json
        or {}
    )
    return str(created["order_id"]), str(created["fulfillment_orders"][0]["fulfillment_order_id"])


def _reserved(api: ApiClient, name: str, location: str) -> object:
    stock = (api.get_inventory(f"probe-{name}").json or {}).get("stock_by_location", {})
    return stock.get(location, {}).get("reserved")


def _reservation_left_behind(api: ApiClient) -> str:
    order_id, fo_id = _stocked_order(api, "relocate")
    api.update_fulfillment_order("update-location", order_id, fo_id, {"location_id": "PROBE-LOC-2"})
    left = _reserved(api, "relocate", "PROBE-LOC-1") == 1
    return "the reservation stays at the old location" if left else ""


def _reserved_not_restored(api: ApiClient) -> str:
    order_id, fo_id = _stocked_order(api, "unfulfil")
    body = {"line_items": [{"id": "item-1", "quantity": 1}]}
    fulfilled = api.act_on_fulfillment_order("fulfill", order_id, fo_id, body).json or {}
    ids = [li["fulfillment_id"] for li in fulfilled["fulfillment_orders"][0]["line_items"]]
    api.act_on_fulfillment_order("unfulfill", order_id, fo_id, {"fulfillment_ids": ids})
    return "reserved not restored" if _reserved(api, "unfulfil", "PROBE-LOC-1") == 0 else ""


def _duplicate_batch_refused(api: ApiClient) -> str:
    _stocked_order(api, "duplicate")
    event: dict[str, Any] = {"product_id": "probe-duplicate", "location_id": "PROBE-LOC-1"}
    event |= {"event_type": "SALE", "on_hand": -1}
    answered = api.import_inventory_events([event, event], "probe-duplicate-batch")
    return "a batch with a repeat refused whole" if answered.status == 400 else ""


PROBES: dict[str, Probe] = {
    "keeps_client_fo_ids": _client_fo_id_kept,
    "no_etag": _no_etag,
    "no_error_details": _no_error_details,
    "gateway_refusals": _gateway_refusal,
    "names_fo_lines_line_item_id": _line_item_id,
    "adds_response_fields": _more_fields,
    "refuses_removing_held_fos": _held_fo_kept,
    "omits_empty_lists": _empty_lists_omitted,
    "masks_personal_fields": _masked,
    "accepts_any_email": _any_email,
    "matches_fos_by_reference_first": _reference_first,
    "accepts_closed_item_fulfillment_ids": _closed_fulfillment_id,
    "top_level_delivery_for_allocated_fos_only": _explicit_fo_without_top_level,
    "unfulfils_by_fulfilment_reference_only": _fo_reference_names_nothing,
    "answers_system_log_identifier_only": _log_not_echoed,
    "names_operations_insert_modify": _operation_named,
    "relocation_leaves_stock": _reservation_left_behind,
    "unfulfil_restores_on_hand_only": _reserved_not_restored,
    "refuses_batches_with_duplicates": _duplicate_batch_refused,
}


def probe_client(url: str) -> ApiClient:
    """A client of a variant's sandbox for the probes, with a token of any client."""
    session = session_for(url)
    tokens = TokenSource(url, session, client=ClientCredentials("probe", "probe"))
    return ApiClient(url, "selftest-key", "probe-tenant", tokens, session)


@pytest.mark.parametrize("variant", FAIR_VARIANTS, ids=lambda variant: variant.name)
def test_every_fair_sandbox_passes_the_documented_and_reading_tiers(variant: Variant) -> None:
    with running(serve_command(variant)) as sandbox:
        differs = PROBES[variant.name](probe_client(sandbox.url))
        assert differs, f"{variant.name} does not differ from the sandbox: {variant.breaks}"
        verdict = run_fair_tiers(sandbox.url, max_examples=FAIR_EXAMPLES)
    assert verdict.passed, (
        f"false alarm: the documented or reading tier failed against {variant.name!r}, which "
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
