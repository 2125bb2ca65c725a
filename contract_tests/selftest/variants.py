"""Broken sandboxes: each variant patches one documented rule of `mock_server`, nothing else.

A variant is applied inside its own server process (see serve.py), so patches are plain
attribute replacements that are never undone. Each wraps a function at the place it is called
from, so that only the one rule changes.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from mock_server.domain import DomainError, InvalidRequest
from mock_server.domain.creation import REQUEST_ONLY
from mock_server.http.errors import ApiError
from mock_server.sandbox import Sandbox

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Wrapper = Callable[[Callable[..., Any]], Callable[..., Any]]


def wrap(target: str, wrapper: Wrapper) -> None:
    """Replace `module.attr` (or `module.Class.attr`) by `wrapper(original)`."""
    module_name, _, attr = target.rpartition(".")
    try:
        owner: Any = importlib.import_module(module_name)
    except ModuleNotFoundError:
        module_name, _, class_name = module_name.rpartition(".")
        owner = getattr(importlib.import_module(module_name), class_name)
    original = getattr(owner, attr)  # AttributeError: the sandbox was refactored; update here
    setattr(owner, attr, wrapper(original))


def _none(_: Sandbox) -> None:
    """The sandbox as it is."""


@dataclass(frozen=True)
class Variant:
    """`breaks` names the documented rule (page) that `apply` breaks, or, for a fair variant,
    what it does otherwise and the documentation allowing it. `apply` patches the sandbox in its
    process; `wsgi`, when given, wraps the app (a variant that differs on the wire)."""

    name: str
    breaks: str
    apply: Callable[[Sandbox], None] = _none
    wsgi: Callable[[WSGIApplication], WSGIApplication] | None = None
    first: str = ""
    """The test module that checks the rule broken (run first; the others run after it)."""


def _fos(order: dict[str, Any]) -> list[dict[str, Any]]:
    return list(order.get("fulfillment_orders") or [])


# ------------------------------------------------------------------ inventory
CANCELLATIONS = frozenset({"cancelOrder", "cancelFulfillmentOrderLineItems"})


def stock_moves_as(change: Callable[[str, Any], Any]) -> None:
    """The stock an order's write moves, as `change(operation, move)` has it (None: none)."""

    def wrapper(stock_move: Callable[..., Any]) -> Callable[..., Any]:
        def moved(self: Any, tenant: str, before: Any, after: Any, operation: str, *a: Any) -> Any:
            move = stock_move(self, tenant, before, after, operation, *a)
            return None if move is None else change(operation, move)

        return moved

    wrap("mock_server.inventory_service.InventoryService.stock_move", wrapper)


def cancel_releases_nothing(_: Sandbox) -> None:
    stock_moves_as(lambda operation, move: None if operation in CANCELLATIONS else move)


def fulfil_reduces_twice(_: Sandbox) -> None:
    def twice(operation: str, move: Any) -> Any:
        if operation != "fulfillFulfillmentOrder":
            return move
        doubled = tuple(
            dataclasses.replace(m, on_hand=2 * m.on_hand, reserved=2 * m.reserved)
            for m in move.movements
        )
        return dataclasses.replace(move, movements=doubled)

    stock_moves_as(twice)


def accepts_duplicates(_: Sandbox) -> None:
    wrap("mock_server.inventory_service.duplicated_places", lambda _original: lambda _: set())


# ------------------------------------------------------------------ page 002
def drops_fulfilled_items(_: Sandbox) -> None:
    def wrapper(merge: Callable[..., Any]) -> Callable[..., Any]:
        def merged(existing: list[Any], requested: list[Any], **kw: Any) -> list[Any]:
            return [
                {
                    **fo,
                    "line_items": [
                        li for li in fo["line_items"] if li.get("status") != "fulfilled"
                    ],
                }
                for fo in merge(existing, requested, **kw)
            ]

        return merged

    wrap("mock_server.domain.orders.merge_fulfillment_orders", wrapper)


def keeps_omitted_fos(_: Sandbox) -> None:
    def wrapper(merge: Callable[..., Any]) -> Callable[..., Any]:
        def merged(existing: list[Any], requested: list[Any], **kw: Any) -> list[Any]:
            result: list[Any] = merge(existing, requested, **kw)
            kept = {fo["fulfillment_order_id"] for fo in result}
            return result + [fo for fo in existing if fo["fulfillment_order_id"] not in kept]

        return merged

    wrap("mock_server.domain.orders.merge_fulfillment_orders", wrapper)


def keeps_unlisted_pending_items(_: Sandbox) -> None:
    def wrapper(merge_lines: Callable[..., Any]) -> Callable[..., Any]:
        def merged(held: list[Any], wanted: list[Any], status: str) -> list[Any]:
            result: list[Any] = merge_lines(held, wanted, status)
            present = {line.get("id") for line in result}
            return result + [dict(line) for line in held if line.get("id") not in present]

        return merged

    wrap("mock_server.domain.preservation._merge_lines", wrapper)


def accepts_terminal_items_listed(_: Sandbox) -> None:
    """Listed terminal items are not refused: the merge then keeps the stored line (or, listed
    under another FO, adds a pending copy)."""

    def wrapper(_check: Callable[..., Any]) -> Callable[..., Any]:
        def check_nothing(*_: Any) -> None:  # whatever the check takes (FOs, matches, lines)
            return None

        return check_nothing

    wrap("mock_server.domain.preservation._check_not_preserved", wrapper)


def updates_cancelled_orders(_: Sandbox) -> None:
    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], body: Any, **kw: Any) -> Any:
            return update({**order, "status": "open"}, body, **kw)

        return updated

    wrap("mock_server.domain.update_order", wrapper)


def clears_omitted_billing_address(_: Sandbox) -> None:
    """An update that does not send `billing_address` clears it (as an independent server the
    review ran did: the suite's seeded orders had none, so no test saw it)."""

    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], body: Any, **kw: Any) -> Any:
            result = update(order, body, **kw)
            if "billing_address" in body:
                return result
            return {key: value for key, value in result.items() if key != "billing_address"}

        return updated

    wrap("mock_server.domain.update_order", wrapper)


# ------------------------------------------------------------------ pages 000-003: key, tenant
def ignores_key(_: Sandbox) -> None:
    def wrapper(read: Callable[..., Any]) -> Callable[..., Any]:
        def read_ignoring_key(*args: Any) -> Any:
            return read(*args)._replace(key="order_id")

        return read_ignoring_key

    wrap("mock_server.http.api.read_request", wrapper)


def shares_orders_across_tenants(sandbox: Sandbox) -> None:
    def wrapper(find: Callable[..., Any]) -> Callable[..., Any]:
        def find_anywhere(self: Any, tenant: str, reference: str, key: str = "order_id") -> Any:
            for other in [tenant, *self.tenants()]:
                record = find(self, other, reference, key)
                if record is not None:
                    return record
            return None

        return find_anywhere

    wrap("mock_server.store.memory.MemoryStore.find", wrapper)


# ------------------------------------------------------------------ page 001
def keeps_status_on_relocation(_: Sandbox) -> None:
    """The relocated FO's lines follow the location, but the order keeps the status it had
    (page 001: "Order status is recalculated")."""

    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], fo_id: str, location_id: str, **kw: Any) -> Any:
            return {**update(order, fo_id, location_id, **kw), "status": order.get("status")}

        return updated

    wrap("mock_server.domain.update_location", wrapper)


def resolves_location_code_first(_: Sandbox) -> None:
    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(
            order: Any,
            fo_id: str,
            location_id: str,
            *,
            find_by_partner_id: Any,
            find_by_code: Any,
            now: str,
        ) -> Any:
            def code_first(value: str) -> Any:
                return find_by_code(order.get("merchant", ""), value) or find_by_partner_id(value)

            return update(
                order,
                fo_id,
                location_id,
                find_by_partner_id=code_first,
                find_by_code=find_by_code,
                now=now,
            )

        return updated

    wrap("mock_server.domain.update_location", wrapper)


# ------------------------------------------------------------------ page 003
def schedules_digital_fos(_: Sandbox) -> None:
    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], fo_id: str, body: Any, **kw: Any) -> Any:
            as_delivery = {
                **order,
                "fulfillment_orders": [
                    {**fo, "delivery_method": "DELIVERY"}
                    if fo.get("delivery_method") == "DIGITAL"
                    else fo
                    for fo in _fos(order)
                ],
            }
            return update(as_delivery, fo_id, body, **kw)

        return updated

    wrap("mock_server.domain.update_schedule", wrapper)


# ------------------------------------------------------------------ page 000
def applies_references_partially(sandbox: Sandbox) -> None:
    """On a refused request, the FO reference is saved anyway before the error is raised."""

    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], fo_id: str, body: Any, **kw: Any) -> Any:
            try:
                return update(order, fo_id, body, **kw)
            except DomainError:
                if "partner_fulfillment_order_reference" in body:
                    partial = {
                        "partner_fulfillment_order_reference": body[
                            "partner_fulfillment_order_reference"
                        ]
                    }
                    sandbox.store.save(
                        order["tenant"], update(order, fo_id, partial, **kw), replace=True
                    )
                raise

        return updated

    wrap("mock_server.domain.update_partner_references", wrapper)


# ------------------------------------------------------------------ page 004
def closes_lines_of_any_shipment(_: Sandbox) -> None:
    def wrapper(apply: Callable[..., Any]) -> Callable[..., Any]:
        def applied(order: Any, payload: dict[str, Any], **kw: Any) -> Any:
            return apply(order, {k: v for k, v in payload.items() if k != "shipment_id"}, **kw)

        return applied

    wrap("mock_server.domain.apply_shipment", wrapper)


def closes_shopify_orders(_: Sandbox) -> None:
    def wrapper(apply: Callable[..., Any]) -> Callable[..., Any]:
        def applied(order: dict[str, Any], payload: Any, **kw: Any) -> Any:
            source = order.get("creation_source")
            disguised = {**order, "creation_source": {"source_type": "API"}}
            updated, closed = apply(disguised, payload, **kw)
            if updated is disguised:
                return order, closed
            return {**updated, "creation_source": source}, closed

        return applied

    wrap("mock_server.domain.apply_shipment", wrapper)


# ------------------------------------------------------------------ the published lifecycle
def fulfils_whole_lines(_: Sandbox) -> None:
    """A fulfilment of part of a line fulfils all of it (no pending remainder)."""

    def wrapper(fulfill: Callable[..., Any]) -> Callable[..., Any]:
        def fulfilled(order: dict[str, Any], fo_id: str, body: Any, **kw: Any) -> Any:
            found = [fo for fo in _fos(order) if fo.get("fulfillment_order_id") == fo_id]
            held: dict[Any, int] = {}
            for line in found[0].get("line_items") or [] if found else []:
                if line.get("status") in ("open", "allocated"):
                    held[line.get("id")] = held.get(line.get("id"), 0) + line.get("quantity", 0)
            whole = [
                {**item, "quantity": max(item.get("quantity", 0), held.get(item.get("id"), 0))}
                for item in body.get("line_items") or []
            ]
            return fulfill(order, fo_id, {**body, "line_items": whole}, **kw)

        return fulfilled

    wrap("mock_server.domain.fulfill", wrapper)


def cancels_any_order(_: Sandbox) -> None:
    """Cancel order ignores the order's status (a fulfilled or closed order is cancelled too)."""

    def wrapper(cancel: Callable[..., Any]) -> Callable[..., Any]:
        def cancelled(order: dict[str, Any], body: Any, **kw: Any) -> Any:
            return cancel({**order, "status": "open"}, body, **kw)

        return cancelled

    wrap("mock_server.domain.cancel_order", wrapper)


# ------------------------------------------------------------------ create, relocation, unfulfil
def relocates_busy_fos(_: Sandbox) -> None:
    """update-location relocates an FO in any status (no allocation gate)."""
    wrap("mock_server.domain.fulfillment_orders.check_relocatable", lambda _check: lambda _fo: None)


def unfulfils_by_ids_only(_: Sandbox) -> None:
    """unfulfil requires `fulfillment_ids` (the sandbox before issue 24)."""

    def wrapper(named: Callable[..., Any]) -> Callable[..., Any]:
        def by_ids(fo: dict[str, Any], body: dict[str, Any]) -> Any:
            if "fulfillment_ids" not in body:
                raise InvalidRequest("FULFILLMENT_IDS_REQUIRED", "required", "fulfillment_ids")
            return named(fo, body)

        return by_ids

    wrap("mock_server.domain.lifecycle.fulfillments_named", wrapper)


def stores_delivery_fields_on_order(_: Sandbox) -> None:
    """Create keeps the request-only delivery fields on the order too."""

    def wrapper(create: Callable[..., Any]) -> Callable[..., Any]:
        def created(body: dict[str, Any], **kw: Any) -> Any:
            return {**create(body, **kw), **{k: body[k] for k in REQUEST_ONLY if k in body}}

        return created

    wrap("mock_server.domain.create_order", wrapper)


def ignores_location_codes(_: Sandbox) -> None:
    """Create keeps `fulfillment_location` as sent: no location_id, lines open, none refused."""
    wrap(
        "mock_server.domain.orders.with_named_locations",
        lambda _located: lambda _order, entries, *_finders: entries,
    )


def answers_create_201(app: WSGIApplication) -> WSGIApplication:
    """Create answers 201 Created (the sandbox before issue 24) instead of the page's 200."""

    def app_201(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            creating = (environ["REQUEST_METHOD"], environ.get("PATH_INFO")) == ("POST", "/orders")
            return start_response(
                "201 CREATED" if creating and status[:3] == "200" else status, headers, exc_info
            )

        return app(environ, start)

    return app_201


# ------------------------------------------------------------------ order webhooks
def sends_its_own_webhook_body(_: Sandbox) -> None:
    """Deliveries carry the bare order and no trigger header (the sandbox's old format)."""

    def wrapper(_envelope: Callable[..., Any]) -> Callable[..., Any]:
        def own(event: dict[str, Any], trigger: str) -> bytes:
            return orjson.dumps({"event_id": event["event_id"], "order": event["order"]})

        return own

    wrap("mock_server.controls.webhooks.envelope", wrapper)


def fires_order_update_for_every_change(_: Sandbox) -> None:
    """Every change fires ORDER_UPDATE, whatever the operation."""

    def wrapper(_fired: Callable[..., Any]) -> Callable[..., Any]:
        def fired(trigger: str, old: Any, new: Any) -> list[str]:
            return ["ORDER_UPDATE"]

        return fired

    wrap("mock_server.domain.triggers.fired", wrapper)


# ------------------------------------------------------------------ api/conventions
def _microseconds_z(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def writes_microsecond_timestamps(sandbox: Sandbox) -> None:
    """Its own timestamps (orders, change log, error body) with microseconds and `Z`."""
    sandbox.service.clock = lambda: _microseconds_z(time.time())
    wrap("mock_server.http.errors.published_timestamp", lambda _: _microseconds_z)


def refuses_timestamps_without_offset(_: Sandbox) -> None:
    """A timestamp without an offset is refused (400), as a strict date-time would be."""

    def wrapper(add_offsets: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def refusing(body: Any) -> Any:
            if add_offsets(copy.deepcopy(body)) != body:
                raise ApiError.of(400, "INVALID_DATE_TIME", "a date-time has no offset", "body")
            return body

        return refusing

    wrap("mock_server.http.validation.with_offsets", wrapper)


def echoes_input_without_offset(_: Sandbox) -> None:
    """A timestamp sent without an offset is answered without one."""
    wrap("mock_server.http.validation.with_offsets", lambda _: lambda body: body)


BASELINE = Variant("baseline", "nothing (the sandbox as it is)", _none)


# ------------------------------------------------------------------ system logs
def reads_back_another_event_type(_: Sandbox) -> None:
    """The detail URL holds the log with another event_type than the one added."""

    def wrapper(detail_url: Callable[..., Any]) -> Callable[..., Any]:
        def url(entry: dict[str, Any] | None, identifier: str) -> str:
            if entry is not None:
                other = "INBOUND" if entry.get("event_type") != "INBOUND" else "OUTBOUND"
                entry = {**entry, "event_type": other}
            return str(detail_url(entry, identifier))

        return url

    wrap("mock_server.domain.detail_url", wrapper)


def serves_without_token(sandbox: Sandbox) -> None:
    """Tokens issued, never checked: the sandbox's `--no-auth`, which Carriyo does not have."""
    sandbox.tokens.checked = False


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "sends_its_own_webhook_body",
        "reference/order-webhook-events: the envelope and the trigger header",
        sends_its_own_webhook_body,
        first="test_webhooks.py",
    ),
    Variant(
        "fires_order_update_for_every_change",
        "reference/order-webhook-events: each operation's trigger",
        fires_order_update_for_every_change,
        first="test_webhooks.py",
    ),
    Variant(
        "drops_fulfilled_items",
        "002: terminal line items preserved",
        drops_fulfilled_items,
        first="test_update_order.py",
    ),
    Variant(
        "keeps_omitted_fos",
        "002: omitted FOs removed",
        keeps_omitted_fos,
        first="test_update_order.py",
    ),
    Variant(
        "keeps_unlisted_pending_items",
        "002: unlisted pending items removed",
        keeps_unlisted_pending_items,
        first="test_update_order.py",
    ),
    Variant(
        "accepts_terminal_items_listed",
        "002: only pending items may be passed",
        accepts_terminal_items_listed,
        first="test_update_order.py",
    ),
    Variant(
        "clears_omitted_billing_address",
        "002: fields not provided stay as they were",
        clears_omitted_billing_address,
        first="test_update_order.py",
    ),
    Variant(
        "updates_cancelled_orders",
        "002: cancelled orders cannot be updated",
        updates_cancelled_orders,
        first="test_update_order.py",
    ),
    Variant(
        "ignores_key",
        "000-003: key=partner_order_reference",
        ignores_key,
        first="test_key_and_tenants.py",
    ),
    Variant(
        "shares_orders_across_tenants",
        "tenant-id: orders belong to their tenant",
        shares_orders_across_tenants,
        first="test_key_and_tenants.py",
    ),
    Variant(
        "resolves_location_code_first",
        "001: partner_location_id first",
        resolves_location_code_first,
        first="test_update_location.py",
    ),
    Variant(
        "keeps_status_on_relocation",
        "001: the order status recalculated after update-location",
        keeps_status_on_relocation,
        first="test_update_location.py",
    ),
    Variant(
        "schedules_digital_fos",
        "003: not applicable to DIGITAL",
        schedules_digital_fos,
        first="test_update_schedule.py",
    ),
    Variant(
        "applies_references_partially",
        "000: unknown fulfillment_id refused, nothing applied",
        applies_references_partially,
        first="test_partner_references.py",
    ),
    Variant(
        "closes_lines_of_any_shipment",
        "004: only related line items auto-close",
        closes_lines_of_any_shipment,
        first="test_shipment_status.py",
    ),
    Variant(
        "closes_shopify_orders",
        "004: Shopify-sourced orders skipped",
        closes_shopify_orders,
        first="test_shipment_status.py",
    ),
    Variant(
        "fulfils_whole_lines",
        "fulfill-order: a part of a line fulfilled, the rest pending",
        fulfils_whole_lines,
        first="test_fulfilment.py",
    ),
    Variant(
        "cancels_any_order",
        "cancel-order: only open or allocated orders",
        cancels_any_order,
        first="test_cancellation.py",
    ),
    Variant(
        "relocates_busy_fos",
        "platform/orders/allocation: only open or allocated FOs are re-allocated",
        relocates_busy_fos,
        first="test_update_location.py",
    ),
    Variant(
        "unfulfils_by_ids_only",
        "unfulfill-order: partner_fulfillment_order_reference identifies the fulfilment too",
        unfulfils_by_ids_only,
        first="test_fulfilment.py",
    ),
    Variant(
        "stores_delivery_fields_on_order",
        "create-order: top-level delivery fields are not stored on the order",
        stores_delivery_fields_on_order,
        first="test_create_order.py",
    ),
    Variant(
        "ignores_location_codes",
        "create-order recipe: an FO's partner_location_code names its location",
        ignores_location_codes,
        first="test_create_order.py",
    ),
    Variant(
        "answers_create_201",
        "create-order: success is a 200",
        wsgi=answers_create_201,
        first="test_create_order.py",
    ),
    Variant(
        "reads_back_another_event_type",
        "get-order-system-log-detail-url: the log downloads as it was added",
        reads_back_another_event_type,
        first="test_system_logs.py",
    ),
    Variant(
        "writes_microsecond_timestamps",
        "api/conventions: timestamps written yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        writes_microsecond_timestamps,
        first="test_redact_and_change_logs.py",
    ),
    Variant(
        "refuses_timestamps_without_offset",
        "api/conventions: a timestamp without an offset accepted on input",
        refuses_timestamps_without_offset,
        first="test_update_schedule.py",
    ),
    Variant(
        "echoes_input_without_offset",
        "api/conventions: a response always carries the offset",
        echoes_input_without_offset,
        first="test_update_schedule.py",
    ),
    Variant(
        "serves_without_token",
        "reference/validation-errors: a missing token is refused (401)",
        serves_without_token,
        first="test_credentials.py",
    ),
    Variant(
        "cancel_releases_nothing",
        "cancel-order, cancel-fulfillment-order-line-items: reserved inventory is released",
        cancel_releases_nothing,
        first="test_inventory.py",
    ),
    Variant(
        "fulfil_reduces_twice",
        "fulfill-order: on_hand and reserved reduced by the fulfilled quantity",
        fulfil_reduces_twice,
        first="test_inventory.py",
    ),
    Variant(
        "accepts_duplicates",
        "bulk-import-inventory-events: each product_id + location_id unique in a batch",
        accepts_duplicates,
        first="test_inventory.py",
    ),
)
