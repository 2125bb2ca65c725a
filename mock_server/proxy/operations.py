"""Which operation of `openapi.yaml` a request is: its operationId and its path parameters, by
the spec's path templates (a literal segment wins over a template, as routers match)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch"})


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    literal_segments: int
    names: tuple[str, ...]
    """The path parameters' names, in the order of the pattern's groups (a name such as the
    Inventory API's `product-id` is no regular-expression group name)."""


@dataclass(frozen=True)
class Match:
    operation_id: str
    params: dict[str, str]
    template: str


class Operations:
    """The spec's operations, matched against (method, path)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._operations = sorted(
            (
                Operation(
                    op["operationId"],
                    method.upper(),
                    template,
                    re.compile(
                        "^" + re.sub(r"\\\{([^/]+?)\\\}", "([^/]+)", re.escape(template)) + "$"
                    ),
                    sum(1 for part in template.split("/") if part and "{" not in part),
                    tuple(re.findall(r"\{([^/]+?)\}", template)),
                )
                for template, item in spec["paths"].items()
                for method, op in item.items()
                if method in HTTP_METHODS
            ),
            key=lambda op: -op.literal_segments,
        )

    def match(self, method: str, path: str) -> Match | None:
        """The operation `method path` is, or None (not an operation of the spec)."""
        for operation in self._operations:
            if operation.method != method.upper():
                continue
            found = operation.pattern.match(path)
            if found is not None:
                params = dict(zip(operation.names, found.groups(), strict=True))
                return Match(operation.operation_id, params, operation.template)
        return None
