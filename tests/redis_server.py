"""A real `redis-server` (Debian's `redis-server` package, Redis 7) for the tests of the shared
store: each started on a free loopback port with a directory of its own, stopped after use.

A machine without the binary fails these tests with the command that installs it (`.ci/run`
installs it); they are never skipped.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.launcher import HOST, free_port

INSTALL_HINT = (
    "redis-server is not on PATH: install Debian's package "
    "(apt-get install -y redis-server; .ci/run does) to run the shared-store tests"
)
START_ATTEMPTS = 500


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError(INSTALL_HINT)
    return found


@dataclass
class RedisServer:
    """One redis-server process: its port and directory, started and stopped at will (the
    same port and data directory on each start, so a restart keeps its append-only file)."""

    directory: Path
    port: int
    appendonly: bool = False
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                redis_binary(),
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
                "--protected-mode",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
        try:
            for _ in range(START_ATTEMPTS):
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited: {self.logs()}")
                with contextlib.suppress(redis.RedisError):
                    if client.ping():
                        return self
                time.sleep(0.01)
        finally:
            client.close()
        raise RuntimeError(f"redis-server did not answer: {self.logs()}")

    def logs(self) -> str:
        return (self.directory / "redis.log").read_text(errors="replace")

    def client(self) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.port)

    def freeze(self) -> None:
        """SIGSTOP: Redis stops answering but its connections stay open, and the kernel still
        accepts new ones (what a hung or paused Redis looks like to its clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: a frozen Redis answers again, from where it stopped."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save (what a crash leaves)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.thaw()  # a frozen process would act on SIGTERM only once continued
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def flush(self) -> None:
        client = self.client()
        try:
            client.flushdb()
        finally:
            client.close()


@contextlib.contextmanager
def redis_server(directory: Path, *, appendonly: bool = False) -> Iterator[RedisServer]:
    """A started redis-server on a free loopback port, stopped at the end of the block."""
    server = RedisServer(directory, free_port(), appendonly).start()
    try:
        yield server
    finally:
        server.stop()
