"""`copy_json`: an equal copy sharing no dict or list with the original."""

from __future__ import annotations

from typing import Any

from mock_server.domain.json_copy import copy_json


def containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, (dict, list)) else []
    children = value.values() if isinstance(value, dict) else value if found else []
    for child in children:
        found += containers(child)
    return found


def test_copy_is_equal_and_shares_no_container() -> None:
    original = {
        "a": [{"b": [1, 2.5, None, True, "s"]}, []],
        "c": {"d": {"e": []}},
        "f": "text",
    }
    copied = copy_json(original)
    assert copied == original
    assert not {id(x) for x in containers(original)} & {id(x) for x in containers(copied)}


def test_scalars_and_top_level_lists_are_handled() -> None:
    assert copy_json("x") == "x" and copy_json(None) is None and copy_json(3) == 3
    nested = [[1], {"a": [2]}]
    copied = copy_json(nested)
    assert copied == nested and copied[0] is not nested[0] and copied[1]["a"] is not nested[1]["a"]
