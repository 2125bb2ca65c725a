"""The servers under test and the tools the bench needs (wrk, Prism), installed when missing.

Each server (the sandbox and the bare-Flask ceiling, each on granian and on waitress, Prism, and
`carriyo-sandbox proxy` in front of a sandbox) runs on a free loopback port in its own process
group, so that stopping it stops whatever it spawned, and is stopped however the run ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from workload import BENCH_DIR, HEADERS, NO_TOKEN, ROOT, TOKEN_REQUEST

PRISM_DIR = BENCH_DIR / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"

HTTP_SERVERS = ("granian", "waitress")
"""The sandbox's HTTP servers (mock_server/server.py): the default first."""
OURS = {server: f"ours-{server}" for server in HTTP_SERVERS}
CEILING = {server: f"ceiling-{server}" for server in HTTP_SERVERS}
SERVERS = (*OURS.values(), "prism", *CEILING.values())
PROXY = "proxy"
SERVER_TITLES = {
    **{name: f"sandbox on {server} (validation on)" for server, name in OURS.items()},
    "prism": "Prism (openapi.yaml)",
    **{name: f"bare Flask on {server} (ceiling)" for server, name in CEILING.items()},
}


def ensure_wrk() -> str:
    """wrk's path; installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: installing wrk (apt-get)", flush=True)
    apt = ["sudo"] if os.geteuid() != 0 and shutil.which("sudo") else []
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*apt, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*apt, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is still missing after apt-get install")
    return found


def ensure_prism() -> Path | None:
    """Prism's CLI in bench/.prism/ (npm), or None when npm cannot provide it."""
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        print("bench: npm not found, Prism is skipped", flush=True)
        return None
    print("bench: installing @stoplight/prism-cli into bench/.prism/ (npm)", flush=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(PRISM_DIR),
            "@stoplight/prism-cli",
        ],
        check=False,
    )
    if done.returncode != 0 or not PRISM_BIN.exists():
        print("bench: npm install of Prism failed, Prism is skipped", flush=True)
        return None
    return PRISM_BIN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    timeout: float = 5.0,
    authorization: str = NO_TOKEN,
) -> int:
    """The status of one request (0 when nothing answers)."""
    return exchange(method, url, body, timeout, authorization)[0]


def exchange(
    method: str,
    url: str,
    body: bytes | None = None,
    timeout: float = 5.0,
    authorization: str = NO_TOKEN,
) -> tuple[int, bytes]:
    """The status and body of one request (0 and nothing when nothing answers)."""
    headers = {**HEADERS, "Authorization": authorization, "Content-Type": "application/json"}
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (OSError, TimeoutError):
        return 0, b""


class Server:
    """A server process this script started (own process group), stopped on exit."""

    def __init__(self, name: str, argv: list[str], port: int, log_dir: Path) -> None:
        self.name, self.argv, self.port = name, argv, port
        self.log = log_dir / f"{name}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.authorization = NO_TOKEN
        """What its requests carry: the token it gave at `POST /oauth/token`, if it gives one."""

    def take_token(self, timeout: float = 2.0) -> None:
        """Ask for a token as an integration would; a server that gives none keeps NO_TOKEN."""
        status, body = exchange("POST", self.base + "/oauth/token", TOKEN_REQUEST, timeout)
        if status == 200:
            self.authorization = f"Bearer {json.loads(body)['access_token']}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.started = time.perf_counter()
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
            )
        return self

    def wait_ready(self, path: str, timeout: float) -> float:
        """Seconds from start until GET `path` answers 200."""
        assert self.proc is not None
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            status = http("GET", self.base + path, timeout=2.0, authorization=self.authorization)
            if status == 401:
                self.take_token()
            elif status == 200:
                return time.perf_counter() - self.started
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")

    def rss_mb(self) -> float:
        """VmRSS of the server process (MB)."""
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text(encoding="ascii")
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else 0.0

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def running(server: Server, ready_path: str, timeout: float) -> Iterator[tuple[Server, float]]:
    server.start()
    try:
        yield server, server.wait_ready(ready_path, timeout)
    finally:
        server.stop()


def sandbox(fixtures: Path, server: str, log_dir: Path, max_body: int = 0) -> Server:
    """The sandbox (`python -m mock_server`) on `server`, with that server's default threads."""
    port = free_port()
    extra = ["--max-body-bytes", str(max_body)] if max_body else []
    argv = [
        sys.executable,
        "-m",
        "mock_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--fixtures",
        str(fixtures),
        "--server",
        server,
        "--quiet",  # the figures are the API's, as before the console access log existed
        *extra,
    ]
    return Server(OURS[server], argv, port, log_dir)


def prism(binary: Path, log_dir: Path) -> Server:
    port = free_port()
    argv = [str(binary), "mock", str(ROOT / "openapi.yaml"), "-h", "127.0.0.1", "-p", str(port)]
    return Server("prism", argv, port, log_dir)


def ceiling(order_file: Path, server: str, log_dir: Path) -> Server:
    """The bare-Flask ceiling on `server`, with the sandbox's default threads on that server."""
    port = free_port()
    argv = [
        sys.executable,
        str(BENCH_DIR / "ceiling_app.py"),
        "--order",
        str(order_file),
        "--port",
        str(port),
        "--server",
        server,
    ]
    return Server(CEILING[server], argv, port, log_dir)


def proxy(upstream: str, log_dir: Path) -> Server:
    """`carriyo-sandbox proxy` in front of `upstream`, judging every exchange (no recording)."""
    port = free_port()
    argv = [
        str(Path(sys.executable).parent / "carriyo-sandbox"),
        "proxy",
        "--upstream",
        upstream,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--quiet",
    ]
    return Server(PROXY, argv, port, log_dir)
