"""Run a broken sandbox, and the behaviour suite or plain Schemathesis against it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..server import Command
from ..settings import VERDICT_ONLY_ENV
from .variants import Variant

SUITE = Path(__file__).resolve().parent.parent
ROOT = SUITE.parent
CONTRACT_FAILURES = ("ContractViolation", "AssertionError")
"""What a failing test of the suite raises (a ConnectionError, say, is no verdict)."""


def serve_command(variant: Variant, *, fixtures: bool = False) -> Command:
    """The command line of `variant`'s sandbox on a given port."""

    def command(port: int) -> list[str]:
        extra = ["--fixtures"] if fixtures else []
        return [
            sys.executable,
            "-m",
            "contract_tests.selftest.serve",
            variant.name,
            "--port",
            str(port),
            *extra,
        ]

    return command


@dataclass(frozen=True)
class Verdict:
    """A tool's run against one sandbox: the tests (or checks) that failed, and its output."""

    returncode: int
    failed: tuple[str, ...]
    output: str

    @property
    def caught(self) -> bool:
        return self.returncode != 0 and bool(self.failed)


def _contract_failures(junit_xml: Path) -> tuple[str, ...]:
    """Tests that failed on an assertion of the suite (a broken rule), not on an error."""
    found = []
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        failure = case.find("failure")
        text = "" if failure is None else (failure.get("message") or "") + (failure.text or "")
        if any(kind in text for kind in CONTRACT_FAILURES):
            found.append(str(case.get("name")))
    return tuple(found)


def run_behaviour_suite(base_url: str, *, max_examples: int, first_failure: bool) -> Verdict:
    """`pytest contract_tests -m behaviour --base-url URL` in a child process."""
    with tempfile.TemporaryDirectory(prefix="contract-selftest-") as scratch:
        report = Path(scratch) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE),
            "-m",
            "behaviour",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ignore",
            str(SUITE / "selftest"),
            "--ignore",
            str(SUITE / "test_schema.py"),
            "--base-url",
            base_url,
            "--max-examples",
            str(max_examples),
            "--hypothesis-seed",
            "0",
            f"--junitxml={report}",
            *(["-x"] if first_failure else []),
        ]
        env = {**os.environ, VERDICT_ONLY_ENV: "1"}
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        failed = _contract_failures(report) if report.exists() else ()
    return Verdict(done.returncode, failed, done.stdout + done.stderr)


def run_schemathesis(base_url: str, *, max_examples: int, headers: dict[str, str]) -> Verdict:
    """Plain `schemathesis run openapi.yaml`: every check, every phase, both data modes. Its
    failures are the check names listed under FAILURES."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = [
        str(schemathesis),
        "run",
        str(ROOT / "openapi.yaml"),
        "--url",
        base_url,
        *(part for name, value in headers.items() for part in ("-H", f"{name}: {value}")),
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(max_examples),
        "--seed",
        "0",
        "--no-color",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    failures = done.stdout.partition("FAILURES")[2].partition("SUMMARY")[0]
    failed = tuple(
        sorted({line.strip() for line in failures.splitlines() if line.strip().startswith("- ")})
    )
    return Verdict(
        done.returncode, failed or (("FAILURES",) if failures else ()), done.stdout + done.stderr
    )
