"""The proxy's judge: each exchange of the documented API checked against the documentation.

- The request and the answer against the documented view of `openapi.yaml` (documented.py).
- The oracle's rules (contract_tests/oracle/rules.py, their checks unchanged) that the traffic
  lets it judge (judgements.py). The order "before" a request is the last one an answer showed
  (orderbook.py), taken when the request goes out; the order "after" is the answer, or for a
  refusal the next read of the order, if nothing else changed it first. A rule that needs what
  the traffic did not show is counted "not observable", never passed.
- `read_before` is `--observe-before`: the read the proxy sends before a write, so that every
  write has its "before".

Violations are kept (the newest MAX_VIOLATIONS) for `GET /__admin/violations`; per claim the
judge counts the exchanges judged, failed and not observable, with the last failure, which
`report()` turns into the contract suite's report (contract_tests/oracle/report.py).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import orjson

from contract_tests.oracle import report as reports
from contract_tests.oracle.exchange import Exchange as Seen
from contract_tests.oracle.observation import Observation
from contract_tests.oracle.tiers import Claim, Tier

from ..clock import utc_now
from .documented import NOT_JSON, TOO_DEEP, DocumentedSpec, read_json
from .forward import Exchange, Request
from .judgements import JUDGEMENTS, Judgement, Traffic
from .operations import Match
from .orderbook import OrderBook, OrderKey, Sighting

log = logging.getLogger("mock_server.proxy")
Json = dict[str, Any]
Violation = dict[str, Any]
MAX_VIOLATIONS = 10_000
MAX_PROBLEMS = 10
MAX_PENDING = 32
"""Refusals of one order waiting for the read that shows the order after them."""
MAX_WAITING_ORDERS = 10_000
"""Orders with refusals waiting (the oldest order's are counted not observable first)."""
DEFAULT_TIERS: tuple[Tier, ...] = ("documented", "reading")
CREDENTIALS = ("x-api-key", "authorization", "tenant-id")
UNREADABLE = (None, NOT_JSON, TOO_DEEP)
NOT_OBSERVABLE_WHY = "no earlier state of the order seen, or it changed meanwhile"


@dataclass
class Tally:
    judged: int = 0
    failed: int = 0
    not_observable: int = 0
    failure: dict[str, Any] | None = None


@dataclass
class Outgoing:
    """What the judge knew as a request went out: its operation and the order it addresses."""

    request: Request
    match: Match | None
    tenant: str | None = None
    key: OrderKey | None = None
    sighting: Sighting | None = None
    named_order: str | None = None


@dataclass
class Waiting:
    """A rule waiting for the read that shows the order after a refusal."""

    judgement: Judgement
    before: Seen
    call: Seen
    expect: dict[str, Any]
    version: int
    exchange: int
    operation: str


def _is_order(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("order_id"), str)


def _headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {name: value for name, value in pairs}


class Parsed(Seen):
    """An exchange whose answer is parsed once: the suite's checks read `json` dozens of times
    per observation (its Exchange parses the text at each read), and never change it."""

    @functools.cached_property
    def json(self) -> Any:
        return super().json


def _parsed(seen: Parsed, value: Any) -> Parsed:
    """`seen`, its answer known to be `value` already (the judge parsed it)."""
    vars(seen)["json"] = value
    return seen


def _read(url: str, order: Json) -> Parsed:
    """An order as a read of it shows it (the suite's `before` and `after`)."""
    return _parsed(Parsed("GET", url, {}, None, 200, {}, orjson.dumps(order).decode()), order)


class Judge:
    def __init__(self, base_url: str = "", tiers: tuple[Tier, ...] = DEFAULT_TIERS) -> None:
        self.base_url = base_url
        self.tiers = tiers
        self.documented = DocumentedSpec()
        self.judgements = [j for j in JUDGEMENTS if j.rule.tier in tiers]
        self.order_operations = self.documented.order_operations()
        self.book = OrderBook()
        self.violations: deque[Violation] = deque(maxlen=MAX_VIOLATIONS)
        self.tallies: dict[str, Tally] = {}
        self.exchanges = 0
        self.unjudged = 0
        self._waiting: dict[OrderKey, list[Waiting]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ before the request
    def read_before(self, request: Request) -> Request | None:
        """The read of the order a write addresses (`--observe-before`), None for a read or a
        request that addresses no order."""
        if request.method == "GET":
            return None
        match = self.documented.match(request)
        if match is None:
            return None
        reference, key = self._reference(match, request, read_json(request.body))
        if reference is None:
            return None
        query = "" if key == "order_id" else f"key={key}"
        headers = [
            (name, value)
            for name, value in request.headers
            if name.lower() not in ("content-type", "content-length", "if-match")
        ]
        path = f"/orders/{quote(reference, safe='')}"
        return Request(headers, b"", "GET", f"/orders/{reference}", query, path)

    def begin(self, request: Request) -> Outgoing:
        """Note the order a request addresses, as the proxy last saw it."""
        match = self.documented.match(request)
        outgoing = Outgoing(request, match)
        if match is None:
            return outgoing
        outgoing.tenant = request.header("tenant-id")
        reference, key = self._reference(match, request, read_json(request.body))
        if reference is None:
            return outgoing
        with self._lock:
            outgoing.key = self.book.find(outgoing.tenant, reference, key)
            outgoing.sighting = self.book.get(outgoing.key)
        if outgoing.key is not None and match.operation_id != "notifyShipmentStatus":
            outgoing.named_order = outgoing.key[1]
        return outgoing

    @staticmethod
    def _reference(match: Match, request: Request, body: Any) -> tuple[str | None, str]:
        """The order reference a request names and how to read it (order_id or
        partner_order_reference): the path's, or a shipment notification's reference."""
        if "orderReference" in match.params:
            query = dict(parse_qsl(request.query))
            return match.params["orderReference"], query.get("key") or "order_id"
        references = body.get("references") if isinstance(body, dict) else None
        reference = (
            references.get("partner_order_reference") if isinstance(references, dict) else None
        )
        return (reference if isinstance(reference, str) else None), "partner_order_reference"

    # ------------------------------------------------------------------ the answer
    def __call__(self, outgoing: Outgoing, exchange: Exchange) -> list[Violation]:
        """The violations the answer shows (those of the request itself included), noted."""
        match = outgoing.match
        if match is None:
            with self._lock:
                self.exchanges += 1
                self.unjudged += 1
            return []
        request, response = exchange.request, exchange.response
        body, answer = read_json(request.body), read_json(response.body)
        call = _parsed(self._seen(exchange, body), None if answer in UNREADABLE else answer)
        claims = self.documented.claims[match.operation_id]
        asked = self.documented.request_problems(match, request, body)
        got = self.documented.response_problems(match, request, response, answer)
        with self._lock:
            self.exchanges += 1
            number = self.exchanges
            found = [
                *self._schema(claims.request, asked, call, number, match, "request"),
                *self._schema(claims.response, got, call, number, match, "answer"),
            ]
            if not asked:
                found += self._rules(outgoing, exchange, call, body, answer, number)
            self.violations.extend(found)
        return found

    def _seen(self, exchange: Exchange, body: Any) -> Parsed:
        request, response = exchange.request, exchange.response
        return Parsed(
            request.method,
            self.base_url + request.target,
            _headers(request.headers),
            request.body.decode("utf-8", "replace") or None if body in UNREADABLE else body,
            response.status,
            _headers(response.headers),
            response.body.decode("utf-8", "replace"),
        )

    def _schema(
        self, claim: Claim, problems: list[str], call: Seen, number: int, match: Match, side: str
    ) -> list[Violation]:
        tally = self.tallies.setdefault(claim.name, Tally())
        tally.judged += 1
        if not problems:
            return []
        tally.failed += 1
        tally.failure = {"claim": claim.name, "problems": problems, **call.as_json()}
        return [self._violation(claim, problems, call, number, match.operation_id, side)]

    def _violation(
        self, claim: Claim, problems: list[str], call: Seen, number: int, operation: str, side: str
    ) -> Violation:
        return {
            "exchange": number,
            "rule": claim.name,
            "tier": claim.tier,
            "page": claim.page,
            "quote": claim.quote,
            "side": side,
            "operation": operation,
            "method": call.method,
            "url": call.url,
            "status": call.status,
            "problems": problems[:MAX_PROBLEMS],
            "time": utc_now(),
        }

    def _rules(
        self,
        outgoing: Outgoing,
        exchange: Exchange,
        call: Seen,
        body: Any,
        answer: Any,
        number: int,
    ) -> list[Violation]:
        """Judge the rules about this exchange, finish those waiting for this read, and keep
        the order the answer shows."""
        match = outgoing.match
        assert match is not None
        operation = match.operation_id
        success = 200 <= call.status < 300
        kept = self.book.get(outgoing.key)
        current = outgoing.sighting is not None and kept is outgoing.sighting
        before = outgoing.sighting.order if current and outgoing.sighting else None
        tenant = outgoing.tenant or (outgoing.key[0] if outgoing.key else "")
        traffic = Traffic(
            operation,
            match.params,
            body,
            call.status,
            before,
            frozenset(name for name in CREDENTIALS if exchange.request.header(name)),
            self.book.locations(tenant),
            outgoing.named_order,
        )
        found: list[Violation] = []
        if operation == "getOrder" and success and _is_order(answer) and kept is not None:
            found += self._finish_waiting(outgoing.key, kept.version, call)
        before_seen = (
            _read(self.base_url + f"/orders/{before['order_id']}", before) if before else None
        )
        after = call if success and _is_order(answer) else None
        for judgement in self.judgements:
            if not judgement.about(traffic, exchange.request.method):
                continue
            answers_order = judgement.order_answer or "after" in judgement.reads
            if answers_order and operation not in self.order_operations:
                continue
            tally = self.tallies.setdefault(judgement.rule.name, Tally())
            if "before" in judgement.reads and before_seen is None:
                tally.not_observable += 1
                continue
            expect = self._expect(judgement, traffic)
            if expect is None:
                continue
            if "after" in judgement.reads and after is None:
                if not self._wait(judgement, outgoing, before_seen or call, call, expect, number):
                    tally.not_observable += 1
                continue
            observation = Observation(before_seen or call, call, after or call, expect)
            found += self._check(judgement, observation, number, operation)
        if success and _is_order(answer):
            self._saw(tenant, answer)
        return found

    def _expect(self, judgement: Judgement, traffic: Traffic) -> dict[str, Any] | None:
        try:
            return judgement.expect(traffic)
        except (KeyError, TypeError, AttributeError, ValueError):
            log.exception("could not tell whether %s applies", judgement.rule.name)
            return None

    def _check(
        self, judgement: Judgement, observation: Observation, number: int, operation: str
    ) -> list[Violation]:
        rule = judgement.rule
        tally = self.tallies.setdefault(rule.name, Tally())
        try:
            problems = rule.check(observation)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError):
            log.exception("%s could not judge exchange %d", rule.name, number)
            tally.not_observable += 1
            return []
        tally.judged += 1
        if not problems:
            return []
        tally.failed += 1
        tally.failure = {
            "claim": rule.name,
            "problems": problems,
            **observation.as_json(),
            "curl": observation.call.curl(),
        }
        return [self._violation(rule, problems, observation.call, number, operation, "answer")]

    def _wait(
        self,
        judgement: Judgement,
        outgoing: Outgoing,
        before: Seen,
        call: Seen,
        expect: dict[str, Any],
        number: int,
    ) -> bool:
        sighting = self.book.get(outgoing.key)
        if outgoing.key is None or sighting is None:
            return False
        if outgoing.key not in self._waiting and len(self._waiting) >= MAX_WAITING_ORDERS:
            for dropped in self._waiting.pop(next(iter(self._waiting))):
                self.tallies[dropped.judgement.rule.name].not_observable += 1
        queue = self._waiting.setdefault(outgoing.key, [])
        if len(queue) >= MAX_PENDING:
            return False
        operation = outgoing.match.operation_id if outgoing.match else ""
        queue.append(Waiting(judgement, before, call, expect, sighting.version, number, operation))
        return True

    def _finish_waiting(self, key: OrderKey | None, version: int, read: Seen) -> list[Violation]:
        """The rules waiting on this order whose refusal is the last thing that happened to it:
        this read shows the order after the refusal."""
        found: list[Violation] = []
        for waiting in self._waiting.pop(key, []) if key else []:
            if waiting.version != version:
                self.tallies[waiting.judgement.rule.name].not_observable += 1
                continue
            observation = Observation(waiting.before, waiting.call, read, waiting.expect)
            found += self._check(
                waiting.judgement, observation, waiting.exchange, waiting.operation
            )
        return found

    def _saw(self, tenant: str, order: Json) -> None:
        key = self.book.saw(tenant, order)
        sighting = self.book.get(key)
        queue = self._waiting.get(key)
        if queue and sighting is not None:
            stale = [w for w in queue if w.version != sighting.version]
            for waiting in stale:
                self.tallies[waiting.judgement.rule.name].not_observable += 1
            queue[:] = [w for w in queue if w.version == sighting.version]

    # ------------------------------------------------------------------ what was found
    def state(self) -> dict[str, Any]:
        """`GET /__admin/violations`: the counts and the violations kept."""
        with self._lock:
            return {
                "exchanges": self.exchanges,
                "not_of_the_documented_api": self.unjudged,
                "violations": list(self.violations),
            }

    def clear(self) -> None:
        with self._lock:
            self.violations.clear()

    def catalogue(self) -> list[Claim]:
        """Every claim the judge can judge: the schema claims, then the rules."""
        claims: list[Claim] = []
        for pair in self.documented.claims.values():
            claims += [pair.request, pair.response]
        rules = {j.rule.name: j.rule for j in self.judgements}
        return claims + list(rules.values())

    def report(self) -> dict[str, Any]:
        """The contract suite's report of what the traffic showed, claim by claim."""
        with self._lock:
            tallies = {name: Tally(**vars(tally)) for name, tally in self.tallies.items()}
            waiting = [w for queue in self._waiting.values() for w in queue]
            for pending in waiting:  # no read of the order came after the refusal (yet)
                tallies.setdefault(pending.judgement.rule.name, Tally()).not_observable += 1
            counts = {"exchanges": self.exchanges, "not of the documented API": self.unjudged}
            tenants = self.book.tenants()
        entries = [
            self._entry(claim, tallies.get(claim.name, Tally())) for claim in self.catalogue()
        ]
        why_not = "not judged by the proxy"
        report = reports.assemble(
            entries,
            target={
                "base_url": self.base_url,
                "seed_mode": "traffic",
                "tenant_id": ", ".join(tenants),
            },
            tiers=self.tiers,
            why_not=why_not,
        )
        report["traffic"] = {**counts, "rules waiting for a read": len(waiting)}
        return report

    @staticmethod
    def _entry(claim: Claim, tally: Tally) -> reports.ClaimEntry:
        entry = reports.ClaimEntry(claim, examples=tally.judged, failed=tally.failed)
        entry.failure = tally.failure
        unseen = f"{tally.not_observable} exchanges not observable ({NOT_OBSERVABLE_WHY})"
        if tally.failed:
            entry.outcome = "failed"
        elif tally.judged:
            entry.outcome = "passed"
            entry.reason = unseen if tally.not_observable else ""
        elif tally.not_observable:
            entry.outcome, entry.reason = "not observable", unseen
        else:
            entry.reason = "no exchange it is about"
        return entry

    def write_report(self, directory: Path) -> None:
        reports.write(self.report(), directory)
        log.info("report written to %s", directory / "report.html")
