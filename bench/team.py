"""The team sandbox's section of the bench: the memory store in one process against the Redis
store in 1, 2 and 4 processes (`--store redis://... --workers N`), GET and update-order, in one
run, with Redis' own CPU share; and the If-Match lost-update storm at 2 processes.

Each Redis-backed sandbox has a redis-server of its own (Debian's `redis-server`, installed when
missing), so that no sandbox hears another's invalidations. All run at once and their wrk runs
are interleaved, as in the comparison.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from load import Load, measure
from report import Report, TeamCell
from servers import Server, free_port, running, sandbox
from workload import GET, ROOT, UPDATE_ORDER

sys.path.insert(0, str(ROOT))
from tests.launcher import Server as TestServer
from tests.reliability.storms import rmw_storm

WORKERS = (1, 2, 4)
STORM = (32, 100, 1)
"""The storm at 2 processes: 32 threads x 100 If-Match updates of one order."""
MEMORY = "memory, 1 process"


def team_name(workers: int) -> str:
    return f"Redis, {workers} process{'' if workers == 1 else 'es'}"


def ensure_redis() -> str:
    """redis-server's path; installed from Debian's packages when missing."""
    found = shutil.which("redis-server")
    if found:
        return found
    print("bench: installing redis-server (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], check=True, env=env)
    found = shutil.which("redis-server")
    if not found:
        raise SystemExit("bench: redis-server is still missing after apt-get install")
    return found


@dataclass
class Redis:
    """One redis-server of the bench (no persistence: the bench measures the request path)."""

    binary: str
    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Redis:
        self.port = free_port()
        self.directory.mkdir(parents=True, exist_ok=True)
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(500):
            probe = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
            )
            if probe.stdout.strip() == b"PONG":
                return self
            time.sleep(0.01)
        raise RuntimeError("bench: redis-server did not answer")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the redis-server process so far."""
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sandbox_cpu(server: Server) -> float:
    """CPU seconds of a sandbox: its process and its worker processes."""
    assert server.proc is not None
    pid = server.proc.pid
    workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(cpu_seconds(int(p)) for p in (pid, *workers))


def team_server(fixtures: Path, redis: Redis, workers: int, log_dir: Path) -> Server:
    server = sandbox(fixtures, "granian", log_dir)
    server.name = team_name(workers)
    server.argv += ["--store", redis.url, "--workers", str(workers)]
    return server


def storm(server: Server) -> int:
    """Lost updates (missing, undone or phantom) of the If-Match storm on `server`."""
    assert server.proc is not None
    target = TestServer(server.proc, server.port, server.log, ())
    figures = rmw_storm(target, *STORM)
    print(
        f"  storm: {figures.acknowledged} acknowledged, {figures.lost} lost, "
        f"{figures.undone} undone, {figures.phantom} phantom, {figures.server_errors} 5xx",
        flush=True,
    )
    return figures.lost + figures.undone + figures.phantom + figures.server_errors


def team(load: Load, report: Report, work: Path, fixtures: Path) -> None:
    """Every store x process count x (GET, update-order), interleaved; then the storm."""
    binary = ensure_redis()
    redises = {n: Redis(binary, work / f"redis-{n}") for n in WORKERS}
    servers = [sandbox(fixtures, "granian", work)]
    servers[0].name = MEMORY
    with contextlib.ExitStack() as stack:
        for n, redis in redises.items():
            stack.callback(redis.stop)
            redis.start()
            servers.append(team_server(fixtures, redis, n, work))
        started = [stack.enter_context(running(s, GET.path, timeout=120))[0] for s in servers]
        by_name = {s.name: redises[n] for s, n in zip(started[1:], WORKERS, strict=True)}
        cells: dict[tuple[str, str], list[TeamCell]] = {}
        for round_ in range(load.repeat):
            print(f"bench: team sandbox, round {round_ + 1} of {load.repeat}", flush=True)
            for op in (GET, UPDATE_ORDER):
                for server in started if round_ % 2 == 0 else started[::-1]:
                    redis = by_name.get(server.name)
                    if load.warmup and round_ == 0:
                        measure(replace(load, repeat=1, duration=load.warmup), server, op, False)
                    cpu, own = (redis.cpu_seconds() if redis else 0.0), sandbox_cpu(server)
                    run = measure(replace(load, repeat=1), server, op, warmup=False)
                    used = sandbox_cpu(server) - own
                    share = (redis.cpu_seconds() - cpu) / run.seconds if redis else None
                    redis_us = share * run.seconds / run.requests * 1e6 if share else 0.0
                    per_request = used / run.requests * 1e6 + redis_us if run.requests else 0.0
                    cell = TeamCell(run, share, per_request)
                    cells.setdefault((server.name, op.name), []).append(cell)
        for (name, op_name), found in cells.items():
            best = max(found, key=lambda cell: cell.run.rps)
            report.team.setdefault(name, {})[op_name] = best
        report.team_storm_lost = storm(started[WORKERS.index(2) + 1])
