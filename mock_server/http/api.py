"""The public API over HTTP: authenticate, validate against the spec, call the handler, answer.

Every route of `urls.ROUTES` goes through one view function, so the order of checks is the same
for all operations: 401/403 (credentials, auth.py), 400 (parameters, then body), then the handler,
whose domain errors map to their documented status codes in `errors.ApiError.from_domain`.
`POST /oauth/token` is auth.py's own view. The error handlers registered here answer every refusal
of the app (admin routes included) with `errors.error_body`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..config import SandboxConfig
from ..domain import DomainError
from ..service import OrderService
from ..store import StoreUnavailable
from ..tokens import TokenService
from .auth import TOKEN_OPERATION, authenticate, token_view
from .errors import SERVICE_UNAVAILABLE, ApiError
from .rendering import answer, error_response
from .spec import Spec
from .urls import (
    PATH_NAMES,
    ROUTES,
    TOKEN_PATH,
    FulfillmentOrderIdConverter,
    OrderReferenceConverter,
    Route,
)
from .validation import read_request
from .wsgi import OPERATION_KEY

log = logging.getLogger("mock_server")


def make_view(
    service: OrderService, tokens: TokenService, spec: Spec, config: SandboxConfig, route: Route
) -> Callable[..., Response]:
    """The view of one route: authenticate, read the request, call its handler, answer."""
    operation = spec.operation(route.operation_id)

    def view(**params: str) -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]  # not in the stubs
        current.environ[OPERATION_KEY] = route.operation_id  # for the journal
        tenant = authenticate(config, tokens, current.environ)
        named = {PATH_NAMES.get(name, name): value for name, value in params.items()}
        record, status = route.handler(service, read_request(operation, current, named, tenant))
        return answer(record, status)

    view.__name__ = route.operation_id
    return view


def register_api(
    app: Flask, service: OrderService, tokens: TokenService, spec: Spec, config: SandboxConfig
) -> None:
    """Add the public routes and the app's error handlers to `app`."""
    app.url_map.converters["order_ref"] = OrderReferenceConverter
    app.url_map.converters["fo_id"] = FulfillmentOrderIdConverter
    app.add_url_rule(
        TOKEN_PATH,
        view_func=token_view(tokens, spec.operation(TOKEN_OPERATION)),
        methods=["POST"],
    )
    for route in ROUTES:
        app.add_url_rule(
            route.rule,
            view_func=make_view(service, tokens, spec, config, route),
            methods=[route.method],
        )
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StoreUnavailable, handle_store_unavailable)
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


def handle_store_unavailable(exc: StoreUnavailable) -> Response:
    """The shared store (Redis) cannot be reached: 503, the request changed nothing (every write
    is one script that ran whole or not at all); the next request tries Redis again."""
    log.warning("the shared store is unavailable: %s", exc)
    return error_response(ApiError.of(503, *SERVICE_UNAVAILABLE))


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return error_response(ApiError.of(500, "INTERNAL_ERROR", "Internal error"))
