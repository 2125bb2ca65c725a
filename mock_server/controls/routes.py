"""The `/__admin/` control surface (openapi-admin.yaml), in the order of docs/controls.md: seeding
and reset, the request journal, webhook events and configurations, fault injection, and the state
document. Every route is refused with `--no-admin`, and off loopback
without the admin token.

The seeding contract is exact (the contract suite relies on it): `POST /__admin/reset` -> 204,
`POST /__admin/orders` (header `tenant-id`, body an `Order`) -> 201,
`POST /__admin/locations` (header `tenant-id`, body a `Location`) -> 201.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from flask import Blueprint, Response, request

from ..events import triggers_of
from ..heap import release_free_memory
from ..http.auth import TOKEN_OPERATION
from ..http.errors import ApiError
from ..http.rendering import json_response, order_response
from ..http.spec import ADMIN_DOCUMENT
from ..http.urls import ROUTES
from ..http.validation import parse_json_body, validate_body
from .faults import fault_problems
from .inventory_routes import add_inventory_routes
from .state import (
    InvalidState,
    export_state,
    load_state,
    validate_state,
    with_published_dates,
)

if TYPE_CHECKING:
    from ..sandbox import Sandbox

STATUS_FILTER = re.compile(r"[1-5](?:\d\d|xx)")
RETRIGGER_WINDOW = timedelta(days=1)


def _guard(sandbox: Sandbox) -> None:
    """Refuse admin calls with `--no-admin`, and off loopback without the admin token."""
    config = sandbox.config
    if not config.admin:
        raise ApiError.of(404, "ADMIN_DISABLED", "The admin API is disabled (--no-admin)")
    if config.admin_token is not None:
        scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), config.admin_token.encode()
        ):
            raise ApiError.of(
                401, "ADMIN_TOKEN_REQUIRED", "A valid admin token is required", "Authorization"
            )
    elif config.admin_needs_token:
        raise ApiError.of(
            403,
            "ADMIN_REFUSED",
            "The admin API is refused off loopback unless the sandbox has an --admin-token",
        )


def query_int(name: str) -> int | None:
    """A positive integer query parameter, or None when absent; 400 naming it otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError.of(400, "INVALID_PARAMETER", f"{name} must be a positive integer", name)
    return int(raw)


def query_status() -> str | None:
    """`status`: a code (`404`) or a class (`4xx`)."""
    raw = request.args.get("status")
    if raw is not None and not STATUS_FILTER.fullmatch(raw):
        raise ApiError.of(
            400,
            "INVALID_PARAMETER",
            "status must be a code such as 404 or a class such as 4xx",
            "status",
        )
    return raw


def tenant_header() -> str:
    """The `tenant-id` a seeded order or location belongs to; 400 naming it when missing."""
    tenant = request.headers.get("tenant-id", "").strip()
    if not tenant:
        raise ApiError.of(400, "MISSING_TENANT_ID", "The tenant-id header is required", "tenant-id")
    return tenant


def no_content() -> Response:
    return Response(status=204)


def _no_webhook(webhook_id: str) -> NoReturn:
    raise ApiError.of(
        404, "WEBHOOK_NOT_FOUND", f"No webhook configuration {webhook_id!r}", "webhookId"
    )


def instant(body: dict[str, Any], name: str) -> datetime:
    """A date-time of the body (UTC when it has no offset); 400 naming it when unreadable."""
    try:
        moment = datetime.fromisoformat(body[name])
    except ValueError as exc:
        raise ApiError.of(400, "INVALID_DATE", f"{name} must be a date-time", name) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def retrigger_window(body: dict[str, Any]) -> tuple[datetime, datetime]:
    """retrigger-failed-webhook-events' time range: `start_date` to `end_date`, at most a day;
    400 naming `end_date` otherwise."""
    start, end = (instant(body, name) for name in ("start_date", "end_date"))
    if not start <= end <= start + RETRIGGER_WINDOW:
        raise ApiError.of(
            400,
            "INVALID_DATE_RANGE",
            "end_date must be after start_date, within one day of it",
            "end_date",
        )
    return start, end


def admin_blueprint(sandbox: Sandbox) -> Blueprint:
    """The `/__admin/` routes of one sandbox."""
    bp = Blueprint("admin", __name__, url_prefix="/__admin")
    spec = sandbox.spec
    seed_order = spec.validator(
        "#/paths/~1__admin~1orders/post/requestBody/content/application~1json/schema",
        document=ADMIN_DOCUMENT,
    )
    seed_location = spec.validator("#/components/schemas/Location", document=ADMIN_DOCUMENT)
    configuration_request = spec.validator(
        "#/components/schemas/WebhookConfigurationRequest", document=ADMIN_DOCUMENT
    )
    configuration_update = spec.validator(
        "#/components/schemas/WebhookConfigurationUpdate", document=ADMIN_DOCUMENT
    )
    retrigger_request = spec.validator(
        "#/components/schemas/RetriggerRequest", document=ADMIN_DOCUMENT
    )
    fault_request = spec.validator("#/components/schemas/FaultRequest", document=ADMIN_DOCUMENT)
    operations = [TOKEN_OPERATION, *(route.operation_id for route in ROUTES)]
    bp.before_request(lambda: _guard(sandbox))

    @bp.post("/reset")
    def reset() -> Response:
        sandbox.reset()
        return no_content()

    @bp.post("/orders")
    def orders() -> Response:
        tenant = tenant_header()
        body = validate_body(seed_order, request, prepare=with_published_dates)
        order = {**body, "tenant": tenant}
        return order_response(sandbox.service.seed(tenant, order), 201)

    @bp.post("/locations")
    def locations() -> Response:
        tenant = tenant_header()
        location = sandbox.store.put_location(tenant, validate_body(seed_location, request))
        return json_response(location, 201)

    add_inventory_routes(bp, sandbox, tenant_header)

    @bp.get("/requests")
    def list_requests() -> Response:
        entries = sandbox.journal.list(
            limit=query_int("limit"),
            path=request.args.get("path"),
            status=query_status(),
            method=request.args.get("method"),
        )
        return json_response({"requests": entries}, 200)

    @bp.delete("/requests")
    def clear_requests() -> Response:
        sandbox.journal.clear()
        return no_content()

    @bp.get("/webhooks")
    def list_webhook_events() -> Response:
        events = sandbox.events.list(request.args.get("tenant"))[: query_int("limit")]
        return json_response(
            {
                "events": [
                    {
                        **event,
                        "triggers": triggers_of(event),
                        "deliveries": sandbox.webhooks.deliveries(event["event_id"]),
                    }
                    for event in events
                ]
            },
            200,
        )

    @bp.get("/webhooks/configurations")
    def list_configurations() -> Response:
        configurations = sandbox.webhooks.configurations(request.args.get("tenant"))
        return json_response({"configurations": configurations}, 200)

    @bp.post("/webhooks/configurations")
    def configure() -> Response:
        tenant = tenant_header()
        body = validate_body(configuration_request, request)
        return json_response(sandbox.webhooks.configure(tenant, body), 201)

    @bp.patch("/webhooks/configurations/<webhook_id>")
    def reconfigure(webhook_id: str) -> Response:
        body = validate_body(configuration_update, request)
        return json_response(
            sandbox.webhooks.reconfigure(webhook_id, body) or _no_webhook(webhook_id), 200
        )

    @bp.delete("/webhooks/configurations/<webhook_id>")
    def remove_configuration(webhook_id: str) -> Response:
        if not sandbox.webhooks.remove(webhook_id):
            _no_webhook(webhook_id)
        return no_content()

    @bp.post("/webhooks/retrigger-failed-events")
    def retrigger() -> Response:
        body = validate_body(retrigger_request, request)
        start, end = retrigger_window(body)
        answer = sandbox.webhooks.retrigger(body["webhook_id"], sandbox.events.list(), start, end)
        return json_response(answer or _no_webhook(body["webhook_id"]), 200)

    @bp.get("/faults")
    def list_faults() -> Response:
        return json_response({"faults": sandbox.faults.list()}, 200)

    @bp.post("/faults")
    def arm_fault() -> Response:
        body = validate_body(fault_request, request)
        problems = fault_problems(body, operations)
        if problems:
            raise ApiError.invalid(problems)
        return json_response(sandbox.faults.arm(body).as_json(), 201)

    @bp.delete("/faults")
    def disarm_faults() -> Response:
        sandbox.faults.clear()
        return no_content()

    @bp.get("/state")
    def get_state() -> Response:
        return json_response(export_state(sandbox.store), 200)

    @bp.put("/state")
    def put_state() -> Response:
        try:
            state = validate_state(spec, parse_json_body(request), "body")
        except InvalidState as exc:
            raise ApiError.invalid(exc.errors) from exc
        load_state(sandbox.store, state)
        del state  # what the store did not keep is garbage now
        release_free_memory()
        return no_content()

    return bp
