"""Which of the oracle's rules (contract_tests/oracle/rules.py) an exchange of real traffic lets
the proxy judge, and what each rule's check is told (its `expect`).

The suite arranges an order, sends one request and reads the order back; the proxy sees requests
it did not choose. Each `Judgement` says which operation and which answers a rule is about
(`answered`), what the request must have sent (`sent`, from the request alone), and what the
check needs to be told, from the request and the order before it (`expect`: None when the rule
is not about this exchange). `reads` says what of the observation the check reads: a rule that
reads the order before is "not observable" when the proxy saw no earlier state; one that reads
the order after gets it from the answer, or from the next read of the order when the answer does
not carry it (a refusal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from contract_tests.oracle import rules
from contract_tests.oracle.checks import match_entries
from contract_tests.oracle.model import (
    SCHEDULE_BY_METHOD,
    TERMINAL,
    UPDATABLE_ORDER_FIELDS,
    Json,
    fo_by_id,
    fulfillment_orders,
    line_id,
    lines,
    lines_by_id,
)
from contract_tests.oracle.rules import Rule

Expect = dict[str, Any]
Answered = Literal["success", "refusal", "any"]
Part = Literal["before", "after"]
FO_ID = "fulfillment_order_id"
FO_REF = "partner_fulfillment_order_reference"
UPDATE_ORDER = "updateOrder"
LOCATION = "updateFulfillmentOrderLocation"
SCHEDULE = "updateFulfillmentOrderSchedule"
REFERENCES = "updateFulfillmentOrderPartnerReferences"
SHIPMENT = "notifyShipmentStatus"


@dataclass
class Traffic:
    """One exchange as the rules are told it: the operation and its path parameters, the JSON
    sent and got, the order before the request (None: not seen), and what the proxy learnt of
    the tenant (location ids its FOs showed; the order_id the path's reference names)."""

    operation: str
    params: dict[str, str]
    body: Any
    status: int
    before: Json | None = None
    credentials: frozenset[str] = frozenset()
    known_locations: frozenset[str] = frozenset()
    named_order: str | None = None

    @property
    def fo_id(self) -> str | None:
        return self.params.get("fulfillmentOrderId")

    @property
    def fo(self) -> Json | None:
        """The FO the path names, as it was before the request."""
        return fo_by_id(self.before or {}).get(self.fo_id) if self.fo_id else None

    @property
    def fields(self) -> Json:
        return self.body if isinstance(self.body, dict) else {}


@dataclass(frozen=True)
class Judgement:
    rule: Rule
    operations: frozenset[str] | None
    expect: Callable[[Traffic], Expect | None]
    answered: Answered = "success"
    sent: Callable[[Traffic], bool] = lambda t: True
    reads: frozenset[Part] = frozenset({"before", "after"})
    writes_only: bool = True
    order_answer: bool = False
    """About operations whose success answers the order only (as every one reading `after`)."""

    def about(self, traffic: Traffic, method: str) -> bool:
        """The rule is about this kind of exchange (the order before aside)."""
        if self.operations is not None and traffic.operation not in self.operations:
            return False
        if self.writes_only and method == "GET":
            return False
        success = 200 <= traffic.status < 300
        if self.answered == "success" and not success:
            return False
        if self.answered == "refusal" and not 400 <= traffic.status < 500:
            return False
        return self.sent(traffic)


def _always(t: Traffic) -> Expect:
    return {}


def _sends(*keys: str) -> Callable[[Traffic], bool]:
    return lambda t: any(key in t.fields for key in keys)


def _on_fo(t: Traffic) -> Expect | None:
    """The FO of the path, when the order before held it."""
    return {"fo_id": t.fo_id} if t.fo is not None else None


# ------------------------------------------------------------------ page 002
def _entries(t: Traffic) -> list[Json]:
    entries = t.fields.get("fulfillment_orders")
    return (
        [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    )


def _terminal_listed(t: Traffic) -> Expect | None:
    """The first terminal item listed under its own FO (the FO the entry names)."""
    before = t.before or {}
    for entry, fo in zip(_entries(t), match_entries(before, _entries(t)), strict=True):
        held = lines_by_id(fo or {})
        for line in entry.get("line_items") or []:
            key = line_id(line)
            if key in held and held[key].get("status") in TERMINAL:
                return {"fo_id": (fo or {})[FO_ID], "line": key}
    return None


def _id_and_other_reference(t: Traffic) -> Expect | None:
    """One entry naming one FO by fulfillment_order_id and another by reference."""
    entries = _entries(t)
    if len(entries) != 1 or not (entries[0].get(FO_ID) and entries[0].get(FO_REF)):
        return None
    fos = fulfillment_orders(t.before or {})
    first = next((fo for fo in fos if fo.get(FO_ID) == entries[0][FO_ID]), None)
    other = next((fo for fo in fos if fo.get(FO_REF) == entries[0][FO_REF]), None)
    if first is None or other is None or first is other:
        return None
    return {"fo_id": first[FO_ID], "other": other[FO_ID]}


def _cancelled(t: Traffic) -> Expect | None:
    return {} if (t.before or {}).get("status") == "cancelled" else None


def _not_cancelled(t: Traffic) -> Expect | None:
    return None if _cancelled(t) is not None else {}


# ------------------------------------------------------------------ page 001
def _known_location(t: Traffic) -> Expect | None:
    """A location_id an FO of the tenant showed before is a partner_location_id: "First tries
    to find by partner_location_id", so the FO must read back with it."""
    sent = t.fields.get("location_id")
    if t.fo is None or not isinstance(sent, str) or sent not in t.known_locations:
        return None
    return {"fo_id": t.fo_id, "location_id": sent}


# ------------------------------------------------------------------ page 003
def _method_is(*methods: str) -> Callable[[Traffic], Expect | None]:
    def expect(t: Traffic) -> Expect | None:
        fo = t.fo
        if fo is None or fo.get("delivery_method", "DELIVERY") not in methods:
            return None
        return {"fo_id": t.fo_id}

    return expect


# ------------------------------------------------------------------ page 000
def _fulfillment_ids(t: Traffic) -> list[Any]:
    updates = t.fields.get("fulfillments")
    if not isinstance(updates, list):
        return []
    return [u.get("fulfillment_id") for u in updates if isinstance(u, dict)]


def _fulfillment_sent(
    where: Literal["nowhere", "other FO", "not fulfilled"],
) -> Callable[[Traffic], Expect | None]:
    """A fulfillment_id of the request that is in no FO of the order, only in another FO, or
    in the FO's items that are not fulfilled (closed ones)."""

    def expect(t: Traffic) -> Expect | None:
        fo = t.fo
        if fo is None:
            return None
        own = {line.get("fulfillment_id"): line.get("status") for line in lines(fo)}
        fulfilled = {key for key, status in own.items() if status == "fulfilled"}
        elsewhere = {
            line.get("fulfillment_id")
            for other in fulfillment_orders(t.before or {})
            if other.get(FO_ID) != t.fo_id
            for line in lines(other)
        }
        for fulfillment_id in _fulfillment_ids(t):
            found = {
                "nowhere": fulfillment_id not in own and fulfillment_id not in elsewhere,
                "other FO": fulfillment_id not in own and fulfillment_id in elsewhere,
                "not fulfilled": fulfillment_id in own and fulfillment_id not in fulfilled,
            }[where]
            if found:
                return {}
        return None

    return expect


# ------------------------------------------------------------------ page 004
def _shipment_status(t: Traffic) -> str | None:
    info = t.fields.get("post_shipping_info")
    status = info.get("status") if isinstance(info, dict) else None
    return status.lower() if isinstance(status, str) else None


def _shopify(t: Traffic) -> bool:
    source = (t.before or {}).get("creation_source") or {}
    return str(source.get("source_type", "")).lower() == "shopify"


def _delivered_eligible(t: Traffic) -> Expect | None:
    eligible = not _shopify(t) and (t.before or {}).get("status") not in ("cancelled", "closed")
    return {} if _shipment_status(t) == "delivered" and eligible else None


def _delivered_shopify(t: Traffic) -> Expect | None:
    return {} if _shipment_status(t) == "delivered" and _shopify(t) else None


def _not_delivered(t: Traffic) -> Expect | None:
    return {} if _shipment_status(t) not in (None, "delivered") else None


# ------------------------------------------------------------------ common
def _named(t: Traffic) -> Expect | None:
    """The path's reference names an order the proxy saw under that reference."""
    return {"order_id": t.named_order} if t.named_order is not None else None


def _found_or_not(t: Traffic) -> bool:
    """Answered, or "not found" where only the order can be missing (no FO in the path)."""
    return 200 <= t.status < 300 or (t.status == 404 and t.fo_id is None)


def _lacks(header: str) -> Callable[[Traffic], bool]:
    return lambda t: header not in t.credentials


def _without_key(t: Traffic) -> bool:
    return not {"x-api-key", "authorization"} & t.credentials


def _refused_status(t: Traffic) -> Expect:
    return {"status": t.status}


def _names_fo(t: Traffic) -> bool:
    return t.fo_id is not None


def _fo_unknown(t: Traffic) -> Expect | None:
    return {"status": 404} if t.fo_id is not None and t.fo is None else None


BEFORE: frozenset[Part] = frozenset({"before"})
AFTER: frozenset[Part] = frozenset({"after"})
NOTHING: frozenset[Part] = frozenset()


def _update(
    rule: Rule, expect: Callable[[Traffic], Expect | None] = _not_cancelled, **kw: Any
) -> Judgement:
    return Judgement(rule, frozenset({UPDATE_ORDER}), expect, **kw)


def _fo_op(
    operation: str, rule: Rule, expect: Callable[[Traffic], Expect | None] = _on_fo, **kw: Any
) -> Judgement:
    return Judgement(rule, frozenset({operation}), expect, **kw)


_FOS = _sends("fulfillment_orders")

JUDGEMENTS: tuple[Judgement, ...] = (
    # page 002
    _update(rules.UNPROVIDED_FIELDS_UNCHANGED),
    _update(rules.PROVIDED_FIELDS_UPDATED, sent=_sends(*UPDATABLE_ORDER_FIELDS)),
    _update(rules.OTHER_FIELDS_UNCHANGED, sent=lambda t: "fulfillment_orders" not in t.fields),
    _update(rules.LINE_ITEMS_REPLACED, sent=_sends("line_items")),
    _update(rules.OMITTED_FOS_REMOVED, sent=_FOS),
    _update(rules.FOS_MATCHED, sent=_FOS),
    _update(rules.TERMINAL_PRESERVED, sent=_FOS),
    _update(rules.LISTED_ITEMS, sent=_FOS),
    _update(rules.UNLISTED_PENDING_REMOVED, sent=_FOS),
    _update(rules.MOVED_ITEMS, sent=_FOS),
    _update(rules.FO_ID_BEFORE_REFERENCE, _id_and_other_reference, sent=_FOS),
    _update(rules.TERMINAL_LISTED_STAYS, _terminal_listed, answered="any", sent=_FOS),
    _update(rules.ONLY_PENDING_ITEMS, _terminal_listed, answered="any", sent=_FOS),
    _update(rules.CANCELLED_NOT_UPDATABLE, _cancelled, answered="any"),
    # page 001
    _fo_op(LOCATION, rules.LOCATION_ONLY),
    _fo_op(LOCATION, rules.ORDER_STATUS_RECALCULATED, _always, reads=AFTER),
    _fo_op(LOCATION, rules.PARTNER_LOCATION_ID_RESOLVES, _known_location),
    _fo_op(LOCATION, rules.RELOCATION_GATE, _known_location, answered="any"),
    # page 003
    _fo_op(SCHEDULE, rules.SCHEDULE_DELIVERY, _method_is("DELIVERY")),
    _fo_op(SCHEDULE, rules.SCHEDULE_COLLECTION, _method_is("COLLECTION")),
    _fo_op(SCHEDULE, rules.SCHEDULE_ONLY, _method_is(*SCHEDULE_BY_METHOD)),
    _fo_op(SCHEDULE, rules.SCHEDULE_KEEPS_METHOD, answered="any"),
    _fo_op(SCHEDULE, rules.SCHEDULE_DIGITAL, _method_is("DIGITAL"), answered="any"),
    # page 000
    _fo_op(
        REFERENCES,
        rules.FO_REFERENCE_UPDATED,
        sent=_sends("partner_fulfillment_order_reference"),
    ),
    _fo_op(REFERENCES, rules.FULFILLMENT_REFERENCES_UPDATED, sent=_sends("fulfillments")),
    _fo_op(REFERENCES, rules.ONLY_REFERENCES_CHANGE),
    _fo_op(
        REFERENCES,
        rules.UNKNOWN_FULFILLMENT_REFUSED,
        _fulfillment_sent("nowhere"),
        answered="any",
        reads=BEFORE,
    ),
    _fo_op(
        REFERENCES,
        rules.OTHER_FO_FULFILLMENT_REFUSED,
        _fulfillment_sent("other FO"),
        answered="any",
        reads=BEFORE,
    ),
    _fo_op(
        REFERENCES,
        rules.CLOSED_ITEM_FULFILLMENT_REFUSED,
        _fulfillment_sent("not fulfilled"),
        answered="any",
        reads=BEFORE,
    ),
    # page 004
    Judgement(
        rules.DELIVERED_CLOSES_RELATED,
        frozenset({SHIPMENT}),
        _delivered_eligible,
        sent=_sends("shipment_id"),
    ),
    Judgement(rules.SHOPIFY_SKIPPED, frozenset({SHIPMENT}), _delivered_shopify),
    Judgement(rules.NOT_DELIVERED_UNCHANGED, frozenset({SHIPMENT}), _not_delivered),
    # pages 000-003, and the invariants
    Judgement(
        rules.KEY_SELECTS_REFERENCE,
        None,
        _named,
        answered="any",
        sent=_found_or_not,
        reads=NOTHING,
        writes_only=False,
        order_answer=True,
    ),
    Judgement(
        rules.API_KEY_REQUIRED, None, _always, answered="any", sent=_without_key, writes_only=False
    ),
    Judgement(
        rules.TENANT_ID_REQUIRED,
        None,
        _always,
        answered="any",
        sent=_lacks("tenant-id"),
        writes_only=False,
    ),
    Judgement(rules.FO_NOT_FOUND, None, _fo_unknown, answered="any", sent=_names_fo),
    Judgement(rules.REFUSAL_CHANGES_NOTHING, None, _refused_status, answered="refusal"),
    Judgement(rules.STATUSES_IN_ENUMS, None, _always, reads=AFTER, writes_only=False),
    Judgement(
        rules.TIMESTAMPS_PUBLISHED, None, _always, answered="any", reads=NOTHING, writes_only=False
    ),
    Judgement(
        rules.ANSWERS_CARRY_OFFSETS, None, _always, answered="any", reads=NOTHING, writes_only=False
    ),
    Judgement(
        rules.NO_SERVER_ERROR, None, _always, answered="any", reads=NOTHING, writes_only=False
    ),
)
