"""Access tokens of `POST /oauth/token` (published: api/authentication): a client's id and secret
buy a bearer token that lives `--token-ttl` seconds (86,400 by default, as Carriyo answers).

By default, as on Carriyo, every API request needs a live token: any client id and secret get
one, and the store keeps what it grants (client, tenants, scope, expiry) under the token's
SHA-256, never the token itself, so that a state file or an export holds nothing that can be sent
back as a token. With `--clients`, only a listed client with its secret gets one. With
`--no-auth` no token is checked, so none is kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .config import DEFAULT_TOKEN_TTL, Client
from .store import Grant, Store

TOKEN_TYPE = "Bearer"
ORDERS_SCOPE = "read:orders create:orders update:orders"
"""What every token may do: the sandbox has only the Orders API and grants all of it."""
MAX_TOKENS = 10_000
"""Live tokens kept at most; past it the oldest is forgotten (its holder gets a 401 and asks for
a new one, as after an expiry). Bounds the memory of a client that asks before every call."""
ISSUER = "carriyo-sandbox"


class TokenRefused(Exception):
    """A bearer token that cannot be used: unknown, expired, or its client no longer listed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IssuedToken:
    """A token as `POST /oauth/token` answers it."""

    access_token: str
    expires_in: int
    scope: str

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": TOKEN_TYPE,
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


def digest(token: str) -> str:
    """How the store knows a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def scope_of(tenants: tuple[str, ...]) -> str:
    """The published scope shape (`tenant:TEST merchant:ACCOUNT read:shipments ...`): the
    client's tenants, then the Orders permissions."""
    return " ".join([*(f"tenant:{tenant}" for tenant in tenants), ORDERS_SCOPE])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_token(client_id: str, scope: str, issued_at: float, expires_at: float) -> str:
    """A fresh token shaped like the published sample (a JWT), so that a client may read its
    `exp`; the third part is 256 random bits, not a signature: the sandbox knows its tokens by
    their digest."""
    header = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    claims = _b64(
        orjson.dumps(
            {
                "iss": ISSUER,
                "sub": client_id,
                "scope": scope,
                "iat": int(issued_at),
                "exp": int(expires_at),
            }
        )
    )
    return f"{header}.{claims}.{secrets.token_urlsafe(32)}"


class TokenService:
    """Issues tokens and tells which client a token belongs to. `clients` None: any client id and
    secret get a token; `checked` False (`--no-auth`): tokens are issued but neither kept nor
    checked. `clock` (seconds since the epoch) is replaceable, for tests of expiry."""

    def __init__(
        self,
        store: Store,
        clients: dict[str, Client] | None,
        ttl: int = DEFAULT_TOKEN_TTL,
        clock: Callable[[], float] = time.time,
        *,
        checked: bool = True,
    ) -> None:
        self.store = store
        self.clients = clients
        self.ttl = ttl
        self.clock = clock
        self.checked = checked or clients is not None

    def issue(self, client_id: str, client_secret: str) -> IssuedToken | None:
        """A new token for the client; None (access denied) for a client `--clients` does not
        list or a wrong secret. Without `--clients` any client gets one, for every tenant."""
        now = self.clock()
        expires_at = now + self.ttl
        client = None if self.clients is None else self.clients.get(client_id)
        if self.clients is not None and (
            client is None
            or not hmac.compare_digest(
                client.client_secret.encode(), client_secret.encode("utf-8", "surrogatepass")
            )
        ):
            return None
        scope = ORDERS_SCOPE if client is None else scope_of(client.tenants)
        token = new_token(client_id, scope, now, expires_at)
        if self.checked:
            grant = Grant(client_id, () if client is None else client.tenants, scope, expires_at)
            self.store.put_token(digest(token), grant, now=now, limit=MAX_TOKENS)
        return IssuedToken(token, self.ttl, scope)

    def client_of(self, token: str) -> Client | None:
        """The client a live token was issued to, as `--clients` lists it now (None without
        `--clients`: the token is good for any key and tenant); TokenRefused when the token is
        unknown or expired, or its client is not listed (a token any client got, kept in a
        state file, never passes a later sandbox with `--clients`)."""
        grant = self.store.token(digest(token))
        if grant is None:
            raise TokenRefused("INVALID_TOKEN", "Unknown access token")
        if grant.expires_at <= self.clock():
            raise TokenRefused("TOKEN_EXPIRED", "The access token has expired")
        if self.clients is None:
            return None
        client = self.clients.get(grant.client_id)
        if client is None or not grant.tenants:  # no tenants: bought without --clients' secret
            raise TokenRefused("INVALID_TOKEN", "The access token's client is no longer known")
        return client
