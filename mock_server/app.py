"""The Flask application: authenticate, validate against the spec, call the handler, answer.

Every route of `urls.ROUTES` goes through one view function, so the order of checks is the same
for all operations: 401/403 (headers), 400 (parameters, then body), then the handler, whose domain
errors map to their documented status codes in `errors.ApiError.from_domain`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .admin import admin_blueprint
from .docs import docs_blueprint
from .domain import DomainError
from .errors import ApiError
from .faults import FaultMiddleware
from .journal import JournalMiddleware
from .rendering import error_response, json_response, order_response
from .sandbox import Sandbox, SandboxConfig
from .spec import Spec
from .state_file import save_after_changes
from .store import Store
from .urls import ROUTES, OrderReferenceConverter, Route
from .validation import read_request
from .wsgi import OPERATION_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

log = logging.getLogger("mock_server")


def authenticate(config: SandboxConfig, environ: WSGIEnvironment) -> str:
    """The caller's tenant. Both headers are required on every page (401 when missing); with
    `--api-keys`, an unknown key is 401 and a key used for another tenant 403."""
    api_key = environ.get("HTTP_X_API_KEY", "").strip()
    tenant = environ.get("HTTP_TENANT_ID", "").strip()
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


def make_view(sandbox: Sandbox, route: Route) -> Callable[..., Response]:
    operation = sandbox.spec.operation(route.operation_id)

    def view(**params: str) -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]
        current.environ[OPERATION_KEY] = route.operation_id  # for the journal
        tenant = authenticate(sandbox.config, current.environ)
        valid = read_request(operation, current, params)
        record, status = route.handler(sandbox, tenant, valid, params)
        return order_response(record, status)

    view.__name__ = route.operation_id
    return view


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
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    return json_response(
        {"error_details": [{"code": name, "message": exc.description or name}]}, code, headers
    )


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return json_response(
        {"error_details": [{"code": "INTERNAL_ERROR", "message": "Internal error"}]}, 500
    )


def create_app(
    config: SandboxConfig | None = None, *, spec: Spec | None = None, store: Store | None = None
) -> Flask:
    """A Flask app serving the sandbox; `app.extensions["sandbox"]` is its Sandbox."""
    config = config or SandboxConfig()
    sandbox = Sandbox(config, spec, store)
    app = Flask("mock_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # `Allow` lists the documented methods only
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["sandbox"] = sandbox
    app.url_map.converters["order_ref"] = OrderReferenceConverter
    for route in ROUTES:
        app.add_url_rule(
            route.rule,
            view_func=make_view(sandbox, route),
            methods=[route.method],
        )
    app.register_blueprint(admin_blueprint(sandbox))
    app.register_blueprint(docs_blueprint(sandbox.spec))
    # The journal is outermost: it times and records what follows, faulted requests included.
    app.wsgi_app = FaultMiddleware(app.wsgi_app, sandbox.faults, operation_matcher(app))
    app.wsgi_app = JournalMiddleware(app.wsgi_app, sandbox.journal, config.max_body_bytes)
    if sandbox.state_file is not None:
        save_after_changes(app, sandbox.state_file)
    app.register_error_handler(ApiError, error_response)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
    return app
