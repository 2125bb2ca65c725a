"""The sandbox's options in one place: `SandboxConfig` (what `carriyo-sandbox serve` sets; its
defaults are the CLI's) and the webhook `RetryPolicy` with Carriyo's retry schedule. Plain data:
no part of the sandbox is imported here, so every floor may read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .resources import bundled_fixtures

MIB = 1024 * 1024
DEFAULT_FIXTURES = bundled_fixtures()
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_TOKEN_TTL = 86_400
"""Seconds an access token lives: what Carriyo answers as `expires_in` (api/authentication)."""
EVENTS_KEPT = 10_000
"""Webhook events (and their deliveries) kept, newest first: in memory, and about as many in
Redis' stream (its cheap approximate trim)."""
STORE_VARIABLE = "CARRIYO_SANDBOX_STORE"
"""The environment variable `--store` defaults to."""
STORE_SCHEMES = ("redis://", "rediss://", "unix://")
VALIDATORS = ("jsonschema-rs", "jsonschema")
"""Request validation: jsonschema-rs answers "valid?" first and jsonschema names the fields of an
invalid request (the default), or jsonschema alone (spec.py)."""


STANDARD_RETRIES = (60.0, 180.0, 300.0)
"""Seconds before each retry of a failed delivery, since the attempt before
(platform/webhooks/retry-and-idempotency: 1, 3 and 5 minutes)."""
EXTENDED_RETRIES = (3_600.0, 10_800.0, 18_000.0, 28_800.0, 46_800.0)
"""The tenant's optional extended retries, after the standard ones (1, 3, 5, 8, 13 hours)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How a webhook delivery is tried: Carriyo's published schedule, its delays multiplied by
    `time_scale` (`--webhook-time-scale`: 0.001 turns minutes into tens of milliseconds for a
    test), each attempt waiting at most `timeout` seconds for an answer (published: 30)."""

    time_scale: float = 1.0
    timeout: float = 30.0

    def delays(self, extended: bool) -> tuple[float, ...]:
        """Seconds to wait before each retry, in order: the standard schedule, then the extended
        one when the configuration asks for it."""
        schedule = STANDARD_RETRIES + (EXTENDED_RETRIES if extended else ())
        return tuple(delay * self.time_scale for delay in schedule)


@dataclass(frozen=True)
class Client:
    """An OAuth client of `--clients`: its secret, the API key it is used with and its tenants."""

    client_secret: str
    api_key: str
    tenants: tuple[str, ...]


CLIENT_FIELDS = ("client_secret", "api_key", "tenants")


def parse_clients(document: Any) -> dict[str, Client]:
    """The clients of a `--clients` document, `{"<client id>": {"client_secret": ...,
    "api_key": ..., "tenants": [...]}}`; ValueError naming what is wrong (unknown fields too, so a
    misspelt one is not silently ignored)."""
    if not isinstance(document, dict) or not document:
        raise ValueError("expected a non-empty JSON object of client id -> client")
    clients = {}
    for client_id, entry in document.items():
        if not client_id or not isinstance(entry, dict):
            raise ValueError(f"{client_id!r}: expected a non-empty client id and an object")
        if sorted(entry) != sorted(CLIENT_FIELDS):
            raise ValueError(f"{client_id}: expected exactly the fields {', '.join(CLIENT_FIELDS)}")
        secret, key, tenants = (entry[name] for name in CLIENT_FIELDS)
        if not isinstance(secret, str) or not secret:
            raise ValueError(f"{client_id}: client_secret must be a non-empty string")
        if not _header_value(key):
            raise ValueError(f"{client_id}: api_key must be a non-empty string, unpadded")
        if not isinstance(tenants, list) or not tenants or not all(map(_header_value, tenants)):
            raise ValueError(
                f"{client_id}: tenants must be a non-empty list of unpadded tenant ids"
            )
        clients[client_id] = Client(secret, key, tuple(tenants))
    return clients


def _header_value(value: Any) -> bool:
    """A value a request header can carry as sent (the sandbox strips the headers it reads)."""
    return isinstance(value, str) and bool(value) and value == value.strip()


@dataclass
class SandboxConfig:
    """The sandbox's options (see `carriyo-sandbox serve --help`)."""

    fixtures: Traversable | None = DEFAULT_FIXTURES
    api_keys: dict[str, str] | None = None
    clients: dict[str, Client] | None = None
    require_token: bool = True
    """As on Carriyo, every API request needs a live bearer token of `POST /oauth/token`;
    False (`--no-auth`) is the sandbox's open mode, which Carriyo does not have."""
    token_ttl: int = DEFAULT_TOKEN_TTL
    admin: bool = True
    admin_token: str | None = None
    host: str = "127.0.0.1"
    max_body_bytes: int = MIB
    journal_size: int = 10_000
    webhook_urls: list[str] = field(default_factory=list)
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    webhook_queue_size: int = 1000
    inventory_delay: float | None = 0.05
    """Seconds after an Inventory API import before the sandbox applies its queue by itself
    (None: only `POST /__admin/inventory/drain` applies it; controls/inventory_worker.py)."""
    state_file: Path | None = None
    validator: str = VALIDATORS[0]
    store: str | None = None
    """None: the orders live in this process's memory; `redis://HOST:PORT/DB`: in that Redis,
    shared by every sandbox process that names it (docs/team-sandbox.md)."""

    @property
    def admin_needs_token(self) -> bool:
        """Off loopback, `/__admin/` is open only to holders of `--admin-token`."""
        return self.host not in LOOPBACK_HOSTS
