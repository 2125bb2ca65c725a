"""Concurrent update storms against one running sandbox, and the figures they produce.

Page 002's update replaces each top-level field wholesale, so "disjoint fields of the same order"
are made measurable two ways:

- `rmw_storm` (docs/reliability.md's table: 32 threads x 200 requests): every thread owns
  one key of the order's `customer.custom_fields` and appends the number of each request to its
  own list, by read-modify-write: GET (or the last 200's body), change its key only, PATCH with
  `If-Match`. 200 acknowledges that number; 409 means someone wrote first (re-read, go on). At the
  end, each thread's list in the order must be exactly the numbers it got 200 for: one missing is
  a lost update, one extra a phantom write.
- `blind_storm`: one thread per updatable top-level field (11), each PATCHing only its field with
  no `If-Match`. Nothing may be refused and each field must end at its thread's last value: the
  server itself must serialize the writes.

Both also replay the versions the server answered 200, in the order it made them (`update_date`,
stamped under the order's lock): each version must keep every other writer's latest value. A
version that undoes another writer's acknowledged change is a lost update even when the loser
writes again later (which hides it from the final state).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.launcher import Server, unique
from tests.reliability.schemas import schema_errors

THREADS = 32
REQUESTS_PER_THREAD = 200
BLIND_REQUESTS = 200
STORM_LINE_ITEMS = 100
"""Lines per storm order: each write then copies and re-derives a sizeable order, long enough for
the interpreter to switch threads inside it, so a server without its per-order lock loses updates
here (measured on a mutant without the lock: 12 lost in one report run, none on this server)."""
START_TIMEOUT_SECONDS = 60.0
Value = Callable[[str, int], Any]
Owned = dict[str, Any]
"""What each writer owns in one version of an order: writer -> its value."""
Version = tuple[str, str, Owned]
"""(update_date, writer, owned values) of one version answered 200."""


def _text(tag: str, k: int) -> str:
    return f"{tag}-{k}"


def _date(tag: str, k: int) -> str:
    return f"2026-01-01T{k // 3600:02d}:{k // 60 % 60:02d}:{k % 60:02d}Z"


def _named(key: str) -> Value:
    return lambda tag, k: {key: _text(tag, k)}


def _listed(key: str) -> Value:
    return lambda tag, k: [{key: _text(tag, k)}]


BLIND_FIELDS: dict[str, Value] = {
    "partner_order_reference": _text,
    "order_date": _date,
    "merchant": _text,
    "language": _text,
    "sales_channel": _text,
    "shipping_address": _named("name"),
    "billing_address": _named("name"),
    "customer": _named("name"),
    "payment": _named("currency"),
    "discount_applications": _listed("code"),
    "shipping_lines": _listed("title"),
}
"""Page 002's updatable top-level fields (the two booleans cannot carry a request number)."""


@dataclass
class StormFigures:
    """What one storm sent and found."""

    name: str
    threads: int
    requests_per_thread: int
    orders: int
    seconds: float = 0.0
    updates: Counter[int] = field(default_factory=Counter)
    reads: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    acknowledged: int = 0
    lost: int = 0
    undone: int = 0
    phantom: int = 0
    invalid_orders: list[str] = field(default_factory=list)

    @property
    def update_requests(self) -> int:
        return sum(self.updates.values())

    @property
    def read_requests(self) -> int:
        return sum(self.reads.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in (self.updates + self.reads).items() if status >= 500)

    @property
    def unexpected(self) -> int:
        """Update answers other than 200/409, reads other than 200, and transport errors."""
        odd_updates = sum(n for status, n in self.updates.items() if status not in (200, 409))
        odd_reads = sum(n for status, n in self.reads.items() if status != 200)
        return odd_updates + odd_reads + self.transport_errors

    @property
    def ok(self) -> bool:
        return (
            not (self.server_errors or self.unexpected or self.lost or self.undone)
            and not self.phantom
            and not self.invalid_orders
        )

    def merge(self, other: _Worker) -> None:
        """Add one worker's counts to these."""
        self.updates += other.figures.updates
        self.reads += other.figures.reads
        self.transport_errors += other.figures.transport_errors


class _Worker:
    """One client thread: its own HTTP session, counts, and the versions it was answered."""

    def __init__(self, server: Server, name: str) -> None:
        self.server = server
        self.session = requests.Session()
        self.figures = StormFigures(name, 1, 0, 0)
        self.versions: dict[str, list[Version]] = {}

    def keep(self, order: dict[str, Any], writer: str, owned: Owned) -> None:
        self.versions.setdefault(order["order_id"], []).append(
            (order["update_date"], writer, owned)
        )

    def send(
        self, method: str, path: str, counts: Counter[int], **kwargs: Any
    ) -> requests.Response | None:
        try:
            response = self.server.call(method, path, session=self.session, **kwargs)
        except requests.RequestException:
            self.figures.transport_errors += 1
            return None
        counts[response.status_code] += 1
        return response


def _storm_order(order_id: str) -> dict[str, Any]:
    """An order of STORM_LINE_ITEMS lines, all in one FO (a long copy-change-save per write)."""
    ids = [f"LI-{n}" for n in range(STORM_LINE_ITEMS)]
    return {
        "order_id": order_id,
        "partner_order_reference": f"{order_id}-REF",
        "merchant": "ACME_FASHION",
        "customer": {"name": "Storm Client", "custom_fields": {}},
        "line_items": [{"id": i, "sku": f"SKU-{i}", "quantity": 2} for i in ids],
        "fulfillment_orders": [
            {"location_id": "DXB-WH-01", "line_items": [{"id": i, "quantity": 2} for i in ids]}
        ],
    }


def _create_orders(server: Server, prefix: str, count: int) -> dict[str, dict[str, Any]]:
    """`count` new orders: order_id -> the order as created."""
    created = {}
    for _ in range(count):
        response = server.call("POST", "/orders", json=_storm_order(unique(prefix)))
        assert response.status_code == 200, response.text
        created[response.json()["order_id"]] = response.json()
    return created


def _undone(start: Owned, versions: list[Version]) -> int:
    """Changes undone: walking the versions in the order the server made them, each may change
    only its own writer's value; every other writer's value that differs was overwritten."""
    undone, previous = 0, start
    for _, writer, owned in sorted(versions, key=lambda version: version[0]):
        undone += sum(
            1
            for owner in previous.keys() | owned.keys()
            if owner != writer and previous.get(owner) != owned.get(owner)
        )
        previous = owned
    return undone


def _replay(figures: StormFigures, workers: list[_Worker], starts: dict[str, Owned]) -> None:
    """Merge the workers' counts and count the changes undone, order by order."""
    for worker in workers:
        figures.merge(worker)
    for order_id, start in starts.items():
        versions = [v for worker in workers for v in worker.versions.get(order_id, [])]
        figures.undone += _undone(start, versions)


def _final_orders(server: Server, ids: list[str], figures: StormFigures) -> dict[str, Any]:
    """The orders after the storm, each checked against the Order schema."""
    finals = {}
    for order_id in ids:
        response = server.call("GET", f"/orders/{order_id}")
        assert response.status_code == 200, response.text
        finals[order_id] = response.json()
        problems = schema_errors("Order", finals[order_id])
        if problems:
            figures.invalid_orders.append(f"{order_id}: {problems[:3]}")
    return finals


def _spread(server: Server, others: tuple[Server, ...], i: int) -> Server:
    """The server of thread `i`: the threads take `server` and `others` in turn."""
    servers = (server, *others)
    return servers[i % len(servers)]


def _run_threads(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run `work(i, barrier)` on `count` threads that start together; their results in order."""
    barrier = threading.Barrier(count, timeout=START_TIMEOUT_SECONDS)
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(count)))


def rmw_storm(
    server: Server,
    threads: int,
    requests_per_thread: int,
    orders: int,
    others: tuple[Server, ...] = (),
) -> StormFigures:
    """`threads` x `requests_per_thread` If-Match updates spread over `orders` new orders (and
    the threads spread over `server` and `others`: sandbox processes sharing one store)."""
    figures = StormFigures(
        f"{threads} threads x {requests_per_thread} If-Match updates, {orders} order(s)",
        threads,
        requests_per_thread,
        orders,
    )
    created = _create_orders(server, "STORM", orders)
    ids = list(created)

    def work(i: int, barrier: threading.Barrier) -> tuple[_Worker, dict[str, list[str]]]:
        worker, owner = _Worker(_spread(server, others, i), figures.name), f"t{i:02d}"
        acked: dict[str, list[str]] = {order_id: [] for order_id in ids}
        bases: dict[str, tuple[dict[str, Any], str]] = {}
        barrier.wait()
        for k in range(requests_per_thread):
            order_id = ids[(i + k) % orders]
            base = bases.pop(order_id, None)
            if base is None:
                read = worker.send("GET", f"/orders/{order_id}", worker.figures.reads)
                if read is None or read.status_code != 200:
                    continue
                base = read.json()["customer"], read.headers["ETag"]
            customer = copy.deepcopy(base[0])
            customer["custom_fields"][owner] = [*acked[order_id], str(k)]
            response = worker.send(
                "PATCH",
                f"/orders/{order_id}",
                worker.figures.updates,
                json={"customer": customer},
                headers={"If-Match": base[1]},
            )
            if response is not None and response.status_code == 200:
                acked[order_id].append(str(k))
                order = response.json()
                worker.keep(order, owner, order["customer"]["custom_fields"])
                bases[order_id] = order["customer"], response.headers["ETag"]
        return worker, acked

    started = time.perf_counter()
    results = _run_threads(threads, work)
    figures.seconds = time.perf_counter() - started
    finals = _final_orders(server, ids, figures)
    _replay(figures, [worker for worker, _ in results], {order_id: {} for order_id in ids})
    for i, (_, acked) in enumerate(results):
        for order_id, numbers in acked.items():
            held = finals[order_id]["customer"]["custom_fields"].get(f"t{i:02d}", [])
            figures.acknowledged += len(numbers)
            figures.lost += len(set(numbers) - set(held))
            figures.phantom += len(set(held) - set(numbers))
    return figures


def blind_storm(
    server: Server, requests_per_thread: int, others: tuple[Server, ...] = ()
) -> StormFigures:
    """One thread per BLIND_FIELDS entry, `requests_per_thread` plain PATCHes of its field (the
    threads spread over `server` and `others`)."""
    names = list(BLIND_FIELDS)
    figures = StormFigures(
        f"{len(names)} threads x {requests_per_thread} blind updates of disjoint fields, 1 order",
        len(names),
        requests_per_thread,
        1,
    )
    ((order_id, created),) = _create_orders(server, "BLIND", 1).items()

    def owned(order: dict[str, Any]) -> Owned:
        return {name: order.get(name) for name in names}

    def work(i: int, barrier: threading.Barrier) -> tuple[_Worker, Any]:
        worker, name = _Worker(_spread(server, others, i), figures.name), names[i]
        last: Any = None
        barrier.wait()
        for k in range(requests_per_thread):
            value = BLIND_FIELDS[name](order_id, k)
            response = worker.send(
                "PATCH", f"/orders/{order_id}", worker.figures.updates, json={name: value}
            )
            if response is not None and response.status_code == 200:
                last = value
                worker.keep(response.json(), name, owned(response.json()))
        return worker, last

    started = time.perf_counter()
    results = _run_threads(len(names), work)
    figures.seconds = time.perf_counter() - started
    final = _final_orders(server, [order_id], figures)[order_id]
    _replay(figures, [worker for worker, _ in results], {order_id: owned(created)})
    for name, (_, last) in zip(names, results, strict=True):
        if last is not None and final.get(name) != last:
            figures.lost += 1
    figures.acknowledged = figures.updates[200]
    return figures
