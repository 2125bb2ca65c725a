"""Webhook configurations as Carriyo publishes them (platform/webhooks/configurations): per
tenant, a name, a URL, an entity type, triggers, optional conditions, optional authentication
and an active flag; plus, ours, `extended_retries` (the tenant's published option) and an id.
The field names are those of the published configuration body (reference/inventory-webhook-
events: `name`, `entity_type`, `notify_status`, `endpoint_url`, `active`).

A configuration is plain JSON (it is kept in Redis as is). Its `entity_type` is `ORDER` (the
default) or `INVENTORY` (the inventory webhook, ALL_INVENTORY_UPDATES): it hears only the events
of its entity. Conditions (the sandbox's shape, since the pages name dimensions but no format):
`merchants`, the merchants whose orders fire it (the published inventory webhook has none).
"""

from __future__ import annotations

from typing import Any

from ..domain.triggers import ORDER_TRIGGERS
from ..events import Event, triggers_of

Configuration = dict[str, Any]
UPDATABLE = (
    "name",
    "endpoint_url",
    "notify_status",
    "conditions",
    "authentication",
    "active",
    "extended_retries",
)


def every_trigger(url: str) -> dict[str, Any]:
    """The configuration `--webhook-url URL` makes for each tenant: every order trigger."""
    return {"name": "--webhook-url", "endpoint_url": url, "notify_status": list(ORDER_TRIGGERS)}


def new_configuration(
    config_id: str, tenant: str, body: dict[str, Any], created_at: str
) -> Configuration:
    """A configuration from a validated request body (`active` by default)."""
    return {
        "id": config_id,
        "tenant": tenant,
        "entity_type": body.get("entity_type", "ORDER"),
        "active": True,
        "extended_retries": False,
        **{name: body[name] for name in UPDATABLE if name in body},
        "created_at": created_at,
    }


def updated(config: Configuration, body: dict[str, Any]) -> Configuration:
    """The configuration with the fields of a validated PATCH body replaced (null removes an
    optional one)."""
    fields = {**config, **{name: body[name] for name in UPDATABLE if name in body}}
    return {name: value for name, value in fields.items() if value is not None}


def triggers_for(config: Configuration, event: Event) -> list[str]:
    """The triggers of `event` that `config` delivers: none when inactive, of another tenant or
    entity type, or outside its conditions."""
    if not config["active"] or config["tenant"] != event["tenant"]:
        return []
    if config.get("entity_type", "ORDER") != event.get("entity_type", "ORDER"):
        return []
    merchants = config.get("conditions", {}).get("merchants")
    if merchants is not None and event.get("merchant") not in merchants:
        return []
    return [trigger for trigger in triggers_of(event) if trigger in config["notify_status"]]


def public(config: Configuration) -> Configuration:
    """The configuration as the admin API shows it: secrets and header values masked like the
    journal masks credentials (their first two characters and `***`)."""
    auth = config.get("authentication")
    if auth is None:
        return dict(config)
    shown = {**auth, "headers": {k: mask(v) for k, v in auth.get("headers", {}).items()}}
    if "client_secret" in auth:
        shown["client_secret"] = mask(auth["client_secret"])
    return {**config, "authentication": shown}


def mask(value: str) -> str:
    return value[:2] + "***"
