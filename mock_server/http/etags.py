"""ETags and `If-Match` (RFC 9110): what the sandbox adds to page 002's 409 CONCURRENT_UPDATE.

Each stored order version has a strong ETag; a write with `If-Match` names the version it was
made from, and the service checks it under the order's lock (`Precondition`).
"""

from __future__ import annotations

import hashlib

from ..service import Precondition
from ..store import Record


def etag_of(record: Record) -> str:
    """The strong ETag of a stored order version (computed once per version)."""
    etag: str | None = record.cache.get("etag")
    if etag is None:
        digest = hashlib.blake2s(str(record.version).encode(), digest_size=8).hexdigest()
        etag = record.cache["etag"] = f'"{digest}"'
    return etag


def if_match(header: str | None) -> Precondition | None:
    """The precondition of an `If-Match` header (None: the request has none): `*` or any
    listed ETag; the sandbox also accepts the order's `update_date`."""
    if header is None:
        return None
    candidates = {token.strip().removeprefix("W/") for token in header.split(",")}

    def allows(record: Record) -> bool:
        updated = record.order.get("update_date")
        return bool(candidates & {"*", etag_of(record), updated, f'"{updated}"'})

    return allows
