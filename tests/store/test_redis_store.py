"""What only the shared store has: several processes' stores on one Redis (two RedisStore objects
stand for two processes here), the local copies kept true by invalidations, events written with
the save that announces them, and Redis away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from mock_server.shared_events import SharedEventLog
from mock_server.store import (
    START,
    Changes,
    DuplicateReference,
    Grant,
    Record,
    StaleRecord,
    StoreUnavailable,
)
from mock_server.store.redis import RedisStore, connect, shown_url
from tests.launcher import free_port, wait_until
from tests.redis_server import RedisServer, redis_server

T = "acme"


@pytest.fixture
def two(redis_instance: RedisServer) -> Iterator[tuple[RedisStore, RedisStore]]:
    redis_instance.flush()
    first, second = RedisStore(redis_instance.url), RedisStore(redis_instance.url)
    yield first, second
    first.close()
    second.close()


def calls_of(server: RedisServer, command: str) -> int:
    client = server.client()
    try:
        stats = client.info("commandstats").get(f"cmdstat_{command}", {})
        return int(stats.get("calls", 0))
    finally:
        client.close()


def test_a_write_of_one_process_is_read_by_the_other_at_once(
    two: tuple[RedisStore, RedisStore], redis_instance: RedisServer
) -> None:
    first, second = two
    saved = first.save(T, {"order_id": "O-1", "language": "en"}, replace=False)
    assert second.find(T, "O-1") == second.find(T, "O-1")  # the second read is the local copy
    calls = calls_of(redis_instance, "hmget")
    for _ in range(20):
        found = second.find(T, "O-1")
        assert found is not None and found.version == saved.version
    assert calls_of(redis_instance, "hmget") == calls, "an unchanged order needs no round trip"
    newer = first.save(T, {"order_id": "O-1", "language": "ar"}, replace=True, base=saved)
    found = second.find(T, "O-1")
    assert found is not None and (found.version, found.order["language"]) == (newer.version, "ar")


def test_a_token_is_checked_from_the_local_copy_until_another_process_revokes_it(
    two: tuple[RedisStore, RedisStore], redis_instance: RedisServer
) -> None:
    """Every API request checks its token: a known one needs no round trip, and a state PUT on
    another process that drops it is seen at once."""
    first, second = two
    grant = Grant("ci", (), "read:orders", 4_000_000_000.0)
    first.put_token("d1", grant, now=0.0, limit=10)
    assert second.token("d1") == grant
    calls = calls_of(redis_instance, "hget")
    assert [second.token("d1") for _ in range(20)] == [grant] * 20
    assert calls_of(redis_instance, "hget") == calls, "a known token needs no round trip"
    first.replace_tokens({})
    assert second.token("d1") is None


def test_a_write_from_a_version_another_process_replaced_is_stale(
    two: tuple[RedisStore, RedisStore],
) -> None:
    first, second = two
    base = first.save(T, {"order_id": "O-1"}, replace=False)
    read = second.find(T, "O-1")
    assert read is not None and read.version == base.version
    first.save(T, {"order_id": "O-1", "language": "ar"}, replace=True, base=base)
    with pytest.raises(StaleRecord):
        second.save(T, {"order_id": "O-1", "language": "fr"}, replace=True, base=read)
    found = first.find(T, "O-1")
    assert found is not None and found.order["language"] == "ar"


def test_an_announced_save_writes_its_event_in_the_same_script(
    two: tuple[RedisStore, RedisStore], redis_instance: RedisServer
) -> None:
    """The transactional outbox: the order and its event in one script (one round trip), and a
    save that is refused (stale, duplicate) records no event."""
    first, second = two
    events = SharedEventLog(first)
    created = first.save(
        T,
        {"order_id": "O-1"},
        replace=False,
        event=events.announce(T, {"order_id": "O-1"}, ["ORDER_CREATE"], "createOrder"),
    )
    scripts = calls_of(redis_instance, "evalsha")
    updated = second.save(
        T,
        {"order_id": "O-1", "language": "ar"},
        replace=True,
        base=created,
        event=events.announce(
            T, {"order_id": "O-1"}, ["ORDER_UPDATE"], "updateOrder", b"{}", {"why": "test"}
        ),
    )
    assert calls_of(redis_instance, "evalsha") == scripts + 1
    with pytest.raises(StaleRecord):
        first.save(
            T,
            {"order_id": "O-1", "language": "fr"},
            replace=True,
            base=created,
            event=events.announce(T, {"order_id": "O-1"}, ["ORDER_UPDATE"], "updateOrder", b"{}"),
        )
    with pytest.raises(DuplicateReference):
        first.save(
            T,
            {"order_id": "O-1"},
            replace=False,
            event=events.announce(T, {"order_id": "O-1"}, ["ORDER_CREATE"], "createOrder"),
        )
    listed = events.list()
    assert [event["triggers"] for event in listed] == ["ORDER_UPDATE", "ORDER_CREATE"]
    assert [event["old_order"] for event in listed] == [{}, None]
    assert listed[0]["event_id"] == updated.cache["event_id"] != created.cache["event_id"]
    assert listed[0]["details"] == {"why": "test"}
    assert orjson.loads(orjson.dumps(listed[0]["order"])) == {"order_id": "O-1", "language": "ar"}


def test_an_unreachable_redis_is_one_clear_error() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(StoreUnavailable, match=f"Redis at {url} cannot be reached"):
        connect(url)


def test_a_password_in_the_url_is_not_shown() -> None:
    url = f"redis://user:s3cret@127.0.0.1:{free_port()}/0"
    with pytest.raises(StoreUnavailable) as refused:
        connect(url)
    assert "s3cret" not in str(refused.value)
    assert shown_url(url).startswith("redis://user:***@127.0.0.1:")


def test_while_redis_is_away_nothing_is_answered_from_copies_and_it_recovers(
    tmp_path: Path,
) -> None:
    with redis_server(tmp_path / "redis", appendonly=True) as server:
        store = RedisStore(server.url)
        try:
            saved = store.save(T, {"order_id": "O-1"}, replace=False)
            assert store.find(T, "O-1") is not None  # a local copy now
            server.kill()
            with pytest.raises(StoreUnavailable):
                store.find(T, "O-1")
            with pytest.raises(StoreUnavailable):
                store.save(T, {"order_id": "O-1", "language": "x"}, replace=True, base=saved)
            server.start()
            found: list[Record | None] = []

            def recovered() -> bool:
                """Refused at once until a health check is answered (health.py)."""
                try:
                    found.append(store.find(T, "O-1"))
                except StoreUnavailable:
                    return False
                return True

            assert wait_until(recovered)
            assert found[0] is not None and found[0].version == saved.version
            assert found[0].order == {"order_id": "O-1"}
        finally:
            store.close()


def test_changes_see_another_processs_writes_and_a_store_written_before_the_zset(
    two: tuple[RedisStore, RedisStore], redis_instance: RedisServer
) -> None:
    """`changes` sees another process's writes at once, from the tenant's zset of versions; a
    store written before that zset (its orders, no zset) gets it from each order's own version,
    and every reader reads the whole tenant again."""
    first, second = two
    base = first.save(T, {"order_id": "O-1", "language": "en"}, replace=False)
    first.save(T, {"order_id": "O-2", "language": "en"}, replace=False)
    whole = second.changes(T, START)
    assert whole.fresh and languages(whole) == {"O-1": "en", "O-2": "en"}
    first.save(T, {"order_id": "O-1", "language": "ar"}, replace=True, base=base)
    since = second.changes(T, whole.cursor)
    assert not since.fresh and languages(since) == {"O-1": "ar"}
    client = redis_instance.client()
    try:
        client.delete(b"carriyo:latest:" + T.encode())  # as a store written before the zset
    finally:
        client.close()
    again = second.changes(T, since.cursor)
    assert again.fresh and languages(again) == {"O-1": "ar", "O-2": "en"}
    assert first.changes(T, again.cursor).records == []


def test_an_emptied_database_is_a_new_epoch(
    two: tuple[RedisStore, RedisStore], redis_instance: RedisServer
) -> None:
    """After FLUSHDB the versions start again from 1: a cursor read before it would skip the new
    orders, so the epoch is made again and the next changes are the whole tenant."""
    first, second = two
    for n in range(3):
        first.save(T, {"order_id": f"O-{n}"}, replace=False)
    before = second.changes(T, START)
    redis_instance.flush()
    first.save(T, {"order_id": "N-1"}, replace=False)
    after = second.changes(T, before.cursor)
    assert after.fresh and languages(after) == {"N-1": None}


def languages(changes: Changes) -> dict[str, str | None]:
    """Each changed order's language, by order id."""
    return {r.order["order_id"]: r.order.get("language") for r in changes.records}
