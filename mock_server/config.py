"""The sandbox's options in one place: `SandboxConfig` (what `carriyo-sandbox serve` sets; its
defaults are the CLI's) and the webhook `RetryPolicy`. Plain data: no part of the sandbox is
imported here, so every floor may read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .resources import data_root

MIB = 1024 * 1024
DEFAULT_FIXTURES = data_root() / "fixtures"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
VALIDATORS = ("jsonschema-rs", "jsonschema")
"""Request validation: jsonschema-rs answers "valid?" first and jsonschema names the fields of an
invalid request (the default), or jsonschema alone (spec.py)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a webhook delivery is tried: `attempts` in all, the n-th retry after
    `backoff * 2**(n-1)` seconds, each attempt waiting at most `timeout` seconds."""

    attempts: int = 5
    backoff: float = 0.5
    timeout: float = 5.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return self.backoff * 2.0 ** (attempt - 1)


@dataclass
class SandboxConfig:
    """The sandbox's options (see `carriyo-sandbox serve --help`)."""

    fixtures: Path | None = DEFAULT_FIXTURES
    api_keys: dict[str, str] | None = None
    admin: bool = True
    admin_token: str | None = None
    host: str = "127.0.0.1"
    max_body_bytes: int = MIB
    journal_size: int = 10_000
    webhook_urls: list[str] = field(default_factory=list)
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    webhook_queue_size: int = 1000
    state_file: Path | None = None
    validator: str = VALIDATORS[0]

    @property
    def admin_needs_token(self) -> bool:
        """Off loopback, `/__admin/` is open only to holders of `--admin-token`."""
        return self.host not in LOOPBACK_HOSTS
