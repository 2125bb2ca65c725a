"""Start an HTTP server as a subprocess on a free port, wait until it answers, stop it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Command = Callable[[int], list[str]]
"""Builds the command line of the server for a given port."""

POLL_INTERVAL = 0.05
"""Seconds between two connection attempts while the server starts (a poll, not a delay)."""


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not accept connections before the deadline."""


@dataclass
class ServerProcess:
    """A running server subprocess and the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Terminate the process (kill it if it does not exit in 10 s) and drop its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_path.unlink(missing_ok=True)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait_until_serving(server: ServerProcess, host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _accepts_connections(host, port):
        if server.process.poll() is not None:
            raise ServerDidNotStart(f"server exited with {server.process.returncode}")
        if time.monotonic() > deadline:
            raise ServerDidNotStart(f"no connection on port {port} after {timeout} s")
        time.sleep(POLL_INTERVAL)


def start(
    command: Command, *, host: str = "127.0.0.1", attempts: int = 3, timeout: float = 30.0
) -> ServerProcess:
    """Run `command(port)` on a free port until it accepts connections; retry on another port
    when it exits first (another process may have taken the port in between)."""
    failures: list[str] = []
    for _ in range(attempts):
        port = free_port(host)
        log_path = Path(tempfile.mkstemp(prefix="contract-server-", suffix=".log")[1])
        with log_path.open("wb") as log:
            process = subprocess.Popen(command(port), stdout=log, stderr=subprocess.STDOUT)
        server = ServerProcess(f"http://{host}:{port}", process, log_path)
        try:
            _wait_until_serving(server, host, port, timeout)
        except ServerDidNotStart as exc:
            failures.append(f"{exc}:\n{server.log()}")
            server.stop()
            continue
        return server
    raise ServerDidNotStart("\n\n".join(failures))


@contextlib.contextmanager
def running(
    command: Command, *, host: str = "127.0.0.1", attempts: int = 3, timeout: float = 30.0
) -> Iterator[ServerProcess]:
    """`start(command)` for the duration of a `with` block."""
    server = start(command, host=host, attempts=attempts, timeout=timeout)
    try:
        yield server
    finally:
        server.stop()
