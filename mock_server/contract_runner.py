"""`carriyo-sandbox contract`: run the contract suite with pytest, then list what failed.

pytest runs in a child process with the suite's plugin (`contract_tests.plugin`, which defines
`--base-url` and the other options) and shows its own progress; its JUnit XML report (a temporary
file unless `--junitxml` names one) gives the closing table: each failed test and the first line
of its failure message. The exit code is pytest's.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

MESSAGE_WIDTH = 110
SUITE_PLUGIN = "contract_tests.plugin"
SECRET_OPTIONS = {
    "api-key": "CONTRACT_API_KEY",
    "client-secret": "CONTRACT_CLIENT_SECRET",
    "token": "CONTRACT_TOKEN",
}
"""Options handed to pytest through its environment, never on its command line (visible in the
process list)."""


def suite_location(suite: str) -> str:
    """A directory or file as given, else the directory of the installed package `suite`
    (a path, rather than `--pyargs`, so that pytest loads the suite's conftest options)."""
    if Path(suite).exists():
        return suite
    found = importlib.util.find_spec(suite)
    if found is None or not found.submodule_search_locations:
        raise SystemExit(f"contract suite {suite!r}: no such directory or installed package")
    return next(iter(found.submodule_search_locations))


def failures(junit_xml: Path) -> tuple[int, list[tuple[str, str]]]:
    """(tests run, [(test, first line of its failure or error)]) from a JUnit XML report."""
    root = ET.parse(junit_xml).getroot()
    cases = list(root.iter("testcase"))
    failed = []
    for case in cases:
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        text = problem.get("message") or problem.text or problem.tag
        name = "::".join(part for part in (case.get("classname"), case.get("name")) if part)
        failed.append((name, text.strip().splitlines()[0] if text.strip() else problem.tag))
    return len(cases), failed


def failure_table(total: int, failed: list[tuple[str, str]]) -> str:
    """The closing summary: a two-column table of failed tests, or one line when none failed."""
    if not failed:
        return f"Contract suite: all {total} tests passed."
    width = max(len("TEST"), *(len(name) for name, _ in failed))
    lines = [
        f"Contract suite: {len(failed)} of {total} tests failed",
        f"{'TEST':<{width}}  FAILURE",
        f"{'-' * width}  {'-' * len('FAILURE')}",
    ]
    for name, message in failed:
        cut = message if len(message) <= MESSAGE_WIDTH else message[: MESSAGE_WIDTH - 1] + "…"
        lines.append(f"{name:<{width}}  {cut}")
    return "\n".join(lines)


def run_contract_suite(
    suite: str, options: dict[str, str], pytest_args: list[str], junit_xml: Path | None
) -> int:
    """Run pytest on the suite with `--name value` for each option; print the failure table."""
    with tempfile.TemporaryDirectory(prefix="carriyo-contract-") as scratch:
        report = junit_xml or Path(scratch) / "contract.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            suite_location(suite),
            "-p",
            SUITE_PLUGIN,
            f"--junitxml={report}",
        ]
        env = dict(os.environ)
        for name, value in options.items():
            if name in SECRET_OPTIONS:
                env[SECRET_OPTIONS[name]] = value
            else:
                command += [f"--{name}", value]
        code = subprocess.call([*command, *pytest_args], env=env)
        if report.exists():
            print("\n" + failure_table(*failures(report)), flush=True)
    return code
