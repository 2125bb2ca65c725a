"""The report (oracle/report.py, report_html.py): one entry per claim with its outcome, the summary
line per tier, the page as headless Chromium renders it; and a real run against a broken sandbox
requiring tokens, whose report shows the failing exchange and no secret."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..oracle import rules
from ..oracle.baseline import Baseline, Known
from ..oracle.report import CATALOGUE, ReportedTest, build, write
from ..plugin.server import ServerProcess, running
from ..target.config import OWN_SANDBOX_CLIENT
from .fair import BY_NAME
from .runner import Verdict, run_one, serve_command

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--dump-dom")
TARGET = {"base_url": "https://demo.example", "seed_mode": "api", "tenant_id": "t"}
SECRET = "report-secret-never-shown"
KEY = "report-key-never-shown"
FAILURE = {
    "claim": rules.LINE_ITEMS_REPLACED.name,
    "problems": ["line item ids are ['a'], expected ['a', 'b']"],
    "request": {"method": "PATCH", "url": "https://demo.example/orders/X", "body": {"a": 1}},
    "response": {"status": 200, "headers": {}, "body": {"order_id": "X"}},
    "before": {"order_id": "X"},
    "after": {"order_id": "X"},
    "curl": "curl -sS -X PATCH https://demo.example/orders/X",
}


def _tests() -> list[ReportedTest]:
    record = {"claims": {rules.LINE_ITEMS_REPLACED.name: {"examples": 7, "failed": 1}}}
    passed = {"claims": {rules.MOVED_ITEMS.name: {"examples": 20, "failed": 0}}}
    return [
        ReportedTest(
            "t::replaced",
            "documented",
            (rules.LINE_ITEMS_REPLACED.name,),
            "failed",
            "ContractViolation",
            record={**record, "failure": FAILURE},
        ),
        ReportedTest("t::moved", "documented", (rules.MOVED_ITEMS.name,), record=passed),
        ReportedTest(
            "t::preserved",
            "documented",
            (rules.TERMINAL_PRESERVED.name,),
            "skipped",
            "api seed mode: ...",
            unreachable=True,
        ),
        ReportedTest("t::digital", "reading", (rules.SCHEDULE_DIGITAL.name,), "skipped", "chosen"),
        ReportedTest(
            "t::code",
            "reading",
            (rules.LOCATION_BY_CODE_OF_MERCHANT.name, rules.LOCATION_ONLY.name),
            "failed",
            "ContractViolation",
            record={
                "claims": {rules.LOCATION_BY_CODE_OF_MERCHANT.name: {"examples": 1, "failed": 1}},
                "failure": {**FAILURE, "claim": rules.LOCATION_BY_CODE_OF_MERCHANT.name},
            },
        ),
    ]


def _report(baseline: Baseline | None = None) -> dict[str, Any]:
    return build(
        _tests(),
        target=TARGET,
        tiers=("documented", "reading"),
        why_not="remote target",
        baseline=baseline or Baseline(),
    )


def _claim(report: dict[str, Any], rule: rules.Rule) -> dict[str, Any]:
    return next(claim for claim in report["claims"] if claim["id"] == rule.name)


def test_every_claim_has_an_entry_with_its_outcome() -> None:
    report = _report()
    assert [claim["id"] for claim in report["claims"]] == [claim.name for claim in CATALOGUE]
    failed = _claim(report, rules.LINE_ITEMS_REPLACED)
    assert (failed["outcome"], failed["examples"], failed["tier"]) == ("failed", 7, "documented")
    assert failed["failure"]["request"]["method"] == "PATCH" and failed["failure"]["curl"]
    assert failed["quote"] == rules.LINE_ITEMS_REPLACED.quote and failed["page"] == "002"
    assert _claim(report, rules.MOVED_ITEMS)["outcome"] == "passed"
    assert _claim(report, rules.TERMINAL_PRESERVED)["outcome"] == "not reachable"
    skipped = _claim(report, rules.SCHEDULE_DIGITAL)
    assert (skipped["outcome"], skipped["reason"]) == ("skipped", "chosen")
    stale = _claim(report, rules.STALE_IF_MATCH_REFUSED)
    assert (stale["outcome"], stale["reason"]) == ("not run", "remote target")
    assert _claim(report, rules.SCHEDULE_DELIVERY)["outcome"] == "not run"  # no test ran it
    after = _claim(report, rules.LOCATION_ONLY)  # its test stopped at the claim before it
    assert (after["outcome"], after["reason"]) == (
        "skipped",
        f"not reached: t::code stopped at {rules.LOCATION_BY_CODE_OF_MERCHANT.name}",
    )


def test_the_summary_has_one_part_per_tier() -> None:
    summary = _report()["summary"]
    assert summary == (
        "documented 1 passed 1 failed 1 not reachable · reading 0 passed 1 failed 2 skipped · "
        "sandbox skipped (remote target)"
    )


def test_a_baseline_turns_a_failure_into_known_and_a_pass_into_fixed() -> None:
    today = datetime.date(2026, 12, 1)
    baseline = Baseline(
        [
            Known(rules.LINE_ITEMS_REPLACED.name, "ticket 7", None, today),
            Known(rules.MOVED_ITEMS.name, "was broken", None, today),
        ]
    )
    report = _report(baseline)
    known = _claim(report, rules.LINE_ITEMS_REPLACED)
    assert (known["outcome"], known["reason"]) == ("known", "known (baseline): ticket 7")
    assert _claim(report, rules.MOVED_ITEMS)["fixed"] is True
    assert (
        "1 known" in report["summary"] and "1 fixed (remove from the baseline)" in report["summary"]
    )


def test_the_html_report_opens_from_disk_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    report = _report()
    write(report, tmp_path / "out")
    page = tmp_path / "out" / "report.html"
    html = page.read_text(encoding="utf-8")
    assert "src=" not in html and "href=" not in html and "<script" not in html  # self-contained
    assert json.loads((tmp_path / "out" / "report.json").read_text()) == report
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    dom = done.stdout
    assert report["summary"] in dom.replace("&nbsp;", " "), done.stderr[-2000:]
    assert "Page 002: update order" in dom and "<details open" in dom
    assert "line item ids are ['a'], expected ['a', 'b']" in dom.replace("&#x27;", "'").replace(
        "&#39;", "'"
    )


@pytest.fixture(scope="module")
def strict_broken_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A sandbox clearing billing_address on updates that omit it, requiring tokens."""
    clients = tmp_path_factory.mktemp("clients") / "clients.json"
    client = {"client_secret": SECRET, "api_key": KEY, "tenants": ["report-tenant"]}
    clients.write_text(json.dumps({OWN_SANDBOX_CLIENT: client}))
    variant = BY_NAME["clears_omitted_billing_address"]
    with running(serve_command(variant, clients=clients)) as sandbox:
        yield sandbox


def _run(sandbox: ServerProcess, out: Path, *args: str) -> Verdict:
    verdict = run_one(
        sandbox.url,
        "test_update_order.py",
        "only_provided_fields_change",
        "--contract-report",
        str(out),
        *args,
        tiers="documented,reading",
        max_examples=10,
        first_failure=False,
        env={
            "CONTRACT_CLIENT_ID": OWN_SANDBOX_CLIENT,
            "CONTRACT_CLIENT_SECRET": SECRET,
            "CONTRACT_API_KEY": KEY,
            "CONTRACT_TENANT_ID": "report-tenant",
        },
    )
    return verdict


def test_a_real_run_reports_the_failing_exchange_and_no_secret(
    strict_broken_sandbox: ServerProcess, tmp_path: Path
) -> None:
    verdict = _run(strict_broken_sandbox, tmp_path / "out")
    assert verdict.returncode == 1, verdict.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    claim = _claim(report, rules.UNPROVIDED_FIELDS_UNCHANGED)
    assert claim["outcome"] == "failed" and claim["examples"] >= 1
    failure = claim["failure"]
    assert any("billing_address" in problem for problem in failure["problems"])
    assert "billing_address" in failure["before"] and "billing_address" not in failure["after"]
    assert failure["request"]["method"] == "PATCH" and failure["response"]["status"] == 200
    assert failure["curl"].startswith("curl ") and "$CONTRACT_TOKEN" in failure["curl"]
    assert report["summary"].startswith("documented ") and " 1 failed" in report["summary"]
    html = (tmp_path / "out" / "report.html").read_text()
    for text in (json.dumps(report), html, verdict.output, verdict.junit):
        assert SECRET not in text and KEY not in text and "Bearer ey" not in text
    tiers = [
        prop.get("value")
        for prop in ET.fromstring(verdict.junit).iter("property")
        if prop.get("name") == "tier"
    ]
    assert tiers == ["documented"]


def test_a_baseline_written_from_a_run_makes_the_next_one_pass(
    strict_broken_sandbox: ServerProcess, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.yaml"
    first = _run(strict_broken_sandbox, tmp_path / "first", "--write-baseline", str(baseline))
    assert first.returncode == 1, first.output
    assert rules.UNPROVIDED_FIELDS_UNCHANGED.name in baseline.read_text()
    second = _run(strict_broken_sandbox, tmp_path / "second", "--baseline", str(baseline))
    assert second.returncode == 0, second.output
    assert "1 xfailed" in second.output
    report = json.loads((tmp_path / "second" / "report.json").read_text())
    assert _claim(report, rules.UNPROVIDED_FIELDS_UNCHANGED)["outcome"] == "known"
    assert "1 known" in report["summary"]
    baseline.write_text(baseline.read_text().replace("expires: null", "expires: 2020-01-01"))
    third = _run(strict_broken_sandbox, tmp_path / "third", "--baseline", str(baseline))
    assert third.returncode == 1, third.output  # an expired entry excuses nothing
    report = json.loads((tmp_path / "third" / "report.json").read_text())
    assert _claim(report, rules.UNPROVIDED_FIELDS_UNCHANGED)["outcome"] == "failed"
    assert "expired on 2020-01-01" in report["baseline"][0]
