"""Fair sandboxes: each differs from the sandbox only where the documentation leaves room, so the
documented and reading tiers must pass every one (a failure would be a false alarm against a
service that does what the docs say; a reading claim accepts each reading it names). Like the
broken variants (variants.py), each is applied in its own server process: by patching a domain
function, or by rewriting what the sandbox answers (rewrite.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from mock_server.domain.errors import InvalidRequest
from mock_server.domain.inventory import duplicated_places
from mock_server.domain.orders import PERSONAL_FIELDS
from mock_server.domain.preservation import _match
from mock_server.http.spec import FORMAT_CHECKER
from mock_server.sandbox import Sandbox

from .rewrite import Rewrite, orders_in
from .variants import BASELINE, VARIANTS, Variant, stock_moves_as, wrap

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

PENDING = frozenset({"open", "allocated"})
_FO_REF = "partner_fulfillment_order_reference"
GATEWAY = {401: {"message": "Unauthorized"}, 403: {"message": "Forbidden"}}
"""What an API gateway in front of a service answers for refused credentials."""
REFERENCE = "partner_fulfillment_order_reference"
MASK = "REDACTED"
LISTS = frozenset({"line_items", "fulfillment_orders"})
EXTRA = {"x_trace": {"region": "me-central-1"}, "channel_code": "WEB-AE"}
"""Fields no page lists ("new optional fields may appear", api/conventions)."""


def _holds_non_pending(fo: dict[str, Any]) -> bool:
    return any(line.get("status") not in PENDING for line in fo.get("line_items") or [])


# ------------------------------------------------------------------ patched rules
def keeps_client_fo_ids(_: Sandbox) -> None:
    """A new FO keeps the fulfillment_order_id its entry sent (the published page says "a new
    fulfillment_order_id"; the suite accepts either)."""

    def wrapper(merge: Callable[..., Any]) -> Callable[..., Any]:
        def merged(existing: list[Any], requested: list[Any], **kw: Any) -> Any:
            return merge(existing, requested, **{**kw, "keep_new_ids": True})

        return merged

    wrap("mock_server.domain.orders.merge_fulfillment_orders", wrapper)


def refuses_removing_held_fos(_: Sandbox) -> None:
    """An update omitting an FO whose items are no longer pending is refused (400): the docs
    say omitted FOs are removed, not that fulfilled goods may be."""

    def wrapper(merge: Callable[..., Any]) -> Callable[..., Any]:
        def merged(existing: list[Any], requested: list[Any], **kw: Any) -> Any:
            kept = {id(fo) for fo in _match(existing, requested) if fo is not None}
            if any(id(fo) not in kept and _holds_non_pending(fo) for fo in existing):
                raise InvalidRequest(
                    "FO_NOT_REMOVABLE", "an FO holding fulfilled items", "fulfillment_orders"
                )
            return merge(existing, requested, **kw)

        return merged

    wrap("mock_server.domain.orders.merge_fulfillment_orders", wrapper)


def top_level_delivery_for_allocated_fos_only(_: Sandbox) -> None:
    """Explicit FOs do not take create's top-level delivery fields (create-order propagates them
    to "each auto-allocated fulfillment order"; the suite reads explicit ones in too)."""
    wrap(
        "mock_server.domain.orders.with_delivery_fields",
        lambda _shared: lambda body: list(body.get("fulfillment_orders", [])),
    )


def unfulfils_by_fulfilment_reference_only(_: Sandbox) -> None:
    """unfulfil's partner_fulfillment_order_reference names a fulfilment by the partner reference
    given at fulfil, never the FO by its own (unfulfill-order: "partner reference to identify the
    fulfillment to reverse"; the suite reads the FO's in)."""

    def wrapper(named: Callable[..., Any]) -> Callable[..., Any]:
        def by_fulfilment(fo: dict[str, Any], body: dict[str, Any]) -> Any:
            return named({k: v for k, v in fo.items() if k != _FO_REF}, body)

        return by_fulfilment

    wrap("mock_server.domain.lifecycle.fulfillments_named", wrapper)


def matches_fos_by_reference_first(_: Sandbox) -> None:
    """An update-order entry naming one FO by fulfillment_order_id and another by its partner
    reference updates the one of the reference (page 002 names both keys, not their order)."""

    def wrapper(match: Callable[..., Any]) -> Callable[..., Any]:
        def by_reference_first(existing: list[Any], requested: list[Any]) -> Any:
            refs = {fo.get(REFERENCE) for fo in existing} - {None}
            return match(
                existing,
                [
                    {k: v for k, v in entry.items() if k != "fulfillment_order_id"}
                    if entry.get(REFERENCE) in refs
                    else entry
                    for entry in requested
                ],
            )

        return by_reference_first

    wrap("mock_server.domain.preservation._match", wrapper)


def accepts_closed_item_fulfillment_ids(_: Sandbox) -> None:
    """update-partner-references takes the fulfillment_id of a closed item too (page 000's
    "fulfilled items" can be read as items that were fulfilled, closed ones included)."""

    def wrapper(fulfilled: Callable[[Any], bool]) -> Callable[[Any], bool]:
        def fulfilled_or_closed(line: Any) -> bool:
            return fulfilled(line) or line.get("status") == "closed"

        return fulfilled_or_closed

    wrap("mock_server.domain.fulfillment_orders._fulfilled", wrapper)


def masks_personal_fields(_: Sandbox) -> None:
    """Redaction replaces each personal text field with a fixed mask instead of removing it
    (redact-order: personal fields are "cleared or masked"); other personal values (codes,
    coordinates as numbers) are cleared."""

    def wrapper(_without: Callable[[object], object]) -> Callable[[object], object]:
        def masked(address: object) -> object:
            if not isinstance(address, dict):
                return address
            kept = {key: value for key, value in address.items() if key not in PERSONAL_FIELDS}
            masks = {
                k: MASK for k, v in address.items() if k in PERSONAL_FIELDS and isinstance(v, str)
            }
            return {**kept, **masks}

        return masked

    wrap("mock_server.domain.orders._without_personal", wrapper)


def accepts_any_email(_: Sandbox) -> None:
    """Emails are not checked (no orders page says they are validated): the sandbox's format
    check of `email` is switched off in this process."""
    FORMAT_CHECKER.checkers.pop("email", None)


# ------------------------------------------------------------------ on the wire
def _no_if_match(environ: WSGIEnvironment) -> None:
    environ.pop("HTTP_IF_MATCH", None)


def no_etag(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, drop=["ETag"], request=_no_if_match)


def _without_error_details(path: str, status: int, body: Any) -> Any:
    if status >= 400 and isinstance(body, dict):
        return {key: value for key, value in body.items() if key != "error_details"}
    return body


def no_error_details(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, body=_without_error_details)


def _gateway(path: str, status: int, body: Any) -> Any:
    return GATEWAY[status] if status in GATEWAY and path.startswith("/orders") else body


def gateway_refusals(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, body=_gateway)


def _line_item_ids(path: str, status: int, body: Any) -> Any:
    for order in orders_in(body):
        for fo in order["fulfillment_orders"]:
            fo["line_items"] = [
                {("line_item_id" if key == "id" else key): value for key, value in line.items()}
                for line in fo.get("line_items") or []
            ]
    return body


def names_fo_lines_line_item_id(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, body=_line_item_ids)


def _more_fields(path: str, status: int, body: Any) -> Any:
    if status >= 400 and isinstance(body, dict):
        return {**body, "path": path, "request_id": "req-0001"}
    for order in orders_in(body):
        order.update(EXTRA)
        for fo in order["fulfillment_orders"]:
            fo["sub_status"] = None
            for line in fo.get("line_items") or []:
                line["unit_of_measure"] = "EA"
        for item in order.get("line_items") or []:
            item["hs_description"] = "garments"
    return body


def adds_response_fields(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, body=_more_fields)


def _without_empty_lists(path: str, status: int, body: Any) -> Any:
    if status < 400 and isinstance(body, dict) and "order_id" in body:
        return {key: value for key, value in body.items() if value != [] or key not in LISTS}
    return body


def omits_empty_lists(app: WSGIApplication) -> WSGIApplication:
    return Rewrite(app, body=_without_empty_lists)


def answers_system_log_identifier_only(_: Sandbox) -> None:
    """Adding a system log answers the identifier, tenant and order_id only, not the log's fields
    (add-order-system-log's answer shows those first; the page does not say it echoes the log)."""

    def wrapper(add: Callable[..., Any]) -> Callable[..., Any]:
        def added(self: Any, ref: Any, body: Any) -> dict[str, Any]:
            entry: dict[str, Any] = add(self, ref, body)
            return {name: entry[name] for name in ("tenant", "identifier", "order_id")}

        return added

    wrap("mock_server.service.OrderService.add_system_log", wrapper)


# ------------------------------------------------------------------ order webhooks
RENAMED_OPERATIONS = {"CREATE": "INSERT", "UPDATE": "MODIFY"}


def names_operations_insert_modify(_: Sandbox) -> None:
    """The envelope's `operation` reads INSERT or MODIFY: the order page's copy shows no value
    (the sandbox sends CREATE or UPDATE, its inventory sibling's)."""

    def wrapper(envelope: Callable[..., bytes]) -> Callable[..., bytes]:
        def renamed(event: dict[str, Any], trigger: str) -> bytes:
            body = orjson.loads(envelope(event, trigger))
            return orjson.dumps({**body, "operation": RENAMED_OPERATIONS[body["operation"]]})

        return renamed

    wrap("mock_server.controls.webhooks.envelope", wrapper)


def relocation_leaves_stock(_: Sandbox) -> None:
    """A relocation moves no stock: the reservation stays where it was
    (update-fulfillment-order-location: "no direct inventory changes")."""
    stock_moves_as(
        lambda operation, move: None if operation == "updateFulfillmentOrderLocation" else move
    )


def unfulfil_restores_on_hand_only(_: Sandbox) -> None:
    """An unfulfilment restores on_hand and leaves reserved as it is (unfulfill-order names
    on_hand only)."""

    def on_hand_only(operation: str, move: Any) -> Any:
        if operation != "unfulfillFulfillmentOrder":
            return move
        kept = tuple(dataclasses.replace(m, reserved=0) for m in move.movements)
        return dataclasses.replace(move, movements=kept)

    stock_moves_as(on_hand_only)


def refuses_batches_with_duplicates(_: Sandbox) -> None:
    """A batch repeating a product and location is refused whole, 400 (the page's "invalid
    request payload"), rather than its events REJECTED."""

    def wrapper(import_events: Callable[..., Any]) -> Callable[..., Any]:
        def refusing(self: Any, tenant: str, request_id: Any, events: Any) -> Any:
            if duplicated_places(events):
                raise InvalidRequest("DUPLICATE_EVENTS", "repeated product and location", "body")
            return import_events(self, tenant, request_id, events)

        return refusing

    wrap("mock_server.inventory_service.InventoryService.import_events", wrapper)


FAIR_VARIANTS: tuple[Variant, ...] = (
    Variant(
        "keeps_client_fo_ids",
        "a new FO keeps the id the client sent (002: the page leaves new ids open)",
        keeps_client_fo_ids,
    ),
    Variant(
        "no_etag",
        "sends no ETag and ignores If-Match (nothing is published about ETags)",
        wsgi=no_etag,
    ),
    Variant(
        "no_error_details",
        "error body without error_details (api/conventions: status, timestamp, errors)",
        wsgi=no_error_details,
    ),
    Variant(
        "gateway_refusals",
        'a refused key or token gets an API gateway\'s bare {"message": "Forbidden"} (no page '
        "shows that body)",
        wsgi=gateway_refusals,
    ),
    Variant(
        "names_fo_lines_line_item_id",
        "names FO lines line_item_id instead of id (002's response sample)",
        wsgi=names_fo_lines_line_item_id,
    ),
    Variant(
        "adds_response_fields",
        "adds response fields the docs do not list (api/conventions: new fields may appear)",
        wsgi=adds_response_fields,
    ),
    Variant(
        "refuses_removing_held_fos",
        "refuses (400) to remove an omitted FO holding fulfilled items",
        refuses_removing_held_fos,
    ),
    Variant(
        "omits_empty_lists",
        "answers an order without items without empty line_items and fulfillment_orders (no "
        "page says they are always present)",
        wsgi=omits_empty_lists,
    ),
    Variant(
        "matches_fos_by_reference_first",
        "an entry naming one FO by id and another by reference updates the reference's (002 "
        "names both keys, not which wins)",
        matches_fos_by_reference_first,
    ),
    Variant(
        "accepts_closed_item_fulfillment_ids",
        "accepts a closed item's fulfillment id in update-partner-references (000: closed items "
        "were fulfilled)",
        accepts_closed_item_fulfillment_ids,
    ),
    Variant(
        "masks_personal_fields",
        'redaction masks every personal field with "REDACTED" (redact-order: cleared or masked)',
        masks_personal_fields,
    ),
    Variant(
        "accepts_any_email",
        "accepts and echoes an email that is not one (no orders page says emails are validated)",
        accepts_any_email,
    ),
    Variant(
        "top_level_delivery_for_allocated_fos_only",
        "create gives its top-level delivery fields to the FOs it allocates only, not to explicit "
        "ones (create-order: propagated to each auto-allocated FO)",
        top_level_delivery_for_allocated_fos_only,
    ),
    Variant(
        "unfulfils_by_fulfilment_reference_only",
        "unfulfil's partner_fulfillment_order_reference names fulfilments by their partner "
        "reference, not the FO by its own (unfulfill-order leaves it open)",
        unfulfils_by_fulfilment_reference_only,
    ),
    Variant(
        "answers_system_log_identifier_only",
        "answers a system log added with its identifier, tenant and order_id only "
        "(add-order-system-log does not say the answer echoes the log)",
        answers_system_log_identifier_only,
    ),
    Variant(
        "names_operations_insert_modify",
        "names the webhook envelope's operation INSERT or MODIFY (reference/order-webhook-events "
        "shows no value)",
        names_operations_insert_modify,
    ),
    Variant(
        "relocation_leaves_stock",
        "leaves the reservation where it was when an FO is relocated "
        "(update-fulfillment-order-location: no direct inventory change)",
        relocation_leaves_stock,
    ),
    Variant(
        "unfulfil_restores_on_hand_only",
        "restores on_hand only when unfulfilling (unfulfill-order names on_hand)",
        unfulfil_restores_on_hand_only,
    ),
    Variant(
        "refuses_batches_with_duplicates",
        "refuses a batch repeating a product and location whole, 400 (bulk-import: 400 invalid "
        "request payload)",
        refuses_batches_with_duplicates,
    ),
)
BY_NAME = {variant.name: variant for variant in (BASELINE, *VARIANTS, *FAIR_VARIANTS)}
"""Every sandbox of the selftest, by name (serve.py runs one)."""
