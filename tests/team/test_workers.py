"""`serve --store redis://... --workers N`: N processes on one port, one sandbox. The contract
suite passes against two workers, and catches broken variants there as it does on one process;
the port is reported for `--port 0`; SIGTERM stops every worker; the options that cannot work
together are refused with a message."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.plugin.server import Command
from contract_tests.plugin.server import running as running_command
from contract_tests.selftest.runner import run_behaviour_suite
from mock_server.config import STORE_VARIABLE
from mock_server.run.cli import add_serve_options
from tests.launcher import PYTHON_M, REPO_ROOT, start_server, unique
from tests.redis_server import RedisServer, redis_server

SUITE_EXAMPLES = 10
VARIANTS = ("drops_fulfilled_items", "ignores_key", "closes_shopify_orders")
"""Broken variants of the selftest run on two workers (all twelve run on one process)."""


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


def children(pid: int) -> list[int]:
    return [int(part) for part in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_serve_one_port_and_stop_on_sigterm(redis: RedisServer, tmp_path: Path) -> None:
    redis.flush()
    server = start_server("--store", redis.url, "--workers", "2", log_dir=tmp_path, port=0)
    try:
        assert "(granian, 1 thread, 2 workers)" in server.logs()
        workers = children(server.process.pid)
        assert len(workers) == 2
        order_id = unique("WORKERS")
        seeded = server.admin(
            "POST",
            "orders",
            json={
                "order_id": order_id,
                "status": "open",
                "line_items": [],
                "fulfillment_orders": [],
            },
            headers={"tenant-id": "acme-demo"},
        )
        assert seeded.status_code == 201
        for _ in range(10):  # new connections each time: the kernel spreads them over both
            assert server.raw("GET", f"/orders/{order_id}", headers=server.headers()).status == 200
    finally:
        assert server.stop() == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)


def variant_command(variant: str, store: str) -> Command:
    def command(port: int) -> list[str]:
        module = "tests.team.serve_variant"
        return [sys.executable, "-m", module, variant, "--port", str(port), "--store", store]

    return command


def test_the_contract_suite_passes_against_two_workers(redis: RedisServer) -> None:
    redis.flush()
    with running_command(variant_command("baseline", redis.url), timeout=120) as sandbox:
        verdict = run_behaviour_suite(sandbox.url, max_examples=SUITE_EXAMPLES, first_failure=False)
    assert verdict.returncode == 0, verdict.output[-3000:]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_suite_catches_a_broken_variant_on_two_workers(
    redis: RedisServer, variant: str
) -> None:
    redis.flush()
    with running_command(variant_command(variant, redis.url), timeout=120) as sandbox:
        verdict = run_behaviour_suite(sandbox.url, max_examples=SUITE_EXAMPLES, first_failure=True)
    assert verdict.caught, verdict.output[-3000:]


def serve_refusal(*args: str) -> str:
    """The error output of `serve --port 0 *args`, which must exit 1 at once."""
    done = subprocess.run(
        [*PYTHON_M, "--port", "0", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    return done.stderr


def test_options_that_cannot_work_together_are_refused(redis: RedisServer, tmp_path: Path) -> None:
    assert "needs a store shared between processes" in serve_refusal("--workers", "2")
    assert "not --server waitress" in serve_refusal(
        "--workers", "2", "--server", "waitress", "--store", redis.url
    )
    assert "the state is kept by Redis" in serve_refusal(
        "--store", redis.url, "--state-file", str(tmp_path / "state.json")
    )


def test_the_store_defaults_to_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STORE_VARIABLE, "redis://127.0.0.1:6399/3")
    parser = argparse.ArgumentParser()
    add_serve_options(parser)
    assert parser.parse_args([]).store == "redis://127.0.0.1:6399/3"
    monkeypatch.delenv(STORE_VARIABLE)
    parser = argparse.ArgumentParser()
    add_serve_options(parser)
    assert parser.parse_args([]).store is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--store", "localhost:6379"])
