"""Concurrent update storms against one running sandbox, and the figures they produce.

Page 002's update replaces each top-level field wholesale, so "disjoint fields of the same order"
are made measurable two ways:

- `rmw_storm` (the issue's 32 threads x 200 requests): every thread owns one key of the order's
  `customer.custom_fields` and appends the number of each request to its own list, by
  read-modify-write: GET (or the last 200's body), change its key only, PATCH with `If-Match`.
  200 acknowledges that number; 409 means someone wrote first (re-read, go on). At the end, each
  thread's list in the order must be exactly the numbers it got 200 for: one missing is a lost
  update, one extra a phantom write.
- `blind_storm`: one thread per updatable top-level field (11), each PATCHing only its field with
  no `If-Match`. Nothing may be refused and each field must end at its thread's last value: the
  server itself must serialize the writes.
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

from tests.reliability.harness import Server, unique
from tests.reliability.schemas import schema_errors

THREADS = 32
REQUESTS_PER_THREAD = 200
BLIND_REQUESTS = 200
START_TIMEOUT_SECONDS = 60.0
Value = Callable[[str, int], Any]


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
            not (self.server_errors or self.unexpected or self.lost or self.phantom)
            and not self.invalid_orders
        )

    def merge(self, other: StormFigures) -> None:
        """Add one worker's counts to these."""
        self.updates += other.updates
        self.reads += other.reads
        self.transport_errors += other.transport_errors


class _Worker:
    """One client thread: its own HTTP session and counts."""

    def __init__(self, server: Server, name: str) -> None:
        self.server = server
        self.session = requests.Session()
        self.figures = StormFigures(name, 1, 0, 0)

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
    return {
        "order_id": order_id,
        "partner_order_reference": f"{order_id}-REF",
        "merchant": "ACME_FASHION",
        "customer": {"name": "Storm Client", "custom_fields": {}},
        "line_items": [{"id": "LI-1", "sku": "SKU-1", "quantity": 2}],
        "fulfillment_orders": [
            {"location_id": "DXB-WH-01", "line_items": [{"id": "LI-1", "quantity": 2}]}
        ],
    }


def _create_orders(server: Server, prefix: str, count: int) -> list[str]:
    ids = [unique(prefix) for _ in range(count)]
    for order_id in ids:
        response = server.call("POST", "/orders", json=_storm_order(order_id))
        assert response.status_code == 201, response.text
    return ids


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


def _run_threads(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run `work(i, barrier)` on `count` threads that start together; their results in order."""
    barrier = threading.Barrier(count, timeout=START_TIMEOUT_SECONDS)
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(count)))


def rmw_storm(server: Server, threads: int, requests_per_thread: int, orders: int) -> StormFigures:
    """`threads` x `requests_per_thread` If-Match updates spread over `orders` new orders."""
    figures = StormFigures(
        f"{threads} threads x {requests_per_thread} If-Match updates, {orders} order(s)",
        threads,
        requests_per_thread,
        orders,
    )
    ids = _create_orders(server, "STORM", orders)

    def work(i: int, barrier: threading.Barrier) -> tuple[_Worker, dict[str, list[str]]]:
        worker, owner = _Worker(server, figures.name), f"t{i:02d}"
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
                bases[order_id] = response.json()["customer"], response.headers["ETag"]
        return worker, acked

    started = time.perf_counter()
    results = _run_threads(threads, work)
    figures.seconds = time.perf_counter() - started
    finals = _final_orders(server, ids, figures)
    for i, (worker, acked) in enumerate(results):
        figures.merge(worker.figures)
        for order_id, numbers in acked.items():
            held = finals[order_id]["customer"]["custom_fields"].get(f"t{i:02d}", [])
            figures.acknowledged += len(numbers)
            figures.lost += len(set(numbers) - set(held))
            figures.phantom += len(set(held) - set(numbers))
    return figures


def blind_storm(server: Server, requests_per_thread: int) -> StormFigures:
    """One thread per BLIND_FIELDS entry, `requests_per_thread` plain PATCHes of its field."""
    names = list(BLIND_FIELDS)
    figures = StormFigures(
        f"{len(names)} threads x {requests_per_thread} blind updates of disjoint fields, 1 order",
        len(names),
        requests_per_thread,
        1,
    )
    (order_id,) = _create_orders(server, "BLIND", 1)

    def work(i: int, barrier: threading.Barrier) -> tuple[_Worker, Any]:
        worker, name = _Worker(server, figures.name), names[i]
        last: Any = None
        barrier.wait()
        for k in range(requests_per_thread):
            value = BLIND_FIELDS[name](order_id, k)
            response = worker.send(
                "PATCH", f"/orders/{order_id}", worker.figures.updates, json={name: value}
            )
            if response is not None and response.status_code == 200:
                last = value
        return worker, last

    started = time.perf_counter()
    results = _run_threads(len(names), work)
    figures.seconds = time.perf_counter() - started
    final = _final_orders(server, [order_id], figures)[order_id]
    for name, (worker, last) in zip(names, results, strict=True):
        figures.merge(worker.figures)
        if last is not None and final.get(name) != last:
            figures.lost += 1
    figures.acknowledged = figures.updates[200]
    return figures
