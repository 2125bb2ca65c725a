"""The implementation under test as the tests use it: a client, seeding, and observation.

Two seed modes. Admin mode stores each starting state as given (`POST /__admin/orders`, a sandbox's
own API). Api mode needs nothing but the public API: `POST /orders` creates the order with its line
items pending (the service generates the `order_id`, as published), then the published lifecycle
operations (fulfil, cancel, page 004's notification: generation/building.py) bring its FO lines to
the statuses the starting state gives them; the tests reason about the order as read back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ..generation import building
from ..generation.building import SeedingFailed
from ..oracle.exchange import Exchange
from ..oracle.model import LINE_STATUSES, Json
from ..oracle.observation import Observation
from .client import ApiClient
from .config import TargetConfig

_ORDER_ONLY_KEYS = ("order_id", "status", "tenant", "creation_date", "update_date")
_FO_LINE_INPUT_KEYS = ("id", "quantity")


@dataclass(frozen=True)
class Locations:
    """Locations a location test may use (page 001), all of `merchant`.

    `by_code` maps a location_code to the partner_location_id it must resolve to. Admin mode
    also sets up `shadowing_code` (the location_code of one location equal to another's
    partner_location_id, which must win) and `foreign_code` (another merchant's code)."""

    merchant: str
    partner_location_id: str
    by_code: dict[str, str]
    shadowing_code: str | None = None
    foreign_code: str | None = None


def create_body(order: Json) -> Json:
    """The POST /orders body for a seeded order: no order id or statuses, FO lines by id and
    quantity."""
    body = {key: value for key, value in order.items() if key not in _ORDER_ONLY_KEYS}
    body["fulfillment_orders"] = [
        {
            **{key: value for key, value in fo.items() if key not in ("status", "line_items")},
            "line_items": [
                {key: line[key] for key in _FO_LINE_INPUT_KEYS} for line in fo["line_items"]
            ],
        }
        for fo in order.get("fulfillment_orders") or []
    ]
    return body


class Target:
    """Seeds starting states (admin or api mode) and observes calls around them."""

    def __init__(self, config: TargetConfig, api: ApiClient) -> None:
        self.config = config
        self.api = api

    @staticmethod
    def namespace() -> str:
        """A fresh prefix for the ids of one test execution."""
        return f"ct{uuid.uuid4().hex[:12]}"

    @property
    def merchant(self) -> str:
        return self.config.location.merchant if self.config.location else self.config.merchant

    @property
    def merchants(self) -> tuple[str, ...]:
        """Merchants an update may move an order to: a sandbox takes any; a real tenant only
        those it has, so api mode keeps the one it was given."""
        return (self.merchant, f"{self.merchant}_2") if self.config.admin else (self.merchant,)

    @property
    def line_statuses(self) -> frozenset[str]:
        """The FO line statuses a starting state may hold: any in admin mode; in api mode those
        the published operations reach (pending and terminal: none sets a pick or pack status)."""
        return LINE_STATUSES if self.config.admin else building.BUILDABLE

    def seed(self, order: Json) -> Exchange:
        """Store `order` (admin: as given; api: through POST /orders, then `advance_lines`) and
        return it read back."""
        api = self.api
        if self.config.admin:
            stored = api.seed_order(order)
        else:
            stored = api.create_order(create_body(order))
        if stored.status not in (200, 201) or not isinstance(stored.json, dict):
            raise SeedingFailed(f"seeding was answered {stored.status}:\n{stored.describe()}")
        read = api.get_order(str(stored.json.get("order_id")))
        if read.status != 200:
            raise SeedingFailed(f"the seeded order cannot be read:\n{read.describe()}")
        if not self.config.admin:
            read = self.advance_lines(read, order)
        return read

    def advance_lines(self, created: Exchange, order: Json) -> Exchange:
        """Api mode: bring the FO lines of the order created to the statuses `order` gives them
        (a cancelled order: cancel it), through the published lifecycle operations; the order
        read back after them."""
        return building.advance(self.api, created, order)

    def observe(
        self, before: Exchange, call: Callable[[], Exchange], **expect: object
    ) -> Observation:
        """Run `call` and read the order of `before` back (by order_id)."""
        exchange = call()
        after = self.api.get_order(before.json["order_id"])
        return Observation(before, exchange, after, dict(expect))

    def locations(self, ns: str) -> Locations:
        """Admin: three fresh locations (two of one merchant, one of another). Api: the known
        location from the options (the caller skips when there is none)."""
        known = self.config.location
        if not self.config.admin:
            assert known is not None, "api seed mode needs --location-id/--location-code/--merchant"
            return Locations(
                known.merchant,
                known.partner_location_id,
                {known.location_code: known.partner_location_id},
            )
        merchant, other = f"{ns}-M", f"{ns}-N"
        seeded = [
            (merchant, f"{ns}-LOC-A", f"{ns}-CODE-A"),
            (merchant, f"{ns}-LOC-B", f"{ns}-LOC-A"),
            (other, f"{ns}-LOC-C", f"{ns}-CODE-C"),
        ]
        for owner, partner_id, code in seeded:
            stored = self.api.seed_location(
                {
                    "merchant": owner,
                    "partner_location_id": partner_id,
                    "location_code": code,
                    "name": f"{code} store",
                }
            )
            if stored.status != 201:
                raise SeedingFailed(
                    f"location seeding was answered {stored.status}:\n{stored.describe()}"
                )
        return Locations(
            merchant,
            f"{ns}-LOC-B",
            {f"{ns}-CODE-A": f"{ns}-LOC-A"},
            shadowing_code=f"{ns}-LOC-A",
            foreign_code=f"{ns}-CODE-C",
        )
