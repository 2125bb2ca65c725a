"""`--state-file`: the sandbox's state kept on disk, in the format of `fixtures/` (state.py).

The file is read at start when it exists. After a change, a background writer saves the state
`debounce` seconds later (changes in between are saved together), and `close()` (clean shutdown)
saves it one last time. Each save is crash-safe: a temporary file in the same directory, fsync, then
`os.replace`, so the file is always either the previous state or the new one, never a mix.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import orjson
from flask import Flask, Response, request

from ..http.spec import Spec
from .state import State, validate_state

log = logging.getLogger("mock_server.state_file")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` by `data` so that a crash leaves the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o644)  # not mkstemp's 0600: a state file is shared data
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def read_state_file(spec: Spec, path: Path) -> State | None:
    """The saved state, or None when the file does not exist yet; InvalidState if it is bad."""
    if not path.exists():
        return None
    return validate_state(spec, orjson.loads(path.read_bytes()), str(path))


class StateFile:
    """The state file of one sandbox and its debounced writer thread."""

    def __init__(self, path: Path, export: Callable[[], State], debounce: float = 0.2) -> None:
        self.path = path
        self._export = export
        self._debounce = debounce
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._progress = threading.Condition()
        self._changes = 0  # changes signalled so far
        self._saved = 0  # changes the last save includes
        self._thread = threading.Thread(target=self._run, name="state-file-writer", daemon=True)
        self._thread.start()

    def changed(self) -> None:
        """The state changed: save it soon."""
        with self._progress:
            self._changes += 1
        self._dirty.set()

    def save(self) -> None:
        """Write the current state now."""
        with self._write_lock:
            with self._progress:
                covered = self._changes
            write_atomically(self.path, orjson.dumps(self._export(), option=orjson.OPT_INDENT_2))
            with self._progress:
                self._saved = max(self._saved, covered)
                self._progress.notify_all()

    def wait_saved(self, timeout: float) -> bool:
        """Wait until every change signalled so far is on disk; False on time-out."""
        with self._progress:
            return self._progress.wait_for(lambda: self._saved >= self._changes, timeout)

    def close(self) -> None:
        """Stop the writer and save the final state."""
        self._stop.set()
        self._dirty.set()
        self._thread.join()
        self.save()

    def _run(self) -> None:
        while True:
            self._dirty.wait()
            if self._stop.wait(self._debounce):
                return
            self._dirty.clear()
            try:
                self.save()
            except Exception:  # keep the writer alive: the next change tries again
                log.exception("could not save the state to %s", self.path)


def save_after_changes(app: Flask, state_file: StateFile) -> None:
    """Mark the state changed after every successful request that may write (any method but
    GET, HEAD and OPTIONS), admin requests included."""

    @app.after_request
    def mark_changed(response: Response) -> Response:
        if request.method not in READ_ONLY_METHODS and response.status_code < 400:
            state_file.changed()
        return response
