"""Access tokens without HTTP (docs/behaviour.md, authentication): `TokenService` issuing and
checking tokens, how the store keeps them (by digest, bounded, oldest first), the `--clients`
document, and the journal's masking of a token request."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson
import pytest

from mock_server.config import Client, parse_clients
from mock_server.controls.journal import masked_credentials
from mock_server.store import Grant
from mock_server.store.memory import MemoryStore
from mock_server.tokens import ORDERS_SCOPE, TokenRefused, TokenService, digest, scope_of

START = 1_900_000_000.0
TTL = 3600
ACME_CI = Client("s3cret", "acme-key", ("acme-demo",))


class FakeClock:
    """Seconds since the epoch, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def strict(store: MemoryStore | None = None, clock: FakeClock | None = None) -> TokenService:
    return TokenService(store or MemoryStore(), {"acme-ci": ACME_CI}, TTL, clock or FakeClock())


def claims(token: str) -> dict[str, Any]:
    """The second part of a JWT-shaped token, decoded."""
    part = token.split(".")[1]
    decoded: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


# ---------------------------------------------------------------- issuing
def test_strict_mode_issues_a_token_for_the_right_secret_only() -> None:
    service = strict()
    assert service.issue("acme-ci", "wrong") is None
    assert service.issue("nobody", "s3cret") is None
    issued = service.issue("acme-ci", "s3cret")
    assert issued is not None
    assert issued.as_json() == {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": TTL,
        "scope": f"tenant:acme-demo {ORDERS_SCOPE}",
    }


def test_the_store_keeps_the_grant_under_the_digest_never_the_token() -> None:
    store = MemoryStore()
    issued = strict(store).issue("acme-ci", "s3cret")
    assert issued is not None
    kept = store.tokens()
    assert kept == {
        hashlib.sha256(issued.access_token.encode()).hexdigest(): Grant(
            "acme-ci", ("acme-demo",), f"tenant:acme-demo {ORDERS_SCOPE}", START + TTL
        )
    }
    assert issued.access_token not in repr(kept)


def test_tokens_are_jwt_shaped_with_their_expiry_and_never_repeat() -> None:
    service = strict()
    first, second = (service.issue("acme-ci", "s3cret") for _ in range(2))
    assert first is not None and second is not None
    assert first.access_token != second.access_token
    assert len(first.access_token.split(".")) == 3
    assert claims(first.access_token) == {
        "iss": "carriyo-sandbox",
        "sub": "acme-ci",
        "scope": first.scope,
        "iat": int(START),
        "exp": int(START + TTL),
    }


def test_no_auth_issues_to_anyone_and_keeps_nothing() -> None:
    """`--no-auth`: no token is ever checked, so none is kept."""
    store = MemoryStore()
    service = TokenService(store, None, TTL, FakeClock(), checked=False)
    issued = service.issue("any-client", "any-secret")
    assert issued is not None
    assert (issued.expires_in, issued.scope) == (TTL, ORDERS_SCOPE)
    assert store.tokens() == {}
    assert not service.checked


def test_the_default_mode_issues_to_anyone_and_knows_its_tokens() -> None:
    """Default: any client id and secret get a token, kept (by digest) so that it is checked;
    it names no tenant, and expires like any other."""
    store = MemoryStore()
    clock = FakeClock()
    service = TokenService(store, None, TTL, clock)
    issued = service.issue("any-client", "any-secret")
    assert issued is not None and service.checked
    assert service.client_of(issued.access_token) is None
    assert [grant.tenants for grant in store.tokens().values()] == [()]
    with pytest.raises(TokenRefused):
        service.client_of("not-" + issued.access_token)
    clock.now += TTL
    with pytest.raises(TokenRefused, match="expired"):
        service.client_of(issued.access_token)


def test_a_token_any_client_got_never_passes_a_sandbox_with_clients() -> None:
    """Same store (a state file), later `--clients` naming that client id: refused, since its
    secret was never checked."""
    store = MemoryStore()
    issued = TokenService(store, None, TTL, FakeClock()).issue("acme-ci", "a guess")
    assert issued is not None
    with pytest.raises(TokenRefused):
        strict(store).client_of(issued.access_token)


def test_scope_names_every_tenant_then_the_orders_permissions() -> None:
    assert scope_of(("a", "b")) == f"tenant:a tenant:b {ORDERS_SCOPE}"


# ---------------------------------------------------------------- checking
def test_a_live_token_names_its_client() -> None:
    service = strict()
    issued = service.issue("acme-ci", "s3cret")
    assert issued is not None
    assert service.client_of(issued.access_token) == ACME_CI


def test_a_token_expires_after_its_ttl() -> None:
    clock = FakeClock()
    service = strict(clock=clock)
    issued = service.issue("acme-ci", "s3cret")
    assert issued is not None
    clock.now = START + TTL - 1
    assert service.client_of(issued.access_token) == ACME_CI
    clock.now = START + TTL
    with pytest.raises(TokenRefused) as refused:
        service.client_of(issued.access_token)
    assert refused.value.code == "TOKEN_EXPIRED"


@pytest.mark.parametrize("token", ["", "nope", "a.b.c"])
def test_an_unknown_token_is_refused(token: str) -> None:
    with pytest.raises(TokenRefused) as refused:
        strict().client_of(token)
    assert refused.value.code == "INVALID_TOKEN"


def test_a_token_of_a_client_no_longer_listed_is_refused() -> None:
    """A restart with another `--clients` file: the store still has the grant, the client is
    gone."""
    store = MemoryStore()
    issued = strict(store).issue("acme-ci", "s3cret")
    assert issued is not None
    later = TokenService(store, {"other": ACME_CI}, TTL, FakeClock())
    with pytest.raises(TokenRefused) as refused:
        later.client_of(issued.access_token)
    assert refused.value.code == "INVALID_TOKEN"


# ---------------------------------------------------------------- the store
def grant(expires_at: float) -> Grant:
    return Grant("c", ("t",), "s", expires_at)


def test_the_store_drops_the_oldest_beyond_the_limit() -> None:
    store = MemoryStore()
    for n in range(5):
        store.put_token(f"d{n}", grant(START + 100), now=START, limit=3)
    assert list(store.tokens()) == ["d2", "d3", "d4"]


def test_the_store_drops_expired_tokens_when_one_is_added() -> None:
    store = MemoryStore()
    store.put_token("old", grant(START + 10), now=START, limit=100)
    store.put_token("live", grant(START + 100), now=START, limit=100)
    store.put_token("new", grant(START + 110), now=START + 10, limit=100)
    assert list(store.tokens()) == ["live", "new"]


def test_replaced_tokens_are_kept_soonest_to_expire_first() -> None:
    store = MemoryStore()
    store.replace_tokens({"late": grant(START + 50), "soon": grant(START + 5)})
    store.put_token("new", grant(START + 60), now=START + 6, limit=100)
    assert list(store.tokens()) == ["late", "new"]


def test_digest_is_the_sha256_of_the_token() -> None:
    assert digest("abc") == hashlib.sha256(b"abc").hexdigest()


# ---------------------------------------------------------------- the --clients document
def test_parse_clients_reads_every_client() -> None:
    document = {
        "acme-ci": {"client_secret": "s3cret", "api_key": "acme-key", "tenants": ["acme-demo"]},
        "both": {"client_secret": "x", "api_key": "k", "tenants": ["acme-demo", "globex-demo"]},
    }
    assert parse_clients(document) == {
        "acme-ci": ACME_CI,
        "both": Client("x", "k", ("acme-demo", "globex-demo")),
    }


GOOD = {"client_secret": "s", "api_key": "k", "tenants": ["t"]}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "non-empty JSON object"),
        ({}, "non-empty JSON object"),
        ({"c": "s3cret"}, "an object"),
        ({"c": {**GOOD, "tenant": "t"}}, "exactly the fields"),
        ({"c": {"client_secret": "s", "api_key": "k"}}, "exactly the fields"),
        ({"c": {**GOOD, "client_secret": ""}}, "client_secret"),
        ({"c": {**GOOD, "api_key": 5}}, "api_key"),
        ({"c": {**GOOD, "api_key": " k"}}, "api_key"),
        ({"c": {**GOOD, "tenants": []}}, "tenants"),
        ({"c": {**GOOD, "tenants": "t"}}, "tenants"),
        ({"c": {**GOOD, "tenants": ["t", ""]}}, "tenants"),
    ],
    ids=[
        "array",
        "empty",
        "not-an-object",
        "unknown-field",
        "missing-field",
        "empty-secret",
        "number-key",
        "padded-key",
        "no-tenant",
        "tenants-string",
        "empty-tenant",
    ],
)
def test_parse_clients_names_what_is_wrong(document: Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_clients(document)


# ---------------------------------------------------------------- the journal
@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            b'{"client_id":"c","client_secret":"s3cret"}',
            b'{"client_id":"c","client_secret":"s3***"}',
        ),
        (b'{"client_id":"c","client_secret":12345}', b'{"client_id":"c","client_secret":"***"}'),
        (b'{"client_id":"c"}', b'{"client_id":"c"}'),
        (b"client_id=c&client_secret=s3cret", b"cl***"),
        (b'["s3cret"]', b'["***'),
        (b"", b""),
    ],
    ids=["json", "not-a-string", "no-secret", "form", "array", "empty"],
)
def test_the_journal_masks_a_token_requests_secret(body: bytes, shown: bytes) -> None:
    assert masked_credentials(body) == shown
