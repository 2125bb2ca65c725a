"""The `/__admin/` control surface (openapi-admin.yaml): seeding and reset here, the other
controls (journal, webhooks, faults, state) in `controls.py`.

The seeding contract is exact (the contract suite relies on it): `POST /__admin/reset` -> 204,
`POST /__admin/orders` (header `tenant-id`, body an `Order`) -> 201,
`POST /__admin/locations` -> 201.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, request

from .controls import add_control_routes, no_content
from .errors import ApiError
from .rendering import json_response, order_response
from .sandbox import Sandbox
from .validation import validate_body

ADMIN_SPEC = "openapi-admin.yaml"


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


def admin_blueprint(sandbox: Sandbox) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/__admin")
    spec = sandbox.spec
    seed_order = spec.validator(
        "#/paths/~1__admin~1orders/post/requestBody/content/application~1json/schema",
        document=ADMIN_SPEC,
    )
    seed_location = spec.validator("#/components/schemas/Location", document=ADMIN_SPEC)
    bp.before_request(lambda: _guard(sandbox))

    @bp.post("/reset")
    def reset() -> Response:
        sandbox.reset()
        return no_content()

    @bp.post("/orders")
    def orders() -> Response:
        tenant = request.headers.get("tenant-id", "").strip()
        if not tenant:
            raise ApiError.of(
                400, "MISSING_TENANT_ID", "The tenant-id header is required", "tenant-id"
            )
        order = {**validate_body(seed_order, request), "tenant": tenant}
        return order_response(sandbox.service.seed(tenant, order), 201)

    @bp.post("/locations")
    def locations() -> Response:
        location = sandbox.store.put_location(validate_body(seed_location, request))
        return json_response(location, 201)

    add_control_routes(bp, sandbox)
    return bp
