"""Rerun the reliability figures and print them as Markdown (docs/reliability.md's come from here).

    python -m tests.reliability.report                 # everything, Schemathesis at 500 examples
    python -m tests.reliability.report --examples 25   # a quicker Schemathesis run
    python -m tests.reliability.report --write         # also write tests/reliability/RESULTS.md

Each part starts its own sandbox (`python -m mock_server` on a free loopback port), as the tests
do, and runs the same code as the tests: `storms.py`, `cases.py`, `fuzz.py`, `upstream_faults.py`
(the proxy in front of a scripted upstream); the other checks (tenancy, admin surface, crash
safety) are their pytest modules, counted from a JUnit report.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tests.launcher import CLI_PROXY, REPO_ROOT, Server, running, secret
from tests.reliability.cases import ATOMICITY_CASES, HOSTILE_CASES, Refused, check_refusal
from tests.reliability.client_faults import (
    BODY_TIMEOUT,
    SLOW_CLIENTS,
    STALLS,
    TOO_MANY,
    create_largest,
    get_while_headers_stall,
    get_while_too_many,
    send_too_many,
    while_a_body_stalls,
)
from tests.reliability.fuzz import FULL_EXAMPLES, FuzzFigures, run_schemathesis
from tests.reliability.storms import (
    BLIND_REQUESTS,
    REQUESTS_PER_THREAD,
    THREADS,
    StormFigures,
    blind_storm,
    rmw_storm,
)
from tests.reliability.upstream_faults import FAULTS, UPSTREAM_TIMEOUT, run

RESULTS = Path(__file__).with_name("RESULTS.md")
CHECK_MODULES = (
    "test_body_limits.py",
    "test_tenancy.py",
    "test_admin_surface.py",
    "test_crash_safety.py",
    "test_store_race.py",
)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def storm_table(storms: Sequence[StormFigures]) -> str:
    return table(
        (
            "Run",
            "Update requests sent",
            "Reads sent",
            "200",
            "409",
            "5xx",
            "Other than 200/409",
            "Changes answered 200",
            "Lost updates: missing at the end",
            "Lost updates: undone by a later version",
            "Phantom writes",
            "Final orders valid (Order schema)",
            "Seconds",
        ),
        (
            (
                s.name,
                f"{s.update_requests:,}",
                f"{s.read_requests:,}",
                f"{s.updates[200]:,}",
                f"{s.updates[409]:,}",
                s.server_errors,
                s.unexpected,
                f"{s.acknowledged:,}",
                s.lost,
                s.undone,
                s.phantom,
                f"{s.orders - len(s.invalid_orders)}/{s.orders}",
                f"{s.seconds:.1f}",
            )
            for s in storms
        ),
    )


def refusal_row(title: str, server: Server, cases: Sequence[Refused]) -> tuple[object, ...]:
    """Run `cases`; a row: how many, how many failed and which, seconds."""
    started = time.perf_counter()
    failed = [case.name for case in cases if check_refusal(server, case)]
    return (
        title,
        len(cases),
        len(cases) - len(failed),
        len(failed),
        "; ".join(failed) or "-",
        f"{time.perf_counter() - started:.1f}",
    )


def fuzz_table(runs: Sequence[FuzzFigures]) -> str:
    return table(
        (
            "Max examples per operation",
            "Workers",
            "Test cases generated",
            "Failures",
            "Errors (of which the tool's thread race)",
            "Exit code",
            "Seconds",
        ),
        (
            (
                f.examples,
                f.workers,
                f"{f.generated:,}",
                f.failures,
                f"{f.errors} ({f.tool_errors})",
                f.exit_code,
                f"{f.seconds:.0f}",
            )
            for f in runs
        ),
    )


def upstream_fault_table() -> str:
    """Each faulty upstream behind the proxy: what the client got, when, and how often the
    upstream received the request."""
    rows = []
    for fault in FAULTS:
        outcome = run(fault)
        rows.append(
            (
                fault.name,
                ", then ".join(" ".join(call) for call in fault.calls),
                f"{outcome.status} {outcome.code}",
                f"{outcome.seconds:.2f}",
                outcome.received,
                "; ".join(outcome.problems(fault)) or "-",
            )
        )
    return table(
        (
            "Upstream",
            "Requests (the last one measured)",
            "Answer",
            "Seconds",
            "Times the upstream received it",
            "Problems",
        ),
        rows,
    )


def client_fault_table(work_dir: Path) -> str:
    """Clients that used to hold a server up, on each HTTP server: what the others got."""
    rows = []
    for name in ("granian", "waitress"):
        with running("--server", name, "--quiet", log_dir=work_dir / name) as server:
            status, seconds = get_while_headers_stall(server)
            rows.append(
                (name, f"GET while {SLOW_CLIENTS} clients stall their headers", status, seconds)
            )
            reply, seconds = send_too_many(server)
            rows.append((name, f"PATCH with {TOO_MANY:,} line items", reply.status, seconds))
            status, seconds = get_while_too_many(server)
            rows.append((name, "GET sent meanwhile", status, seconds))
            status, seconds = create_largest(server)
            rows.append((name, "POST an order of 1,000 line items (the limit)", status, seconds))
    return table(
        ("Server", "Request", "Status", "Seconds"),
        ((server, what, status, f"{seconds:.3f}") for server, what, status, seconds in rows),
    )


def stalled_body_table(work_dir: Path) -> str:
    """A client whose body stops coming, on each HTTP server and on the proxy: what it got, and
    what a GET sent meanwhile got."""
    rows = []
    timeout = ("--body-timeout", str(BODY_TIMEOUT), "--quiet")
    with running(*timeout, log_dir=work_dir / "stall-granian") as sandbox:
        servers = [("granian", sandbox)]
        with (
            running("--server", "waitress", "--quiet", log_dir=work_dir / "stall-waitress") as w,
            running(
                "--upstream", sandbox.base_url, *timeout, log_dir=work_dir, command=CLI_PROXY
            ) as proxy,
        ):
            servers += [("waitress", w), ("proxy (granian)", proxy)]
            for name, server in servers:
                for stall, (announced, sent) in STALLS.items():
                    result = while_a_body_stalls(server, announced, sent)
                    rows.append((name, stall, result))
    return table(
        ("Server", "Stalled body", "GET meanwhile", "Seconds", "Stalled client got", "After s"),
        (
            (
                name,
                stall,
                r.get_status,
                f"{r.get_seconds:.3f}",
                r.stalled_answer,
                f"{r.stalled_seconds:.2f}",
            )
            for name, stall, r in rows
        ),
    )


def pytest_checks(work_dir: Path) -> str:
    """Run the pass/fail modules under pytest; one row per module."""
    junit = work_dir / "checks.xml"
    here = Path(__file__).parent
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *(str(here / module) for module in CHECK_MODULES),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=900,
        check=False,
    )
    counts: dict[str, list[int]] = {module: [0, 0, 0, 0] for module in CHECK_MODULES}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
        outcome = (
            3
            if case.find("skipped") is not None
            else (2 if case.find("failure") is not None or case.find("error") is not None else 1)
        )
        counts.setdefault(module, [0, 0, 0, 0])[0] += 1
        counts[module][outcome] += 1
    return table(
        ("Module", "Tests", "Passed", "Failed", "Skipped"),
        ((module, *n) for module, n in counts.items()),
    )


def report(examples: int, workers: int) -> str:
    """Every figure, as one Markdown document."""
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        work = Path(tmp)
        with running(log_dir=work / "storms") as server:
            storms = [
                rmw_storm(server, THREADS, REQUESTS_PER_THREAD, 1),
                rmw_storm(server, THREADS, REQUESTS_PER_THREAD, 50),
                blind_storm(server, BLIND_REQUESTS),
            ]
        with running(log_dir=work / "hostile") as server:
            hostile = refusal_row(
                "Hostile inputs (4xx `Error`, healthy after)", server, HOSTILE_CASES
            )
        keys = {"acme-demo": secret("acme"), "globex-demo": secret("globex")}
        with running(log_dir=work / "atomicity", keys=keys) as server:
            atomicity = refusal_row(
                "Refused requests change nothing (atomicity)", server, ATOMICITY_CASES
            )
        with running(log_dir=work / "fuzz") as server:
            fuzz = run_schemathesis(server, work / "schemathesis", examples, workers)
        faults = upstream_fault_table()
        clients = client_fault_table(work / "clients")
        stalled = stalled_body_table(work / "stalled")
        checks = pytest_checks(work)
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}"
    )
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return (
        "\n\n".join(
            (
                "# Reliability figures",
                f"Generated by `python -m tests.reliability.report` on {stamp} ({machine}).",
                "## Concurrent updates (through the default HTTP server, granian)",
                storm_table(storms),
                "## Refused requests",
                table(
                    ("Check", "Cases", "Passed", "Failed", "Failed cases", "Seconds"),
                    (hostile, atomicity),
                ),
                "## Schemathesis (`--mode all --phases coverage,fuzzing`)",
                fuzz_table([fuzz]),
                "## The proxy in front of a faulty upstream "
                f"(`--upstream-timeout {UPSTREAM_TIMEOUT:g}`)",
                faults,
                "## Clients that hold a server up",
                clients,
                f"## Request bodies that stop coming (`--body-timeout {BODY_TIMEOUT:g}`)",
                stalled,
                "## Body limits, tenancy, admin surface, crash safety (pytest)",
                checks,
            )
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.reliability.report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=FULL_EXAMPLES,
        help=f"Schemathesis max examples per operation (default {FULL_EXAMPLES})",
    )
    parser.add_argument("--workers", type=int, default=2, help="Schemathesis workers (default 2)")
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.name}")
    args = parser.parse_args(argv)
    text = report(args.examples, args.workers)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
