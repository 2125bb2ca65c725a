"""Refused requests: the atomicity cases (every 4xx path of every operation) and the hostile
inputs, as data, with the function that sends one and checks the answer.

Both the tests and `python -m tests.reliability.report` run these same lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from tests.launcher import ACME, GLOBEX, Reply, Server
from tests.reliability.schemas import schema_errors

MIB = 1024 * 1024
NO_BODY = object()
STALE_ETAG = '"0000000000000000"'
LONG_ID = "X" * 10_000
DEEP = 1_000


@dataclass(frozen=True)
class Refused:
    """A request the sandbox must refuse with `status` (an `Error` body, nothing changed).

    `body` is a JSON value, or bytes sent as they are. `key` is `own` (the tenant's key), `none`,
    `unknown` or `other` (the other tenant's key); `tenant` None sends no tenant-id header.
    `framing` marks a request whose HTTP framing is malformed: on granian its HTTP core refuses
    it before the sandbox sees it, with an empty 400 that closes the connection (docs/behaviour.md,
    common to every operation); waitress's refusal is an `Error` body.
    """

    name: str
    method: str
    path: str
    status: int | tuple[int, ...]
    body: Any = NO_BODY
    headers: tuple[tuple[str, str], ...] = ()
    tenant: str | None = ACME
    key: str = "own"
    framing: bool = False

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.status if isinstance(self.status, tuple) else (self.status,)


def _key(server: Server, case: Refused) -> str | None:
    tenant = case.tenant or ACME
    other = GLOBEX if tenant == ACME else ACME
    return {
        "own": server.headers(tenant)["x-api-key"],
        "other": server.headers(other)["x-api-key"],
        "unknown": "unknown-key-0123456789",
        "none": None,
    }[case.key]


def send(server: Server, case: Refused) -> Reply:
    """Send `case` byte for byte (no client-side normalisation of the path or body)."""
    headers = {"content-type": "application/json"}
    if server.token is not None:
        headers["authorization"] = f"Bearer {server.token}"
    key = _key(server, case)
    if key is not None:
        headers["x-api-key"] = key
    if case.tenant is not None:
        headers["tenant-id"] = case.tenant
    headers.update(case.headers)
    body = None
    if case.body is not NO_BODY:
        body = case.body if isinstance(case.body, bytes) else orjson.dumps(case.body)
    return server.raw(case.method, case.path, body, headers)


def error_body_problems(reply: Reply, schema: str = "Error") -> list[str]:
    """Why `reply` is not a JSON `Error` (or another error `schema`; empty: it is one)."""
    if not reply.headers.get("content-type", "").startswith("application/json"):
        return [f"content-type {reply.headers.get('content-type')!r}, body {reply.body[:120]!r}"]
    try:
        body = reply.json()
    except orjson.JSONDecodeError:
        return [f"not JSON: {reply.body[:120]!r}"]
    problems = schema_errors(schema, body)
    if schema == "Error" and isinstance(body, dict) and body.get("status") != str(reply.status):
        problems.append(f"status {body.get('status')!r} in a {reply.status} answer")
    details = body.get("error_details") if isinstance(body, dict) else None
    if isinstance(details, list) and len({orjson.dumps(d) for d in details}) != len(details):
        problems.append(f"repeated error_details: {details}")
    return problems


def core_refusal_problems(reply: Reply) -> list[str]:
    """Why `reply` is not the HTTP core's own refusal: an empty 400 closing the connection."""
    problems = [] if reply.status == 400 else [f"status {reply.status}, expected 400"]
    if reply.body or reply.headers.get("connection") != "close":
        problems.append(f"not an empty answer closing the connection: {reply}")
    return problems


def refusal_problems(case: Refused, reply: Reply, http_server: str = "granian") -> list[str]:
    """Why the answer to `case` is not the expected refusal (a 405 must list what is allowed;
    the token endpoint's own refusals are a `TokenError`, published)."""
    if case.framing and http_server == "granian":
        return core_refusal_problems(reply)
    problems = (
        []
        if reply.status in case.statuses
        else [f"status {reply.status}, expected {case.statuses}: {reply.body[:300]!r}"]
    )
    if reply.status == 405:
        allowed = {name.strip() for name in reply.headers.get("allow", "").split(",")}
        if allowed - {"HEAD", "OPTIONS"} != ALLOWED_METHODS.get(case.path):
            problems.append(f"Allow: {reply.headers.get('allow')!r}")
    schema = "TokenError" if case.path == TOKEN and reply.status != 405 else "Error"
    return problems + error_body_problems(reply, schema)


# ---------------------------------------------------------------------------------- atomicity
ORDER = "/orders/ORD-1001"
_LI_1003_2 = {"id": "LI-1003-2", "quantity": 1}
FO_OPS = {
    "location": ("ORD-1001", "FO-1001-A", {"location_id": "RUH-DC-01"}),
    "schedule": ("ORD-1001", "FO-1001-A", {"scheduled_from": "2026-12-01T09:00:00Z"}),
    "partner-references": ("ORD-1004", "FO-1004-A", {"partner_fulfillment_order_reference": "R"}),
}
WRITES: dict[str, tuple[str, str, Any]] = {
    "createOrder": ("POST", "/orders", {"merchant": "ACME_FASHION", "order_id": "ATOM-NEW"}),
    "updateOrder": ("PATCH", ORDER, {"language": "ar"}),
    **{
        f"update-{op}": ("PATCH", f"/orders/{o}/fulfillment-orders/{fo}/update-{op}", body)
        for op, (o, fo, body) in FO_OPS.items()
    },
    "notifyShipmentStatus": (
        "POST",
        "/orders/shipment-status-update",
        {
            "shipment_id": "CARSHP3XH8W2LD",
            "references": {"partner_order_reference": "SHOP-1005"},
            "post_shipping_info": {"status": "delivered"},
        },
    ),
    "cancelOrder": ("POST", f"{ORDER}/cancel", {"cancellation_reason": "OTHER"}),
    "redactOrder": ("POST", f"{ORDER}/redact", None),
    "mergeFulfillmentOrders": (
        "POST",
        "/orders/ORD-1014/fulfillment-orders/merge",
        {
            "source": {"fulfillment_order_id": "FO-1014-B"},
            "destination": {"fulfillment_order_id": "FO-1014-A"},
        },
    ),
    **{
        op: ("POST", f"/orders/{o}/fulfillment-orders/{fo}/{action}", body)
        for op, (o, fo, action, body) in {
            "fulfill": ("ORD-1003", "FO-1003-A", "fulfill", {"line_items": [_LI_1003_2]}),
            "ship": ("ORD-1003", "FO-1003-A", "ship", {"line_items": [_LI_1003_2]}),
            "unfulfill": (
                "ORD-1008",
                "FO-1008-A",
                "unfulfill",
                {"fulfillment_ids": ["FUL-1008-1"]},
            ),
            "split": ("ORD-1003", "FO-1003-A", "split", {"line_items": [_LI_1003_2]}),
            "cancelLineItems": (
                "ORD-1003",
                "FO-1003-A",
                "cancel",
                {"cancellation_reason": "OTHER", "line_items": [_LI_1003_2]},
            ),
        }.items()
    },
    "update-delivery-method": (
        "PATCH",
        f"{ORDER}/fulfillment-orders/FO-1001-A/update-delivery-method",
        {"delivery_method": "DIGITAL"},
    ),
    "update-address": (
        "PATCH",
        f"{ORDER}/fulfillment-orders/FO-1001-A/update-address",
        {"address": {"address1": "1 Road", "city": "DUBAI", "country": "AE"}},
    ),
}
"""Every public write, each with a body it would accept (so only the varied part is wrong;
redact takes none)."""


ORDER_IN_PATH = re.compile(r"ORD-\d+")
"""The fixtures order a write's path names (shipment notifications and creation name none)."""


def _common_refusals() -> Iterator[Refused]:
    """The refusals every write shares: headers, keys, body framing, size, a stale If-Match."""
    for op, (method, path, body) in WRITES.items():
        yield Refused(f"{op}: no api key", method, path, 403, body, key="none")
        yield Refused(f"{op}: unknown api key", method, path, 403, body, key="unknown")
        yield Refused(f"{op}: no tenant-id", method, path, 403, body, tenant=None)
        yield Refused(f"{op}: another tenant's key", method, path, 403, body, key="other")
        if body is not None:
            yield Refused(f"{op}: malformed JSON", method, path, 400, b'{"language": "ar",')
            yield Refused(f"{op}: JSON array", method, path, 400, [body])
            yield Refused(f"{op}: no body", method, path, 400)
            yield Refused(
                f"{op}: text/plain", method, path, 415, body, (("content-type", "text/plain"),)
            )
            too_large = b'{"x":"' + b"a" * 2 * MIB + b'"}'
            yield Refused(f"{op}: 2 MiB body", method, path, 413, too_large)
        if ORDER_IN_PATH.search(path):
            stale = (("If-Match", STALE_ETAG),)
            yield Refused(f"{op}: stale If-Match", method, path, 409, body, stale)
            yield Refused(f"{op}: bad key parameter", method, f"{path}?key=sku", 400, body)
            other = ORDER_IN_PATH.sub("GLX-5001", path, count=1)
            yield Refused(f"{op}: another tenant's order", method, other, 404, body)
            unknown = ORDER_IN_PATH.sub("ORD-NOPE", path, count=1)
            yield Refused(f"{op}: unknown order", method, unknown, 404, body)


def _fo(order: str, fo: str, op: str) -> str:
    return f"/orders/{order}/fulfillment-orders/{fo}/update-{op}"


def _line(line_id: str, quantity: int = 1) -> dict[str, Any]:
    return {"id": line_id, "quantity": quantity}


_SPECIFIC: tuple[Refused, ...] = (
    # getOrder
    Refused("getOrder: no api key", "GET", ORDER, 403, key="none"),
    Refused("getOrder: another tenant's key", "GET", ORDER, 403, key="other"),
    Refused("getOrder: bad key parameter", "GET", f"{ORDER}?key=sku", 400),
    Refused("getOrder: unknown order", "GET", "/orders/ORD-NOPE", 404),
    Refused("getOrder: another tenant's order", "GET", "/orders/GLX-5001", 404),
    Refused(
        "getOrder: another tenant's reference",
        "GET",
        "/orders/GLX-WEB-5001?key=partner_order_reference",
        404,
    ),
    # createOrder
    Refused("createOrder: no merchant", "POST", "/orders", 400, {"order_id": "ATOM-NEW"}),
    Refused(
        "createOrder: FO line not in the order",
        "POST",
        "/orders",
        400,
        {
            "merchant": "ACME_FASHION",
            "order_id": "ATOM-NEW",
            "line_items": [{"id": "A", "quantity": 1}],
            "fulfillment_orders": [{"line_items": [_line("A"), _line("B")]}],
        },
    ),
    Refused(
        "createOrder: zero quantity",
        "POST",
        "/orders",
        400,
        {"merchant": "M", "order_id": "ATOM-NEW", "line_items": [_line("A"), _line("B", 0)]},
    ),
    Refused(
        "createOrder: duplicate line item id",
        "POST",
        "/orders",
        400,
        {"merchant": "M", "order_id": "ATOM-NEW", "line_items": [_line("A"), _line("A")]},
    ),
    Refused(
        "createOrder: existing order_id",
        "POST",
        "/orders",
        409,
        {"merchant": "M", "order_id": "ORD-1001"},
    ),
    Refused(
        "createOrder: existing partner_order_reference (late: at save)",
        "POST",
        "/orders",
        409,
        {"merchant": "M", "order_id": "ATOM-NEW", "partner_order_reference": "SHOP-1001"},
    ),
    # updateOrder
    Refused("updateOrder: wrong type", "PATCH", ORDER, 400, {"language": 5}),
    Refused(
        "updateOrder: unknown enum value",
        "PATCH",
        ORDER,
        400,
        {"fulfillment_orders": [{"fulfillment_order_id": "FO-1001-A", "delivery_method": "X"}]},
    ),
    Refused("updateOrder: cancelled order", "PATCH", "/orders/ORD-1007", 400, {"language": "ar"}),
    Refused(
        "updateOrder: FO quantity over the ordered one in the second FO (late: after the merge)",
        "PATCH",
        ORDER,
        400,
        {
            "language": "ar",
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A", "line_items": [_line("LI-1001-1")]},
                {
                    "partner_fulfillment_order_reference": "R-LATE",
                    "line_items": [_line("LI-1001-2", 3)],
                },
            ],
        },
    ),
    Refused(
        "updateOrder: FO line not in the order, after a valid FO (late)",
        "PATCH",
        ORDER,
        400,
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A", "line_items": [_line("LI-1001-1")]},
                {"fulfillment_order_id": "FO-NEW", "line_items": [_line("LI-NOPE")]},
            ]
        },
    ),
    Refused(
        "updateOrder: two entries match one FO",
        "PATCH",
        ORDER,
        400,
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A"},
                {"partner_fulfillment_order_reference": "SHOP-1001-F1"},
            ]
        },
    ),
    Refused(
        "updateOrder: partner_order_reference of another order (late: at save)",
        "PATCH",
        ORDER,
        400,
        {"language": "ar", "partner_order_reference": "SHOP-1002"},
    ),
    Refused(
        "updateOrder: zero quantity in the second line item",
        "PATCH",
        ORDER,
        400,
        {"line_items": [_line("LI-1001-1"), _line("LI-1001-2", 0)]},
    ),
    Refused(
        "updateOrder: duplicate line item id",
        "PATCH",
        ORDER,
        400,
        {"line_items": [_line("LI-1001-1"), _line("LI-1001-1")]},
    ),
    Refused(
        "updateOrder: id and line_item_id differ",
        "PATCH",
        ORDER,
        400,
        {"line_items": [{"id": "LI-1001-1", "line_item_id": "LI-1001-2", "quantity": 1}]},
    ),
    # update location
    Refused(
        "update-location: no location_id",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "location"),
        400,
        {},
    ),
    Refused(
        "update-location: unknown location",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "location"),
        400,
        {"location_id": "NOWHERE"},
    ),
    Refused(
        "update-location: location code of another merchant",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "location"),
        400,
        {"location_id": "AH-AUH-01"},
    ),
    Refused(
        "update-location: FO of another order",
        "PATCH",
        _fo("ORD-1001", "FO-1002-A", "location"),
        404,
        {"location_id": "RUH-DC-01"},
    ),
    # update schedule
    Refused(
        "update-schedule: fulfilled FO",
        "PATCH",
        _fo("ORD-1005", "FO-1005-A", "schedule"),
        400,
        {"scheduled_from": "2026-12-01T09:00:00Z"},
    ),
    Refused(
        "update-schedule: DIGITAL FO",
        "PATCH",
        _fo("ORD-1011", "FO-1011-A", "schedule"),
        400,
        {"scheduled_from": "2026-12-01T09:00:00Z"},
    ),
    Refused(
        "update-schedule: from after to",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "schedule"),
        400,
        {"scheduled_from": "2026-12-02T09:00:00Z", "scheduled_to": "2026-12-01T09:00:00Z"},
    ),
    Refused(
        "update-schedule: to before the stored from (late)",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "schedule"),
        400,
        {"scheduled_to": "2000-01-01T00:00:00Z"},
    ),
    Refused(
        "update-schedule: empty body", "PATCH", _fo("ORD-1001", "FO-1001-A", "schedule"), 400, {}
    ),
    Refused(
        "update-schedule: not a date-time",
        "PATCH",
        _fo("ORD-1001", "FO-1001-A", "schedule"),
        400,
        {"scheduled_from": "tomorrow"},
    ),
    Refused(
        "update-schedule: unknown FO",
        "PATCH",
        _fo("ORD-1001", "FO-NOPE", "schedule"),
        404,
        {"scheduled_from": "2026-12-01T09:00:00Z"},
    ),
    # update partner references
    Refused(
        "update-partner-references: empty body",
        "PATCH",
        _fo("ORD-1004", "FO-1004-A", "partner-references"),
        400,
        {},
    ),
    Refused(
        "update-partner-references: unknown fulfillment_id after a valid one (late)",
        "PATCH",
        _fo("ORD-1004", "FO-1004-A", "partner-references"),
        400,
        {
            "partner_fulfillment_order_reference": "WMS-NEW-REF",
            "fulfillments": [
                {"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "P-1"},
                {"fulfillment_id": "FUL-NOPE", "partner_fulfillment_reference": "P-2"},
            ],
        },
    ),
    Refused(
        "update-partner-references: fulfillment_id listed twice",
        "PATCH",
        _fo("ORD-1004", "FO-1004-A", "partner-references"),
        400,
        {
            "fulfillments": [
                {"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "P-1"},
                {"fulfillment_id": "FUL-1004-1", "partner_fulfillment_reference": "P-2"},
            ]
        },
    ),
    Refused(
        "update-partner-references: fulfillment of the order's other FO",
        "PATCH",
        _fo("ORD-1009", "FO-1009-B", "partner-references"),
        400,
        {"fulfillments": [{"fulfillment_id": "FUL-1009-1", "partner_fulfillment_reference": "P"}]},
    ),
    Refused(
        "update-partner-references: reference of the other FO",
        "PATCH",
        _fo("ORD-1004", "FO-1004-A", "partner-references"),
        400,
        {"partner_fulfillment_order_reference": "SHOP-1004-F2"},
    ),
    # shipment notification
    Refused(
        "notifyShipmentStatus: no references",
        "POST",
        "/orders/shipment-status-update",
        400,
        {"shipment_id": "CARSHP3XH8W2LD"},
    ),
    Refused(
        "notifyShipmentStatus: no partner_order_reference",
        "POST",
        "/orders/shipment-status-update",
        400,
        {"references": {}, "post_shipping_info": {"status": "delivered"}},
    ),
    Refused(
        "notifyShipmentStatus: empty partner_order_reference",
        "POST",
        "/orders/shipment-status-update",
        400,
        {"references": {"partner_order_reference": ""}},
    ),
    # admin seeding
    Refused("adminSeedOrder: not an Order", "POST", "/__admin/orders", 400, {"order_id": "X"}),
    Refused(
        "adminSeedOrder: partner_order_reference of another order",
        "POST",
        "/__admin/orders",
        409,
        {
            "order_id": "ATOM-NEW",
            "partner_order_reference": "SHOP-1002",
            "status": "open",
            "line_items": [],
            "fulfillment_orders": [],
        },
    ),
    Refused(
        "adminSeedLocation: no partner_location_id",
        "POST",
        "/__admin/locations",
        400,
        {"merchant": "ACME_FASHION", "location_code": "X"},
    ),
    # the published lifecycle: each operation's status and quantity gates
    Refused(
        "cancelOrder: processing order",
        "POST",
        "/orders/ORD-1004/cancel",
        400,
        {"cancellation_reason": "OTHER"},
    ),
    Refused("cancelOrder: no reason", "POST", f"{ORDER}/cancel", 400, {}),
    Refused(
        "cancelOrder: unpublished reason",
        "POST",
        f"{ORDER}/cancel",
        400,
        {"cancellation_reason": "BORED"},
    ),
    Refused(
        "fulfill: fulfilled line",
        "POST",
        "/orders/ORD-1004/fulfillment-orders/FO-1004-A/fulfill",
        400,
        {"line_items": [_line("LI-1004-2")]},
    ),
    Refused(
        "fulfill: over the pending quantity",
        "POST",
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/fulfill",
        400,
        {"line_items": [_line("LI-1003-2", 3)]},
    ),
    Refused(
        "fulfill: not a boolean flag",
        "POST",
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/fulfill?skip_shipping=maybe",
        400,
        {"line_items": [_LI_1003_2]},
    ),
    Refused(
        "fulfill: second line unknown, found late",
        "POST",
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/fulfill",
        400,
        {"line_items": [_LI_1003_2, _line("LI-NOPE")]},
    ),
    Refused(
        "ship: open line",
        "POST",
        f"{ORDER}/fulfillment-orders/FO-1001-A/ship",
        400,
        {"line_items": [_line("LI-1001-1")]},
    ),
    Refused(
        "unfulfill: delivered fulfillment",
        "POST",
        "/orders/ORD-1006/fulfillment-orders/FO-1006-A/unfulfill",
        400,
        {"fulfillment_ids": ["FUL-1006-1"]},
    ),
    Refused(
        "unfulfill: second id unknown, found late",
        "POST",
        "/orders/ORD-1008/fulfillment-orders/FO-1008-A/unfulfill",
        400,
        {"fulfillment_ids": ["FUL-1008-1", "FUL-NOPE"]},
    ),
    Refused(
        "split: picked line",
        "POST",
        "/orders/ORD-1013/fulfillment-orders/FO-1013-A/split",
        400,
        {"line_items": [_line("LI-1013-1")]},
    ),
    Refused(
        "split: unknown location",
        "POST",
        "/orders/ORD-1003/fulfillment-orders/FO-1003-A/split",
        400,
        {"line_items": [_LI_1003_2], "location_id": "NOWHERE"},
    ),
    Refused(
        "merge: different locations",
        "POST",
        "/orders/ORD-1002/fulfillment-orders/merge",
        400,
        {
            "source": {"fulfillment_order_id": "FO-1002-B"},
            "destination": {"fulfillment_order_id": "FO-1002-A"},
        },
    ),
    Refused(
        "merge: unknown source",
        "POST",
        "/orders/ORD-1014/fulfillment-orders/merge",
        404,
        {
            "source": {"fulfillment_order_id": "FO-NOPE"},
            "destination": {"fulfillment_order_id": "FO-1014-A"},
        },
    ),
    Refused(
        "cancelLineItems: fulfilled line",
        "POST",
        "/orders/ORD-1005/fulfillment-orders/FO-1005-A/cancel",
        400,
        {"cancellation_reason": "OTHER", "line_items": [_line("LI-1005-1")]},
    ),
    Refused(
        "update-delivery-method: fulfilled FO",
        "PATCH",
        "/orders/ORD-1004/fulfillment-orders/FO-1004-A/update-delivery-method",
        400,
        {"delivery_method": "COLLECTION"},
    ),
    Refused(
        "update-address: DIGITAL FO",
        "PATCH",
        "/orders/ORD-1011/fulfillment-orders/FO-1011-A/update-address",
        400,
        {"address": {"address1": "x"}},
    ),
    Refused(
        "listOrderChangeLogs: bad sort_order", "GET", f"{ORDER}/change-logs?sort_order=UP", 400
    ),
    *(
        Refused(f"addOrderSystemLog: {name}", "POST", f"{order}/system-logs", status, body)
        for name, order, status, body in (
            ("event_type outside the three", ORDER, 400, {"event_type": "SIDEWAYS"}),
            ("request_time not an integer", ORDER, 400, {"request_time": "noon"}),
            ("unknown order", "/orders/ORD-NOPE", 404, {"event_type": "INBOUND"}),
            ("another tenant's order", "/orders/GLX-5001", 404, {"event_type": "INBOUND"}),
        )
    ),
    Refused("getOrderSystemLogDetailUrl: unknown log", "GET", f"{ORDER}/system-logs/SL-NONE", 400),
)

ATOMICITY_CASES: tuple[Refused, ...] = (*_common_refusals(), *_SPECIFIC)


# ---------------------------------------------------------------------------------- hostile input
def _nested(depth: int, leaf: bytes = b"1") -> bytes:
    return b'{"a":' * depth + leaf + b"}" * depth


def _create(**fields: Any) -> dict[str, Any]:
    return {"merchant": "ACME_FASHION", "order_id": "HOSTILE-NEW", **fields}


def _json_with(template: dict[str, Any], literal: bytes) -> bytes:
    """`template` serialized with the string `"@"` replaced by `literal` (not valid JSON alone)."""
    return orjson.dumps(template).replace(b'"@"', literal)


TEN_MB = b'{"language":"' + b"a" * 10 * 1000 * 1000 + b'"}'
TOKEN = "/oauth/token"
TOKEN_BODY = {"client_id": "c", "client_secret": "@"}
FORM = (("content-type", "application/x-www-form-urlencoded"),)
FO_PATH = "/orders/ORD-1001/fulfillment-orders/FO-1001-A/update-location"

ALLOWED_METHODS: dict[str, frozenset[str]] = {
    TOKEN: frozenset({"POST"}),
    "/orders": frozenset({"POST"}),
    "/orders/shipment-status-update": frozenset({"POST"}),
    "/orders/shipment-status": frozenset({"POST"}),  # deprecated, answers as the one above
    ORDER: frozenset({"GET", "PATCH"}),
    f"{ORDER}/cancel": frozenset({"POST"}),
    f"{ORDER}/change-logs": frozenset({"GET"}),
    FO_PATH: frozenset({"PATCH"}),
}
"""What the spec allows on each resource (HEAD comes with GET)."""
UNKNOWN_METHODS = ("FOO", "PROPFIND", "DELETE", "PUT", "TRACE", "CONNECT")

HOSTILE_CASES: tuple[Refused, ...] = (
    Refused("not JSON", "PATCH", ORDER, 400, b"this is not json"),
    Refused("JSON string", "PATCH", ORDER, 400, b'"language"'),
    Refused("JSON number", "POST", "/orders", 400, b"42"),
    Refused("JSON null", "PATCH", ORDER, 400, b"null"),
    Refused("JSON array of objects", "POST", "/orders", 400, [_create()]),
    Refused("1,000-deep arrays", "PATCH", ORDER, 400, b"[" * DEEP + b"]" * DEEP),
    Refused(
        "1,000-deep object in a free-form field",
        "PATCH",
        ORDER,
        400,
        b'{"customer":{"x":' + _nested(DEEP) + b"}}",
    ),
    Refused(
        "1,000-deep object where a string is expected",
        "POST",
        "/orders",
        400,
        _json_with(
            _create(line_items=[{"id": "A", "quantity": 1, "properties": "@"}]), _nested(DEEP)
        ),
    ),
    Refused(
        "1,000-deep shipment payload",
        "POST",
        "/orders/shipment-status-update",
        400,
        b'{"references":{"partner_order_reference":"SHOP-1001"},"x":' + _nested(DEEP) + b"}",
    ),
    Refused("1,000-deep admin seed", "POST", "/__admin/orders", 400, b"[" * DEEP + b"]" * DEEP),
    Refused("100,000-deep arrays", "PATCH", ORDER, 400, b"[" * 100_000 + b"]" * 100_000),
    Refused("10 MB body", "PATCH", ORDER, 413, TEN_MB),
    Refused("10 MB create", "POST", "/orders", 413, TEN_MB),
    Refused(
        "integer 10**400 written out",
        "POST",
        "/orders",
        400,
        _json_with(_create(line_items=[{"id": "A", "quantity": "@"}]), b"1" + b"0" * 400),
    ),
    Refused(
        "integer 10**400 in a free-form field",
        "PATCH",
        ORDER,
        400,
        _json_with({"customer": {"x": "@"}}, b"1" + b"0" * 400),
    ),
    Refused(
        "integer 2**64 quantity",
        "POST",
        "/orders",
        400,
        _json_with(_create(line_items=[{"id": "A", "quantity": "@"}]), str(2**64).encode()),
    ),
    Refused(
        "float 1e400",
        "POST",
        "/orders",
        400,
        _json_with(_create(line_items=[{"id": "A", "quantity": 1, "price": "@"}]), b"1e400"),
    ),
    Refused(
        "float -1e400",
        "PATCH",
        ORDER,
        400,
        _json_with({"payment": {"order_total": "@"}}, b"-1e400"),
    ),
    Refused(
        "float 1e308 price",
        "POST",
        "/orders",
        400,
        _json_with(_create(line_items=[{"id": "A", "quantity": 1, "price": "@"}]), b"1e308"),
    ),
    *(
        Refused(
            f"{literal.decode()} literal",
            "PATCH",
            ORDER,
            400,
            _json_with({"payment": {"order_total": "@"}}, literal),
        )
        for literal in (b"NaN", b"Infinity", b"-Infinity")
    ),
    Refused(
        "negative quantity",
        "POST",
        "/orders",
        400,
        _create(line_items=[{"id": "A", "quantity": -1}]),
    ),
    Refused(
        "zero quantity", "POST", "/orders", 400, _create(line_items=[{"id": "A", "quantity": 0}])
    ),
    Refused(
        "negative FO line quantity",
        "PATCH",
        ORDER,
        400,
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A", "line_items": [_line("LI-1001-1", -5)]}
            ]
        },
    ),
    Refused(
        "zero FO line quantity",
        "PATCH",
        ORDER,
        400,
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1001-A", "line_items": [_line("LI-1001-1", 0)]}
            ]
        },
    ),
    Refused(
        "duplicate line item ids (create)",
        "POST",
        "/orders",
        400,
        _create(line_items=[_line("A"), _line("A")]),
    ),
    Refused(
        "duplicate FO line item ids",
        "PATCH",
        ORDER,
        400,
        {
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-1001-A",
                    "line_items": [_line("LI-1001-1"), _line("LI-1001-1")],
                }
            ]
        },
    ),
    Refused(
        "FO creation_date not a date-time (was stored, making the order invalid)",
        "POST",
        "/orders",
        400,
        _create(fulfillment_orders=[{"creation_date": "nope"}]),
    ),
    Refused("10,000-character order_id", "POST", "/orders", 400, _create(order_id=LONG_ID)),
    Refused(
        "10,000-character line item id",
        "POST",
        "/orders",
        400,
        _create(line_items=[_line(LONG_ID)]),
    ),
    Refused(
        "10,000-character partner_order_reference",
        "PATCH",
        ORDER,
        400,
        {"partner_order_reference": LONG_ID},
    ),
    Refused(
        "10,000-character FO id",
        "PATCH",
        ORDER,
        400,
        {"fulfillment_orders": [{"fulfillment_order_id": LONG_ID}]},
    ),
    Refused("10,000-character location_id", "PATCH", FO_PATH, 400, {"location_id": LONG_ID}),
    Refused("10,000-character order id in the path", "GET", f"/orders/{LONG_ID}", 400),
    Refused(
        "10,000-character order id in a PATCH path",
        "PATCH",
        f"/orders/{LONG_ID}",
        400,
        {"language": "ar"},
    ),
    Refused(
        "10,000-character FO id in the path",
        "PATCH",
        f"/orders/ORD-1001/fulfillment-orders/{LONG_ID}/update-location",
        400,
        {"location_id": "RUH-DC-01"},
    ),
    Refused(
        "10,000-character tenant-id", "GET", ORDER, 404, headers=(("tenant-id", "T" * 10_000),)
    ),
    Refused("300 KB header", "GET", ORDER, 431, headers=(("X-Big", "a" * 300_000),)),
    *(
        Refused(
            f"Content-Length {length}",
            "PATCH",
            ORDER,
            400,
            headers=(("Content-Length", length),),
            framing=True,
        )
        for length in ("abc", "-5")
    ),
    Refused("raw control character in a string", "PATCH", ORDER, 400, b'{"language":"a\x01b"}'),
    Refused("NUL in an order_id", "POST", "/orders", 400, _create(order_id="ORD\u0000X")),
    Refused(
        "newline in a partner_order_reference",
        "PATCH",
        ORDER,
        400,
        {"partner_order_reference": "REF\r\nX-Injected: 1"},
    ),
    Refused(
        "escape character in an FO id",
        "PATCH",
        ORDER,
        400,
        {"fulfillment_orders": [{"fulfillment_order_id": "FO\u001b[31m"}]},
    ),
    Refused("NUL in the path", "GET", "/orders/ORD-1001%00", 400),
    Refused("newline in the path", "GET", "/orders/ORD%0D%0AX", 400),
    Refused("invalid UTF-8 in the body", "PATCH", ORDER, 400, b'{"language":"\xff\xfe"}'),
    Refused("overlong UTF-8 in the body", "PATCH", ORDER, 400, b'{"language":"\xc0\xaf"}'),
    Refused("lone surrogate escape", "PATCH", ORDER, 400, b'{"language":"\\ud800"}'),
    Refused("invalid UTF-8 in the path", "GET", "/orders/ORD%FF%FE", (400, 404)),
    Refused("UTF-8 BOM before the body", "PATCH", ORDER, 400, b'\xef\xbb\xbf{"language":"ar"}'),
    *(
        Refused(
            f"Content-Type {content_type}",
            "PATCH",
            ORDER,
            415,
            {"language": "ar"},
            (("content-type", content_type),),
        )
        for content_type in (
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        )
    ),
    *(
        Refused(f"path traversal {path}", method, path, (400, 404), body)
        for method, path, body in (
            ("GET", "/orders/..%2F..%2Fetc%2Fpasswd", NO_BODY),
            ("GET", "/orders/../../etc/passwd", NO_BODY),
            ("GET", "/orders/%2e%2e%2f%2e%2e%2fetc%2fpasswd", NO_BODY),
            ("GET", "/orders/..", NO_BODY),
            ("GET", "/orders/..;/..;/etc/passwd", NO_BODY),
            ("PATCH", "/orders/..%2F..%2Fetc%2Fpasswd", {"language": "ar"}),
            (
                "PATCH",
                "/orders/ORD-1001/fulfillment-orders/..%2F..%2Fetc%2Fpasswd/update-location",
                {"location_id": "RUH-DC-01"},
            ),
            (
                "PATCH",
                "/orders/ORD-1001/fulfillment-orders/../../../etc/passwd/update-schedule",
                {"scheduled_from": "2026-12-01T09:00:00Z"},
            ),
            ("GET", "/orders/ORD-1001?key=..%2F..%2Fetc%2Fpasswd", NO_BODY),
            ("GET", "/__admin/../orders/ORD-1001", NO_BODY),
        )
    ),
    *(
        Refused(f"method {method} on {path}", method, path, 405)
        for path in ALLOWED_METHODS
        for method in UNKNOWN_METHODS
    ),
    *(
        Refused(f"token request: {name}", "POST", TOKEN, status, body, headers)
        for name, status, body, headers in (
            ("not JSON", 400, b"client_id=c&client_secret=s", ()),
            ("form content type", 400, b"client_id=c&client_secret=s", FORM),
            ("JSON array", 400, [{"client_id": "c", "client_secret": "s"}], ()),
            ("JSON string", 400, b'"client_id"', ()),
            ("JSON null", 400, b"null", ()),
            ("no body", 400, NO_BODY, ()),
            ("no client_id", 400, {"client_secret": "s"}, ()),
            ("no client_secret", 400, {"client_id": "c"}, ()),
            ("empty object", 400, {}, ()),
            ("number client_id", 400, {"client_id": 7, "client_secret": "s"}, ()),
            ("object client_secret", 400, {"client_id": "c", "client_secret": {"a": 1}}, ()),
            ("empty client_id", 400, {"client_id": "", "client_secret": "s"}, ()),
            ("10,000-character client_id", 400, {"client_id": LONG_ID, "client_secret": "s"}, ()),
            ("1,000-deep client_secret", 400, _json_with(TOKEN_BODY, _nested(DEEP)), ()),
            ("integer 10**400", 400, _json_with(TOKEN_BODY, b"1" + b"0" * 400), ()),
            ("NaN client_secret", 400, _json_with(TOKEN_BODY, b"NaN"), ()),
            ("invalid UTF-8", 400, b'{"client_id":"\xff","client_secret":"s"}', ()),
            ("lone surrogate", 400, b'{"client_id":"\\ud800","client_secret":"s"}', ()),
            ("10 MB body", 413, b'{"client_id":"' + b"a" * 10 * 1000 * 1000 + b'"}', ()),
        )
    ),
)
"""Hostile inputs. Each one: a 4xx `Error`, then the server still answers (checked by the test)."""


# ---------------------------------------------------------------------------------- the checks
def fixture_orders() -> dict[str, list[str]]:
    """tenant -> order ids of `fixtures/sandbox.json`."""
    from tests.launcher import REPO_ROOT

    state = orjson.loads((REPO_ROOT / "fixtures" / "sandbox.json").read_bytes())
    return {
        tenant: [order["order_id"] for order in content["orders"]]
        for tenant, content in state["tenants"].items()
    }


Snapshot = dict[str, tuple[int, str | None, bytes]]


def snapshot(server: Server) -> Snapshot:
    """Every fixture order as read back (status, ETag, body bytes); plus, where the admin API has
    them, the whole exported state and the number of webhook events."""
    seen: Snapshot = {}
    for tenant, ids in fixture_orders().items():
        for order_id in ids:
            response = server.call("GET", f"/orders/{order_id}", tenant=tenant)
            seen[f"{tenant}/{order_id}"] = (
                response.status_code,
                response.headers.get("ETag"),
                response.content,
            )
    for name, path in (("state", "state"), ("webhooks", "webhooks?limit=1")):
        response = server.admin("GET", path)
        if response.status_code == 200:
            seen[f"admin/{name}"] = (200, None, response.content)
    return seen


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The entries of two snapshots that differ."""
    missing = (0, None, b"")
    return [
        f"{name} changed: {before.get(name, missing)[:2]} -> {after.get(name, missing)[:2]}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


def check_refusal(server: Server, case: Refused) -> list[str]:
    """Send `case`; the problems found: wrong answer, anything changed, server not healthy."""
    before = snapshot(server)
    reply = send(server, case)
    problems = refusal_problems(case, reply, server.http_server)
    if b"root:" in reply.body:
        problems.append("the answer shows a file of the host")
    problems += changes(before, snapshot(server))
    if not server.healthy():
        problems.append("the server is not healthy after it")
    return problems
