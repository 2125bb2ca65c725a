"""Listing a tenant's orders: the MCP tool `list_orders` (no REST page lists orders).

Carriyo publishes `list_orders` only as "paging, sorting, search and merchant filters"; the
parameters below are the sandbox's reading of that sentence (docs/mcp.md): a 1-based `page` of
`page_size` orders, sorted by one of `SORT_FIELDS` in `sort_order`, kept when every word of
`search` is in the order's references or customer contact, and its merchant among `merchants`.
Pure functions over plain orders: the service chooses the orders and caches what is costly.
"""

from __future__ import annotations

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


def page_of(items: Sequence[Any], query: ListQuery) -> list[Any]:
    """The `query.page`-th slice of `query.page_size` of `items` (empty past the end)."""
    start = (query.page - 1) * query.page_size
    return list(items[start : start + query.page_size])


def selected(entries: Iterable[tuple[T, Mapping[str, Any], str]], query: ListQuery) -> list[T]:
    """The items whose order (each given as `(item, order, search_text(order))`) passes the
    merchant and search filters, in the query's order (ties by order_id, so pages never
    overlap)."""
    merchants = frozenset(query.merchants)
    words = query.words
    field = query.sort_by
    kept = [
        (sort_value(order, field), sort_value(order, "order_id"), item)
        for item, order, text in entries
        if (not merchants or order.get("merchant") in merchants)
        and all(word in text for word in words)
    ]
    kept.sort(key=lambda entry: entry[:2], reverse=query.sort_order == "DESC")
    return [item for *_, item in kept]
