"""The sandbox as a child process (`python -m mock_server` or `carriyo-sandbox serve`) on a free
port, for what only a real process shows: signals, the state file across restarts, the CLI."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

START_TIMEOUT = 60.0
URL_LINE = re.compile(r"sandbox on (http://127\.0\.0\.1:\d+)")
PYTHON_M = (sys.executable, "-m", "mock_server")


class ServeProcess:
    """A started sandbox process; `url` is known once it logged that it listens."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def _wait_for_url(self) -> str:
        while True:
            try:
                line = self._lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no URL after {START_TIMEOUT}s: {self.output}") from None
            if line is None:
                raise AssertionError(f"the sandbox exited: {''.join(self.output)}")
            found = URL_LINE.search(line)
            if found:
                return found.group(1)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send `signum` and return the exit code."""
        self.process.send_signal(signum)
        return self.process.wait(timeout)


@contextmanager
def serving(*args: str, command: tuple[str, ...] = PYTHON_M) -> Iterator[ServeProcess]:
    """Run the sandbox on 127.0.0.1 and a free port with `args`; killed at the end if still up."""
    served = ServeProcess([*command, "--host", "127.0.0.1", "--port", "0", *args])
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(START_TIMEOUT)
