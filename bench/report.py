"""The figures of a bench run and what they become: docs/benchmarks.md's figures and a JSON file.

The result types, the ratios, the targets (one table, `TARGETS`, as docs/benchmarks.md lists
them) and the markdown, kept apart from starting servers and driving wrk so that what the report
says can be read in one place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from operator import ge, le, lt
from pathlib import Path
from typing import Any

from servers import CEILING, HTTP_SERVERS, OURS, SERVER_TITLES, SERVERS
from workload import BENCH_DIR, GET, OPERATIONS, ROOT, UPDATE_ORDER, Operation

UPDATE_SCHEDULE = OPERATIONS[2]
DEFAULT, FALLBACK = HTTP_SERVERS

RESULTS = BENCH_DIR / "results" / "latest.json"
BENCHMARKS_PAGE = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
RATIO = "{:.2f}x"


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
    """The sandbox at one size: startup, seeding by PUT, resident memory, GET and update-order."""

    orders: int
    startup_s: float
    put_state_s: float | None
    rss_seeded_mb: float
    rss_after_mb: float
    rss_put_mb: float | None = None
    get: Run | None = None
    update: Run | None = None


@dataclass
class TeamCell:
    """One run of the team section, with Redis' CPU share during it (of one core; None for the
    memory store)."""

    run: Run
    redis_cpu: float | None
    cpu_us: float = 0.0
    """CPU per request (us) of the sandbox's processes and of Redis together."""


@dataclass
class ProxyPoint:
    """One operation, on the sandbox alone and through the proxy: at one connection (what a
    request costs more) and at the run's connections (throughput)."""

    operation: str
    direct: Run
    proxied: Run
    direct_loaded: Run
    proxied_loaded: Run

    @property
    def added_p50_ms(self) -> float:
        return self.proxied.p50_ms - self.direct.p50_ms

    @property
    def added_p99_ms(self) -> float:
        return self.proxied.p99_ms - self.direct.p99_ms


@dataclass
class Report:
    """Everything one bench run measured: server name -> operation name -> run, and the scale."""

    date: str
    cores: int
    settings: dict[str, Any]
    load_before: str
    load_after: str = ""
    cells: dict[str, dict[str, Run]] = field(default_factory=dict)
    scale: list[ScalePoint] = field(default_factory=list)
    team: dict[str, dict[str, TeamCell]] = field(default_factory=dict)
    team_storm_lost: int | None = None
    proxy: list[ProxyPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else RATIO.format(value)


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


def rps(report: Report, server: str, operation: Operation) -> float | None:
    """req/s of `operation` on `server`; None when not measured."""
    run = report.cells.get(server, {}).get(operation.name)
    return None if run is None else run.rps


def worst_p99(report: Report, server: str) -> float | None:
    """The highest p99 of `server`'s operations (ms)."""
    return max((run.p99_ms for run in report.cells.get(server, {}).values()), default=None)


def p50_growth(report: Report, pick: Callable[[ScalePoint], Run | None]) -> float | None:
    """p50 at the largest size over p50 at the smallest, of the run `pick` takes from a point."""
    small, large = pick(report.scale[0]), pick(report.scale[-1])
    return large.p50_ms / small.p50_ms if small and large and small.p50_ms else None


def largest_rss(report: Report) -> float:
    """RSS at the largest size (MB): the larger of after the runs and after the PUT."""
    large = report.scale[-1]
    return max(large.rss_after_mb, large.rss_put_mb or 0)


def best_seeding(report: Report) -> float | None:
    """The faster of the two seeding rates (orders/s)."""
    return max((rate for rate in seeding_rates(report) if rate), default=None)


MEMORY_1, REDIS_2 = "memory, 1 process", "Redis, 2 processes"
TEAM_ROWS = (MEMORY_1, "Redis, 1 process", REDIS_2, "Redis, 4 processes")


def team_cell(report: Report, server: str, operation: Operation) -> Run | None:
    cell = report.team.get(server, {}).get(operation.name)
    return None if cell is None else cell.run


def team_gain(report: Report) -> float | None:
    """GET req/s of the Redis store on 2 processes over the memory store's on 1."""
    two, one = team_cell(report, REDIS_2, GET), team_cell(report, MEMORY_1, GET)
    return ratio(two.rps if two else None, one.rps if one else None)


def team_update_p99(report: Report) -> float | None:
    run = team_cell(report, REDIS_2, UPDATE_ORDER)
    return None if run is None else run.p99_ms


def teamed(report: Report) -> bool:
    """The team section ran."""
    return bool(report.team)


def compared(report: Report) -> bool:
    """The comparison measured the sandbox (on its default server)."""
    return bool(report.cells.get(OURS[DEFAULT]))


def scaled(report: Report) -> bool:
    """The scale runs measured at least two sizes."""
    return len(report.scale) >= 2


def proxied(report: Report) -> bool:
    return bool(report.proxy)


def worst_added_p50(report: Report) -> float | None:
    """The largest p50 the proxy adds to an operation at one connection (ms)."""
    return max((point.added_p50_ms for point in report.proxy), default=None)


@dataclass(frozen=True)
class Target:
    """One benchmark target: met when `compare(measure(report), goal)`.

    The row is listed when `applies(report)`, with the measured value formatted by `shown`, or
    n/a (and neither met nor missed) when `measure` gives None. `name` may name the scale's
    smallest and largest sizes as `{small}` and `{large}`.
    """

    name: str
    measure: Callable[[Report], float | None]
    compare: Callable[[float, float], bool]
    goal: float
    shown: str
    applies: Callable[[Report], bool]

    def row(self, report: Report) -> tuple[str, str, bool | None]:
        """(target, measured, met) of `report`."""
        scale = report.scale
        sizes = {"small": scale[0].orders, "large": scale[-1].orders} if scale else {}
        value = self.measure(report)
        return (
            self.name.format(**sizes),
            "n/a" if value is None else self.shown.format(value),
            None if value is None else self.compare(value, self.goal),
        )


def speedup(operation: Operation, baseline: str) -> Callable[[Report], float | None]:
    """The sandbox on granian's req/s of `operation` over `baseline`'s."""
    return lambda r: ratio(rps(r, OURS[DEFAULT], operation), rps(r, baseline, operation))


TARGETS = (
    Target(
        "GET >= 2x the sandbox's GET on waitress",
        speedup(GET, OURS[FALLBACK]),
        ge,
        2.0,
        RATIO,
        compared,
    ),
    Target(
        "GET >= 1.5x the bare-Flask ceiling's GET on waitress",
        speedup(GET, CEILING[FALLBACK]),
        ge,
        1.5,
        RATIO,
        compared,
    ),
    *(
        Target(
            f"{operation.name} >= 1.5x its figure on waitress",
            speedup(operation, OURS[FALLBACK]),
            ge,
            1.5,
            RATIO,
            compared,
        )
        for operation in (UPDATE_ORDER, UPDATE_SCHEDULE)
    ),
    Target(
        "p99 <= 5 ms at 20 connections (every operation)",
        lambda r: worst_p99(r, OURS[DEFAULT]),
        le,
        5,
        "{:.1f} ms",
        compared,
    ),
    Target("GET >= 6x Prism's GET req/s", speedup(GET, "prism"), ge, 6.0, RATIO, compared),
    Target(
        "GET p50 at {large:,} <= 1.2x p50 at {small:,}",
        lambda r: p50_growth(r, lambda point: point.get),
        le,
        1.2,
        RATIO,
        scaled,
    ),
    Target(
        "update-order p50 at {large:,} <= 1.2x p50 at {small:,}",
        lambda r: p50_growth(r, lambda point: point.update),
        le,
        1.2,
        RATIO,
        scaled,
    ),
    Target(
        "RSS at {large:,} orders < 1.5 GB (the larger)",
        largest_rss,
        lt,
        1536,
        "{:,.0f} MB",
        scaled,
    ),
    Target(
        "seeding >= 5,000 orders/s",
        best_seeding,
        ge,
        5000,
        "{:,.0f} orders/s",
        scaled,
    ),
    Target(
        "team: Redis store on 2 processes, GET >= 1.3x the memory store's on 1",
        team_gain,
        ge,
        1.3,
        RATIO,
        teamed,
    ),
    Target(
        "team: update-order p99 < 20 ms at 20 connections (Redis store, 2 processes)",
        team_update_p99,
        lt,
        20,
        "{:.1f} ms",
        teamed,
    ),
    Target(
        "team: lost updates of the If-Match storm at 2 processes = 0",
        lambda r: None if r.team_storm_lost is None else float(r.team_storm_lost),
        le,
        0,
        "{:.0f}",
        teamed,
    ),
    Target(
        "proxy adds < 2 ms to p50 (1 connection, every operation)",
        worst_added_p50,
        lt,
        2.0,
        "{:.2f} ms",
        proxied,
    ),
)
"""The targets of the sandbox on its default server (granian), as docs/benchmarks.md lists them;
"on waitress" is the fallback server measured in the same run."""


def targets(report: Report) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target that the run measured; met is None
    when its figure is missing."""
    return [target.row(report) for target in TARGETS if target.applies(report)]


def render(report: Report) -> str:
    s = report.settings
    out = [
        f"Measured {report.date} on {report.cores} cores (`nproc`) by `make bench`: wrk, "
        f"{s['wrk_threads']} threads, {s['connections']} connections, {s['duration']} s per cell "
        f"(after {s['warmup']} s of warm-up, best of {s['repeat']} interleaved rounds); "
        "sandbox and ceiling each on "
        + " and on ".join(
            f"{name} ({n} thread{'' if n == 1 else 's'})" for name, n in s["server_threads"].items()
        )
        + "; the scale runs on "
        + DEFAULT
        + ". Load average "
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
    pairs = [
        ("granian / waitress (sandbox)", OURS[DEFAULT], OURS[FALLBACK]),
        ("sandbox on granian / Prism", OURS[DEFAULT], "prism"),
        *(
            (f"sandbox / ceiling on {server}", OURS[server], CEILING[server])
            for server in HTTP_SERVERS
        ),
        ("sandbox on granian / ceiling on waitress", OURS[DEFAULT], CEILING[FALLBACK]),
    ]
    out += [
        "",
        "| operation | " + " | ".join(title for title, _, _ in pairs) + " |",
        "|---|" + "---:|" * len(pairs),
    ]
    for op in OPERATIONS:
        ratios = [fmt_ratio(ratio(rps(report, a, op), rps(report, b, op))) for _, a, b in pairs]
        out.append(f"| {op.name} | " + " | ".join(ratios) + " |")
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
            put_s = "n/a" if p.put_state_s is None else f"{p.put_state_s:.1f}"
            put_rss = "n/a" if p.rss_put_mb is None else f"{p.rss_put_mb:,.0f}"
            out.append(
                f"| {p.orders:,} | {p.get.p50_ms if p.get else 0:.2f} | "
                f"{p.update.p50_ms if p.update else 0:.2f} | {p.startup_s:.1f} | "
                f"{p.rss_seeded_mb:,.0f} | {p.rss_after_mb:,.0f} | {put_s} | {put_rss} |"
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
    if report.team:
        out += [
            "",
            "Team sandbox: the memory store in one process against the Redis store "
            "(`--store redis://... --workers N`, a redis-server of its own each, no persistence) "
            "on granian, the same orders; Redis CPU is redis-server's CPU time over the run's "
            "(100% = one core); CPU/request is the sandbox processes' and Redis' CPU time over "
            "the requests answered (the kernel's loopback work included), the figure that does "
            "not depend on what else the machine runs.",
            "",
            "| store, processes | operation | req/s | p50 ms | p99 ms | errors | Redis CPU "
            "| CPU/request us |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in TEAM_ROWS:
            for op in (GET, UPDATE_ORDER):
                cell = report.team.get(name, {}).get(op.name)
                if cell is not None:
                    run, share = cell.run, cell.redis_cpu
                    out.append(
                        f"| {name} | {op.name} | {run.rps:,.0f} | {run.p50_ms:.2f} | "
                        f"{run.p99_ms:.2f} | {run.errors} | "
                        + ("n/a" if share is None else f"{share:.0%}")
                        + f" | {cell.cpu_us:,.0f} |"
                    )
    out += proxy_section(report)
    out += ["", "| target (2 cores) | measured | met |", "|---|---:|:---:|"]
    for name, measured, met in targets(report):
        out.append(f"| {name} | {measured} | {'n/a' if met is None else 'yes' if met else 'NO'} |")
    out += ["", *(f"Note: {note}" for note in report.notes)] if report.notes else []
    return "\n".join(out).rstrip() + "\n"


def proxy_section(report: Report) -> list[str]:
    """The proxy's table: p50 and p99 at one connection, req/s at the run's connections."""
    if not report.proxy:
        return []
    connections = report.settings["connections"]
    out = [
        "",
        "Proxy: `carriyo-sandbox proxy` (every exchange judged against the documented view and "
        "the contract suite's rules, no recording) in front of the sandbox on granian, against "
        "that sandbox alone; latency with wrk at 1 connection (what one request costs more), "
        f"req/s at {connections} connections (both processes share the cores).",
        "",
        "| operation | p50 ms alone / proxied | p50 added ms | p99 ms alone / proxied "
        f"| p99 added ms | req/s alone / proxied ({connections} conn.) | proxied / alone |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in report.proxy:
        out.append(
            f"| {p.operation} | {p.direct.p50_ms:.2f} / {p.proxied.p50_ms:.2f} | "
            f"{p.added_p50_ms:.2f} | {p.direct.p99_ms:.2f} / {p.proxied.p99_ms:.2f} | "
            f"{p.added_p99_ms:.2f} | {p.direct_loaded.rps:,.0f} / {p.proxied_loaded.rps:,.0f} | "
            f"{fmt_ratio(ratio(p.proxied_loaded.rps, p.direct_loaded.rps))} |"
        )
    return out


def write_docs(text: str, page: Path = BENCHMARKS_PAGE) -> None:
    """Replace what `page` holds between START and END with `text`; the rest stays as written."""
    content = page.read_text(encoding="utf-8")
    begin, end = content.find(START), content.find(END)
    if begin < 0 or end < begin:
        raise SystemExit(f"bench: {page} has no {START} ... {END} section")
    page.write_text(content[: begin + len(START)] + "\n" + text + content[end:], encoding="utf-8")
    print(f"bench: wrote the figures into {page}", flush=True)


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
