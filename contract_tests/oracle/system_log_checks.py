"""The checks of the published system log operations (api/orders/operation/add-order-system-log,
get-order-system-log-detail-url).

An observation's `call` adds a log to the order read back `before` and `after`; `expect` holds
what the test read next: `url`, the detail URL's exchange for the identifier answered;
`downloaded`, what that URL held (JSON, or None); `unknown`, the detail URL's exchanges for an
identifier the order has no log under and for an order that does not exist, and the add's for
that order.
"""

from __future__ import annotations

from typing import Any

from .exchange import Exchange
from .observation import Observation

Problems = list[str]
SERVICE_SET = frozenset({"entity_id", "tenant"})
"""Fields of a log the service sets itself (entity_id: the page says so; tenant: the caller's)."""


def _identifier(call: Exchange) -> Any:
    body = call.json
    return body.get("identifier") if isinstance(body, dict) else None


def log_added(obs: Observation) -> Problems:
    """200 ("System log created") with an object carrying a non-empty string identifier."""
    if obs.call.status != 200:
        return [f"adding a log was answered {obs.call.status}, not 200"]
    identifier = _identifier(obs.call)
    if not isinstance(identifier, str) or not identifier:
        return [f"the answer has no identifier: {obs.call.json!r}"]
    return []


def detail_url_answered(obs: Observation) -> Problems:
    """The identifier answered reads the log back: 200 with the URL as a non-empty JSON string."""
    url: Exchange | None = obs.expect.get("url")
    if url is None:
        return ["no identifier was answered to read the log back with"]
    if url.status != 200:
        return [f"the identifier answered was refused by the detail URL: {url.status}"]
    if not isinstance(url.json, str) or not url.json:
        return [f"the detail URL answer is not a non-empty JSON string: {url.response_text!r}"]
    return []


def unknown_refused(obs: Observation) -> Problems:
    """An identifier with no log of the order: 400; an order that does not exist: 404, both to
    add a log and to read one."""
    log, *orders = obs.expect["unknown"]
    problems = [] if log.status == 400 else [f"an unknown identifier was answered {log.status}"]
    problems += [
        f"{exchange.method} for an unknown order was answered {exchange.status}, not 404"
        for exchange in orders
        if exchange.status != 404
    ]
    return problems


def bad_event_type_refused(obs: Observation) -> Problems:
    """An event_type outside INBOUND, INTERNAL, OUTBOUND: 400 whose `errors` name event_type,
    and no log added (no identifier answered)."""
    if obs.call.status != 400:
        return [f"an event_type outside the three was answered {obs.call.status}, not 400"]
    body = obs.call.json
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not any("event_type" in str(e) for e in errors):
        return [f"the 400's errors do not name event_type: {errors!r}"]
    return []


def log_read_back(obs: Observation) -> Problems:
    """The detail URL holds the log as added: every field sent reads back as sent (but those the
    service sets), entity_id is the order's id."""
    held = obs.expect.get("downloaded")
    if not isinstance(held, dict):
        return [f"the detail URL held no JSON object: {held!r}"]
    sent = obs.body if isinstance(obs.body, dict) else {}
    problems = [
        f"{name} reads back {held.get(name)!r}, sent {value!r}"
        for name, value in sent.items()
        if name not in SERVICE_SET and held.get(name) != value
    ]
    order_id = obs.old.get("order_id")
    if held.get("entity_id") != order_id:
        problems.append(f"entity_id reads back {held.get('entity_id')!r}, not the order's id")
    return problems


def order_unchanged(obs: Observation) -> Problems:
    """The order reads back as before the log was added: the same body and the same ETag."""
    problems = [] if obs.call.status == 200 else [f"adding a log was answered {obs.call.status}"]
    if obs.old != obs.new:
        problems.append("the order changed when a system log was added")
    tags = [exchange.response_headers.get("ETag") for exchange in (obs.before, obs.after)]
    if tags[0] != tags[1]:
        problems.append(f"the order's ETag changed: {tags[0]} -> {tags[1]}")
    return problems
