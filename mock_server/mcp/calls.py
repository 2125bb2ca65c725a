"""One tool call, run the way REST runs its operation: the same validation of the body, the same
handler (`http/responses.py`, hence the same `OrderService` method), the same rendering of the
order, and the same error body for a refusal (`http/errors.py`'s one table).

`call_tool` returns the JSON the REST operation would answer and whether it is a refusal; the
MCP server (server.py) turns the first into a tool result and the second into a tool error.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, NamedTuple

import orjson
from jsonschema import Draft202012Validator

from ..domain import DomainError
from ..domain.listing import MAX_PAGE_SIZE, ListQuery
from ..http.errors import SERVICE_UNAVAILABLE, ApiError
from ..http.spec import SchemaValidator, Spec
from ..http.timestamps import with_offsets
from ..http.urls import ROUTES, Route
from ..http.validation import ValidRequest
from ..service import OrderService
from ..store import KEY_ORDER_ID, Record, StoreUnavailable
from .catalogue import BY_NAME, TENANT, Tool

log = logging.getLogger("mock_server.mcp")
ROUTE_OF: dict[str, Route] = {route.operation_id: route for route in ROUTES}
COMMON = frozenset({"tenantId", "order_id", "key", "fulfillment_order_id"})
"""Arguments that name what is acted on (the REST path and `key`), never sent in a body."""


class Outcome(NamedTuple):
    """A tool's answer: the JSON REST would send, and whether it is a refusal (`Error` body)."""

    payload: bytes
    refused: bool = False


def call_tool(
    service: OrderService, spec: Spec, name: str, arguments: dict[str, Any], tenant: str | None
) -> Outcome:
    """Run tool `name` for the caller's `tenant` (the HTTP request's authenticated tenant-id; None
    over stdio, where `tenantId` alone names it). Every refusal is the REST error body."""
    try:
        tool = BY_NAME.get(name)
        if tool is None:
            raise ApiError.of(404, "UNKNOWN_TOOL", f"No tool named {name!r}", "name")
        check_arguments(tool, arguments)
        return Outcome(run(service, spec, tool, arguments, tenant_of(arguments, tenant)))
    except ApiError as exc:
        return Outcome(orjson.dumps(exc.body()), refused=True)
    except DomainError as exc:
        return Outcome(orjson.dumps(ApiError.from_domain(exc).body()), refused=True)
    except StoreUnavailable as exc:
        log.warning("the shared store is unavailable: %s", exc)
        return Outcome(orjson.dumps(ApiError.of(503, *SERVICE_UNAVAILABLE).body()), refused=True)
    except Exception:  # as REST's last handler (http/api.py): a 500 body, the trace in the log
        log.exception("unexpected error in tool %s", name)
        return Outcome(
            orjson.dumps(ApiError.of(500, "INTERNAL_ERROR", "Internal error").body()), True
        )


def tenant_of(arguments: dict[str, Any], authenticated: str | None) -> str:
    """The published `tenantId` argument, which over HTTP must be the request's `tenant-id`
    (the tenant the credentials were checked for): another one is the 403 REST answers a tenant
    the credentials do not cover."""
    tenant: str = arguments[TENANT.name].strip()
    if not tenant:
        raise ApiError.of(400, "INVALID_FIELD", "tenantId must not be empty", "tenantId")
    if authenticated is not None and tenant != authenticated:
        raise ApiError.of(
            403,
            "FORBIDDEN_TENANT",
            "tenantId is not the tenant-id of the request the credentials were checked for",
            "tenantId",
        )
    return tenant


def check_arguments(tool: Tool, arguments: dict[str, Any]) -> None:
    """400 naming each argument the tool's schema refuses (as REST names a bad field)."""
    errors = arguments_validator(tool.name).errors(arguments)
    if errors:
        raise ApiError.invalid(errors)


@functools.cache
def arguments_validator(name: str) -> SchemaValidator:
    schema = BY_NAME[name].input_schema()
    return SchemaValidator(Draft202012Validator(schema), "arguments")


def run(
    service: OrderService, spec: Spec, tool: Tool, arguments: dict[str, Any], tenant: str
) -> bytes:
    """The answer of a valid call: the REST operation's, or the listing's."""
    if tool.operation is None:
        return list_orders(service, tenant, arguments)
    route = ROUTE_OF[tool.operation]
    operation = spec.operation(tool.operation)
    queried = {p.name for p in tool.params if p.query}
    body: Any = None
    if operation.body is not None:
        body = {k: v for k, v in arguments.items() if k not in COMMON and k not in queried}
        errors = operation.body.errors(body)
        if errors:
            raise ApiError.invalid(errors)
        body = with_offsets(body)
    params = {"orderReference": arguments.get("order_id", "")}
    if tool.on_fo:
        params["fulfillmentOrderId"] = arguments["fulfillment_order_id"]
    query = {name: arguments[name] for name in queried if name in arguments}
    check_parameters(operation.parameters, {"path": params, "query": query})
    request = ValidRequest(
        tenant,
        body,
        arguments.get("key", KEY_ORDER_ID),
        None,  # no If-Match: a tool has no ETag to send
        params,
        query,
        {},  # no tool of the two families names a header parameter
    )
    result, _ = route.handler(service, request)
    return result.json() if isinstance(result, Record) else orjson.dumps(result)


def check_parameters(
    validators: dict[tuple[str, str], SchemaValidator], given: dict[str, dict[str, Any]]
) -> None:
    """The REST operation's path and query parameters, checked by its own validators (a 400
    naming them as REST names them: `orderReference`, `fulfillmentOrderId`)."""
    errors = [
        error
        for (location, name), validator in validators.items()
        if name in given.get(location, {})
        for error in validator.errors(given[location][name])
    ]
    if errors:
        raise ApiError.invalid(errors)


def list_orders(service: OrderService, tenant: str, arguments: dict[str, Any]) -> bytes:
    """`list_orders`: a page of orders, each as REST renders it, and where the page is."""
    query = ListQuery.of(arguments)
    if query.page < 1 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
        field = "page" if query.page < 1 else "page_size"
        raise ApiError.of(
            400, "INVALID_FIELD", f"page >= 1 and 1 <= page_size <= {MAX_PAGE_SIZE}", field
        )
    records, total = service.list_orders(tenant, query)
    pages = -(-total // query.page_size)
    meta = orjson.dumps(
        {"page": query.page, "page_size": query.page_size, "total": total, "total_pages": pages}
    )
    return b'{"orders":[' + b",".join(r.json() for r in records) + b"]," + meta[1:]
