"""Who may call the API: `POST /oauth/token` and the authentication of every `/orders` request.

Published (reference/validation-errors, api/conventions): a missing or expired token is a 401, a
missing or invalid API key or tenant id a 403. As on Carriyo, a live bearer token is required
(401 first), then (docs/behaviour.md):
- by default: a token of any client, any non-empty `x-api-key` and `tenant-id`;
- `--api-keys FILE`: each key is bound to one tenant;
- `--clients FILE`: a token of a listed client, that client's API key and one of its tenants (403).
`--no-auth` checks no token (the sandbox's open mode, not Carriyo's); the 403s stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..config import Client, SandboxConfig
from ..tokens import TokenRefused, TokenService
from .errors import ApiError, detail
from .rendering import json_response
from .spec import OperationSchemas
from .validation import validate_body
from .wsgi import OPERATION_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

TOKEN_OPERATION = "getAccessToken"
REALM = 'Bearer realm="carriyo-sandbox"'
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
"""RFC 6749 (5.1): a token response must not be cached."""


def authenticate(config: SandboxConfig, tokens: TokenService, environ: WSGIEnvironment) -> str:
    """The caller's tenant, or the refusal: 401 for the bearer token (not with `--no-auth`), then
    403 for a missing key or tenant id, a key that is not the token's client's (with `--api-keys`:
    not listed), a tenant that is not among the client's (with `--api-keys`: not the key's)."""
    api_key: str = environ.get("HTTP_X_API_KEY", "").strip()
    tenant: str = environ.get("HTTP_TENANT_ID", "").strip()
    client = client_of_token(tokens, environ) if tokens.checked else None
    if not api_key:
        raise ApiError.of(403, "MISSING_API_KEY", "The x-api-key header is required", "x-api-key")
    if not tenant:
        raise ApiError.of(403, "MISSING_TENANT_ID", "The tenant-id header is required", "tenant-id")
    if client is not None:
        known, allowed = api_key == client.api_key, tenant in client.tenants
    elif config.api_keys is not None:
        bound = config.api_keys.get(api_key)
        known, allowed = bound is not None, bound == tenant
    else:
        return tenant
    if not known:
        raise ApiError.of(403, "INVALID_API_KEY", "The API key is not valid", "x-api-key")
    if not allowed:
        raise ApiError.of(
            403, "FORBIDDEN_TENANT", "The credentials are not valid for this tenant", "tenant-id"
        )
    return tenant


def client_of_token(tokens: TokenService, environ: WSGIEnvironment) -> Client | None:
    """The `--clients` client of the live token in `Authorization: Bearer <token>` (None: any
    client's token will do); 401 otherwise."""
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    if not scheme:
        raise unauthorized("MISSING_TOKEN", "An 'Authorization: Bearer <access token>' is required")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("INVALID_TOKEN", "Authorization must be 'Bearer <access token>'", True)
    try:
        return tokens.client_of(token.strip())
    except TokenRefused as exc:
        raise unauthorized(exc.code, exc.message, True) from exc


def unauthorized(code: str, message: str, token_sent: bool = False) -> ApiError:
    """A 401 naming `Authorization`, with the challenge RFC 9110 asks of every 401 (and RFC
    6750's `invalid_token` when a token was sent)."""
    challenge = f'{REALM}, error="invalid_token"' if token_sent else REALM
    return ApiError(401, [detail(code, message, "Authorization")], {"WWW-Authenticate": challenge})


def token_view(tokens: TokenService, operation: OperationSchemas) -> Callable[[], Response]:
    """`POST /oauth/token`: a JSON `client_id` and `client_secret` -> 200 with the token; its own
    error body `{error, error_description}` (published) for a bad request (400), a body past the
    size limit (413) and an unknown client or wrong secret (403 `access_denied`)."""
    assert operation.body is not None
    validator = operation.body

    def get_access_token() -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]  # not in the stubs
        current.environ[OPERATION_KEY] = TOKEN_OPERATION  # for the journal
        try:
            body = validate_body(validator, current)
        except ApiError as exc:
            return token_error(400, "bad_request", describe(exc))
        except RequestEntityTooLarge:
            return token_error(413, "bad_request", "The request body is too large")
        issued = tokens.issue(body["client_id"], body["client_secret"])
        if issued is None:
            return token_error(403, "access_denied", "Unauthorized")
        return json_response(issued.as_json(), 200, NO_STORE)

    get_access_token.__name__ = TOKEN_OPERATION
    return get_access_token


def describe(error: ApiError) -> str:
    """A refusal's details as one sentence: `<field>: <message>; ...`."""
    return "; ".join(
        f"{item['field']}: {item['message']}" if item.get("field") else item["message"]
        for item in error.details
    )


def token_error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status, NO_STORE)
