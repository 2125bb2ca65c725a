"""Read the captured API documentation pages in ``docs/api-pages/``.

The pages are copies of the public reference as captured, so their samples are not JSON as they
stand: pages 000, 001 and 003 put a bullet before every key (``  • "tenant": "string",``) and show
collapsed objects and arrays as an opener and a closer with nothing between; pages 002 and 004 put
``- `` before every key and array item (``{- "tenant": ...``, ``}, - "customer": {``) and run the
request and response samples together (``}{- "tenant"``). This module turns them back into JSON
and pulls out the field names and enum values the pages name.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = REPO_ROOT / "docs" / "api-pages"
PAGE_IDS = ("000", "001", "002", "003", "004")

BULLET = "\u2022"
_DECODER = json.JSONDecoder()
_BULLET_RE = re.compile(rf"^[ \t]*{BULLET} ", re.MULTILINE)
# A "- " that opens a key or an array item: at the start of a line, or after "{", "[" or ",".
_DASH_RE = re.compile(r"(^|[{\[,][ \t]*)- ", re.MULTILINE)
_KEY_RE = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:')
_TYPE_LINE_RE = re.compile(r"^(string|integer|number|boolean|object|array|Array of)\b")
IDENTIFIER_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# Keys of the samples' free-form maps (`properties`, `custom_fields`), not field names.
PLACEHOLDER_KEYS = frozenset({"property1", "property2"})
# The value the samples give to every free string; never an enum value.
PLACEHOLDER_VALUE = "string"

# Page 002's updatable-field list runs bullets together (docs/api-pages/README.md).
UPDATABLE_RUN_TOGETHER: dict[str, tuple[str, ...]] = {
    "sales_channeltaxes_included": ("sales_channel", "taxes_included"),
    "duties_includedshipping_address": ("duties_included", "shipping_address"),
    "customerpayment": ("customer", "payment"),
}
# Page 002's status lists run each description into the next status: "<description tail><status>".
STATUS_RUN_TOGETHER: dict[str, str] = {
    "allocatedallocated": "allocated",  # "Items not yet allocated" + "allocated"
    "updatedcancelled": "cancelled",  # "Can be updated" + "cancelled"
}

# Sample fields whose values are enum members (address `type`, address code `type` and
# personal_id `type` included; other `type` fields only ever show the placeholder "string").
ENUM_LIKE_KEYS = frozenset(
    {
        "status",
        "cancellation_reason",
        "payment_mode",
        "unit",
        "weight_unit",
        "material_type",
        "packing_type",
        "type",
        "delivery_method",
    }
)


@dataclass(frozen=True)
class Samples:
    """The request and response sample of one page, as JSON."""

    request: Any
    response: Any


@cache
def page_text(page_id: str) -> str:
    """Return the text of page ``page_id`` (``"000"`` ... ``"004"``)."""
    (path,) = PAGES_DIR.glob(f"{page_id}_*.txt")
    return path.read_text(encoding="utf-8")


def _decode_all(text: str, start: int, count: int) -> list[Any]:
    """Decode ``count`` JSON values that follow each other in ``text`` from ``start``."""
    values: list[Any] = []
    index = start
    for _ in range(count):
        while text[index].isspace():
            index += 1
        value, index = _DECODER.raw_decode(text, index)
        values.append(value)
    return values


def _after(text: str, marker: str) -> int:
    index = text.find(marker)
    if index < 0:
        raise ValueError(f"marker {marker!r} not found")
    return index + len(marker)


def samples(page_id: str) -> Samples:
    """Parse the request and response samples of a page."""
    text = page_text(page_id)
    if f"{BULLET} " in text:
        text = _BULLET_RE.sub("", text)
        request = _decode_all(text, _after(text, "Request samples\napplication/json\n"), 1)[0]
        response = _decode_all(text, _after(text, "Response samples\napplication/json\n"), 1)[0]
    else:
        start = text.index("{-")
        request, response = _decode_all(_DASH_RE.sub(r"\1", text[start:]), 0, 2)
    return Samples(request=request, response=response)


def worked_examples() -> list[Any]:
    """Parse page 002's worked-example request bodies (``{"fulfillment_orders": [...]}``)."""
    text = page_text("002")
    starts = [m.start() for m in re.finditer(r'^\{\s*"fulfillment_orders"', text, re.MULTILINE)]
    return [_decode_all(text, start, 1)[0] for start in starts]


def sample_keys(page_id: str) -> set[str]:
    """Every ``"name":`` in a page, less the placeholder map keys."""
    return set(_KEY_RE.findall(page_text(page_id))) - PLACEHOLDER_KEYS


def request_body_fields(page_id: str) -> set[str]:
    """Field names of a page's "Request Body schema" section (empty when it has none)."""
    text = page_text(page_id)
    if "Request Body schema" not in text:
        return set()
    section = text[_after(text, "Request Body schema") : text.index("\nResponses\n")]
    lines = [line.strip() for line in section.splitlines() if line.strip() != "required"]
    return {
        name
        for name, following in itertools.pairwise(lines)
        if IDENTIFIER_RE.match(name)
        and not _TYPE_LINE_RE.match(name)
        and _TYPE_LINE_RE.match(following)
    }


def updatable_fields() -> tuple[list[str], set[str]]:
    """Page 002's list of fields updated only if provided.

    Returns the raw comma-separated items and the field names after splitting the run-together
    items of ``UPDATABLE_RUN_TOGETHER``. The list ends where the next sentence ("If line_items is
    provided") runs into it.
    """
    text = page_text("002")
    start = _after(text, "The following fields are updated only if provided in the request:\n")
    items = [item.strip() for item in text[start : text.index("If line_items", start)].split(",")]
    fields = {name for item in items for name in UPDATABLE_RUN_TOGETHER.get(item, (item,))}
    return items, fields


def _statuses(segment: str) -> list[str]:
    """Status names before " - " or "," in a run-together prose list."""
    tokens = re.findall(r"([a-z_]+)(?:,| - )", segment)
    return [STATUS_RUN_TOGETHER.get(token, token) for token in tokens]


def prose_statuses() -> tuple[list[str], list[str]]:
    """The line-item statuses and the order statuses named in page 002's prose."""
    text = page_text("002")
    line_items = text[
        _after(text, "Only pass line items with pending statuses:") : text.index("You do NOT need")
    ]
    orders = text[
        _after(text, "Orders can only be updated when their status allows it:") : text.index(
            "If inventory management"
        )
    ]
    return _statuses(line_items), _statuses(orders)


def enum_lines(page_id: str) -> list[set[str]]:
    """The quoted values of each of a page's ``Enum:`` lines."""
    return [
        set(re.findall(r'"([^"]*)"', line))
        for line in re.findall(r"^Enum: (.*)$", page_text(page_id), re.MULTILINE)
    ]


def endpoint(page_id: str) -> tuple[str, str] | None:
    """The ``(method, path)`` a page shows above its samples (pages 002 and 004 show none)."""
    found = re.search(r"^(get|post|put|patch|delete)(/\S*)$", page_text(page_id), re.MULTILINE)
    return (found[1], found[2]) if found else None


def delivery_methods(page_id: str) -> set[str]:
    """The values named as ``delivery_method: X`` in a page's prose."""
    return set(re.findall(r"delivery_method: ([A-Z_]+)", page_text(page_id)))


def _walk_items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk_items(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_items(item)


def sample_enum_values(page_id: str) -> set[str]:
    """Values of enum-like fields in a page's samples, less the placeholder ``"string"``."""
    parsed = samples(page_id)
    return {
        value
        for document in (parsed.request, parsed.response)
        for key, value in _walk_items(document)
        if key in ENUM_LIKE_KEYS and isinstance(value, str) and value != PLACEHOLDER_VALUE
    }
