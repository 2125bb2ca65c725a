"""The checks behind the order webhook rules (reference/order-webhook-events): like checks.py,
each reads only the observation.

`expect` carries what the test saw and arranged: `deliveries`, the webhook calls the target made
about the order after the call (each `{"headers": {lower-case name: value}, "body": parsed JSON
or None}`), and `trigger`, the catalogue's trigger of the operation called.
"""

from __future__ import annotations

from typing import Any

from .checks import Problems, succeeded
from .observation import Observation

ENVELOPE = ("oldImage", "newImage", "trigger", "operation")


def _deliveries(obs: Observation) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = obs.expect.get("deliveries", [])
    return found


def envelope_and_header(obs: Observation) -> Problems:
    """Every delivery about the change: the envelope's four fields, its `trigger` the header's,
    `newImage` the order read back after the call and `oldImage` the one read before."""
    problems = succeeded(obs)
    deliveries = _deliveries(obs)
    if not deliveries:
        return [*problems, "no webhook delivery about the order arrived"]
    for n, delivery in enumerate(deliveries):
        body, header = delivery["body"], delivery["headers"].get("trigger")
        if not isinstance(body, dict) or not set(ENVELOPE) <= set(body):
            problems.append(f"delivery {n}: the body is not the envelope {ENVELOPE}: {body!r}")
            continue
        if header is None or header != body["trigger"]:
            problems.append(f"delivery {n}: trigger header {header!r}, body {body['trigger']!r}")
        for image, read in (("newImage", obs.new), ("oldImage", obs.old)):
            if not isinstance(body[image], dict) or any(
                body[image].get(name) != read.get(name) for name in ("order_id", "update_date")
            ):
                problems.append(f"delivery {n}: {image} is not the order read back")
    return problems


def operation_trigger(obs: Observation) -> Problems:
    """The operation's trigger is among those delivered about the change."""
    problems = succeeded(obs)
    sent = [delivery["headers"].get("trigger") for delivery in _deliveries(obs)]
    if obs.expect["trigger"] not in sent:
        problems.append(f"expected a delivery with trigger {obs.expect['trigger']}, got {sent}")
    return problems
