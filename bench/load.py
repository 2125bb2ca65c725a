"""The wrk driver: one run of a bench/*.lua script, and the measurement of one cell.

A run's figures come from the BENCH_RESULT line that bench/report.lua prints; a cell is a warm-up
and then the best (highest req/s) of `repeat` runs, printed as it is measured.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

from report import Run
from servers import Server
from workload import BENCH_DIR, Operation


@dataclass(frozen=True)
class Load:
    """wrk's path and the load it puts on a server: threads, connections, seconds per run."""

    wrk: str
    threads: int
    connections: int
    duration: int
    warmup: int
    repeat: int


def wrk_once(load: Load, url: str, script: str, seconds: int, authorization: str) -> Run:
    argv = [
        load.wrk,
        "-t",
        str(load.threads),
        "-c",
        str(load.connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script,
        url,
    ]
    env = {**os.environ, "BENCH_AUTHORIZATION": authorization}  # read by report.lua
    done = subprocess.run(argv, cwd=BENCH_DIR, env=env, capture_output=True, text=True, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result ({done.returncode}):\n{done.stdout}{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    return Run(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        non_2xx=raw["non_2xx"],
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    )


def measure(load: Load, server: Server, operation: Operation, warmup: bool = True) -> Run:
    """A warm-up, then the best (highest req/s) of `repeat` runs."""
    url = server.base + operation.path
    if load.warmup and warmup:
        wrk_once(load, url, operation.script, load.warmup, server.authorization)
    runs = [
        wrk_once(load, url, operation.script, load.duration, server.authorization)
        for _ in range(load.repeat)
    ]
    best = max(runs, key=lambda run: run.rps)
    print(
        f"  {server.name:8} {operation.name:16} {best.rps:8.0f} req/s  p50 {best.p50_ms:6.2f} ms"
        f"  p99 {best.p99_ms:6.2f} ms  errors {best.errors}",
        flush=True,
    )
    return best
