"""`carriyo-sandbox contract`: run the contract suite with pytest, then say what it found.

pytest runs in a child process with the suite's plugin (`contract_tests.plugin`, which defines
`--base-url` and the other options) and shows its own progress. The closing summary counts the
tests as pytest's JUnit XML report (a temporary file unless `--junitxml` names one) has them,
passed, failed, skipped and known (a failure the baseline excuses) apart, lists each failed test
with the first line of its failure, and ends with the suite report's line per tier (the report
goes to a temporary directory unless `--report` names one). Secrets reach pytest through its
environment, never its command line. The exit code is pytest's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
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
REPORT_OPTION = "contract-report"
SUITE_TOOLS = ("pytest", "xdist", "hypothesis", "schemathesis", "requests")
"""What the suite runs on: the `[contract]` extra, not installed with the sandbox alone."""


def suite_location(suite: str) -> str:
    """A directory or file as given, else the directory of the installed package `suite`
    (a path, rather than `--pyargs`, so that pytest loads the suite's conftest options)."""
    if Path(suite).exists():
        return suite
    found = importlib.util.find_spec(suite)
    if found is None or not found.submodule_search_locations:
        raise SystemExit(f"contract suite {suite!r}: no such directory or installed package")
    return next(iter(found.submodule_search_locations))


@dataclass
class Outcomes:
    """The tests of a JUnit XML report by outcome, and each failed one with its first line."""

    total: int = 0
    passed: int = 0
    skipped: int = 0
    known: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def outcomes(junit_xml: Path) -> Outcomes:
    found = Outcomes()
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        found.total += 1
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        skipped = case.find("skipped")
        if problem is not None:
            text = (problem.get("message") or problem.text or problem.tag).strip()
            name = "::".join(part for part in (case.get("classname"), case.get("name")) if part)
            found.failed.append((name, text.splitlines()[0] if text else problem.tag))
        elif skipped is not None and skipped.get("type") == "pytest.xfail":
            found.known += 1
        elif skipped is not None:
            found.skipped += 1
        else:
            found.passed += 1
    return found


def failure_table(found: Outcomes) -> str:
    """The closing summary: the count of each outcome, then a table of the failed tests."""
    counts = [f"{found.passed} passed", f"{len(found.failed)} failed"]
    counts += [f"{found.skipped} skipped"] * bool(found.skipped)
    counts += [f"{found.known} known (baseline)"] * bool(found.known)
    lines = [f"Contract suite: {found.total} tests: {', '.join(counts)}"]
    if found.failed:
        width = max(len("TEST"), *(len(name) for name, _ in found.failed))
        lines += [f"{'TEST':<{width}}  FAILURE", f"{'-' * width}  {'-' * len('FAILURE')}"]
        for name, message in found.failed:
            cut = message if len(message) <= MESSAGE_WIDTH else message[: MESSAGE_WIDTH - 1] + "…"
            lines.append(f"{name:<{width}}  {cut}")
    return "\n".join(lines)


def tier_line(report_dir: Path) -> str:
    """The suite report's summary line ("" when the run wrote no report)."""
    path = report_dir / "report.json"
    return str(json.loads(path.read_text(encoding="utf-8"))["summary"]) if path.exists() else ""


def require_suite_tools() -> None:
    """Stop with one line naming the extra to install when the suite's tools are missing."""
    missing = [name for name in SUITE_TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        raise SystemExit(
            f"carriyo-sandbox contract needs the test tools of the contract suite "
            f"({', '.join(missing)} not installed): pip install 'carriyo-sandbox[contract]'"
        )


def run_contract_suite(
    suite: str, options: dict[str, str], pytest_args: list[str], junit_xml: Path | None
) -> int:
    """Run pytest on the suite with `--name value` for each option; print the summary."""
    require_suite_tools()
    with tempfile.TemporaryDirectory(prefix="carriyo-contract-") as scratch:
        report = junit_xml or Path(scratch) / "contract.xml"
        report_dir = Path(options.setdefault(REPORT_OPTION, str(Path(scratch) / "report")))
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
            print("\n" + failure_table(outcomes(report)), flush=True)
        line = tier_line(report_dir)
        if line:
            print(line, flush=True)
    return code
