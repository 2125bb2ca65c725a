"""Access tokens over HTTP (docs/behaviour.md, authentication; published: api/authentication,
reference/validation-errors): `POST /oauth/token` in both modes, and `/orders` with `--clients`,
where a live bearer token is required (401) before the client's API key and tenants (403).

Every response is checked against the spec by the `client` fixture (conftest.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest
import requests

from mock_server.app import create_app
from mock_server.config import Client, SandboxConfig
from tests.launcher import running

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory
    from tests.sandbox.operations import Operation

TOKEN = "/oauth/token"
CREDENTIALS = {"client_id": "acme-ci", "client_secret": "s3cret"}
CLIENTS = {
    "acme-ci": Client("s3cret", "acme-key", ("acme-demo",)),
    "both": Client("pw", "both-key", ("acme-demo", "globex-demo")),
}
ACME_HEADERS = {"x-api-key": "acme-key", "tenant-id": "acme-demo"}
NO_HEADERS: dict[str, str | None] = {"x-api-key": None, "tenant-id": None}


def ask_token(client: CheckedClient, **body: Any) -> TestResponse:
    return client.post(TOKEN, json=body or CREDENTIALS, headers=NO_HEADERS)


def token_of(client: CheckedClient, **body: Any) -> str:
    response = ask_token(client, **body)
    assert response.status_code == 200, response.get_json()
    token: str = response.get_json()["access_token"]
    return token


@pytest.fixture
def strict(make_client: ClientFactory) -> CheckedClient:
    """A sandbox with `--clients`, as acme-ci with a live token, its key and its tenant."""
    client = make_client(SandboxConfig(clients=CLIENTS), headers=ACME_HEADERS)
    client.headers["Authorization"] = f"Bearer {token_of(client)}"
    return client


def stored_tokens(client: CheckedClient) -> dict[str, Any]:
    tokens: dict[str, Any] = client.get("/__admin/state").get_json()["tokens"]
    return tokens


# ---------------------------------------------------------------- POST /oauth/token
def test_the_default_mode_gives_any_client_a_token(client: CheckedClient) -> None:
    """Published body: access_token, token_type Bearer, expires_in 86400 (seconds), scope; not
    cacheable (RFC 6749)."""
    response = ask_token(client, client_id="anyone", client_secret="anything")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 86400)
    assert body["scope"] == "read:orders create:orders update:orders"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(stored_tokens(client)) == 2  # the client fixture's own, and this one


def test_token_ttl_is_the_expires_in(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(token_ttl=60))
    assert ask_token(client).get_json()["expires_in"] == 60


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    ("no-client-id", {"json": {"client_secret": "s"}}, "client_id"),
    ("no-client-secret", {"json": {"client_id": "c"}}, "client_secret"),
    ("empty-object", {"json": {}}, "client_id"),
    ("number-id", {"json": {"client_id": 5, "client_secret": "s"}}, "client_id"),
    ("null-secret", {"json": {"client_id": "c", "client_secret": None}}, "client_secret"),
    ("empty-id", {"json": {"client_id": "", "client_secret": "s"}}, "client_id"),
    ("long-secret", {"json": {"client_id": "c", "client_secret": "s" * 1025}}, "client_secret"),
    ("array", {"json": [CREDENTIALS]}, "body"),
    ("not-json", {"data": "client_id=c", "content_type": "application/json"}, "body"),
    ("form", {"data": "client_id=c&client_secret=s", "content_type": "text/plain"}, "Content-Type"),
    ("no-body", {}, "body"),
]


@pytest.mark.parametrize("mode", ["default", "clients"])
@pytest.mark.parametrize(
    ("request_kwargs", "field"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_a_bad_token_request_is_400_bad_request(
    make_client: ClientFactory, mode: str, request_kwargs: dict[str, Any], field: str
) -> None:
    """Published: 400 `{"error": "bad_request", "error_description"}` when client_id or
    client_secret is missing; ours: also for a body that is not a JSON object of strings. The
    description names the field; no token is issued."""
    client = make_client(SandboxConfig(clients=CLIENTS if mode == "clients" else None))
    before = stored_tokens(client)
    response = client.post(TOKEN, headers=NO_HEADERS, **request_kwargs)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert body["error_description"].startswith(f"{field}: ")
    assert stored_tokens(client) == before


def test_a_token_request_past_the_size_limit_is_413(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(max_body_bytes=512))
    response = ask_token(client, client_id="c", client_secret="s" * 600)
    assert response.status_code == 413
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": "acme-ci", "client_secret": "wrong"},
        {"client_id": "acme-ci", "client_secret": "pw"},  # the other client's secret
        {"client_id": "nobody", "client_secret": "s3cret"},
    ],
    ids=["wrong-secret", "another-clients-secret", "unknown-client"],
)
def test_clients_mode_refuses_bad_credentials_with_403(
    make_client: ClientFactory, credentials: dict[str, str]
) -> None:
    """Published: 403 (sample `access_denied` / `Unauthorized`)."""
    client = make_client(SandboxConfig(clients=CLIENTS))
    response = ask_token(client, **credentials)
    assert response.status_code == 403
    assert response.get_json() == {"error": "access_denied", "error_description": "Unauthorized"}
    assert stored_tokens(client) == {}


def test_clients_mode_scope_names_the_clients_tenants(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(clients=CLIENTS))
    body = ask_token(client, client_id="both", client_secret="pw").get_json()
    assert (
        body["scope"]
        == "tenant:acme-demo tenant:globex-demo read:orders create:orders update:orders"
    )


def test_other_methods_on_the_token_url_are_405(client: CheckedClient) -> None:
    """The checker asserts `Allow: POST` and an `Error` body."""
    assert client.get(TOKEN).status_code == 405


def test_the_journal_masks_the_client_secret(client: CheckedClient) -> None:
    ask_token(client, client_id="acme-ci", client_secret="s3cret-value")
    [entry] = client.get("/__admin/requests", query_string={"path": TOKEN}).get_json()["requests"]
    assert entry["body"] == {"client_id": "acme-ci", "client_secret": "s3***"}
    assert entry["operation"] == "getAccessToken"
    assert "s3cret-value" not in orjson.dumps(entry).decode()


# ---------------------------------------------------------------- /orders with --clients
def test_a_live_token_with_its_key_and_tenant_is_served(
    strict: CheckedClient, operation: Operation
) -> None:
    assert operation.send(strict).status_code == 200


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "MISSING_TOKEN"),
        ("Basic YWNtZS1jaTpzM2NyZXQ=", "INVALID_TOKEN"),
        ("Bearer", "INVALID_TOKEN"),
        ("Bearer not-a-token", "INVALID_TOKEN"),
    ],
    ids=["none", "basic", "empty-bearer", "unknown"],
)
def test_no_live_token_is_401(
    strict: CheckedClient, operation: Operation, authorization: str | None, code: str
) -> None:
    """Published: a missing token is a 401 (unauthorized), with the challenge RFC 9110 asks."""
    with strict.unchanged("ORD-1001"):
        response = operation.send(strict, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert strict.error_fields(response) == ["Authorization"]
    assert response.get_json()["error_details"][0]["code"] == code
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="carriyo-sandbox"')


def test_an_expired_token_is_401(strict: CheckedClient) -> None:
    """Published: an expired token is a 401. The token lives `--token-ttl` seconds (the clock is
    the service's own, moved here instead of waiting)."""
    tokens = strict.sandbox.tokens
    issued_at = tokens.clock()
    tokens.clock = lambda: issued_at + tokens.ttl - 1
    assert strict.get("/orders/ORD-1001").status_code == 200
    tokens.clock = lambda: issued_at + tokens.ttl + 1
    response = strict.get("/orders/ORD-1001")
    assert response.status_code == 401
    assert response.get_json()["error_details"][0]["code"] == "TOKEN_EXPIRED"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"x-api-key": None}, "x-api-key"),
        ({"x-api-key": "both-key"}, "x-api-key"),
        ({"x-api-key": "unknown"}, "x-api-key"),
        ({"tenant-id": None}, "tenant-id"),
        ({"tenant-id": "globex-demo"}, "tenant-id"),
    ],
    ids=["no-key", "another-clients-key", "unknown-key", "no-tenant", "tenant-not-the-clients"],
)
def test_a_key_or_tenant_not_the_tokens_is_403(
    strict: CheckedClient, operation: Operation, headers: dict[str, str | None], field: str
) -> None:
    """Published: a missing or invalid API key or tenant id is a 403; with a token, valid means
    the token's client's key and one of its tenants."""
    with strict.unchanged("ORD-1001"):
        response = operation.send(strict, headers=headers)
    assert response.status_code == 403
    assert strict.error_fields(response) == [field]


def test_the_token_is_checked_before_the_key(strict: CheckedClient) -> None:
    """No token and no key: the 401 (get a token first) comes before the 403."""
    response = strict.get("/orders/ORD-1001", headers={"Authorization": None, "x-api-key": None})
    assert response.status_code == 401


def test_a_client_of_two_tenants_reaches_both(make_client: ClientFactory) -> None:
    client = make_client(SandboxConfig(clients=CLIENTS), headers={"x-api-key": "both-key"})
    client.headers["Authorization"] = (
        f"Bearer {token_of(client, client_id='both', client_secret='pw')}"
    )
    assert client.get("/orders/ORD-1001", headers={"tenant-id": "acme-demo"}).status_code == 200
    assert client.get("/orders/GLX-5001", headers={"tenant-id": "globex-demo"}).status_code == 200


# ---------------------------------------------------------------- tokens in the state
def test_the_state_holds_the_grant_by_digest_not_the_token(strict: CheckedClient) -> None:
    token = strict.headers["Authorization"].removeprefix("Bearer ")
    state = strict.get("/__admin/state")
    assert token not in state.get_data(as_text=True)
    [(digest, grant)] = state.get_json()["tokens"].items()
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert {key: grant[key] for key in ("client_id", "tenants")} == {
        "client_id": "acme-ci",
        "tenants": ["acme-demo"],
    }


def test_a_reset_keeps_the_tokens(strict: CheckedClient) -> None:
    """Ours: tokens are credentials, not order data; a client holding one keeps working."""
    assert strict.post("/__admin/reset").status_code == 204
    assert strict.get("/orders/ORD-1001").status_code == 200


def test_put_state_replaces_the_tokens_only_when_it_has_them(strict: CheckedClient) -> None:
    state = strict.get("/__admin/state").get_json()
    without = {key: value for key, value in state.items() if key != "tokens"}
    assert strict.put("/__admin/state", json=without).status_code == 204
    assert strict.get("/orders/ORD-1001").status_code == 200
    assert strict.put("/__admin/state", json={**state, "tokens": {}}).status_code == 204
    assert strict.get("/orders/ORD-1001").status_code == 401
    assert strict.put("/__admin/state", json=state).status_code == 204
    assert strict.get("/orders/ORD-1001").status_code == 200


@pytest.mark.parametrize(
    ("tokens", "field"),
    [
        ({"not-a-digest": {}}, "tokens"),
        ({"0" * 64: {"client_id": "c", "tenants": [], "scope": ""}}, "tokens.0000"),
        (
            {"0" * 64: {"client_id": "c", "tenants": [], "scope": "", "expires_at": "soon"}},
            "tokens.0000",
        ),
    ],
    ids=["bad-digest", "no-expiry", "not-a-date-time"],
)
def test_bad_tokens_in_a_state_are_400_naming_them(
    strict: CheckedClient, tokens: dict[str, Any], field: str
) -> None:
    before = strict.get("/__admin/state").get_json()
    response = strict.put("/__admin/state", json={**before, "tokens": tokens})
    assert response.status_code == 400
    assert any(f.startswith(field) for f in strict.error_fields(response) if f), response.get_json()
    assert strict.get("/__admin/state").get_json() == before


def test_tokens_survive_a_restart_with_the_state_file(tmp_path: Path) -> None:
    """In process: the sandbox saves the grants to `--state-file`; a new sandbox on that file
    accepts the token, with the same expiry."""
    config = SandboxConfig(clients=CLIENTS, state_file=tmp_path / "state.json")
    first = create_app(config)
    token = first.test_client().post(TOKEN, json=CREDENTIALS).get_json()["access_token"]
    first.extensions["sandbox"].close()
    second = create_app(config)
    try:
        headers = {**ACME_HEADERS, "Authorization": f"Bearer {token}"}
        assert second.test_client().get("/orders/ORD-1001", headers=headers).status_code == 200
        saved = orjson.loads(config.state_file.read_bytes())["tokens"]  # type: ignore[union-attr]
        assert second.test_client().get("/__admin/state").get_json()["tokens"] == saved
    finally:
        second.extensions["sandbox"].close()


def test_a_real_restart_keeps_the_token(tmp_path: Path) -> None:
    """The real server, `--clients` and `--state-file`, stopped with SIGTERM and started again."""
    clients = tmp_path / "clients.json"
    clients.write_text(
        '{"acme-ci": {"client_secret": "s3cret", "api_key": "acme-key", "tenants": ["acme-demo"]}}'
    )
    options = ("--clients", str(clients), "--state-file", str(tmp_path / "state.json"))
    with running(*options, log_dir=tmp_path) as first:
        answer = requests.post(f"{first.base_url}{TOKEN}", json=CREDENTIALS, timeout=30)
        assert answer.status_code == 200, answer.text
        assert first.stop() == 0, first.logs()
    headers = {**ACME_HEADERS, "Authorization": f"Bearer {answer.json()['access_token']}"}
    with running(*options, log_dir=tmp_path) as second:
        again = requests.get(f"{second.base_url}/orders/ORD-1001", headers=headers, timeout=30)
        assert again.status_code == 200, again.text
        without = requests.get(
            f"{second.base_url}/orders/ORD-1001", headers=ACME_HEADERS, timeout=30
        )
        assert without.status_code == 401
