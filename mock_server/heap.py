"""Bulk loads (fixtures, `PUT /__admin/state`) without the cyclic garbage collector in the way.

Parsing or storing 100,000 orders creates millions of dicts and lists; every few thousand the
collector runs, and its full passes scan the whole (growing) heap, which made a load 3-4x slower.
Orders are trees (no reference cycles), so reference counting frees them without the collector:
`gc_paused()` switches it off for the duration of a load. When the load left many objects (more
than FREEZE_AFTER), they are then moved into the permanent generation (`gc.freeze()`): otherwise
the next collection would scan them all at once (seconds at 100,000 orders), and every later full
collection again, which grows with the number of orders and shows as latency spikes.

`compact()` rebuilds a freshly parsed document with every repeated string value stored once.
Seeded orders repeat many values (statuses, currencies, countries, cities, SKUs, names of
products), and a str object costs 50-100 bytes: at 100,000 orders from the fixtures' templates
this is about 40% less memory. Sharing has to happen in a copy: replacing the strings in place
would leave the freed duplicates as holes that the allocator keeps, while the parsed original,
dropped as a whole, gives its memory back (`release_free_memory()` hands it to the system).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

FREEZE_AFTER = 200_000
"""Young containers left by a pause above which they are frozen (about 1,500 orders).

Frozen objects are still freed by reference counting, but a reference cycle among them is never
collected: small loads (a test suite resetting a few orders again and again) are not frozen."""

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nested or concurrent blocks included)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if gc.get_count()[0] >= FREEZE_AFTER:
                    gc.freeze()
                if _was_enabled:
                    gc.enable()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None on another C library."""
    name = ctypes.util.find_library("c")
    function = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if function is not None:
        function.argtypes, function.restype = [ctypes.c_size_t], ctypes.c_int
    return function


_TRIM = _malloc_trim()


def release_free_memory() -> None:
    """Give the memory a large load freed (its request body, the parsed document it compacted)
    back to the system. glibc keeps freed heap pages for reuse, so the resident size after a
    `PUT /__admin/state` of 100,000 orders stayed hundreds of MB above that of the same orders
    loaded at startup; `malloc_trim` returns the free pages (a no-op on other C libraries). About
    7 us on a small heap."""
    if _TRIM is not None:
        _TRIM(0)


def freeze_long_lived() -> None:
    """Collect, then move every object left into the permanent generation. For a server that has
    just started: what it holds now (modules, the spec and its compiled validators, the fixtures
    baseline) lives as long as the process, and later full collections no longer scan it. What
    startup freed (the fixtures as parsed, before `compact`) goes back to the system."""
    gc.collect()
    gc.freeze()
    release_free_memory()


def compact(document: Any) -> Any:
    """A deep copy of a parsed JSON document in which equal strings (values and keys) are one
    object.

    Every string, float and large int of the copy is a new object, so that no object of
    `document` stays alive through the copy and pins the memory of the original once dropped.
    (Module-level functions, not closures: a recursive closure is a reference cycle, which would
    keep the table, and so the original, alive while the collector is paused. Written out per
    container type, without a call per scalar: about 40 us per order.)
    """
    strings: dict[str, str] = {}
    if type(document) is dict:
        return _compact_dict(document, strings)
    if type(document) is list:
        return _compact_list(document, strings)
    return _compact_list([document], strings)[0]


def _fresh(value: str, strings: dict[str, str]) -> str:
    """The table's copy of `value`, made (as a new object) on first sight."""
    copy = strings.get(value)
    if copy is None:
        copy = value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        strings[copy] = copy
    return copy


def _compact_dict(value: dict[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, item in value.items():
        kind = type(item)
        if kind is str:
            item = strings.get(item) or _fresh(item, strings)
        elif kind is dict:
            item = _compact_dict(item, strings)
        elif kind is list:
            item = _compact_list(item, strings)
        elif kind is float:
            item = item * 1.0
        elif kind is int:
            item = item + 0
        out[strings.get(key) or _fresh(key, strings)] = item
    return out


def _compact_list(value: list[Any], strings: dict[str, str]) -> list[Any]:
    out = []
    for item in value:
        kind = type(item)
        if kind is str:
            item = strings.get(item) or _fresh(item, strings)
        elif kind is dict:
            item = _compact_dict(item, strings)
        elif kind is list:
            item = _compact_list(item, strings)
        elif kind is float:
            item = item * 1.0
        elif kind is int:
            item = item + 0
        out.append(item)
    return out
