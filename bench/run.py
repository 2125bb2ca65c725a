"""Benchmark the sandbox against Prism and the bare-Flask ceiling, at 100 to 100,000 orders, and
behind `carriyo-sandbox proxy`.

The sandbox and the ceiling each run on both of the sandbox's HTTP servers (granian, the default,
and waitress, the fallback) in one run; the scale runs use the default.

    python bench/run.py [--duration 10] [--connections 20] [--write-docs]   (or: make bench)

Installs what it lacks (wrk from Debian's packages, Prism from npm into bench/.prism/), starts each
server on loopback, drives it with wrk (bench/*.lua) for a fixed time, stops everything it started
and prints one table: server x operation -> req/s, p50, p99, errors (non-2xx + socket errors), the
ratios ours/Prism and ours/ceiling, the scale table (p50 of GET and update-order, seeding rate and
resident memory at each size), the proxy's table (what it adds to p50 and p99 at one connection,
its req/s against the sandbox alone) and the targets, each met or missed. With `--write-docs`
the same report replaces the part of docs/benchmarks.md between `<!-- bench:start -->` and
`<!-- bench:end -->`. Raw figures go to bench/results/latest.json.

The numbers are only as quiet as the machine: run it when nothing else is busy (the load average
before and after is reported), and use `--repeat 3` to keep the best of three runs of each cell.

This file holds the options and the three phases (comparison, scale, proxy; `--skip-compare`,
`--skip-scale`, `--skip-proxy` leave one out); what the load is about is in
workload.py, the servers and tools in servers.py, the wrk driver in load.py and the figures, the
targets and the markdown in report.py.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from load import Load, measure
from report import (
    ProxyPoint,
    Report,
    Run,
    ScalePoint,
    load_average,
    render,
    save_json,
    write_docs,
)
from servers import (
    HTTP_SERVERS,
    SERVERS,
    Server,
    ceiling,
    ensure_prism,
    ensure_wrk,
    http,
    prism,
    proxy,
    running,
    sandbox,
)
from team import team
from workload import GET, OPERATIONS, UPDATE_ORDER, hot_order, load_templates, state_document

from mock_server.run.server_granian import THREADS as GRANIAN_THREADS
from mock_server.run.server_waitress import THREADS as WAITRESS_THREADS

SERVER_THREADS = {"granian": GRANIAN_THREADS, "waitress": WAITRESS_THREADS}


def bench_fixtures(work: Path, name: str) -> Path:
    """A fixtures directory under `work` holding the bench's 100 orders (the hot one first)."""
    templates, locations = load_templates()
    fixtures = work / name
    fixtures.mkdir()
    (fixtures / "bench.json").write_bytes(state_document(100, templates, locations))
    return fixtures


def compare(args: argparse.Namespace, load: Load, report: Report, work: Path) -> None:
    """Every server x every operation. All servers run at once (an idle one costs nothing) and
    their runs are interleaved operation by operation, so that a busy spell of the machine hits
    them alike; with `--repeat N` the rounds alternate the servers' order and the best run of each
    cell is kept."""
    templates, _ = load_templates()
    fixtures = bench_fixtures(work, "compare")
    order_file = work / "hot-order.json"
    order_file.write_text(json.dumps(hot_order(templates)), encoding="utf-8")
    servers = [sandbox(fixtures, server, work) for server in HTTP_SERVERS]
    binary = ensure_prism() if "prism" in args.servers else None
    if binary is not None:
        servers.append(prism(binary, work))
    elif "prism" in args.servers:
        report.notes.append("Prism could not be installed: its rows are missing.")
    servers += [ceiling(order_file, server, work) for server in HTTP_SERVERS]
    with contextlib.ExitStack() as stack:
        started = [
            stack.enter_context(running(server, GET.path, timeout=120))[0]
            for server in servers
            if server.name in args.servers
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
        server = sandbox(directory, HTTP_SERVERS[0], work)
        with running(server, GET.path, timeout=args.startup_timeout) as (_, startup):
            rss = server.rss_mb()
            point = ScalePoint(size, startup, None, rss, rss)
            point.get = measure(load, server, GET)
            point.update = measure(load, server, UPDATE_ORDER)
            point.rss_after_mb = server.rss_mb()
        server = sandbox(tiny, HTTP_SERVERS[0], work, max_body=len(document) + 2**20)
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


def proxy_overhead(load: Load, report: Report, work: Path) -> None:
    """Each operation on the sandbox (granian) alone and through a proxy in front of it,
    interleaved: at one connection, then at the run's connections."""
    upstream = sandbox(bench_fixtures(work, "proxied"), HTTP_SERVERS[0], work)
    print("bench: the proxy in front of the sandbox", flush=True)
    with running(upstream, GET.path, timeout=120):
        front = proxy(upstream.base, work)
        with running(front, GET.path, timeout=120):
            single = replace(load, threads=1, connections=1)
            for op in OPERATIONS:
                direct, proxied = (measure(single, server, op) for server in (upstream, front))
                loaded = [measure(load, server, op, warmup=False) for server in (upstream, front)]
                report.proxy.append(ProxyPoint(op.name, direct, proxied, *loaded))


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=(__doc__ or "").partition("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per cell (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per cell (2)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per cell, best kept (2)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (20)")
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
        help=f"servers of the comparison, comma-separated ({','.join(SERVERS)})",
    )
    parser.add_argument("--skip-compare", action="store_true", help="no comparison runs")
    parser.add_argument("--skip-scale", action="store_true", help="no scale runs")
    parser.add_argument("--skip-proxy", action="store_true", help="no proxy runs")
    parser.add_argument(
        "--skip-team", action="store_true", help="no team-sandbox runs (the Redis store)"
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="replace the figures in docs/benchmarks.md (between its bench markers)",
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
            "server_threads": SERVER_THREADS,
            "sizes": args.sizes,
        },
        load_before=load_average(),
    )
    with tempfile.TemporaryDirectory(prefix="carriyo-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_compare:
            compare(args, load, report, work)
        if not args.skip_scale:
            scale(args, load, report, work)
        if not args.skip_team:
            team(load, report, work, bench_fixtures(work, "team"))
        if not args.skip_proxy:
            proxy_overhead(load, report, work)
    report.load_after = load_average()
    text = render(report)
    print("\n" + text)
    save_json(report)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
