"""Regression: exporting the state while orders are created (the `--state-file` writer, `GET
/__admin/state`) raised "dictionary changed size during iteration" from `MemoryStore.orders`.

In-process on purpose: the window is a few microseconds, so through a real server the race shows
only now and then; with the interpreter's switch interval lowered it shows on every run.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from mock_server.controls.state import export_state
from mock_server.store.memory import MemoryStore

SEED_ORDERS = 2_000
EXPORTS = 300


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Let threads switch every microsecond (restored after)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_export_while_orders_are_created(busy_switching: None) -> None:
    store = MemoryStore()
    for i in range(SEED_ORDERS):
        store.save("t", {"order_id": f"SEED-{i}"}, replace=False)
    done = threading.Event()

    def create() -> None:
        i = 0
        while not done.is_set():
            store.save("t", {"order_id": f"NEW-{i}"}, replace=False)
            i += 1

    writer = threading.Thread(target=create)
    writer.start()
    try:
        sizes = [len(export_state(store)["tenants"]["t"]["orders"]) for _ in range(EXPORTS)]
    finally:
        done.set()
        writer.join()
    assert sizes == sorted(sizes)
    assert sizes[0] >= SEED_ORDERS
