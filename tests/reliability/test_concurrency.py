"""Concurrency through the real WSGI server: no 5xx, nothing but 200/409, no lost update, and
final orders valid against openapi.yaml (see `storms.py` for how updates are made measurable)."""

from __future__ import annotations

import pytest

from tests.launcher import Server
from tests.reliability.report import storm_table
from tests.reliability.storms import (
    BLIND_REQUESTS,
    REQUESTS_PER_THREAD,
    THREADS,
    StormFigures,
    blind_storm,
    rmw_storm,
)


def _check(figures: StormFigures) -> None:
    print("\n" + storm_table([figures]))
    assert figures.server_errors == 0
    assert figures.unexpected == 0, figures.updates + figures.reads
    assert figures.lost == 0
    assert figures.undone == 0
    assert figures.phantom == 0
    assert figures.invalid_orders == []
    assert figures.acknowledged == figures.updates[200] > 0


@pytest.mark.parametrize("orders", [1, 50], ids=["same order", "50 orders"])
def test_if_match_storm_loses_no_update(sandbox: Server, orders: int) -> None:
    figures = rmw_storm(sandbox, THREADS, REQUESTS_PER_THREAD, orders)
    assert figures.update_requests == THREADS * REQUESTS_PER_THREAD
    _check(figures)


def test_blind_storm_of_disjoint_fields_loses_no_update(sandbox: Server) -> None:
    figures = blind_storm(sandbox, BLIND_REQUESTS)
    assert figures.updates[200] == figures.threads * BLIND_REQUESTS
    _check(figures)
