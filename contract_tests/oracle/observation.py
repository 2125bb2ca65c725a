"""What a behaviour test saw: the order read back before a call, the call, and the read after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .exchange import Exchange
from .model import Json


@dataclass
class Observation:
    """`before` and `after` are `GET /orders/{ref}` of the same order around `call`; `expect`
    holds what the test arranged (the FO addressed, the location that must win, ...)."""

    before: Exchange
    call: Exchange
    after: Exchange
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def old(self) -> Json:
        order: Json = self.before.json or {}
        return order

    @property
    def new(self) -> Json:
        order: Json = self.after.json or {}
        return order

    @property
    def body(self) -> Any:
        return self.call.request_body

    def as_json(self) -> dict[str, Any]:
        """The call (request, response) and the order read back before and after it."""
        return {**self.call.as_json(), "before": self.before.json, "after": self.after.json}

    def describe(self) -> str:
        return "\n".join(
            f"{title}:\n{exchange.describe()}"
            for title, exchange in (
                ("Request sent and response got", self.call),
                ("Order read back before", self.before),
                ("Order read back after", self.after),
            )
        )
