"""Bulk-load helpers: `compact` copies a document exactly, sharing equal strings and nothing else
with the original; `gc_paused` restores the collector's state, also when nested;
`release_free_memory` gives freed heap pages back."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import pytest

from mock_server.heap import FREEZE_AFTER, compact, gc_paused, release_free_memory


def objects(value: Any) -> list[Any]:
    """Every non-singleton object in `value` (containers, keys, scalars other than bool/None)."""
    found = [value]
    if isinstance(value, dict):
        for key, item in value.items():
            found += [key, *objects(item)]
    elif isinstance(value, list):
        for item in value:
            found += objects(item)
    return [v for v in found if not isinstance(v, bool) and v is not None]


def test_compact_is_an_equal_copy_that_shares_nothing_with_the_original() -> None:
    original = {
        "status": "open-" + "x",
        "lines": [{"status": "open-" + "x", "price": 1.5, "qty": 10**12, "ok": True}] * 2,
        "nested": [[None, 0.1, "é-\u2603"], {"k": -0.0}],
        "big": 2**70,
    }
    copied = compact(original)
    assert copied == original
    assert str(copied) == str(original)  # -0.0 and the types survive
    mine = {id(v) for v in objects(original) if not isinstance(v, int) or v > 256}
    assert not mine & {id(v) for v in objects(copied)}


def test_compact_stores_equal_strings_once() -> None:
    copied = compact([{"city": "Dubai" + str(i % 2)} for i in range(6)])
    assert len({id(order["city"]) for order in copied}) == 2
    assert compact("plain") == "plain" and compact(3) == 3


def test_gc_paused_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_large_pause_freezes_what_it_left_and_a_small_one_does_not() -> None:
    gc.collect()
    frozen = gc.get_freeze_count()
    try:
        with gc_paused():
            small = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen
        with gc_paused():
            large = [[i] for i in range(FREEZE_AFTER + 1000)]
        assert gc.get_freeze_count() >= frozen + FREEZE_AFTER
        assert len(small) + len(large) > FREEZE_AFTER
    finally:
        gc.unfreeze()


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, Linux")
def test_release_free_memory_gives_freed_heap_pages_back() -> None:
    """glibc keeps freed heap pages below a live allocation (a load's garbage under the orders it
    kept); `release_free_memory` returns them: about 100 MB freed here, most of it given back."""
    blocks = [bytes(2000) + bytes([k % 256]) for k in range(50_000)]  # malloc'd, not pymalloc
    survivor = bytearray(3000)  # allocated above them: the heap cannot simply shrink
    loaded = _resident_bytes()
    del blocks
    assert _resident_bytes() > loaded - 20 * 2**20  # freed, but still resident
    release_free_memory()
    assert _resident_bytes() < loaded - 80 * 2**20
    assert len(survivor) == 3000
