"""Line item ids in requests: `id` or `line_item_id` in, `id` out."""

from .errors import InvalidRequest
from .json_copy import copy_json
from .model import LineItem, NewId

_ID_KEYS = ("id", "line_item_id")


def normalise_line_items(
    items: list[LineItem], *, path: str, new_id: NewId | None = None
) -> list[LineItem]:
    """Return copies of `items` that carry their id only as `id` (placed first).

    Page 002's request sample names it `id`, its request schema `line_item_id`; page 004 stores
    `id`. Both given and different, no id when `new_id` is None, or an id repeated in the list ->
    InvalidRequest naming `{path}[j].id`. Without an id, `new_id("LI")` supplies one when given.
    A quantity of 0 is refused (ours: the pages' samples show 0 as a placeholder, but a line to
    sell or fulfil needs at least one item).
    """
    result: list[LineItem] = []
    seen: set[str] = set()
    for j, item in enumerate(items):
        field = f"{path}[{j}].id"
        line = copy_json(item)
        ids = {line.pop(key) for key in _ID_KEYS if key in line}
        if len(ids) > 1:
            raise InvalidRequest(
                "LINE_ITEM_ID_MISMATCH", f"id and line_item_id differ: {sorted(ids)}", field
            )
        if not ids:
            if new_id is None:
                raise InvalidRequest("LINE_ITEM_ID_REQUIRED", "line item has no id", field)
            ids.add(new_id("LI"))
        line_id = ids.pop()
        if line_id in seen:
            raise InvalidRequest(
                "DUPLICATE_LINE_ITEM_ID", f"line item {line_id!r} is listed twice", field
            )
        seen.add(line_id)
        if line.get("quantity") == 0:
            raise InvalidRequest(
                "ZERO_QUANTITY", f"line item {line_id!r} has quantity 0", f"{path}[{j}].quantity"
            )
        result.append({"id": line_id, **line})
    return result
