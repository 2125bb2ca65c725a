"""Plain `schemathesis run openapi.yaml`, as a user runs it: from a folder without this
repository's `schemathesis.toml`, every check, every phase, against a sandbox with its fixtures.

The spec lets it reach every operation: path parameters and request bodies carry examples that
succeed on the fixtures, links pass `key=order_id`, and the schemas say what the sandbox accepts.
What no spec can tell Schemathesis is a business rule refusing schema-valid data (an unknown line
item, an order already cancelled: page 001's "Cannot update location" and its like, each a 400).
Those are the only failures allowed here, and the only thing `schemathesis.toml` tells it.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections import defaultdict
from typing import Any

import pytest

from contract_tests.oracle.resources import public_spec
from contract_tests.selftest.runner import plain_schemathesis
from mock_server.run.testing import RunningSandbox

MAX_EXAMPLES = 10
RUN_TIMEOUT = 600
VALIDATION_CODES = frozenset(
    {
        "INVALID_FIELD",
        "MISSING_FIELD",
        "INVALID_TYPE",
        "INVALID_FORMAT",
        "INVALID_ENUM_VALUE",
        "MALFORMED_JSON",
        "MISSING_BODY",
        "UNSUPPORTED_MEDIA_TYPE",
        "ZERO_QUANTITY",
    }
)
"""The codes of a request refused for its shape (the sandbox's validation against the spec, and
the zero quantity its schemas rule out): a schema-valid request refused with one of them is a
schema that does not say what the sandbox accepts."""


@pytest.fixture(scope="module")
def run(sandbox: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The run's JSON report and its scenarios (ndjson), from a folder holding only the spec."""
    folder = tmp_path_factory.mktemp("plain")
    shutil.copyfile(str(public_spec()), folder / "openapi.yaml")
    headers = dict(sandbox.headers)
    command = plain_schemathesis(
        "openapi.yaml", sandbox.base_url, max_examples=MAX_EXAMPLES, headers=headers
    )
    command += ["--report", "json,ndjson", "--report-dir", "report"]
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert not (folder / "schemathesis.toml").exists()
    (summary,) = (folder / "report").glob("json-*.json")
    (events,) = (folder / "report").glob("ndjson-*.ndjson")
    scenarios = [
        json.loads(line)["ScenarioFinished"]
        for line in events.read_text(encoding="utf-8").splitlines()
        if line.startswith('{"ScenarioFinished"')
    ]
    return {
        "summary": json.loads(summary.read_text()),
        "scenarios": scenarios,
        "output": done.stdout,
    }


def _body(message: dict[str, Any] | None) -> Any:
    content = (message or {}).get("content") or {}
    raw = base64.b64decode(content["$base64"]) if "$base64" in content else b""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


def test_every_failure_is_a_business_rule(run: dict[str, Any]) -> None:
    """No check but positive-data acceptance fails, and each of its failures is a 400 in the
    published error body naming a business rule, never the request's shape."""
    wrong = []
    refused = 0
    for scenario in run["scenarios"]:
        recorder = scenario.get("recorder") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check["status"] != "failure":
                    continue
                interaction = (recorder.get("interactions") or {}).get(case_id) or {}
                response = interaction.get("response") or {}
                body = _body(response)
                codes = {d.get("code") for d in (body or {}).get("error_details", [])}
                if (
                    check["name"] != "positive_data_acceptance"
                    or response.get("status_code") != 400
                ):
                    wrong.append(
                        f"{recorder.get('label')}: {check['name']} {response.get('status_code')}"
                    )
                elif not codes or codes & VALIDATION_CODES:
                    wrong.append(f"{recorder.get('label')}: refused for its shape {body}")
                else:
                    refused += 1
    assert wrong == [], "\n".join(wrong[:20]) + run["output"][-3000:]
    assert {f["code"] for f in run["summary"]["failures"]} <= {"ST202"}
    assert (refused > 0) == bool(run["summary"]["failures"])  # the scan saw what the run reported


def test_no_missing_test_data_and_every_operation_served(
    run: dict[str, Any], spec: dict[str, Any]
) -> None:
    """No warning (missing test data, validation mismatch, ...), and a 2xx on every operation."""
    warnings = {kind: found for kind, found in run["summary"]["warnings"].items() if found}
    assert warnings == {}, run["output"][-3000:]
    served: dict[str, int] = defaultdict(int)
    for scenario in run["scenarios"]:
        recorder = scenario.get("recorder") or {}
        for interaction in (recorder.get("interactions") or {}).values():
            status = (interaction.get("response") or {}).get("status_code", 0)
            if 200 <= status < 300:
                served[recorder.get("label", "?")] += 1
    operations = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert run["summary"]["operations"]["tested"] == len(operations)
    assert sorted(operations - set(served)) == []
