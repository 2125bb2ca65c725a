"""Errors the domain raises; the HTTP layer maps each kind to a status code in one table."""

CONCURRENT_UPDATE = "Concurrent update detected. Retry the request."
"""Page 002's text for a write that lost a race (a stale `If-Match`, or an armed 409 fault)."""


class DomainError(Exception):
    """A rule refused the request. `field` is a path into the request, e.g. `location_id`."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.field!r})"


class InvalidRequest(DomainError):
    """400: the request breaks a rule of the pages (or one of ours)."""


class NotUpdatable(DomainError):
    """400: the order's status does not allow the update (page 002)."""


class NotFound(DomainError):
    """404: the addressed order or fulfillment order does not exist."""


class Conflict(DomainError):
    """409: CONCURRENT_UPDATE (page 002), or an id or reference already in use on create."""
