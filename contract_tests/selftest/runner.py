"""Run a broken or fair sandbox, and a tier of the suite or plain Schemathesis against it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import as_file
from pathlib import Path
from typing import Any

from ..oracle.resources import public_spec
from ..plugin import RUN_FIRST_ENV
from ..plugin.server import Command
from ..plugin.settings import VERDICT_ONLY_ENV
from .variants import Variant

SUITE = Path(__file__).resolve().parent.parent
ROOT = SUITE.parent
CONTRACT_FAILURES = ("ContractViolation", "AssertionError", "FailureGroup")
"""What a failing test of the suite raises (a ConnectionError, say, is no verdict)."""


LOCATION = (
    "--merchant",
    "ACME_FASHION",
    "--location-id",
    "DXB-WH-01",
    "--location-code",
    "AF-DXB-01",
)
"""A location of the bundled fixtures' acme-demo tenant, for api seed mode (which cannot create
one)."""
ANY_CLIENT = ("--client-id", "selftest", "--client-secret", "selftest")
"""The suite's credentials for a sandbox that gives any client a token (its default), unless a
run names its own."""


def _names_credentials(args: Sequence[str], env: dict[str, str]) -> bool:
    """Whether a run names its own credentials, by option or environment variable."""
    return bool({"--client-id", "--token"} & set(args)) or bool(
        {"CONTRACT_CLIENT_ID", "CONTRACT_TOKEN"} & set(env)
    )


def serve_command(
    variant: Variant, *, fixtures: bool = False, clients: Path | None = None
) -> Command:
    """The command line of `variant`'s sandbox on a given port (`clients`: a `--clients`
    file, for a sandbox requiring tokens)."""

    def command(port: int) -> list[str]:
        extra = ["--fixtures"] if fixtures else []
        extra += ["--clients", str(clients)] if clients else []
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
    junit: str = ""

    @property
    def caught(self) -> bool:
        return self.returncode != 0 and bool(self.failed)

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def _contract_failures(junit_xml: Path) -> tuple[str, ...]:
    """Tests that failed on an assertion of the suite (a broken rule), not on an error."""
    found = []
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        failure = case.find("failure")
        text = "" if failure is None else (failure.get("message") or "") + (failure.text or "")
        if any(kind in text for kind in CONTRACT_FAILURES):
            found.append(str(case.get("name")))
    return tuple(found)


def run_suite(
    base_url: str,
    *args: str,
    tiers: str,
    max_examples: int,
    first_failure: bool,
    paths: tuple[Path, ...] = (SUITE,),
    verdict_only: bool = True,
    env: dict[str, str] | None = None,
    seed: int = 0,
) -> Verdict:
    """`pytest PATHS --base-url URL --tiers TIERS ARGS` in a child process (the whole suite by
    default), Hypothesis' seed `seed`; `verdict_only`: no shrinking, no example database."""
    with tempfile.TemporaryDirectory(prefix="contract-selftest-") as scratch:
        report = Path(scratch) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *map(str, paths),
            *args,
            "-q",
            "-p",
            "no:cacheprovider",
            "--assert=plain",  # a verdict needs no assertion rewriting (seconds of every run)
            "--base-url",
            base_url,
            "--tiers",
            tiers,
            "--max-examples",
            str(max_examples),
            "--hypothesis-seed",
            str(seed),
            f"--junitxml={report}",
            *(["-x"] if first_failure else []),
            *([] if _names_credentials(args, env or {}) else ANY_CLIENT),
        ]
        environ = {**os.environ, **(env or {})}
        if verdict_only:
            environ[VERDICT_ONLY_ENV] = "1"
        done = subprocess.run(
            command, cwd=ROOT, env=environ, capture_output=True, text=True, check=False
        )
        failed = _contract_failures(report) if report.exists() else ()
        junit = report.read_text(encoding="utf-8") if report.exists() else ""
    return Verdict(done.returncode, failed, done.stdout + done.stderr, junit)


def run_one(base_url: str, module: str, name: str, *args: str, **options: Any) -> Verdict:
    """The tests of `module` whose names hold `name` (`run_suite`'s options)."""
    return run_suite(base_url, "-k", name, *args, paths=(SUITE / module,), **options)


def run_behaviour_suite(
    base_url: str,
    *,
    max_examples: int,
    first_failure: bool,
    first: str = "",
    tiers: str = "documented,reading",
) -> Verdict:
    """The behaviour tests of `tiers` (Schemathesis cannot see a business rule: test_schema.py is
    left out), those of `first` before the others."""
    return run_suite(
        base_url,
        "-m",
        "behaviour",
        "--ignore",
        str(SUITE / "test_schema.py"),
        tiers=tiers,
        max_examples=max_examples,
        first_failure=first_failure,
        env={RUN_FIRST_ENV: first} if first else None,
    )


def run_fair_tiers(base_url: str, *, max_examples: int) -> Verdict:
    """Every test of the documented and reading tiers, Schemathesis' included, stopping at a
    failure: what a fair service must pass (a reading claim accepts each reading it names)."""
    return run_suite(
        base_url, tiers="documented,reading", max_examples=max_examples, first_failure=True
    )


def plain_schemathesis(
    spec: str, base_url: str, *, max_examples: int, headers: dict[str, str]
) -> list[str]:
    """The command line of plain `schemathesis run <spec>`: every check, every phase, both data
    modes, seed 0. Run in a folder with or without a `schemathesis.toml`, as the caller chooses."""
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        spec,
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


def run_schemathesis(base_url: str, *, max_examples: int, headers: dict[str, str]) -> Verdict:
    """Plain `schemathesis run openapi.yaml` in the checkout (with its schemathesis.toml). Its
    failures are the check names listed under FAILURES."""
    with as_file(public_spec()) as spec:
        command = plain_schemathesis(
            str(spec), base_url, max_examples=max_examples, headers=headers
        )
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    failures = done.stdout.partition("FAILURES")[2].partition("SUMMARY")[0]
    failed = tuple(
        sorted({line.strip() for line in failures.splitlines() if line.strip().startswith("- ")})
    )
    return Verdict(
        done.returncode, failed or (("FAILURES",) if failures else ()), done.stdout + done.stderr
    )
