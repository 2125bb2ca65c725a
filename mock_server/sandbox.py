"""The parts of one running sandbox, wired together: options, spec, store, events, service,
tokens, and the controls of the admin API (journal, faults, webhooks, state file)."""

from __future__ import annotations

from .config import SandboxConfig
from .controls.faults import FaultTable
from .controls.journal import RequestJournal
from .controls.state import State, empty_state, export_state, load_state, read_fixtures
from .controls.state_file import StateFile, read_state_file
from .controls.webhooks import WebhookDispatcher
from .events import EventLog
from .service import OrderService
from .spec import Spec, load_spec
from .store import Store
from .store.memory import MemoryStore
from .tokens import TokenService


class Sandbox:
    """One sandbox: the store starts from the state file if there is one, else from the fixtures
    baseline, and `reset()` returns to that baseline. `close()` stops its background threads."""

    def __init__(
        self, config: SandboxConfig, spec: Spec | None = None, store: Store | None = None
    ) -> None:
        self.config = config
        self.spec = spec or load_spec(fast=config.validator == "jsonschema-rs")
        self.spec.compile_all()
        self.store: Store = store or MemoryStore()
        self.events = EventLog()
        self.service = OrderService(self.store, self.events)
        self.tokens = TokenService(self.store, config.clients, config.token_ttl)
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
        (the journal, faults, webhook subscriptions and issued tokens stay: tokens are
        credentials, not data, and a client holding one keeps working)."""
        load_state(self.store, self.baseline)
        self.events.clear()
        self.webhooks.clear()

    def close(self) -> None:
        """Stop the webhook workers, and save the state file one last time."""
        self.webhooks.close()
        if self.state_file is not None:
            self.state_file.close()
