"""The documented view of `openapi.yaml`: the spec without what only the sandbox promises.

A node marked `x-sandbox: true` is removed with every `$ref` to it; `x-sandbox: [keyword, ...]`
removes those keywords of its schema; `x-documented: {keyword: value, ...}` gives the value the
pages document where the sandbox is stricter (`minimum: 0` where the sandbox asks for 1). The
documented and reading tiers judge against this view, so a service without an ETag, with other
limits or with another error detail passes them (the suite's Schemathesis tests and the sandbox
proxy's judge alike); the sandbox tier judges against the whole spec.
"""

from __future__ import annotations

import copy
from typing import Any

SANDBOX_MARK = "x-sandbox"
DOCUMENTED_MARK = "x-documented"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
Json = dict[str, Any]
_GONE = object()


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _strip(node: Any, pointer: str, removed: set[str]) -> Any:
    """`node` without its marked parts (`_GONE` when marked whole); pointers of the nodes
    removed go to `removed`."""
    if isinstance(node, list):
        kept = [_strip(item, f"{pointer}/{k}", removed) for k, item in enumerate(node)]
        return [item for item in kept if item is not _GONE]
    if not isinstance(node, dict):
        return node
    mark = node.get(SANDBOX_MARK)
    if mark is True:
        removed.add(pointer)
        return _GONE
    keywords = set(mark) if isinstance(mark, list) else set()
    result = {}
    for key, value in node.items():
        if key in (SANDBOX_MARK, DOCUMENTED_MARK) or key in keywords:
            continue
        child = _strip(value, f"{pointer}/{_escape(str(key))}", removed)
        if child is not _GONE:
            result[key] = child
    result.update(node.get(DOCUMENTED_MARK) or {})
    gone = set(node.get("properties") or {}) - set(result.get("properties") or {})
    if gone and "required" in result:
        result["required"] = [name for name in result["required"] if name not in gone]
    return result


def _refers_to(ref: str, removed: set[str]) -> bool:
    target = ref.removeprefix("#")
    return any(target == gone or target.startswith(gone + "/") for gone in removed)


def _drop_references(node: Any, removed: set[str]) -> Any:
    if isinstance(node, list):
        kept = [_drop_references(item, removed) for item in node]
        return [item for item in kept if item is not _GONE]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str) and _refers_to(node["$ref"], removed):
        return _GONE
    result = {key: _drop_references(value, removed) for key, value in node.items()}
    return {key: value for key, value in result.items() if value is not _GONE}


def documented_view(spec: Json) -> Json:
    """The spec without its `x-sandbox` parts, references to them included; a path left with
    no operation is dropped."""
    removed: set[str] = set()
    view: Json = _drop_references(_strip(copy.deepcopy(spec), "", removed), removed)
    view["paths"] = {
        path: item
        for path, item in view["paths"].items()
        if any(method in HTTP_METHODS for method in item)
    }
    return view
