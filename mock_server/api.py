"""The public API over HTTP: authenticate, validate against the spec, call the handler, answer.

Every route of `urls.ROUTES` goes through one view function, so the order of checks is the same
for all operations: 401/403 (headers), 400 (parameters, then body), then the handler, whose domain
errors map to their documented status codes in `errors.ApiError.from_domain`. The error handlers
registered here answer every refusal of the app (admin routes included) with `errors.error_body`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .config import SandboxConfig
from .domain import DomainError
from .errors import ApiError
from .rendering import error_response, order_response
from .service import OrderService
from .spec import Spec
from .urls import ROUTES, OrderReferenceConverter, Route
from .validation import read_request
from .wsgi import OPERATION_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

log = logging.getLogger("mock_server")


def authenticate(config: SandboxConfig, environ: WSGIEnvironment) -> str:
    """The caller's tenant. Both headers are required on every page (401 when missing); with
    `--api-keys`, an unknown key is 401 and a key used for another tenant 403."""
    api_key: str = environ.get("HTTP_X_API_KEY", "").strip()
    tenant: str = environ.get("HTTP_TENANT_ID", "").strip()
    if not api_key:
        raise ApiError.of(401, "MISSING_API_KEY", "The x-api-key header is required", "x-api-key")
    if not tenant:
        raise ApiError.of(401, "MISSING_TENANT_ID", "The tenant-id header is required", "tenant-id")
    if config.api_keys is not None:
        bound = config.api_keys.get(api_key)
        if bound is None:
            raise ApiError.of(401, "INVALID_API_KEY", "Unknown API key", "x-api-key")
        if bound != tenant:
            raise ApiError.of(
                403, "FORBIDDEN_TENANT", "The API key is not valid for this tenant", "tenant-id"
            )
    return tenant


def make_view(
    service: OrderService, spec: Spec, config: SandboxConfig, route: Route
) -> Callable[..., Response]:
    """The view of one route: authenticate, read the request, call its handler, answer."""
    operation = spec.operation(route.operation_id)

    def view(**params: str) -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]  # not in the stubs
        current.environ[OPERATION_KEY] = route.operation_id  # for the journal
        tenant = authenticate(config, current.environ)
        record, status = route.handler(service, read_request(operation, current, params, tenant))
        return order_response(record, status)

    view.__name__ = route.operation_id
    return view


def register_api(app: Flask, service: OrderService, spec: Spec, config: SandboxConfig) -> None:
    """Add the public routes and the app's error handlers to `app`."""
    app.url_map.converters["order_ref"] = OrderReferenceConverter
    for route in ROUTES:
        app.add_url_rule(
            route.rule, view_func=make_view(service, spec, config, route), methods=[route.method]
        )
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)


def operation_matcher(app: Flask) -> Callable[[str, str], str | None]:
    """`(method, path) -> operationId` of the route `app` would take the request to, or None."""
    adapter = app.url_map.bind("sandbox")

    def operation_of(method: str, path: str) -> str | None:
        try:
            endpoint, _ = adapter.match(path, method)
        except HTTPException:
            return None
        return str(endpoint)

    return operation_of


def handle_domain_error(exc: DomainError) -> Response:
    """A rule's refusal, from any route, with its documented status (`ApiError.from_domain`)."""
    return error_response(ApiError.from_domain(exc))


def handle_http_exception(exc: HTTPException) -> Response:
    """Werkzeug's own refusals (404 route, 405 method, 413 body too large) as `Error` bodies."""
    code = exc.code or 500
    name = (exc.name or "error").upper().replace(" ", "_")
    error = ApiError.of(code, name, exc.description or name)
    error.headers.update((k, v) for k, v in exc.get_headers() if k.lower() == "allow")
    return error_response(error)


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return error_response(ApiError.of(500, "INTERNAL_ERROR", "Internal error"))
