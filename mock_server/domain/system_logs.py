"""An order's system logs: records of the integration traffic about an order (an API call made or
received for it), added by a client and read back by their identifier.

Published: api/orders/operation/add-order-system-log (the request's fields, `event_type` one of
INBOUND, INTERNAL, OUTBOUND; Carriyo sets `entity_id` to the id of the order the path resolved to;
the answer carries the log's `identifier`, `order_id` and `tenant`), and
api/orders/operation/get-order-system-log-detail-url (a time-limited URL to download the stored
log; an identifier with no log is a 400, "not found or not available").
"""

import base64
import json

from .errors import InvalidRequest
from .model import Json, Order

DETAIL_MEDIA_TYPE = "application/json"


def system_log_entry(order: Order, body: Json, *, tenant: str, identifier: str) -> Json:
    """add-order-system-log: the log as sent, its `entity_id` the order's id (the page: Carriyo
    sets it from the resolved order), with the `identifier` it is read back by and the
    `order_id` and `tenant` the page's answer shows. Ours: `tenant` is the caller's tenant, whatever
    the body says (a log belongs to the order it was added to)."""
    order_id = order["order_id"]
    return {
        **body,
        "entity_id": order_id,
        "tenant": tenant,
        "order_id": order_id,
        "identifier": identifier,
    }


def detail_url(entry: Json | None, identifier: str) -> str:
    """get-order-system-log-detail-url: where the whole log can be downloaded.

    Published: an identifier without a log is a 400 ("not found or not available"). Ours: the
    sandbox has no object storage to pre-sign a URL on, so the URL is a `data:` URL holding the
    stored log itself as JSON (base64): it downloads without credentials, as a pre-signed URL
    does, and never expires."""
    if entry is None:
        raise InvalidRequest(
            "SYSTEM_LOG_NOT_FOUND",
            f"System log {identifier!r} not found or not available",
            "identifier",
        )
    payload = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return f"data:{DETAIL_MEDIA_TYPE};base64,{base64.b64encode(payload).decode('ascii')}"
