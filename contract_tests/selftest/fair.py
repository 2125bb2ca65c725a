"""Fair sandboxes: each differs from the sandbox only where the documentation leaves room, so the
documented tier must pass every one (a failure would be a false alarm against a service that does
what the docs say). Like the broken variants (variants.py), each is applied in its own server
process: by patching a domain function, or by rewriting what the sandbox answers (rewrite.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from mock_server.domain.errors import InvalidRequest
from mock_server.domain.preservation import _match
from mock_server.sandbox import Sandbox

from .rewrite import Rewrite, orders_in
from .variants import BASELINE, VARIANTS, Variant, wrap

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

PENDING = frozenset({"open", "allocated"})
GATEWAY = {401: {"message": "Unauthorized"}, 403: {"message": "Forbidden"}}
"""What an API gateway in front of a service answers for refused credentials."""
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


def refuses_relocating_busy_fos(_: Sandbox) -> None:
    """Only an FO of pending items is relocated (published platform/orders/allocation: an FO is
    re-allocated while open or allocated); others are refused (400)."""

    def wrapper(update: Callable[..., Any]) -> Callable[..., Any]:
        def updated(order: dict[str, Any], fo_id: str, location_id: str, **kw: Any) -> Any:
            for fo in order.get("fulfillment_orders") or []:
                if fo.get("fulfillment_order_id") == fo_id and _holds_non_pending(fo):
                    raise InvalidRequest(
                        "FO_NOT_RELOCATABLE", "the FO is processing", "location_id"
                    )
            return update(order, fo_id, location_id, **kw)

        return updated

    wrap("mock_server.domain.update_location", wrapper)


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
        "refuses_relocating_busy_fos",
        "relocates open or allocated FOs only (platform/orders/allocation)",
        refuses_relocating_busy_fos,
    ),
    Variant(
        "names_operations_insert_modify",
        "names the webhook envelope's operation INSERT or MODIFY (reference/order-webhook-events "
        "shows no value)",
        names_operations_insert_modify,
    ),
)
BY_NAME = {variant.name: variant for variant in (BASELINE, *VARIANTS, *FAIR_VARIANTS)}
"""Every sandbox of the selftest, by name (serve.py runs one)."""
