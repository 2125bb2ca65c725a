"""Prism's validation proxy (Stoplight's `prism proxy --errors`, installed with `make lint`'s npm
tools) in front of the sandbox: the examples the docs print, sent through it as printed, break
nothing of `openapi.yaml`, neither its requests (security included: a bearer token, `x-api-key`
and `tenant-id`) nor the sandbox's answers."""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mock_server.run.testing import RunningSandbox
from tests.doc_examples import (
    FIRST_REQUESTS,
    GETTING_STARTED,
    README,
    SANDBOX_ON_A_LAPTOP,
    runnable,
    shell_block,
)
from tests.launcher import HOST, REPO_ROOT, answers, free_port, wait_until

PRISM = REPO_ROOT / ".lint-tools" / "node_modules" / ".bin" / "prism"
START_ATTEMPTS = 3000  # 30 s: Prism compiles the spec before it listens
STOP_TIMEOUT = 10
EXAMPLES = {
    "readme": (README, SANDBOX_ON_A_LAPTOP),
    "getting-started": (GETTING_STARTED, FIRST_REQUESTS),
}


@dataclass(frozen=True)
class Prism:
    port: int
    log: Path

    def violations(self) -> list[str]:
        """What Prism logged as breaking the spec (requests and answers alike)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if "Violation" in line or "✖" in line]


@pytest.fixture(scope="module")
def prism(
    sandbox: RunningSandbox, spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    """`prism proxy openapi.yaml <sandbox> --errors` on a free port: a request or an answer that
    breaks the spec is answered with Prism's own error (4xx/5xx) instead of the sandbox's."""
    if not PRISM.exists():
        pytest.fail(f"{PRISM} is missing: `make lint` installs it (the npm tools)")
    port = free_port()
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    command = [str(PRISM), "proxy", str(spec_path), sandbox.base_url, "--errors"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = wait_until(
            lambda: process.poll() is not None or answers(HOST, port), START_ATTEMPTS
        )
        assert started and process.poll() is None, log_path.read_text(errors="replace")
        yield Prism(port, log_path)
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


def test_prism_refuses_a_request_without_the_token(prism: Prism, sandbox: RunningSandbox) -> None:
    """What makes the next test mean something: Prism checks the spec's security (and says so
    in its log)."""
    headers = {name: value for name, value in sandbox.headers.items() if name != "Authorization"}
    conn = http.client.HTTPConnection(HOST, prism.port, timeout=30)
    try:
        conn.request("GET", "/orders/ORD-1001", headers=headers)
        assert conn.getresponse().status == 401
    finally:
        conn.close()
    logged = wait_until(lambda: any("UNAUTHORIZED" in line for line in prism.violations()))
    assert logged, prism.log.read_text(errors="replace")[-2000:]  # Prism writes its log later


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_printed_examples_pass_prisms_validation(prism: Prism, example: str) -> None:
    page, heading = EXAMPLES[example]
    before = len(prism.violations())
    block = shell_block(page, heading)
    assert "oauth/token" in block and block.count("curl -s ") >= 2
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", runnable(block, prism.port)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert prism.violations()[before:] == []
