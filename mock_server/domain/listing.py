"""Listing a tenant's orders: the MCP tool `list_orders` (no REST page lists orders).

Carriyo publishes `list_orders` only as "paging, sorting, search and merchant filters"; the
parameters below are the sandbox's reading of that sentence (docs/mcp.md): a 1-based `page` of
`page_size` orders, sorted by one of `SORT_FIELDS` in `sort_order`, kept when every word of
`search` is in the order's references or customer contact, and its merchant among `merchants`.
Pure functions over plain orders, and `Listing`, what a process keeps of a tenant between calls
(no I/O): the service feeds it the orders changed since its last call and asks it for pages.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

SORT_FIELDS = ("creation_date", "update_date", "order_date", "order_id", "partner_order_reference")
"""Fields an agent may sort by; the default is the newest created first."""
SORT_ORDERS = ("ASC", "DESC")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
"""A page is what an agent reads in one answer: a hundred whole orders is already ~0.5 MB."""
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "name", "email", "phone")
CONTACTS = ("customer", "shipping_address", "billing_address")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What `list_orders` was asked: the page, the order of the orders, and the filters."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort_by: str = "creation_date"
    sort_order: str = "DESC"
    search: str = ""
    merchants: tuple[str, ...] = ()

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> ListQuery:
        """The query of a tool call's arguments (already checked against the tool's schema)."""
        return cls(
            page=int(arguments.get("page", 1)),
            page_size=int(arguments.get("page_size", DEFAULT_PAGE_SIZE)),
            sort_by=str(arguments.get("sort_by", "creation_date")),
            sort_order=str(arguments.get("sort_order", "DESC")).upper(),
            search=str(arguments.get("search", "")),
            merchants=tuple(arguments.get("merchants", ())),
        )

    @property
    def words(self) -> tuple[str, ...]:
        """The search as lower-case words, each of which must match."""
        return tuple(self.search.lower().split())


def search_text(order: Mapping[str, Any]) -> str:
    """What `search` looks in, lower-cased: the order's ids and references and its customer's
    contact (name, e-mail, phone) wherever the order carries one."""
    parts: list[str] = [
        str(order.get(name, ""))
        for name in ("order_id", "partner_order_reference", "customer_key", "merchant")
    ]
    for holder in CONTACTS:
        contact = order.get(holder)
        if isinstance(contact, dict):
            parts.extend(str(contact[name]) for name in CONTACT_FIELDS if name in contact)
    return "\n".join(parts).lower()


def sort_value(order: Mapping[str, Any], field: str) -> str:
    """The value an order sorts by (absent: before every present one in ascending order).
    Every sort field is an id or a timestamp in one published form, so strings compare right."""
    value = order.get(field)
    return value if isinstance(value, str) else ""


ListingKey = tuple[str, ...]
"""What listing reads of an order, in one tuple: its search text, its merchant, then for each of
SORT_FIELDS the string it sorts by (its value, then its order_id after a NUL: ties are broken by
order_id with one string comparison). A stored version's never changes, so the service keeps it
with the order."""
TEXT, MERCHANT, FIRST_SORT = 0, 1, 2
SMALL_PAGE = 8
"""Below 1/8 of the matches, the pages up to the one asked for are picked with a heap (n log k)
instead of sorting every match (n log n)."""


def listing_key(order: Mapping[str, Any]) -> ListingKey:
    """What listing reads of `order` (see `ListingKey`)."""
    merchant = order.get("merchant")
    order_id = sort_value(order, "order_id")
    return (
        search_text(order),
        merchant if isinstance(merchant, str) else "",
        *(f"{sort_value(order, field)}\0{order_id}" for field in SORT_FIELDS),
    )


def listed(entries: Iterable[tuple[T, ListingKey]], query: ListQuery) -> tuple[list[T], int]:
    """The page the query asks for of the items whose order (each given with its `listing_key`)
    passes the merchant and search filters, in the query's order (ties by order_id, so pages
    never overlap), and how many passed."""
    kept = list(entries)
    if query.merchants:
        merchants = frozenset(query.merchants)
        kept = [entry for entry in kept if entry[1][MERCHANT] in merchants]
    for word in query.words:  # one plain pass per word: each pass leaves fewer to read
        kept = [entry for entry in kept if word in entry[1][TEXT]]  # the pairs given, not new ones
    column = FIRST_SORT + SORT_FIELDS.index(query.sort_by)
    descending = query.sort_order == "DESC"

    def by(entry: tuple[T, ListingKey]) -> str:
        return entry[1][column]

    start = (query.page - 1) * query.page_size
    wanted = start + query.page_size
    if wanted * SMALL_PAGE < len(kept):  # same order as sorting: heapq's documented equivalence
        ordered = (heapq.nlargest if descending else heapq.nsmallest)(wanted, kept, key=by)
    else:
        ordered = sorted(kept, key=by, reverse=descending)
    return [item for item, _ in ordered[start:wanted]], len(kept)


REBUILD = 32
"""A batch of changes larger than 1/32 of the orders drops the sorted columns (sorted again when
next asked for, n log n once) instead of moving each changed order in every column (a shift of
the column's list per order)."""


class Listing:
    """A tenant's orders as listing reads them (`listing_key` by order_id), kept up to date with
    the changes of each call, and per sort field every order's sort string already sorted (built
    on the first call sorting by it): a page without filters is then a slice, whatever the size
    of the tenant. Not thread-safe: its owner serialises the calls."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, ListingKey]] = {}
        """Each order's (order_id, listing key) by order_id: kept as the pairs `listed` reads,
        so that a filtered page makes none of them (100,000 new pairs: about 35 ms)."""
        self._columns: dict[int, list[tuple[str, str]]] = {}

    def replace(self, entries: Iterable[tuple[str, ListingKey]]) -> None:
        """Forget every order, then keep `entries` (the whole tenant, read again)."""
        self._entries = {entry[0]: entry for entry in entries}
        self._columns = {}

    def update(self, entries: Sequence[tuple[str, ListingKey]]) -> None:
        """Keep the new listing keys of changed (or new) orders."""
        if len(entries) * REBUILD > len(self._entries):
            self._columns = {}
        for entry in entries:
            order_id, key = entry
            old = self._entries.get(order_id)
            self._entries[order_id] = entry
            for column, ordered in self._columns.items():
                if old is not None:
                    del ordered[bisect.bisect_left(ordered, (old[1][column], order_id))]
                bisect.insort(ordered, (key[column], order_id))

    def page(self, query: ListQuery) -> tuple[list[str], int]:
        """The order ids of the page `query` asks for, and how many orders passed its filters
        (as `listed` answers; without filters, from the sorted column)."""
        if query.merchants or query.words:
            return listed(self._entries.values(), query)
        ordered = self._column(FIRST_SORT + SORT_FIELDS.index(query.sort_by))
        start = (query.page - 1) * query.page_size
        if query.sort_order == "DESC":
            end = len(ordered) - start
            chosen = ordered[max(end - query.page_size, 0) : max(end, 0)][::-1]
        else:
            chosen = ordered[start : start + query.page_size]
        return [order_id for _, order_id in chosen], len(ordered)

    def _column(self, column: int) -> list[tuple[str, str]]:
        """Every order's sort string of `column` with its id, ascending (the strings are unique:
        each ends with its id, so the ids are never compared)."""
        ordered = self._columns.get(column)
        if ordered is None:
            ordered = sorted((key[column], order_id) for order_id, key in self._entries.values())
            self._columns[column] = ordered
        return ordered
