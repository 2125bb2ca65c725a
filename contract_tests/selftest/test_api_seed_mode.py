"""Api seed mode needs nothing but the public API: against a sandbox that refuses `/__admin/`
(`--no-admin`), the tests needing line items in terminal statuses (`-m terminal_lines`: page
002's preservation of terminal line items, page 000's fulfilled items, page 004's delivered
ones, the lifecycle properties starting from fulfilled, closed or cancelled lines), whose
starting states api seed mode builds through the published lifecycle operations, all run (none
skipped) and pass."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from ..plugin import sandbox_command
from ..plugin.server import running
from .runner import LOCATION, run_suite

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
CLIENT, SECRET, KEY, TENANT = "api-seed-client", "api-seed-secret", "api-seed-key", "acme-demo"
EXAMPLES = 5
MIN_TESTS = 20
"""Fewer would mean the marker was lost on the way (24 tests carry it today)."""


def test_terminal_line_tests_run_and_pass_without_the_admin_api(tmp_path: Path) -> None:
    clients = tmp_path / "clients.json"
    clients.write_text(
        json.dumps({CLIENT: {"client_secret": SECRET, "api_key": KEY, "tenants": [TENANT]}}),
        encoding="utf-8",
    )
    with running(sandbox_command(clients, fixtures=True, admin=False)) as sandbox:
        refused = requests.post(f"{sandbox.url}/__admin/orders", json={}, timeout=30)
        assert refused.status_code == 404, "the sandbox still takes /__admin/ requests"
        verdict = run_suite(
            sandbox.url,
            "-m",
            "terminal_lines",
            "--seed-mode",
            "api",
            "--client-id",
            CLIENT,
            "--client-secret",
            SECRET,
            "--api-key",
            KEY,
            "--tenant-id",
            TENANT,
            *LOCATION,
            tiers="documented,reading,sandbox",
            max_examples=EXAMPLES,
            first_failure=False,
        )
    cases = list(ET.fromstring(verdict.junit).iter("testcase")) if verdict.junit else []
    skipped = [str(case.get("name")) for case in cases if case.find("skipped") is not None]
    failed = [
        str(case.get("name"))
        for case in cases
        if case.find("failure") is not None or case.find("error") is not None
    ]
    assert len(cases) >= MIN_TESTS, (
        f"{len(cases)} terminal_lines tests ran:\n{verdict.output[-3000:]}"
    )
    assert not skipped, f"skipped in api seed mode: {skipped}"
    assert not failed and verdict.passed, f"failed: {failed}\n{verdict.output[-4000:]}"
