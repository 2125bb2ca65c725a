"""Which request paths are the sandbox's own pages rather than the API it imitates."""

from __future__ import annotations

ADMIN_PREFIX = "/__admin/"
DOCS_PREFIX = "/docs/"
OWN_PATHS = frozenset({"/docs", "/openapi.yaml", "/openapi.json"})


def is_sandbox_page(path: str) -> bool:
    """The admin API, the docs page and the spec: never journaled, never faulted."""
    return path.startswith((ADMIN_PREFIX, DOCS_PREFIX)) or path in OWN_PATHS
