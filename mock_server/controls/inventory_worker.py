"""The Inventory API's asynchronous processing: the import queue applied shortly after each import,
on a thread of its own (imports in a burst are applied together). Tests need not wait for it:
`POST /__admin/inventory/drain` applies the queue before it answers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("mock_server")

DELAY = 0.05
"""Seconds between an import and the processing of its events (ours: the pages give no bound)."""


class InventoryWorker:
    """Calls `drain` once, DELAY after the first `kick` since the last drain."""

    def __init__(self, drain: Callable[[], object], delay: float = DELAY) -> None:
        self._drain = drain
        self._delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def kick(self) -> None:
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self._delay, self._run)
                self._timer.daemon = True
                self._timer.start()

    def _run(self) -> None:
        with self._lock:
            self._timer = None
        try:
            self._drain()
        except Exception:  # a store down: the queue stays, the next import or drain applies it
            log.exception("the inventory queue could not be applied")

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
