"""Checks of the Inventory API's claims and of each order operation's published inventory impact.

What a check reads, besides the call: `expect["levels"]`, the product's (on_hand, reserved,
unavailable) at each location the test watches, read before and after the call
(`{"before": {location: level}, "after": {...}}`, a level None when the product has none there);
`expect["location"]` (and `expect["other"]`, a relocation's destination), `expect["quantity"]`
(what the operation should move); for an import, `expect["batch"]` and `expect["history"]`, the
batch and the product's events read back once processed, and `expect["refused"]`, the positions
of the events the published rules refuse.
"""

from __future__ import annotations

from typing import Any

from .observation import Observation

Level = tuple[int, int, int]
ON_HAND, RESERVED = 0, 1


def _moved(observation: Observation, location_key: str = "location") -> tuple[int, int] | None:
    """How on_hand and reserved moved at the watched location (None: it had stock before and
    none can be read after; no stock before or after: nothing moved)."""
    levels = observation.expect["levels"]
    location = observation.expect[location_key]
    was: Level | None = levels["before"].get(location)
    now: Level | None = levels["after"].get(location)
    if now is None:
        return (0, 0) if was is None else None
    was = was or (0, 0, 0)
    return now[ON_HAND] - was[ON_HAND], now[RESERVED] - was[RESERVED]


def _expect_moves(
    observation: Observation, on_hand: int, reserved: int, location_key: str = "location"
) -> list[str]:
    if not observation.call.ok:
        return [f"the operation was answered {observation.call.status}, not 200"]
    moved = _moved(observation, location_key)
    if moved is None:
        return ["the product's stock at the location cannot be read after the operation"]
    if moved != (on_hand, reserved):
        return [
            f"on_hand moved by {moved[0]} and reserved by {moved[1]} at "
            f"{observation.expect[location_key]}, not by {on_hand} and {reserved}"
        ]
    return []


def _quantity(observation: Observation) -> int:
    return int(observation.expect["quantity"])


def create_reserves(observation: Observation) -> list[str]:
    """create-order: the allocated quantity reserved at the FO's location, on_hand unchanged."""
    return _expect_moves(observation, 0, _quantity(observation))


def cancel_releases(observation: Observation) -> list[str]:
    """cancel-order and cancel-fulfillment-order-line-items: reserved down by the quantity
    cancelled, on_hand unchanged."""
    return _expect_moves(observation, 0, -_quantity(observation))


def fulfil_reduces(observation: Observation) -> list[str]:
    """fulfill-order (ON_ORDER_FULFILLED): on_hand and reserved down by the quantity fulfilled."""
    quantity = _quantity(observation)
    return _expect_moves(observation, -quantity, -quantity)


def unfulfil_restores_on_hand(observation: Observation) -> list[str]:
    """unfulfill-order: on_hand up by the quantity unfulfilled (reserved: see the reading)."""
    if not observation.call.ok:
        return [f"the unfulfil was answered {observation.call.status}, not 200"]
    moved = _moved(observation)
    if moved is None or moved[0] != _quantity(observation):
        return [f"on_hand moved by {moved and moved[0]}, not by {_quantity(observation)}"]
    return []


def unfulfil_reserves_again(observation: Observation) -> list[str]:
    """The suite's reading: the lines are allocated again, so reserved is back up too."""
    quantity = _quantity(observation)
    return _expect_moves(observation, quantity, quantity)


def unfulfil_leaves_reserved(observation: Observation) -> list[str]:
    """The other reading (the page names on_hand only): reserved unchanged."""
    return _expect_moves(observation, _quantity(observation), 0)


def relocation_moves_reservation(observation: Observation) -> list[str]:
    """The suite's reading: the reservation leaves the old location for the new one."""
    quantity = _quantity(observation)
    return _expect_moves(observation, 0, -quantity) + _expect_moves(
        observation, 0, quantity, "other"
    )


def relocation_moves_nothing(observation: Observation) -> list[str]:
    """update-fulfillment-order-location, read literally: no direct inventory change."""
    return _expect_moves(observation, 0, 0) + _expect_moves(observation, 0, 0, "other")


def relocation_keeps_on_hand(observation: Observation) -> list[str]:
    """Every reading: on_hand unchanged at both locations."""
    problems = []
    for key in ("location", "other"):
        moved = _moved(observation, key)
        if moved is not None and moved[ON_HAND] != 0:
            problems.append(f"on_hand moved by {moved[ON_HAND]} at {observation.expect[key]}")
    return problems


# ------------------------------------------------------------------ the Inventory API
def _results(observation: Observation) -> list[Any] | None:
    body = observation.call.json
    results = body.get("results") if isinstance(body, dict) else None
    return results if isinstance(results, list) else None


def import_answered(observation: Observation) -> list[str]:
    """bulk-import-inventory-events: 200 with the request id and each event's result,
    PROCESSING or REJECTED."""
    if observation.call.status != 200:
        return [f"the import was answered {observation.call.status}, not 200"]
    results = _results(observation)
    sent = observation.body if isinstance(observation.body, list) else []
    if results is None or len(results) != len(sent):
        return [f"{len(sent)} events sent, results: {results!r}"]
    outcomes = [r.get("result") if isinstance(r, dict) else None for r in results]
    odd = [o for o in outcomes if o not in ("PROCESSING", "REJECTED")]
    return [f"results other than PROCESSING or REJECTED: {odd}"] if odd else []


def import_applied(observation: Observation) -> list[str]:
    """inventory-events: an adjusting event adds its quantity to on_hand once processed."""
    return _expect_moves(observation, _quantity(observation), 0)


def events_read_back(observation: Observation) -> list[str]:
    """get-inventory-events-by-request-id and by-product-id: the batch COMPLETED with its
    events, and the product's history holding them."""
    batch, history = observation.expect["batch"], observation.expect["history"]
    problems = []
    body = batch.json if isinstance(batch.json, dict) else {}
    if batch.status != 200 or body.get("status") != "COMPLETED":
        problems.append(f"the batch read back {batch.status} with status {body.get('status')!r}")
    request_id = observation.expect["request_id"]
    found = body.get("inventory_events")
    listed: list[Any] = found if isinstance(found, list) else []
    if len(listed) != len(observation.body):
        problems.append(f"the batch lists {len(listed)} events, {len(observation.body)} sent")
    events = history.json if isinstance(history.json, list) else []
    if not any(isinstance(e, dict) and e.get("request_id") == request_id for e in events):
        problems.append("the product's events hold none of the batch")
    return problems


def refused_events_not_accepted(observation: Observation) -> list[str]:
    """The bulk import page's validation rules: an event breaking one is not accepted (REJECTED,
    or the whole request refused with a 4xx), and the stock does not move by it."""
    refused = observation.expect["refused"]
    problems = []
    if 200 <= observation.call.status < 300:
        results = _results(observation) or []
        accepted = [
            i
            for i in refused
            if i < len(results)
            and isinstance(results[i], dict)
            and results[i].get("result") != "REJECTED"
        ]
        if accepted:
            problems.append(f"events {accepted} break a published rule and were not REJECTED")
    elif not 400 <= observation.call.status < 500:
        problems.append(f"answered {observation.call.status}: neither results nor a refusal")
    moved = _moved(observation)
    if moved is not None and moved[ON_HAND] != _quantity(observation):
        problems.append(f"on_hand moved by {moved[ON_HAND]}, {_quantity(observation)} expected")
    return problems


def duplicate_not_all_accepted(observation: Observation) -> list[str]:
    """No duplicates in a batch: of two events on one product and location, not both accepted
    (the repeat REJECTED, both, or the request refused)."""
    if not 200 <= observation.call.status < 300:
        return [] if 400 <= observation.call.status < 500 else ["answered neither 2xx nor 4xx"]
    results = _results(observation) or []
    outcomes = [r.get("result") for r in results if isinstance(r, dict)]
    if outcomes.count("PROCESSING") == len(outcomes):
        return ["both events of one product and location were accepted (PROCESSING)"]
    return []


def duplicates_all_rejected(observation: Observation) -> list[str]:
    """The sandbox's choice: every event of the repeated pair REJECTED."""
    results = _results(observation) or []
    outcomes = [r.get("result") for r in results if isinstance(r, dict)]
    if observation.call.status != 200 or outcomes != ["REJECTED"] * len(outcomes):
        return [f"answered {observation.call.status} with {outcomes}, not every event REJECTED"]
    return []
