"""The command-line tool (docs/running.md, "Command line"): `carriyo-sandbox serve`,
`carriyo-sandbox contract` and `python -m mock_server`, run as the user runs them."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mock_server.config import Client
from mock_server.run.cli import add_serve_options, config_from_args
from mock_server.run.contract_runner import failure_table, outcomes
from tests.launcher import CLI_SERVE, PYTHON_M, running

CLI = str(Path(sys.executable).parent / "carriyo-sandbox")


def run(*command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ((CLI, "--help"), ["serve", "contract", "proxy", "replay"]),
        (
            (CLI, "serve", "--help"),
            [
                "--port",
                "--fixtures",
                "--state-file",
                "--webhook-url",
                "--journal-size",
                "--validator",
                "--clients",
                "--token-ttl",
            ],
        ),
        ((CLI, "contract", "--help"), ["--base-url", "--seed-mode", "--junitxml", "pytest"]),
        (
            (CLI, "proxy", "--help"),
            ["--upstream", "--record", "--report", "--observe-before", "--strict", "--tiers"],
        ),
        ((CLI, "replay", "--help"), ["FILE.har", "--against", "--report"]),
        ((*PYTHON_M, "--help"), ["--state-file", "--webhook-url"]),
    ],
    ids=["carriyo-sandbox", "serve", "contract", "proxy", "replay", "python-m"],
)
def test_help(command: tuple[str, ...], expected: list[str]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stderr
    for word in expected:
        assert word in result.stdout


def test_serve_rejects_unknown_options() -> None:
    result = run(CLI, "serve", "--colour", "red")
    assert result.returncode == 2
    assert "unrecognized arguments: --colour red" in result.stderr


def serve_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_serve_options(parser)
    return parser.parse_args(argv)


def test_clients_and_token_ttl_reach_the_config(tmp_path: Path) -> None:
    clients = tmp_path / "clients.json"
    clients.write_text('{"ci": {"client_secret": "s", "api_key": "k", "tenants": ["t"]}}')
    config = config_from_args(serve_args("--clients", str(clients), "--token-ttl", "60"))
    assert config.clients == {"ci": Client("s", "k", ("t",))}
    assert (config.token_ttl, config.api_keys) == (60, None)
    assert config_from_args(serve_args()).token_ttl == 86400


@pytest.mark.parametrize(
    ("content", "problem"),
    [("{", "Expecting property name"), ('{"ci": {"client_secret": "s"}}', "exactly the fields")],
    ids=["not-json", "not-a-client"],
)
def test_a_bad_clients_file_stops_the_start(tmp_path: Path, content: str, problem: str) -> None:
    clients = tmp_path / "clients.json"
    clients.write_text(content)
    with pytest.raises(SystemExit, match=problem) as stopped:
        config_from_args(serve_args("--clients", str(clients)))
    assert str(clients) in str(stopped.value)


@pytest.mark.parametrize(
    "argv",
    [("--api-keys", "a.json", "--clients", "c.json"), ("--token-ttl", "0"), ("--token-ttl", "x")],
    ids=["api-keys-and-clients", "zero-ttl", "ttl-not-a-number"],
)
def test_serve_refuses_conflicting_or_bad_auth_options(argv: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as stopped:
        serve_args(*argv)
    assert stopped.value.code == 2


def test_serve_runs_with_its_options_and_stops_on_sigint(tmp_path: Path) -> None:
    hook = "http://127.0.0.1:9/hook"
    with running(
        "--journal-size", "1", "--webhook-url", hook, log_dir=tmp_path, command=CLI_SERVE
    ) as served:
        assert requests.get(
            f"{served.base_url}/orders/ORD-1001", headers=served.headers(), timeout=30
        ).ok
        assert requests.get(
            f"{served.base_url}/orders/ORD-1002", headers=served.headers(), timeout=30
        ).ok
        admin = f"{served.base_url}/__admin"
        journal = requests.get(f"{admin}/requests", timeout=30).json()["requests"]
        assert [entry["path"] for entry in journal] == ["/orders/ORD-1002"]
        hooks = requests.get(f"{admin}/webhooks/configurations", timeout=30).json()
        urls = [c["endpoint_url"] for c in hooks["configurations"]]
        assert urls == [hook, hook]  # one per fixtures tenant
        assert served.stop(signal.SIGINT) == 0


SUITE = """
import pytest


def test_the_options_reach_the_suite(request: pytest.FixtureRequest) -> None:
    assert request.config.getoption("contract_base_url") == "http://127.0.0.1:9"
    assert request.config.getoption("contract_seed_mode") == "api"


def test_a_rule_that_holds() -> None:
    assert True


def test_a_rule_that_breaks() -> None:
    raise AssertionError("update-location: FO location_id not resolved\\nsecond line")
"""


def test_contract_runs_the_suite_and_tabulates_failures(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_rules.py").write_text(SUITE)
    report = tmp_path / "report.xml"
    result = run(
        CLI,
        "contract",
        "--base-url",
        "http://127.0.0.1:9",
        "--seed-mode",
        "api",
        "--suite",
        str(suite),
        "--junitxml",
        str(report),
        "-p",
        "no:cacheprovider",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout  # pytest's own progress and summary
    table = result.stdout[result.stdout.index("Contract suite: 3 tests: 2 passed, 1 failed") :]
    assert "test_rules::test_a_rule_that_breaks" in table
    assert "update-location: FO location_id not resolved" in table
    assert "second line" not in table
    assert report.exists()


def test_contract_passes_pytest_arguments_through(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_rules.py").write_text(SUITE)
    result = run(
        CLI,
        "contract",
        "--base-url",
        "http://127.0.0.1:9",
        "--suite",
        str(suite),
        "-k",
        "holds",
        "-p",
        "no:cacheprovider",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contract suite: 1 tests: 1 passed, 0 failed" in result.stdout


def test_contract_names_a_missing_suite() -> None:
    result = run(CLI, "contract", "--base-url", "http://127.0.0.1:9", "--suite", "no_such_suite")
    assert result.returncode != 0
    assert "no_such_suite" in result.stderr


def test_failure_table_from_a_junit_report(tmp_path: Path) -> None:
    """Skipped tests and known failures are counted apart, never as passed."""
    report = tmp_path / "r.xml"
    report.write_text(
        """<testsuites><testsuite>
        <testcase classname="contract_tests.test_a" name="test_ok"/>
        <testcase classname="contract_tests.test_a" name="test_bad[x]">
          <failure message="AssertionError: 400 expected&#10;more">trace</failure></testcase>
        <testcase classname="contract_tests.test_b" name="test_setup">
          <error message="fixture failed">trace</error></testcase>
        <testcase classname="contract_tests.test_c" name="test_remote">
          <skipped type="pytest.skip" message="api seed mode">why</skipped></testcase>
        <testcase classname="contract_tests.test_c" name="test_known">
          <skipped type="pytest.xfail" message="known (baseline): #12">why</skipped></testcase>
        </testsuite></testsuites>"""
    )
    found = outcomes(report)
    assert (found.total, found.passed, found.skipped, found.known) == (5, 1, 1, 1)
    assert found.failed == [
        ("contract_tests.test_a::test_bad[x]", "AssertionError: 400 expected"),
        ("contract_tests.test_b::test_setup", "fixture failed"),
    ]
    lines = failure_table(found).splitlines()
    assert lines[0] == "Contract suite: 5 tests: 1 passed, 2 failed, 1 skipped, 1 known (baseline)"
    assert lines[1].split() == ["TEST", "FAILURE"]
    assert lines[3].split(maxsplit=1) == [
        "contract_tests.test_a::test_bad[x]",
        "AssertionError: 400 expected",
    ]
