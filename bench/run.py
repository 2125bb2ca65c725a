"""Benchmark the sandbox against Prism and the bare-Flask ceiling, and at 100 to 100,000 orders.

    python bench/run.py [--duration 10] [--connections 20] [--write-readme]   (or: make bench)

Installs what it lacks (wrk from Debian's packages, Prism from npm into bench/.prism/), starts each
server on loopback, drives it with wrk (bench/*.lua) for a fixed time, stops everything it started
and prints one table: server x operation -> req/s, p50, p99, errors (non-2xx + socket errors), the
ratios ours/Prism and ours/ceiling, the scale table (p50 of GET and update-order, seeding rate and
resident memory at each size) and the issue's targets, each met or missed. With `--write-readme`
the same report replaces the README's section between `<!-- bench:start -->` and
`<!-- bench:end -->`. Raw figures go to bench/results/latest.json.

The numbers are only as quiet as the machine: run it when nothing else is busy (the load average
before and after is reported), and use `--repeat 3` to keep the best of three runs of each cell.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PRISM_DIR = BENCH_DIR / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
RESULTS = BENCH_DIR / "results" / "latest.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

TENANT = "bench"
HEADERS = {"x-api-key": "bench-key", "tenant-id": TENANT}
HOT_ID = "BENCH-HOT"
HOT_TEMPLATE = "ORD-1004"
"""The template of the hot order: two FOs, one of them COLLECTION (see `hot_order`)."""

SERVERS = ("ours", "prism", "ceiling")
SERVER_TITLES = {
    "ours": "sandbox (validation on)",
    "prism": "Prism (openapi.yaml)",
    "ceiling": "bare Flask (ceiling)",
}


@dataclass(frozen=True)
class Operation:
    name: str
    script: str
    path: str


OPERATIONS = (
    Operation("GET order", "get_order.lua", f"/orders/{HOT_ID}"),
    Operation("update-order", "update_order.lua", f"/orders/{HOT_ID}"),
    Operation(
        "update-schedule",
        "update_schedule.lua",
        f"/orders/{HOT_ID}/fulfillment-orders/FO-HOT-B/update-schedule",
    ),
)
GET, UPDATE_ORDER, _ = OPERATIONS


# ------------------------------------------------------------------------------------ results
@dataclass
class Run:
    """One wrk run: throughput, latency percentiles (ms) and errors."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


@dataclass
class ScalePoint:
    orders: int
    startup_s: float
    put_state_s: float | None
    rss_seeded_mb: float
    rss_after_mb: float
    rss_put_mb: float | None = None
    get: Run | None = None
    update: Run | None = None


@dataclass
class Report:
    date: str
    cores: int
    settings: dict[str, Any]
    load_before: str
    load_after: str = ""
    cells: dict[str, dict[str, Run]] = field(default_factory=dict)
    scale: list[ScalePoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------ tools
def ensure_wrk() -> str:
    """wrk's path; installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: installing wrk (apt-get)", flush=True)
    apt = ["sudo"] if os.geteuid() != 0 and shutil.which("sudo") else []
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*apt, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*apt, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is still missing after apt-get install")
    return found


def ensure_prism() -> Path | None:
    """Prism's CLI in bench/.prism/ (npm), or None when npm cannot provide it."""
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        print("bench: npm not found, Prism is skipped", flush=True)
        return None
    print("bench: installing @stoplight/prism-cli into bench/.prism/ (npm)", flush=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(PRISM_DIR),
            "@stoplight/prism-cli",
        ],
        check=False,
    )
    if done.returncode != 0 or not PRISM_BIN.exists():
        print("bench: npm install of Prism failed, Prism is skipped", flush=True)
        return None
    return PRISM_BIN


# ------------------------------------------------------------------------------------ data
def load_templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The orders and locations of fixtures/sandbox.json."""
    state = json.loads((ROOT / "fixtures" / "sandbox.json").read_text(encoding="utf-8"))
    orders = [order for tenant in state["tenants"].values() for order in tenant["orders"]]
    return orders, state.get("locations", [])


def renamed(template: dict[str, Any], order_id: str, reference: str) -> dict[str, Any]:
    """A copy of a fixture order with new ids and references (its own FO ids and FO refs)."""
    order = json.loads(json.dumps(template))
    order["tenant"] = TENANT
    order["order_id"] = order_id
    order["partner_order_reference"] = reference
    for k, fo in enumerate(order.get("fulfillment_orders", [])):
        fo["fulfillment_order_id"] = f"{order_id}-F{k}"
        if "partner_fulfillment_order_reference" in fo:
            fo["partner_fulfillment_order_reference"] = f"{reference}-F{k}"
    return order


def hot_order(templates: list[dict[str, Any]]) -> dict[str, Any]:
    """The order every operation addresses: ORD-1004 with its ids renamed, shaped so that the
    update-order body of update_order.lua is valid on every request.

    FO-HOT-A (DELIVERY): LI-HOT-1 fulfilled (the terminal line the merge preserves) and LI-HOT-2
    allocated; FO-HOT-B (COLLECTION, so update-schedule applies): LI-HOT-1 allocated.
    """
    template = next(order for order in templates if order["order_id"] == HOT_TEMPLATE)
    order = renamed(template, HOT_ID, f"{HOT_ID}-REF")
    first, second = order["line_items"][:2]
    first["id"], second["id"] = "LI-HOT-1", "LI-HOT-2"
    fo_a, fo_b = order["fulfillment_orders"][:2]
    fo_a["fulfillment_order_id"], fo_b["fulfillment_order_id"] = "FO-HOT-A", "FO-HOT-B"
    fulfilled, allocated = fo_a["line_items"][0], fo_a["line_items"][1]
    fulfilled["id"] = "LI-HOT-1"
    for key in ("fulfillment_id", "shipment_ids", "partner_fulfillment_reference"):
        allocated.pop(key, None)
    allocated.update({"id": "LI-HOT-2", "status": "allocated"})
    fo_a["status"] = "partially_fulfilled"
    fo_b["line_items"] = [{"id": "LI-HOT-1", "quantity": 1, "status": "allocated"}]
    fo_b["status"] = "allocated"
    order["fulfillment_orders"] = [fo_a, fo_b]
    order["status"] = "partially_fulfilled"
    return order


def state_document(size: int, templates: list[dict[str, Any]], locations: list[Any]) -> bytes:
    """A state document of `size` orders of tenant `bench`: the hot order and renamed fixtures."""
    orders = [hot_order(templates)]
    for i in range(size - 1):
        orders.append(renamed(templates[i % len(templates)], f"BENCH-{i:06d}", f"BREF-{i:06d}"))
    state = {
        "format": "carriyo-sandbox-state/1",
        "tenants": {TENANT: {"orders": orders}},
        "locations": locations,
    }
    return json.dumps(state, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------------ servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(method: str, url: str, body: bytes | None = None, timeout: float = 5.0) -> int:
    """The status of one request (0 when nothing answers)."""
    headers = {**HEADERS, "Content-Type": "application/json"}
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, TimeoutError):
        return 0


class Server:
    """A server process this script started (own process group), stopped on exit."""

    def __init__(self, name: str, argv: list[str], port: int, log_dir: Path) -> None:
        self.name, self.argv, self.port = name, argv, port
        self.log = log_dir / f"{name}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.started = time.perf_counter()
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
            )
        return self

    def wait_ready(self, path: str, timeout: float) -> float:
        """Seconds from start until GET `path` answers 200."""
        assert self.proc is not None
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            if http("GET", self.base + path, timeout=2.0) == 200:
                return time.perf_counter() - self.started
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")

    def rss_mb(self) -> float:
        """VmRSS of the server process (MB)."""
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text(encoding="ascii")
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else 0.0

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def running(server: Server, ready_path: str, timeout: float) -> Iterator[tuple[Server, float]]:
    server.start()
    try:
        yield server, server.wait_ready(ready_path, timeout)
    finally:
        server.stop()


def sandbox(fixtures: Path, threads: int, log_dir: Path, max_body: int = 0) -> Server:
    port = free_port()
    extra = ["--max-body-bytes", str(max_body)] if max_body else []
    argv = [
        sys.executable,
        "-m",
        "mock_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--fixtures",
        str(fixtures),
        "--threads",
        str(threads),
        *extra,
    ]
    return Server("ours", argv, port, log_dir)


def prism(binary: Path, log_dir: Path) -> Server:
    port = free_port()
    argv = [str(binary), "mock", str(ROOT / "openapi.yaml"), "-h", "127.0.0.1", "-p", str(port)]
    return Server("prism", argv, port, log_dir)


def ceiling(order_file: Path, threads: int, log_dir: Path) -> Server:
    port = free_port()
    argv = [
        sys.executable,
        str(BENCH_DIR / "ceiling_app.py"),
        "--order",
        str(order_file),
        "--port",
        str(port),
        "--threads",
        str(threads),
    ]
    return Server("ceiling", argv, port, log_dir)


# ------------------------------------------------------------------------------------ wrk
@dataclass(frozen=True)
class Load:
    wrk: str
    threads: int
    connections: int
    duration: int
    warmup: int
    repeat: int


def wrk_once(load: Load, url: str, script: str, seconds: int) -> Run:
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
    done = subprocess.run(argv, cwd=BENCH_DIR, capture_output=True, text=True, check=False)
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
        wrk_once(load, url, operation.script, load.warmup)
    runs = [wrk_once(load, url, operation.script, load.duration) for _ in range(load.repeat)]
    best = max(runs, key=lambda run: run.rps)
    print(
        f"  {server.name:8} {operation.name:16} {best.rps:8.0f} req/s  p50 {best.p50_ms:6.2f} ms"
        f"  p99 {best.p99_ms:6.2f} ms  errors {best.errors}",
        flush=True,
    )
    return best


# ------------------------------------------------------------------------------------ phases
def compare(args: argparse.Namespace, load: Load, report: Report, work: Path) -> None:
    """Every server x every operation. All servers run at once (an idle one costs nothing) and
    their runs are interleaved operation by operation, so that a busy spell of the machine hits
    them alike; with `--repeat N` the rounds alternate the servers' order and the best run of each
    cell is kept."""
    templates, locations = load_templates()
    fixtures = work / "compare"
    fixtures.mkdir()
    (fixtures / "bench.json").write_bytes(state_document(100, templates, locations))
    order_file = work / "hot-order.json"
    order_file.write_text(json.dumps(hot_order(templates)), encoding="utf-8")
    servers = [("ours", lambda: sandbox(fixtures, args.server_threads, work))]
    binary = ensure_prism() if "prism" in args.servers else None
    if binary is not None:
        servers.append(("prism", lambda: prism(binary, work)))
    elif "prism" in args.servers:
        report.notes.append("Prism could not be installed: its rows are missing.")
    servers.append(("ceiling", lambda: ceiling(order_file, args.server_threads, work)))
    servers = [(name, make) for name, make in servers if name in args.servers]
    with contextlib.ExitStack() as stack:
        started = [
            stack.enter_context(running(make(), GET.path, timeout=120))[0] for _, make in servers
        ]
        runs: dict[tuple[str, str], list[Run]] = {}
        for round_ in range(load.repeat):
            print(f"bench: comparison, round {round_ + 1} of {load.repeat}", flush=True)
            for op in OPERATIONS:
                for server in started if round_ % 2 == 0 else started[::-1]:
                    one = measure(replace(load, repeat=1), server, op, warmup=round_ == 0)
                    runs.setdefault((server.name, op.name), []).append(one)
        for (name, op_name), cell in runs.items():
            report.cells.setdefault(name, {})[op_name] = max(cell, key=lambda run: run.rps)


def scale(args: argparse.Namespace, load: Load, report: Report, work: Path) -> None:
    """At each size, two sandboxes one after the other. The first is seeded through the fixtures
    loader (`--fixtures`): its startup time, RSS, and p50 of GET and update-order on the hot order.
    The second starts with the hot order alone and is seeded by `PUT /__admin/state` (when the
    sandbox has it): the PUT's time and the RSS after it."""
    templates, locations = load_templates()
    tiny = work / "scale-hot-only"
    tiny.mkdir()
    (tiny / "bench.json").write_bytes(state_document(1, templates, locations))
    for size in args.sizes:
        directory = work / f"scale-{size}"
        directory.mkdir()
        document = state_document(size, templates, locations)
        (directory / "bench.json").write_bytes(document)
        print(f"bench: {size:,} orders ({len(document) / 1e6:.0f} MB of JSON)", flush=True)
        server = sandbox(directory, args.server_threads, work)
        with running(server, GET.path, timeout=args.startup_timeout) as (_, startup):
            rss = server.rss_mb()
            point = ScalePoint(size, startup, None, rss, rss)
            point.get = measure(load, server, GET)
            point.update = measure(load, server, UPDATE_ORDER)
            point.rss_after_mb = server.rss_mb()
        server = sandbox(tiny, args.server_threads, work, max_body=len(document) + 2**20)
        with running(server, GET.path, timeout=args.startup_timeout):
            point.put_state_s = put_state(server, document)
            if point.put_state_s is not None:
                point.rss_put_mb = server.rss_mb()
        del document
        (directory / "bench.json").unlink()
        put = point.put_state_s
        print(
            f"  startup {startup:.1f} s, RSS {rss:.0f} MB seeded, {point.rss_after_mb:.0f} MB "
            f"after the runs; PUT /__admin/state {'n/a' if put is None else f'{put:.1f} s'}",
            flush=True,
        )
        report.scale.append(point)


def put_state(server: Server, document: bytes) -> float | None:
    """Seconds `PUT /__admin/state` takes for `document`; None when the sandbox lacks it."""
    started = time.perf_counter()
    status = http("PUT", server.base + "/__admin/state", document, timeout=600)
    elapsed = time.perf_counter() - started
    if status in (404, 405, 0):
        return None
    if not 200 <= status < 300:
        raise RuntimeError(f"PUT /__admin/state answered {status}:\n{server.tail()}")
    return elapsed


# ------------------------------------------------------------------------------------ report
def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def seeding_rates(report: Report) -> tuple[float | None, float | None]:
    """Orders/s at the largest size: by the fixtures loader (startup time above the smallest
    size's), and by PUT /__admin/state (None when it does not exist)."""
    if not report.scale:
        return None, None
    small, large = report.scale[0], report.scale[-1]
    extra = large.startup_s - small.startup_s
    loader = (large.orders - small.orders) / extra if large is not small and extra > 0 else None
    put = large.orders / large.put_state_s if large.put_state_s else None
    return loader, put


def targets(report: Report) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue; met is None when not measured."""
    ours, theirs, top = (report.cells.get(name, {}) for name in SERVERS)
    rows: list[tuple[str, str, bool | None]] = []

    def add(name: str, value: float | None, goal: float, text: str) -> None:
        met = None if value is None else value >= goal
        rows.append((name, "n/a" if value is None else text, met))

    if ours:
        get_vs_prism = ratio(ours[GET.name].rps, theirs[GET.name].rps) if theirs else None
        add("GET >= 2x Prism's GET req/s", get_vs_prism, 2.0, fmt_ratio(get_vs_prism))
        upd = ratio(ours[UPDATE_ORDER.name].rps, theirs[GET.name].rps) if theirs else None
        add("update-order >= Prism's GET req/s (validation on)", upd, 1.0, fmt_ratio(upd))
        worst = max(run.p99_ms for run in ours.values())
        rows.append(
            ("p99 < 15 ms at 20 connections (every operation)", f"{worst:.1f} ms", worst < 15)
        )
        get_vs_top = ratio(ours[GET.name].rps, top[GET.name].rps) if top else None
        share = "n/a" if get_vs_top is None else f"{get_vs_top:.0%}"
        add("GET >= 80% of the bare-Flask ceiling", get_vs_top, 0.8, share)
    if len(report.scale) >= 2:
        small, large = report.scale[0], report.scale[-1]
        for label, pick in (("GET", "get"), ("update-order", "update")):
            a, b = getattr(small, pick), getattr(large, pick)
            growth = b.p50_ms / a.p50_ms if a and b and a.p50_ms else None
            rows.append(
                (
                    f"{label} p50 at {large.orders:,} <= 1.2x p50 at {small.orders:,}",
                    fmt_ratio(growth),
                    None if growth is None else growth <= 1.2,
                )
            )
        rss = max(large.rss_after_mb, large.rss_put_mb or 0)
        rows.append(
            (f"RSS at {large.orders:,} orders < 1.5 GB (the larger)", f"{rss:,.0f} MB", rss < 1536)
        )
        loader, put = seeding_rates(report)
        best = max((rate for rate in (loader, put) if rate), default=None)
        add("seeding >= 5,000 orders/s", best, 5000, f"{best:,.0f} orders/s" if best else "n/a")
    return rows


def render(report: Report) -> str:
    s = report.settings
    out = [
        f"Measured {report.date} on {report.cores} cores (`nproc`) by `make bench`: wrk, "
        f"{s['wrk_threads']} threads, {s['connections']} connections, {s['duration']} s per cell "
        f"(after {s['warmup']} s of warm-up, best of {s['repeat']} interleaved rounds); "
        f"sandbox and ceiling under waitress with {s['server_threads']} threads. Load average "
        f"(1, 5, 15 min) before / after: "
        f"{report.load_before} / {report.load_after}. Every server answers the same requests "
        "(`bench/*.lua`) about one order of the full fixture shape.",
        "",
        "| server | operation | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in SERVERS:
        for op in OPERATIONS:
            run = report.cells.get(name, {}).get(op.name)
            if run is not None:
                out.append(
                    f"| {SERVER_TITLES[name]} | {op.name} | {run.rps:,.0f} | {run.p50_ms:.2f} | "
                    f"{run.p99_ms:.2f} | {run.errors} |"
                )
    out += ["", "| operation | ours / Prism | ours / ceiling |", "|---|---:|---:|"]
    ours = report.cells.get("ours", {})
    for op in OPERATIONS:
        mine = ours.get(op.name)
        others = [report.cells.get(name, {}).get(op.name) for name in ("prism", "ceiling")]
        ratios = [fmt_ratio(ratio(mine.rps, o.rps) if mine and o else None) for o in others]
        out.append(f"| {op.name} | {ratios[0]} | {ratios[1]} |")
    if report.scale:
        out += [
            "",
            "Scale: N orders (the fixtures' orders with new ids and references, about 3.3 kB of "
            "JSON each). One sandbox is seeded through the fixtures loader (`--fixtures`; it also "
            "keeps the parsed fixtures as its reset baseline); GET and update-order address the "
            "same order at every size. Another starts with one order and is seeded by "
            "`PUT /__admin/state`. RSS is VmRSS of the server process.",
            "",
            "| orders | GET p50 ms | update-order p50 ms | startup s | RSS seeded MB "
            "| RSS after runs MB | PUT /__admin/state s | RSS after PUT MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for p in report.scale:
            put = "n/a" if p.put_state_s is None else f"{p.put_state_s:.1f}"
            put_rss = "n/a" if p.rss_put_mb is None else f"{p.rss_put_mb:,.0f}"
            out.append(
                f"| {p.orders:,} | {p.get.p50_ms if p.get else 0:.2f} | "
                f"{p.update.p50_ms if p.update else 0:.2f} | {p.startup_s:.1f} | "
                f"{p.rss_seeded_mb:,.0f} | {p.rss_after_mb:,.0f} | {put} | {put_rss} |"
            )
        loader, put = seeding_rates(report)
        out += [
            "",
            "Seeding rate at the largest size: fixtures loader "
            + ("n/a" if loader is None else f"{loader:,.0f} orders/s")
            + " (startup time above the smallest size's); `PUT /__admin/state` "
            + ("n/a (not in this sandbox)" if put is None else f"{put:,.0f} orders/s")
            + ".",
        ]
    out += ["", "| target (2 cores) | measured | met |", "|---|---:|:---:|"]
    for name, measured, met in targets(report):
        out.append(f"| {name} | {measured} | {'n/a' if met is None else 'yes' if met else 'NO'} |")
    out += ["", *(f"Note: {note}" for note in report.notes)] if report.notes else []
    return "\n".join(out).rstrip() + "\n"


def write_readme(text: str, readme: Path = README) -> None:
    content = readme.read_text(encoding="utf-8")
    begin, end = content.find(START), content.find(END)
    if begin < 0 or end < begin:
        raise SystemExit(f"bench: {readme} has no {START} ... {END} section")
    readme.write_text(content[: begin + len(START)] + "\n" + text + content[end:], encoding="utf-8")
    print(f"bench: wrote the table into {readme}", flush=True)


def save_json(report: Report) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(report)
    data["targets"] = targets(report)
    RESULTS.write_text(json.dumps(data, indent=1), encoding="utf-8")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "n/a"


# ------------------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per cell (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per cell (2)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per cell, best kept (2)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (20)")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=4,
        help="waitress threads of sandbox and ceiling (4, the sandbox's default)",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: sorted(int(part) for part in text.split(",")),
        default=[100, 10_000, 100_000],
        help="order counts of the scale runs, comma-separated (100,10000,100000)",
    )
    parser.add_argument("--startup-timeout", type=float, default=900, help="seconds (900)")
    parser.add_argument(
        "--servers",
        type=lambda text: [part for part in text.split(",") if part],
        default=list(SERVERS),
        help="servers of the comparison, comma-separated (ours,prism,ceiling)",
    )
    parser.add_argument("--skip-scale", action="store_true", help="no scale runs")
    parser.add_argument(
        "--write-readme", action="store_true", help="replace the README's bench section"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = Load(
        ensure_wrk(),
        args.wrk_threads,
        args.connections,
        args.duration,
        args.warmup,
        max(1, args.repeat),
    )
    report = Report(
        date=dt.date.today().isoformat(),
        cores=len(os.sched_getaffinity(0)),
        settings={
            "duration": args.duration,
            "warmup": args.warmup,
            "repeat": load.repeat,
            "wrk_threads": args.wrk_threads,
            "connections": args.connections,
            "server_threads": args.server_threads,
            "sizes": args.sizes,
        },
        load_before=load_average(),
    )
    with tempfile.TemporaryDirectory(prefix="carriyo-bench-") as tmp:
        work = Path(tmp)
        compare(args, load, report, work)
        if not args.skip_scale:
            scale(args, load, report, work)
    report.load_after = load_average()
    text = render(report)
    print("\n" + text)
    save_json(report)
    if args.write_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
