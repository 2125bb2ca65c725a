"""The parts of one running sandbox, wired together: options, spec, store, events, service."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .events import EventLog
from .service import OrderService
from .spec import Spec, load_spec
from .state import State, empty_state, load_state, read_fixtures
from .store import MemoryStore, Store

DEFAULT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MIB = 1024 * 1024


@dataclass
class SandboxConfig:
    """The sandbox's options (see `carriyo-sandbox serve --help`)."""

    fixtures: Path | None = DEFAULT_FIXTURES
    api_keys: dict[str, str] | None = None
    admin: bool = True
    admin_token: str | None = None
    host: str = "127.0.0.1"
    max_body_bytes: int = MIB
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def admin_needs_token(self) -> bool:
        """Off loopback, `/__admin/` is open only to holders of `--admin-token`."""
        return self.host not in LOOPBACK_HOSTS


class Sandbox:
    """One sandbox: the store starts from the fixtures baseline, and `reset()` returns to it."""

    def __init__(
        self, config: SandboxConfig, spec: Spec | None = None, store: Store | None = None
    ) -> None:
        self.config = config
        self.spec = spec or load_spec()
        self.spec.compile_all()
        self.store: Store = store or MemoryStore()
        self.events = EventLog()
        self.service = OrderService(self.store, self.events)
        self.baseline: State = (
            read_fixtures(self.spec, config.fixtures) if config.fixtures else empty_state()
        )
        load_state(self.store, self.baseline)

    def reset(self) -> None:
        """Back to the fixtures baseline: orders, locations and recorded events."""
        load_state(self.store, self.baseline)
        self.events.clear()
