"""The one way tests start the real sandbox: a subprocess (`python -m mock_server`, or the
`carriyo-sandbox serve` command) on a free loopback port, for what only a real process shows
(signals, the state file across restarts, the CLI, the reliability suite).

`start_server` waits until it answers, polling a bounded number of times; between attempts it
waits on the process itself, so a server that dies at start fails the test at once with its log.
`Server.stop` sends SIGTERM and waits (bounded), then SIGKILL.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
ACME, GLOBEX = "acme-demo", "globex-demo"
ANY_KEY = "reliability-any-key"
START_ATTEMPTS = 600
ATTEMPT_WAIT_SECONDS = 0.05
PORT_ATTEMPTS = 3
STOP_TIMEOUT_SECONDS = 15.0
REQUEST_TIMEOUT_SECONDS = 60.0
STOP_SIGNAL = signal.SIGTERM
PYTHON_M = (sys.executable, "-m", "mock_server")
CLI_SERVE = (str(Path(sys.executable).parent / "carriyo-sandbox"), "serve")
CLI_PROXY = (CLI_SERVE[0], "proxy")
SERVING = re.compile(r"Serving on http://\S+:(\d+)")


class ServerDidNotStart(RuntimeError):
    """The sandbox exited, or never answered, after START_ATTEMPTS polls."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], attempts: int = 1000) -> bool:
    """Check `condition` up to `attempts` times, 10 ms apart; whether it held."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.01)
    return False


def secret(label: str) -> str:
    """A random API key, long enough that no masked form can contain it."""
    return f"{label}-{uuid.uuid4().hex}"


def unique(prefix: str) -> str:
    """An id no other test uses (tests may share a server)."""
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


@dataclass
class Reply:
    """A raw HTTP answer: status, headers (lower-case names) and body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Server:
    """One running sandbox process and how to talk to it."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    args: tuple[str, ...]
    keys: dict[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    host: str = HOST
    _token: str | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    @property
    def http_server(self) -> str:
        """The HTTP server it runs on: `--server`'s value, else the default (granian)."""
        args = list(self.args)
        return args[args.index("--server") + 1] if "--server" in args else "granian"

    def headers(self, tenant: str = ACME, key: str | None = None) -> dict[str, str]:
        """The headers every `/orders` request needs: by default the tenant's own key, and a
        bearer token of `POST /oauth/token` unless the server runs `--no-auth` (or `--clients`,
        whose tests get their own)."""
        bearer = {} if self.token is None else {"Authorization": f"Bearer {self.token}"}
        return {
            "x-api-key": self.keys.get(tenant, ANY_KEY) if key is None else key,
            "tenant-id": tenant,
            **bearer,
        }

    @property
    def token(self) -> str | None:
        """A token of any client, asked for once (None when the server checks no such token)."""
        if self._token is None and not {"--no-auth", "--clients"} & set(self.args):
            response = self.session.post(
                f"{self.base_url}/oauth/token",
                json={"client_id": "tests", "client_secret": "tests"},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
            assert response.status_code == 200, response.text
            self._token = response.json()["access_token"]
        return self._token

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        tenant: str = ACME,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
    ) -> requests.Response:
        """One request with the tenant headers (plus `headers`) and a JSON body if given."""
        return (session or self.session).request(
            method,
            self.base_url + path,
            json=json,
            headers={**self.headers(tenant, key), **(headers or {})},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )

    def raw(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """A request sent as given: no URL normalisation, any method, any bytes."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            return Reply(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request to `/__admin/<path>`."""
        return self.session.request(
            method, f"{self.base_url}/__admin/{path}", timeout=REQUEST_TIMEOUT_SECONDS, **kwargs
        )

    def reset(self) -> None:
        response = self.admin("POST", "reset")
        assert response.status_code == 204, response.text

    def healthy(self) -> bool:
        """The process runs and a plain GET of a fixture order is answered 200."""
        if self.process.poll() is not None:
            return False
        return self.call("GET", "/orders/ORD-1001").status_code == 200

    def logs(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)

    def wait(self, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """Wait for the process to exit (bounded); SIGKILL it if it does not."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=timeout)

    def poll_until(self, condition: Callable[[], bool], attempts: int = START_ATTEMPTS) -> bool:
        """Check `condition` up to `attempts` times; between checks wait on the process itself
        (ATTEMPT_WAIT_SECONDS at most), so a process that exits ends the wait at once with its
        log. True when the condition held."""
        for _ in range(attempts):
            if condition():
                return True
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=ATTEMPT_WAIT_SECONDS)
            if self.process.poll() is not None:
                raise ServerDidNotStart(f"exit {self.process.returncode}:\n{self.logs()}")
        return False

    def stop(self, sig: signal.Signals = STOP_SIGNAL) -> int:
        """`sig` (SIGTERM by default), then wait for the exit (SIGKILL after
        STOP_TIMEOUT_SECONDS); the exit code."""
        self.session.close()
        self.signal(sig)
        return self.wait()


def url_host(host: str) -> str:
    """`host` as a URL writes it (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host else host


def serving_port(logs: str) -> int | None:
    """The port of the server's "Serving on http://HOST:PORT" line, if it wrote it yet."""
    found = SERVING.search(logs)
    return int(found[1]) if found else None


def answers(host: str, port: int) -> bool:
    """True when something answers HTTP on the port (any status)."""
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", "/orders/__ready__")
        conn.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        conn.close()


def _launch(
    command: tuple[str, ...],
    args: tuple[str, ...],
    port: int,
    log_path: Path,
    keys: dict[str, str],
    cwd: Path,
) -> Server:
    command = (*command, "--port", str(port), *args)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    host = args[args.index("--host") + 1] if "--host" in args else HOST
    server = Server(process, port, log_path, args, keys, host=host)

    def ready() -> bool:
        """Our own "Serving on" line first (a port taken by another process may answer too);
        it names the bound port, which `--port 0` learns from it."""
        reported = serving_port(server.logs())
        if reported is None:
            return False
        server.port = reported
        return answers(host, reported)

    if server.poll_until(ready):
        return server
    server.stop()
    raise ServerDidNotStart(f"no answer after {START_ATTEMPTS} polls:\n{server.logs()}")


def start_server(
    *args: str,
    log_dir: Path,
    keys: dict[str, str] | None = None,
    default_host: bool = False,
    command: tuple[str, ...] = PYTHON_M,
    port: int | None = None,
    cwd: Path = REPO_ROOT,
) -> Server:
    """Start `command --host 127.0.0.1 --port <free> *args` (`command`: `python -m mock_server`
    unless told otherwise, e.g. CLI_SERVE) in `cwd`, answering.

    `--host 127.0.0.1` is added unless `args` names a host or `default_host` asks for the
    server's own default. `keys` (tenant -> API key) is written to a file passed as `--api-keys`,
    so only those keys are accepted. A port taken between `free_port()` and the bind makes the
    server exit; then it is retried on another port (PORT_ATTEMPTS in all). `port=0` lets the
    server pick its port (`--port 0`), learnt from its "Serving on" line.
    """
    if "--host" not in args and not default_host:
        args = ("--host", HOST, *args)
    log_dir.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex[:8]
    log_path = log_dir / f"server-{name}.log"
    if keys:
        keys_file = log_dir / f"api-keys-{name}.json"
        keys_file.write_bytes(orjson.dumps({key: tenant for tenant, key in keys.items()}))
        args = (*args, "--api-keys", str(keys_file))
    error: ServerDidNotStart | None = None
    for _ in range(PORT_ATTEMPTS):
        try:
            chosen = free_port() if port is None else port
            return _launch(command, args, chosen, log_path, keys or {}, cwd)
        except ServerDidNotStart as exc:
            error = exc
    assert error is not None
    raise error


@contextlib.contextmanager
def running(
    *args: str,
    log_dir: Path,
    keys: dict[str, str] | None = None,
    command: tuple[str, ...] = PYTHON_M,
    port: int | None = None,
    cwd: Path = REPO_ROOT,
) -> Iterator[Server]:
    """A started server, stopped at the end of the block (if it still runs)."""
    server = start_server(*args, log_dir=log_dir, keys=keys, command=command, port=port, cwd=cwd)
    try:
        yield server
    finally:
        server.stop()


def help_text() -> str:
    """`python -m mock_server --help`."""
    return subprocess.run(
        [*PYTHON_M, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def supports_option(option: str) -> bool:
    """Whether `--help` lists `option` (some options are being built by other engineers)."""
    return option in help_text()
