"""Schemathesis (CLI) against a running sandbox: every operation, positive and negative data.

The repository's `schemathesis.toml` is used as it is, plus dictionaries that make half of the
generated path parameters real fixture ids, so the fulfillment-order operations get past 404 to
their rules. Failures and errors are counted from the JUnit report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from tests.launcher import ACME, REPO_ROOT, Server

FULL_EXAMPLES = 500
QUICK_EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "25"))
PHASES = "coverage,fuzzing"
TIMEOUT_SECONDS = 1800
TOOL_RACE = "AST constructor recursion depth mismatch"
"""With several workers, Hypothesis (describing a lambda) sometimes trips over CPython 3.11's
`ast` module used from two threads: a Runtime Error of the tool, not a finding about the server."""
DICTIONARIES = """
[dictionaries.orders]
values = ["ORD-1001", "ORD-1003", "ORD-1004", "ORD-1009", "ORD-1011", "GLX-5001"]

[dictionaries.fulfillment-orders]
values = ["FO-1001-A", "FO-1003-A", "FO-1004-A", "FO-1004-B", "FO-1009-A", "FO-1009-B"]

[parameters]
"path.orderReference" = { dictionary = "orders", probability = 0.5 }
"path.fulfillmentOrderId" = { dictionary = "fulfillment-orders", probability = 0.5 }
"""


@dataclass
class FuzzFigures:
    """One Schemathesis run: its size, outcome and duration."""

    examples: int
    workers: int
    seconds: float
    exit_code: int
    generated: int
    failures: int
    errors: int
    tool_errors: int
    output: str

    @property
    def ok(self) -> bool:
        """No check failed and every error (if any) is the tool's own thread race."""
        return self.generated > 0 and not self.failures and self.errors == self.tool_errors


def _executable() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    return found or "schemathesis"


def _junit_counts(path: Path) -> tuple[int, int, int]:
    """(failures, errors, tool errors) of a JUnit report (zeros when there is none)."""
    if not path.exists():
        return 0, 0, 0
    cases = list(ElementTree.parse(path).getroot().iter("testcase"))
    errors = [error for case in cases for error in case.iter("error")]
    return (
        sum(1 for case in cases if case.find("failure") is not None),
        len(errors),
        sum(1 for error in errors if TOOL_RACE in ElementTree.tostring(error, encoding="unicode")),
    )


def run_schemathesis(server: Server, work_dir: Path, examples: int, workers: int) -> FuzzFigures:
    """`schemathesis run openapi.yaml --mode all --phases coverage,fuzzing` against `server`."""
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "schemathesis.toml"
    config.write_text(
        (REPO_ROOT / "schemathesis.toml").read_text(encoding="utf-8") + DICTIONARIES,
        encoding="utf-8",
    )
    junit = work_dir / "junit.xml"
    headers = server.headers(ACME)
    command = [
        _executable(),
        "--config-file",
        str(config),
        "run",
        str(REPO_ROOT / "openapi.yaml"),
        "--url",
        server.base_url,
        "-H",
        f"x-api-key: {headers['x-api-key']}",
        "-H",
        f"tenant-id: {headers['tenant-id']}",
        "--mode",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        str(examples),
        "--workers",
        str(workers),
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
    ]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=work_dir,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    return FuzzFigures(
        examples,
        workers,
        seconds,
        done.returncode,
        _count(r"(\d+) generated", output),
        *_junit_counts(junit),
        output,
    )


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0
