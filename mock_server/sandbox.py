"""The parts of one running sandbox, wired together: options, spec, store, events, service, and
the controls of the admin API (journal, faults, webhooks, state file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .events import EventLog
from .faults import FaultTable
from .journal import DEFAULT_JOURNAL_SIZE, RequestJournal
from .resources import data_root
from .service import OrderService
from .spec import Spec, load_spec
from .state import State, empty_state, export_state, load_state, read_fixtures
from .state_file import StateFile, read_state_file
from .store import MemoryStore, Store
from .webhooks import RetryPolicy, WebhookDispatcher

DEFAULT_FIXTURES = data_root() / "fixtures"
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
    journal_size: int = DEFAULT_JOURNAL_SIZE
    webhook_urls: list[str] = field(default_factory=list)
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    webhook_queue_size: int = 1000
    state_file: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def admin_needs_token(self) -> bool:
        """Off loopback, `/__admin/` is open only to holders of `--admin-token`."""
        return self.host not in LOOPBACK_HOSTS


class Sandbox:
    """One sandbox: the store starts from the state file if there is one, else from the fixtures
    baseline, and `reset()` returns to that baseline. `close()` stops its background threads."""

    def __init__(
        self, config: SandboxConfig, spec: Spec | None = None, store: Store | None = None
    ) -> None:
        self.config = config
        self.spec = spec or load_spec()
        self.spec.compile_all()
        self.store: Store = store or MemoryStore()
        self.events = EventLog()
        self.service = OrderService(self.store, self.events)
        self.journal = RequestJournal(config.journal_size)
        self.faults = FaultTable()
        self.webhooks = WebhookDispatcher(config.webhook_retry, config.webhook_queue_size)
        self.events.listeners.append(self.webhooks.on_event)
        self.baseline: State = (
            read_fixtures(self.spec, config.fixtures) if config.fixtures else empty_state()
        )
        saved = read_state_file(self.spec, config.state_file) if config.state_file else None
        load_state(self.store, self.baseline if saved is None else saved)
        self.state_file = (
            StateFile(config.state_file, lambda: export_state(self.store))
            if config.state_file
            else None
        )
        for url in config.webhook_urls:
            self.webhooks.subscribe(url)

    def reset(self) -> None:
        """Back to the fixtures baseline: orders, locations, recorded events and their deliveries
        (the journal, faults and webhook subscriptions stay)."""
        load_state(self.store, self.baseline)
        self.events.clear()
        self.webhooks.clear()

    def close(self) -> None:
        """Stop the webhook workers, and save the state file one last time."""
        self.webhooks.close()
        if self.state_file is not None:
            self.state_file.close()
