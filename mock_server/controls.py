"""The `/__admin/` controls beyond seeding (openapi-admin.yaml): the request journal, webhook
events and subscriptions, fault injection, and the state document."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from .errors import ApiError
from .faults import fault_problems
from .rendering import json_response
from .sandbox import Sandbox
from .spec import ADMIN_SPEC_PATH
from .state import InvalidState, export_state, load_state, validate_state
from .urls import ROUTES
from .validation import parse_json_body, validate_body

ADMIN_SPEC = ADMIN_SPEC_PATH.name
STATUS_FILTER = re.compile(r"[1-5](?:\d\d|xx)")


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


def no_content() -> Response:
    return Response(status=204)


def add_control_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    """Register the journal, webhook, fault and state routes on the admin blueprint."""
    spec = sandbox.spec
    subscription_request = spec.validator(
        "#/components/schemas/SubscriptionRequest", document=ADMIN_SPEC
    )
    fault_request = spec.validator("#/components/schemas/FaultRequest", document=ADMIN_SPEC)
    operations = [route.operation_id for route in ROUTES]

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
                    {**event, "deliveries": sandbox.webhooks.deliveries(event["event_id"])}
                    for event in events
                ]
            },
            200,
        )

    @bp.get("/webhooks/subscriptions")
    def list_subscriptions() -> Response:
        return json_response({"subscriptions": sandbox.webhooks.subscriptions()}, 200)

    @bp.post("/webhooks/subscriptions")
    def subscribe() -> Response:
        body = validate_body(subscription_request, request)
        return json_response(sandbox.webhooks.subscribe(body["url"]), 201)

    @bp.delete("/webhooks/subscriptions/<subscription_id>")
    def unsubscribe(subscription_id: str) -> Response:
        if not sandbox.webhooks.unsubscribe(subscription_id):
            raise ApiError.of(
                404,
                "SUBSCRIPTION_NOT_FOUND",
                f"No subscription {subscription_id!r}",
                "subscriptionId",
            )
        return no_content()

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
        return no_content()
