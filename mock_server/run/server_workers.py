"""`serve --store redis://... --workers N`: N sandbox processes behind one port.

The parent process prepares the shared store once (the caller builds one sandbox, which connects
to Redis, seeds an empty one and configures `--webhook-url` once, then closes it), reserves the
port with SO_REUSEPORT (so `--port 0` gets one port for all), and forks the workers. It has no
thread and no open Redis connection then: each worker makes its own app, connections and
threads, reusing only the spec already loaded. Each worker listens on its own SO_REUSEPORT socket
of that port, and the kernel spreads the connections over them, so no worker's accept loop can
take them all. The parent writes the "Serving on" line once every worker listens, passes
SIGTERM/SIGINT on and waits for the workers' clean exit; when a worker dies the others are
stopped and the exit code is 1.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from types import FrameType
from typing import NoReturn

from flask import Flask

from ..app import DELAYS
from ..heap import freeze_long_lived
from .access_log import logged
from .binding import Binding, http_url
from .server_granian import GranianServer

log = logging.getLogger("mock_server")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOP_TIMEOUT = 15.0


def stop_waiting(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(0)


def reserve(host: str, port: int) -> socket.socket:
    """A bound, not listening SO_REUSEPORT socket: the port the workers will share."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address[:2])
    return sock


def worker(make_app: Callable[[], Flask], binding: Binding, ready: int, quiet: bool) -> NoReturn:
    """One worker process: serve until SIGTERM/SIGINT, then stop as `serve` does."""
    code = 1
    for signum in STOP_SIGNALS:
        signal.signal(signum, stop_waiting)
    try:
        app = make_app()
        server = GranianServer(
            logged(app, quiet),
            binding,
            app.extensions.get(DELAYS),
            reuse_port=True,
            max_body_bytes=app.extensions["sandbox"].config.max_body_bytes,
        )
        freeze_long_lived()
        try:
            server.start()
            os.write(ready, b"1")
            os.close(ready)
            with contextlib.suppress(SystemExit):
                threading.Event().wait()
            code = 0
        finally:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
            server.stop()
            app.extensions["sandbox"].close()
    except BaseException:
        log.exception("worker %d failed", os.getpid())
    finally:
        logging.shutdown()
        os._exit(code)


def serve_workers(
    make_app: Callable[[], Flask], binding: Binding, workers: int, *, quiet: bool = False
) -> int:
    """Fork `workers` processes serving `make_app()` on `binding` (each with the access log
    unless `quiet`); return when they are done."""
    reservation = reserve(binding.host, binding.port)
    binding = replace(binding, port=reservation.getsockname()[1])
    ready_read, ready_write = os.pipe()
    pids = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            os.close(ready_read)
            reservation.close()
            worker(make_app, binding, ready_write, quiet)
        pids.append(pid)
    os.close(ready_write)
    try:
        for signum in STOP_SIGNALS:
            signal.signal(signum, stop_waiting)
        started = len(read_all(ready_read, workers))
        reservation.close()
        if started < workers:
            log.error("%d of %d workers did not start", workers - started, workers)
            return stop(pids, 1)
        url = http_url(binding.host, binding.port)
        threads = f"{binding.threads} thread{'' if binding.threads == 1 else 's'}"
        log.info("Serving on %s (granian, %s, %d workers)", url, threads, workers)
        log.info("Carriyo Orders sandbox on %s (API reference: %s/docs)", url, url)
        pid, status = os.wait()
        log.error("worker %d exited (%s): stopping the others", pid, status)
        pids.remove(pid)
        return stop(pids, 1)
    except SystemExit:
        return stop(pids, 0)


def read_all(fd: int, count: int) -> bytes:
    """Up to `count` bytes of the pipe: fewer when every writer closed it first."""
    got = b""
    while len(got) < count:
        chunk = os.read(fd, count - len(got))
        if not chunk:
            break
        got += chunk
    os.close(fd)
    return got


def stop(pids: list[int], code: int) -> int:
    """SIGTERM to each worker, then wait (SIGKILL after STOP_TIMEOUT); `code` back."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for pid in pids:
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)
    return code
