"""One suite for every Store implementation (the in-memory default and the shared Redis store):
the same calls must give the same answers, so no behaviour differs between them."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.store import (
    KEY_PARTNER_REFERENCE,
    MAX_CHANGES,
    MAX_SYSTEM_LOGS,
    START,
    Changes,
    DuplicateReference,
    Grant,
    StaleRecord,
    Store,
)

T, OTHER = "acme", "globex"


def order(order_id: str, ref: str | None = None, **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"order_id": order_id, "status": "open", **fields}
    if ref is not None:
        made["partner_order_reference"] = ref
    return made


def location(partner_id: str, code: str, merchant: str = "M") -> dict[str, Any]:
    return {"partner_location_id": partner_id, "location_code": code, "merchant": merchant}


def entry(n: int) -> dict[str, Any]:
    return {"change_id": f"CHG-{n}", "operation": "updateOrder", "changed_fields": ["x"]}


def test_an_order_is_found_by_its_id_and_its_reference_in_its_tenant_only(store: Store) -> None:
    saved = store.save(T, order("O-1", "REF-1", language="en"), replace=False)
    by_id = store.find(T, "O-1")
    by_ref = store.find(T, "REF-1", KEY_PARTNER_REFERENCE)
    assert by_id is not None and by_ref is not None
    assert by_id.order == by_ref.order == saved.order
    assert by_id.version == saved.version
    assert store.find(OTHER, "O-1") is None
    assert store.find(OTHER, "REF-1", KEY_PARTNER_REFERENCE) is None
    assert store.find(T, "O-2") is None


def test_a_new_order_with_a_used_id_or_reference_changes_nothing(store: Store) -> None:
    first = store.save(T, order("O-1", "REF-1"), replace=False)
    with pytest.raises(DuplicateReference) as by_id:
        store.save(T, order("O-1", "REF-9"), replace=False)
    assert by_id.value.field == "order_id"
    with pytest.raises(DuplicateReference) as by_ref:
        store.save(T, order("O-2", "REF-1"), replace=True)
    assert by_ref.value.field == "partner_order_reference"
    assert store.find(T, "REF-9", KEY_PARTNER_REFERENCE) is None
    assert store.find(T, "O-2") is None
    found = store.find(T, "O-1")
    assert found is not None and found.version == first.version
    assert store.save(OTHER, order("O-1", "REF-1"), replace=False).order["order_id"] == "O-1"


def test_a_replaced_reference_is_free_again(store: Store) -> None:
    store.save(T, order("O-1", "REF-1"), replace=False)
    store.save(T, order("O-1", "REF-2"), replace=True)
    assert store.find(T, "REF-1", KEY_PARTNER_REFERENCE) is None
    assert store.find(T, "REF-2", KEY_PARTNER_REFERENCE) is not None
    store.save(T, order("O-2", "REF-1"), replace=False)
    store.save(T, order("O-2"), replace=True)  # without a reference at all
    assert store.find(T, "REF-1", KEY_PARTNER_REFERENCE) is None


def test_every_save_makes_a_new_version(store: Store) -> None:
    versions = [
        store.save(T, order("O-1", language=str(n)), replace=True).version for n in range(5)
    ]
    versions.append(store.save(OTHER, order("O-1"), replace=True).version)
    assert versions == sorted(set(versions))


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(store: Store) -> None:
    base = store.save(T, order("O-1", "REF-1"), replace=False, changes=(entry(0),))
    newer = store.save(
        T, order("O-1", "REF-1", language="ar"), replace=True, changes=(entry(1),), base=base
    )
    assert [e["change_id"] for e in newer.changes] == ["CHG-0", "CHG-1"]
    with pytest.raises(StaleRecord) as refused:
        store.save(
            T, order("O-1", "REF-2", language="fr"), replace=True, changes=(entry(2),), base=base
        )
    won = refused.value.current  # the writer starts again from it, without reading it again
    assert won is not None and (won.version, won.order) == (newer.version, newer.order)
    assert [e["change_id"] for e in won.changes] == ["CHG-0", "CHG-1"]
    found = store.find(T, "O-1")
    assert found is not None
    assert (found.version, found.order["language"]) == (newer.version, "ar")
    assert [e["change_id"] for e in found.changes] == ["CHG-0", "CHG-1"]
    assert store.find(T, "REF-2", KEY_PARTNER_REFERENCE) is None


def test_a_save_from_a_version_that_is_gone_is_stale(store: Store) -> None:
    base = store.save(T, order("O-1"), replace=False)
    store.replace_all({}, {})
    with pytest.raises(StaleRecord) as refused:
        store.save(T, order("O-1", language="x"), replace=True, base=base)
    assert refused.value.current is None
    assert store.find(T, "O-1") is None


def test_the_change_log_keeps_the_newest_entries(store: Store) -> None:
    record = store.save(T, order("O-1"), replace=False, changes=(entry(0),))
    for n in range(1, MAX_CHANGES + 5):
        record = store.save(T, order("O-1"), replace=True, changes=(entry(n),), base=record)
    found = store.find(T, "O-1")
    assert found is not None
    ids = [e["change_id"] for e in found.changes]
    assert len(ids) == MAX_CHANGES
    assert ids[0] == "CHG-5" and ids[-1] == f"CHG-{MAX_CHANGES + 4}"


def test_a_record_keeps_the_change_log_of_its_version(store: Store) -> None:
    first = store.save(T, order("O-1"), replace=False, changes=(entry(0),))
    read = store.find(T, "O-1")
    store.save(T, order("O-1"), replace=True, changes=(entry(1),), base=first)
    assert read is not None
    assert [e["change_id"] for e in read.changes] == ["CHG-0"]


def test_records_orders_and_tenants_in_insertion_order(store: Store) -> None:
    for order_id in ("O-3", "O-1", "O-2"):
        store.save(T, order(order_id), replace=False, changes=(entry(1),))
    store.save(T, order("O-1", language="x"), replace=True)
    store.save(OTHER, order("O-9"), replace=False)
    assert [o["order_id"] for o in store.orders(T)] == ["O-3", "O-1", "O-2"]
    records = store.records(T)
    assert [len(r.changes) for r in records] == [1, 0, 1]
    assert records[1].order["language"] == "x"
    assert store.tenants() == [T, OTHER]
    assert store.orders("nobody") == [] and store.records("nobody") == []


def ids(changes: Changes) -> list[str]:
    return sorted(record.order["order_id"] for record in changes.records)


def test_changes_are_the_records_saved_since_the_cursor_and_records_of_reads_ids(
    store: Store,
) -> None:
    """`changes` from START is the whole tenant; from its cursor, only what was saved since (the
    newest version of each order), nothing when nothing was; `records_of` reads the ids given, in
    that order, skipping ids not stored."""
    first = store.save(T, order("O-3"), replace=False)
    store.save(T, order("O-1"), replace=False)
    store.save(OTHER, order("O-9"), replace=False)
    whole = store.changes(T, START)
    assert whole.fresh and ids(whole) == ["O-1", "O-3"]
    unchanged = store.changes(T, whole.cursor)
    assert not unchanged.fresh and unchanged.records == [] and unchanged.cursor == whole.cursor
    store.save(T, order("O-3", language="x"), replace=True, base=first)
    rewritten = store.save(T, order("O-3", language="y"), replace=True)
    store.save(T, order("O-4"), replace=False)
    since = store.changes(T, whole.cursor)
    assert not since.fresh and ids(since) == ["O-3", "O-4"]
    assert {r.order["order_id"]: r.version for r in since.records}["O-3"] == rewritten.version
    assert store.changes(T, since.cursor).records == []
    found = store.records_of(T, ["O-1", "O-9", "O-3"])
    assert [r.order["order_id"] for r in found] == ["O-1", "O-3"]
    assert found[1].version == rewritten.version and found[1].order["language"] == "y"
    assert store.changes("nobody", START).records == [] and store.records_of("nobody", ["O"]) == []


def test_after_a_whole_state_replace_changes_start_again_from_the_whole_tenant(
    store: Store,
) -> None:
    """A cursor read before `replace_all` is of another epoch: the next changes are fresh, every
    order of the new state (none of the old one), and go on from there."""
    store.save(T, order("O-1"), replace=False)
    before = store.changes(T, START)
    store.replace_all({T: [order("N-1"), order("N-2")]}, {})
    after = store.changes(T, before.cursor)
    assert after.fresh and ids(after) == ["N-1", "N-2"]
    store.save(T, order("N-3"), replace=False)
    following = store.changes(T, after.cursor)
    assert not following.fresh and ids(following) == ["N-3"]


def test_locations_by_partner_id_and_by_merchant_and_code(store: Store) -> None:
    store.put_location(T, location("L-1", "C-1"))
    store.put_location(T, location("L-2", "C-2"))
    store.put_location(T, location("L-1", "C-9"))  # replaces L-1, its old code is gone
    assert store.location_by_partner_id(T, "L-1") == location("L-1", "C-9")
    assert store.location_by_code(T, "M", "C-9") == location("L-1", "C-9")
    assert store.location_by_code(T, "M", "C-1") is None
    assert [loc["partner_location_id"] for loc in store.locations(T)] == ["L-1", "L-2"]
    assert store.location_by_partner_id(OTHER, "L-1") is None
    assert store.location_by_code(OTHER, "M", "C-9") is None
    assert store.locations(OTHER) == []
    assert store.tenants() == [T]


def grant(expires_at: float, client: str = "c") -> Grant:
    return Grant(client, ("acme",), "scope", expires_at)


def test_tokens_are_kept_to_the_limit_and_until_they_expire(store: Store) -> None:
    for n in range(4):
        store.put_token(f"d{n}", grant(100.0 + n), now=50.0, limit=3)
    assert list(store.tokens()) == ["d1", "d2", "d3"]
    assert store.token("d0") is None
    assert store.token("d2") == grant(102.0)
    store.put_token("d4", grant(200.0), now=101.5, limit=3)  # d1 has expired
    assert list(store.tokens()) == ["d2", "d3", "d4"]


def test_replace_tokens_keeps_them_soonest_to_expire_first(store: Store) -> None:
    store.put_token("old", grant(500.0), now=0.0, limit=10)
    store.replace_tokens({"b": grant(300.0), "a": grant(200.0, "other")})
    assert store.tokens() == {"a": grant(200.0, "other"), "b": grant(300.0)}
    assert list(store.tokens()) == ["a", "b"]
    assert store.token("old") is None


def test_replace_all_replaces_orders_and_locations_and_keeps_tokens(store: Store) -> None:
    before = store.save(T, order("O-1", "REF-1"), replace=False)
    store.put_location(T, location("L-1", "C-1"))
    store.put_token("d", grant(1e12), now=0.0, limit=10)
    store.replace_all(
        {OTHER: [order("N-1", "R-1"), order("N-2"), order("N-1", "R-2")]},
        {OTHER: [location("L-9", "C-9")]},
        {OTHER: {"N-1": (entry(1), entry(2))}},
    )
    assert store.find(T, "O-1") is None and store.locations(T) == []
    assert store.find(T, "REF-1", KEY_PARTNER_REFERENCE) is None
    assert store.tenants() == [OTHER]
    assert [o["order_id"] for o in store.orders(OTHER)] == ["N-1", "N-2"]
    found = store.find(OTHER, "R-2", KEY_PARTNER_REFERENCE)
    assert found is not None and found.version > before.version
    assert [e["change_id"] for e in found.changes] == ["CHG-1", "CHG-2"]
    assert store.find(OTHER, "R-1", KEY_PARTNER_REFERENCE) is None
    assert store.location_by_code(OTHER, "M", "C-9") == location("L-9", "C-9")
    assert list(store.tokens()) == ["d"]


def test_replace_all_with_a_reference_used_twice_changes_nothing(store: Store) -> None:
    store.save(T, order("O-1", "REF-1"), replace=False)
    with pytest.raises(DuplicateReference):
        store.replace_all({T: [order("A", "R"), order("B", "R")]}, {})
    assert [o["order_id"] for o in store.orders(T)] == ["O-1"]


def system_log(identifier: str, **fields: Any) -> dict[str, Any]:
    return {"identifier": identifier, "event_type": "INBOUND", **fields}


def test_system_logs_are_kept_per_order_and_tenant_newest_first_dropped_last(store: Store) -> None:
    """An order's system logs by identifier, oldest first, the newest MAX_SYSTEM_LOGS kept; they
    are no part of the order's versions."""
    saved = store.save(T, order("O-1", "REF-1"), replace=False)
    store.add_system_log(T, "O-1", system_log("SL-0", request_body="é"))
    for n in range(1, MAX_SYSTEM_LOGS + 1):
        store.add_system_log(T, "O-1", system_log(f"SL-{n}"))
    assert store.system_log(T, "O-1", "SL-0") is None
    assert store.system_log(T, "O-1", "SL-1") == system_log("SL-1")
    assert store.system_log(T, "O-2", "SL-1") is None
    assert store.system_log(OTHER, "O-1", "SL-1") is None
    kept = store.system_logs(T)["O-1"]
    assert [e["identifier"] for e in kept] == [f"SL-{n}" for n in range(1, MAX_SYSTEM_LOGS + 1)]
    assert store.system_logs(OTHER) == {}
    found = store.find(T, "O-1")
    assert found is not None and found.version == saved.version


def test_replace_all_replaces_the_system_logs(store: Store) -> None:
    """The logs given for an order given are kept; every other log goes, an order's not given
    included."""
    store.save(T, order("O-1"), replace=False)
    store.add_system_log(T, "O-1", system_log("SL-old"))
    store.replace_all(
        {T: [order("O-1"), order("O-2")]},
        {},
        None,
        {T: {"O-2": [system_log("SL-a"), system_log("SL-b")], "O-9": [system_log("SL-x")]}},
    )
    assert store.system_log(T, "O-1", "SL-old") is None
    assert store.system_logs(T) == {"O-2": [system_log("SL-a"), system_log("SL-b")]}
    store.replace_all({}, {})
    assert store.system_logs(T) == {}
