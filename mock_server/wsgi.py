"""What the sandbox's WSGI layers read from a request's environ and note in it for each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

FAULT_KEY = "carriyo_sandbox.fault"
"""The fault applied to the request: `{"id": ..., "dropped": bool}` (set by faults.py)."""
OPERATION_KEY = "carriyo_sandbox.operation"
"""The operationId of the route that took the request (set by its view, or by faults.py)."""


def request_path(environ: WSGIEnvironment) -> str:
    """The path as Flask routes it: PATH_INFO decoded as UTF-8, with one leading slash."""
    raw: str = environ.get("PATH_INFO", "")
    return "/" + raw.encode("latin-1").decode("utf-8", "replace").lstrip("/")
