"""The Inventory API's asynchronous processing: the import queue applied shortly after each import,
on a thread of its own (imports in a burst are applied together). Tests need not wait for it:
`POST /__admin/inventory/drain` applies the queue before it answers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("mock_server")


class InventoryWorker:
    """Calls `drain` once, `delay` seconds (SandboxConfig.inventory_delay; ours: the pages give no
    bound) after the first `kick` since the last drain."""

    def __init__(self, drain: Callable[[], object], delay: float) -> None:
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

    def wait(self, timeout: float) -> None:
        """Until the drain scheduled now (if any) has run, at most `timeout` seconds."""
        with self._lock:
            timer = self._timer
        if timer is not None:
            timer.join(timeout)

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
