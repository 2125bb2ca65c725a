"""The proxy's judge: the sandbox's answers to a whole integration break no rule and replay
identically; a rule the traffic cannot show is "not observable", never passed, until
`--observe-before` shows it; a violation is counted in the answer's header, listed, logged, and
reported in the contract suite's format; `--strict` turns it into a 502 naming the rule."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from contract_tests.selftest.rewrite import Rewrite
from mock_server.app import create_app
from mock_server.proxy.app import VIOLATIONS_HEADER
from mock_server.proxy.har import read_har
from mock_server.proxy.replay import Replayer
from mock_server.run.server import BackgroundServer
from tests.proxy.conftest import ProxyFactory
from tests.proxy.traffic import AUTH, integration

Json = dict[str, Any]
UNPROVIDED = "update_order.unprovided_fields_unchanged"


def claims(report: Json) -> dict[str, Json]:
    return {claim["id"]: claim for claim in report["claims"]}


def test_an_integration_breaks_no_rule_and_its_recording_replays_identically(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session, tmp_path: Path
) -> None:
    proxy, app = start_proxy(upstream, judged=True)
    integration(proxy, session)
    assert app.judge is not None
    state = app.judge.state()
    assert state["violations"] == []
    report = app.judge.report()
    judged = claims(report)
    for operation in app.judge.documented.claims:  # every operation of the documented view
        assert judged[f"schema.{operation}.response"]["outcome"] == "passed", operation
    rules = [claim for claim in report["claims"] if not claim["id"].startswith("schema.")]
    assert {claim["outcome"] for claim in rules} <= {"passed", "not run"}
    assert sum(claim["outcome"] == "passed" for claim in rules) >= 35
    fresh = BackgroundServer(create_app()).start()  # the tenant's locations, as fixtures
    try:
        parity = Replayer(fresh.url).run(read_har(tmp_path / "traffic.har"), "traffic.har")
    finally:
        fresh.stop()
    assert parity.differences == []
    assert parity.replayed == parity.identical == state["exchanges"]


def test_a_write_without_an_earlier_state_is_not_observable_until_observed_before(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session, tmp_path: Path
) -> None:
    proxy, app = start_proxy(upstream, judged=True)
    session.patch(f"{proxy}/orders/ORD-1001", json={"language": "ar"}, headers=AUTH)
    assert app.judge is not None
    entry = claims(app.judge.report())[UNPROVIDED]
    assert (entry["outcome"], entry["examples"]) == ("not observable", 0)
    assert "1 exchanges not observable" in entry["reason"]
    observing, app = start_proxy(upstream, judged=True, observe_before=True)
    session.patch(f"{observing}/orders/ORD-1001", json={"language": "fr"}, headers=AUTH)
    assert app.judge is not None
    entry = claims(app.judge.report())[UNPROVIDED]
    assert (entry["outcome"], entry["examples"]) == ("passed", 1)
    recorded = read_har(tmp_path / "traffic.har")[-2:]
    assert [(e["request"]["method"], e.get("comment", "")) for e in recorded] == [
        ("GET", "observe-before: the order before the write"),
        ("PATCH", ""),
    ]


def test_a_refusal_is_judged_by_the_next_read_unless_the_order_changed_first(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session
) -> None:
    proxy, app = start_proxy(upstream, judged=True)
    session.get(f"{proxy}/orders/ORD-1007", headers=AUTH)  # cancelled
    session.patch(f"{proxy}/orders/ORD-1007", json={"language": "ar"}, headers=AUTH)
    assert app.judge is not None
    waiting = claims(app.judge.report())["update_order.cancelled_not_updatable"]
    assert waiting["outcome"] == "not observable"  # no read of the order after the refusal yet
    session.get(f"{proxy}/orders/ORD-1007", headers=AUTH)
    assert claims(app.judge.report())["update_order.cancelled_not_updatable"]["outcome"] == (
        "passed"
    )
    session.get(f"{proxy}/orders/ORD-1001", headers=AUTH)
    unknown = {"fulfillment_order_id": "FO-1001-A", "line_items": [{"id": "NOPE", "quantity": 1}]}
    refused = session.patch(
        f"{proxy}/orders/ORD-1001", json={"fulfillment_orders": [unknown]}, headers=AUTH
    )
    assert refused.status_code == 400
    session.patch(f"{proxy}/orders/ORD-1001", json={"language": "ar"}, headers=AUTH)
    session.get(f"{proxy}/orders/ORD-1001", headers=AUTH)
    refusal = claims(app.judge.report())["common.refusal_changes_nothing"]
    assert refusal["examples"] == 1  # ORD-1007's; ORD-1001 changed before it was read again
    assert refusal["reason"].startswith("1 exchanges not observable")


@pytest.fixture
def forgetful() -> Iterator[str]:
    """A sandbox whose update-order answers leave billing_address out (page 002: fields not in
    the request are kept)."""
    methods: list[str] = []

    def note(environ: Any) -> None:
        methods[:] = [environ["REQUEST_METHOD"]]

    def forget(path: str, status: int, body: Any) -> Any:
        if methods == ["PATCH"] and isinstance(body, dict):
            body.pop("billing_address", None)
        return body

    server = BackgroundServer(Rewrite(create_app(), body=forget, request=note)).start()
    yield server.url
    server.stop()


def test_a_violation_is_counted_listed_logged_and_reported(
    forgetful: str,
    start_proxy: ProxyFactory,
    session: requests.Session,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    proxy, _ = start_proxy(forgetful, judged=True, report_dir=tmp_path / "report")
    assert VIOLATIONS_HEADER not in session.get(f"{proxy}/orders/ORD-1001", headers=AUTH).headers
    with caplog.at_level(logging.WARNING, logger="mock_server.proxy"):
        answer = session.patch(f"{proxy}/orders/ORD-1001", json={"language": "ar"}, headers=AUTH)
    assert answer.status_code == 200 and answer.json()["language"] == "ar"  # unchanged
    assert answer.headers[VIOLATIONS_HEADER] == "2"  # the documented rule and the reading
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("violation")]
    assert len(logged) == 2 and f"violation {UNPROVIDED} [documented]" in logged[0]
    assert "billing_address" in logged[0] and "secret-key-123" not in "".join(logged)
    listed = session.get(f"{proxy}/__admin/violations").json()
    assert listed["exchanges"] == 3  # the session's token, the read, the update
    assert [(v["rule"], v["exchange"], v["status"]) for v in listed["violations"]] == [
        (UNPROVIDED, 3, 200),
        ("update_order.other_fields_unchanged", 3, 200),
    ]
    assert session.post(f"{proxy}/__admin/report").status_code == 200
    report = orjson.loads((tmp_path / "report" / "report.json").read_bytes())
    failed = claims(report)[UNPROVIDED]
    assert failed["outcome"] == "failed" and failed["failure"]["before"]["billing_address"]
    assert "billing_address" not in failed["failure"]["after"]
    assert report["summary"].startswith("documented ") and " 1 failed" in report["summary"]
    html = (tmp_path / "report" / "report.html").read_text()
    assert UNPROVIDED in html and "secret-key-123" not in html
    assert session.delete(f"{proxy}/__admin/violations").status_code == 204
    assert session.get(f"{proxy}/__admin/violations").json()["violations"] == []


def test_strict_answers_a_violation_with_a_502_naming_the_rule(
    forgetful: str, start_proxy: ProxyFactory, session: requests.Session
) -> None:
    proxy, _ = start_proxy(forgetful, judged=True, strict=True)
    session.get(f"{proxy}/orders/ORD-1001", headers=AUTH)
    answer = session.patch(f"{proxy}/orders/ORD-1001", json={"language": "ar"}, headers=AUTH)
    assert answer.status_code == 502
    body = answer.json()
    assert set(body) == {"status", "timestamp", "errors", "error_details"}
    assert body["error_details"][0]["code"] == "CONTRACT_VIOLATION"
    assert UNPROVIDED in body["errors"][0]


def test_a_request_the_docs_forbid_is_listed_and_its_refusal_passed_on(
    upstream: str, start_proxy: ProxyFactory, session: requests.Session
) -> None:
    """Even under --strict: the upstream refused it, rightly, and the client sees why."""
    proxy, app = start_proxy(upstream, judged=True, strict=True)
    answer = session.patch(f"{proxy}/orders/ORD-1001", json={"language": 5}, headers=AUTH)
    assert answer.status_code == 400 and answer.headers[VIOLATIONS_HEADER] == "1"
    assert app.judge is not None
    (violation,) = app.judge.state()["violations"]
    assert (violation["rule"], violation["side"]) == ("schema.updateOrder.request", "request")
    assert violation["problems"] == ["language: 5 is not of type 'string'"]
