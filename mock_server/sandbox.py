"""The parts of one running sandbox, wired together: options, spec, store, events, service,
tokens, and the controls of the admin API (journal, faults, webhooks, state file).

With `--store redis://...` the store and every control are the shared ones (in Redis, the same
for every process on that Redis); otherwise all live in this process's memory.
"""

from __future__ import annotations

from typing import NamedTuple

from .config import SandboxConfig
from .controls.faults import FaultTable
from .controls.inventory_worker import InventoryWorker
from .controls.journal import RequestJournal
from .controls.shared_faults import FAULTS, SharedFaultTable
from .controls.shared_journal import SharedJournal
from .controls.shared_webhooks import CONFIGURATIONS, SharedWebhookDispatcher
from .controls.state import State, empty_state, export_state, load_state, read_fixtures
from .controls.state_file import StateFile, read_state_file
from .controls.webhook_configs import every_trigger
from .controls.webhooks import WebhookDispatcher
from .events import EventLog
from .http.spec import Spec, load_spec
from .service import OrderService
from .shared_events import SharedEventLog
from .store import Store
from .store.memory import MemoryStore
from .store.redis import RedisStore
from .tokens import TokenService


class Parts(NamedTuple):
    """What holds a sandbox's state: in memory, or shared in Redis."""

    store: Store
    events: EventLog
    journal: RequestJournal
    faults: FaultTable
    webhooks: WebhookDispatcher


def memory_parts(config: SandboxConfig, store: Store | None) -> Parts:
    return Parts(
        store or MemoryStore(),
        EventLog(),
        RequestJournal(config.journal_size),
        FaultTable(),
        WebhookDispatcher(config.webhook_retry, config.webhook_queue_size),
    )


def shared_parts(config: SandboxConfig, url: str) -> Parts:
    """The parts on the Redis at `url` (StoreUnavailable when it cannot be reached)."""
    store = RedisStore(url, tracked=(FAULTS, CONFIGURATIONS))
    return Parts(
        store,
        SharedEventLog(store),
        SharedJournal(config.journal_size, store),
        SharedFaultTable(store),
        SharedWebhookDispatcher(store, config.webhook_retry, config.webhook_queue_size),
    )


class Sandbox:
    """One sandbox: the store starts from the state file if there is one, else from the fixtures
    baseline, and `reset()` returns to that baseline. A shared store keeps its state across
    starts: only an empty one is seeded (by the first process that finds it empty).
    `close()` stops its background threads."""

    def __init__(
        self, config: SandboxConfig, spec: Spec | None = None, store: Store | None = None
    ) -> None:
        self.config = config
        self.spec = spec or load_spec(fast=config.validator == "jsonschema-rs")
        self.spec.compile_all()
        parts = shared_parts(config, config.store) if config.store else memory_parts(config, store)
        self.store, self.events, self.journal, self.faults, self.webhooks = parts
        self.service = OrderService(self.store, self.events)
        self.inventory_worker: InventoryWorker | None = None
        if config.inventory_delay is not None:
            self.inventory_worker = InventoryWorker(
                self.service.inventory.drain, config.inventory_delay
            )
            self.service.inventory.on_import.append(self.inventory_worker.kick)
        self.tokens = TokenService(
            self.store, config.clients, config.token_ttl, checked=config.require_token
        )
        self.events.listeners.append(self.webhooks.on_event)
        self.baseline: State = (
            read_fixtures(self.spec, config.fixtures) if config.fixtures else empty_state()
        )
        saved = read_state_file(self.spec, config.state_file) if config.state_file else None
        if not isinstance(self.store, RedisStore) or self.store.claim_empty():
            load_state(self.store, self.baseline if saved is None else saved)
        self.state_file = (
            StateFile(config.state_file, lambda: export_state(self.store))
            if config.state_file
            else None
        )
        for url in config.webhook_urls:
            for tenant in self.baseline["tenants"]:
                self.webhooks.configure_once(tenant, every_trigger(url))

    def reset(self) -> None:
        """Back to the fixtures baseline: orders, locations, recorded events and their deliveries
        (the journal, faults, webhook configurations and issued tokens stay: tokens are
        credentials, not data, and a client holding one keeps working)."""
        load_state(self.store, self.baseline)
        self.events.clear()
        self.webhooks.clear()

    def close(self) -> None:
        """Stop the webhook and inventory workers, save the state file one last time, and let go
        of Redis."""
        if self.inventory_worker is not None:
            self.inventory_worker.close()
        self.webhooks.close()
        if self.state_file is not None:
            self.state_file.close()
        if isinstance(self.store, RedisStore):
            self.store.close()
