"""`list_orders` on 100,000 orders: how long an agent waits for a page (issue 27).

    python bench/list_orders.py [--orders 100000] [--calls 30] [--skip-redis] [--write-docs]

Seeds one tenant with `--orders` orders of the fixtures' full shape (bench/workload.py, as the
scale runs seed theirs; several merchants and customers), then times tool calls exactly as the MCP
server runs them (`mock_server.mcp.calls.call_tool`: the arguments' and the body's validation, the
service's listing, each order rendered as REST renders it), with no transport: the first page,
the last page, a search, a merchant filter, and a sort by another field; in memory, then on a
redis-server of its own (bench/team.py's). Each figure is the median and the slowest of `--calls`
calls after one warm-up call (the process's first reads every order once and the first sorting by
a field sorts it: the service keeps the tenant's listing, and later calls read only what changed,
here nothing). With `--write-docs` the table replaces what docs/benchmarks.md holds between
`<!-- bench-mcp:start -->` and `<!-- bench-mcp:end -->`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from team import Redis, ensure_redis
from workload import ROOT, TENANT, load_templates, renamed

from mock_server.config import SandboxConfig
from mock_server.controls.state import load_state
from mock_server.heap import gc_paused
from mock_server.mcp.calls import call_tool
from mock_server.sandbox import Sandbox
from mock_server.store import StoreUnavailable

PAGE = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-mcp:start -->", "<!-- bench-mcp:end -->"
SEED_CHUNK = 1000
MERCHANTS = ("ACME_FASHION", "ACME_HOME", "ACME_BEAUTY", "ACME_SPORT")


def seeded(size: int, store: str | None) -> Sandbox:
    """A sandbox whose tenant `bench` holds `size` orders: the fixtures renamed, their merchant
    cycling through MERCHANTS and each customer's name numbered (a search finds a few)."""
    sandbox = Sandbox(SandboxConfig(fixtures=None, store=store))
    templates, locations = load_templates()
    orders = []
    with gc_paused():
        for i in range(size):
            order = renamed(templates[i % len(templates)], f"LIST-{i:06d}", f"LREF-{i:06d}")
            order["merchant"] = MERCHANTS[i % len(MERCHANTS)]
            order["creation_date"] = f"2026-01-01T00:00:00.{i % 1000:03d}+00:00"
            order.setdefault("customer", {})["name"] = f"Customer {i % 997}"
            orders.append(order)
        # On Redis a whole state is one command, which at this size outlasts the store's
        # command timeout on a busy machine: the first orders go in with the state, the rest one
        # save each.
        first = orders if store is None else orders[:SEED_CHUNK]
        tenant = {"orders": first, "locations": locations, "change_logs": {}, "system_logs": {}}
        load_state(sandbox.store, {"tenants": {TENANT: tenant}})  # type: ignore[typeddict-item]
        for order in orders[len(first) :]:
            sandbox.store.save(TENANT, order, replace=True)
    return sandbox


def cases(size: int) -> list[tuple[str, dict[str, Any]]]:
    """The calls timed: what an agent asks most (the newest orders), the deepest page, a search,
    a merchant filter and another sort."""
    last = -(-size // 20)
    return [
        ("first page (20, newest first)", {}),
        (f"last page ({last:,}, newest first)", {"page": last}),
        ('search "customer 42" (every word must match)', {"search": "customer 42"}),
        (
            "merchant filter, 100 a page, page 10",
            {"merchants": ["ACME_HOME"], "page": 10, "page_size": 100},
        ),
        (
            "sort by partner_order_reference ASC",
            {"sort_by": "partner_order_reference", "sort_order": "ASC"},
        ),
    ]


def timed(sandbox: Sandbox, arguments: dict[str, Any], calls: int) -> tuple[float, float, int]:
    """Median and slowest milliseconds of `calls` calls, and the answer's size in bytes."""
    arguments = {"tenantId": TENANT, **arguments}
    outcome = call_tool(sandbox.service, sandbox.spec, "list_orders", arguments, TENANT)
    assert not outcome.refused, outcome.payload[:300]
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call_tool(sandbox.service, sandbox.spec, "list_orders", arguments, TENANT)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), len(outcome.payload)


def load() -> str:
    """The load average (1, 5, 15 min): the figures are only as quiet as the machine."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


Row = tuple[str, float, float, int]
"""A case's name, median and slowest milliseconds, and the answer's size in bytes."""


def report(size: int, stores: dict[str, list[Row]], calls: int, loads: tuple[str, str]) -> str:
    names = list(stores)
    lines = [
        f"Measured {dt.date.today()} on {os.cpu_count()} cores by `bench/list_orders.py` "
        f"(`make bench`): `list_orders` over {size:,} orders in {' and in '.join(names)}, "
        f"in-process (`call_tool`, no transport), median / slowest of {calls} calls after one "
        f"warm-up call. Load average (1, 5, 15 min) before / after: {loads[0]} / {loads[1]}.",
        "",
        "| call | " + " | ".join(f"{name} ms" for name in names) + " | answer bytes |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    first = stores[names[0]]
    for k, (case, *_rest, answer) in enumerate(first):
        cells = [f"{rows[k][1]:.1f} / {rows[k][2]:.1f}" for rows in stores.values()]
        lines.append(f"| {case} | " + " | ".join(cells) + f" | {answer:,} |")
    return "\n".join(lines) + "\n"


def write_docs(text: str) -> None:
    content = PAGE.read_text(encoding="utf-8")
    begin, end = content.find(START), content.find(END)
    if begin < 0 or end < begin:
        raise SystemExit(f"bench: {PAGE} has no {START} ... {END} section")
    PAGE.write_text(content[: begin + len(START)] + "\n" + text + content[end:], encoding="utf-8")
    print(f"bench: wrote the list_orders figures into {PAGE}", flush=True)


def settle(sandbox: Sandbox) -> None:
    """Wait (30 s at most) until the store answers: replacing 100,000 orders in Redis is one
    command longer than the store's command timeout, after which the store waits for Redis to
    answer again before it serves (store/redis/health.py)."""
    for _ in range(300):
        try:
            sandbox.store.records_of(TENANT, ["LIST-000000"])
            return
        except StoreUnavailable:
            time.sleep(0.1)
    raise SystemExit("bench: the store did not answer within 30 s of the seeding")


def measure(size: int, store: str | None, calls: int) -> list[Row]:
    """Seed a sandbox on `store` (None: memory) and time every case on it."""
    started = time.perf_counter()
    sandbox = seeded(size, store)
    where = store or "memory"
    print(f"bench: seeded {size:,} orders in {where} in {time.perf_counter() - started:.1f} s")
    try:
        settle(sandbox)
        return [(name, *timed(sandbox, arguments, calls)) for name, arguments in cases(size)]
    finally:
        sandbox.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders seeded (100000)")
    parser.add_argument("--calls", type=int, default=30, help="timed calls per case (30)")
    parser.add_argument(
        "--skip-redis", action="store_true", help="memory only (default: memory, then Redis)"
    )
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs")
    args = parser.parse_args(argv)
    before = load()
    stores = {"memory": measure(args.orders, None, args.calls)}
    if not args.skip_redis:
        with tempfile.TemporaryDirectory() as work:
            redis = Redis(ensure_redis(), Path(work)).start()
            try:
                stores["Redis"] = measure(args.orders, redis.url, args.calls)
            finally:
                redis.stop()
    text = report(args.orders, stores, args.calls, (before, load()))
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
