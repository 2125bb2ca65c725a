"""The oracle apart from the test tools: the proxy judges traffic with the contract suite's oracle
(`contract_tests/oracle/`), and neither loads pytest, Hypothesis or Schemathesis, which a sandbox
installed without its test extras does not have. Each check runs in a fresh interpreter, since
this one has pytest loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

TEST_TOOLS = ("pytest", "_pytest", "hypothesis", "schemathesis")
HTTP_CLIENT = "requests"
"""The suite's HTTP client: the oracle judges exchanges, it never sends one."""

JUDGE_ONE_EXCHANGE = """
import mock_server.proxy.app
from mock_server.proxy.forward import Exchange, Request, Response
from mock_server.proxy.judge import Judge

judge = Judge("http://upstream")
request = Request([("x-api-key", "k"), ("tenant-id", "t")], b"", "GET", "/orders/ORD-1")
order = {"order_id": "ORD-1", "status": "LOST"}
answer = Response([("Content-Type", "application/json")], json.dumps(order).encode(), 200)
found = judge(judge.begin(request), Exchange(request, answer, 0.0, 1.0))
claims = [claim["id"] for claim in judge.report()["claims"]]
"""
IMPORT_THE_ORACLE = """
import importlib, pkgutil
import contract_tests.oracle as oracle

modules = [module.name for module in pkgutil.iter_modules(oracle.__path__)]
for name in modules:
    importlib.import_module(f"contract_tests.oracle.{name}")
"""


def run(code: str, result: str, watched: tuple[str, ...]) -> dict[str, Any]:
    """`code` run in a fresh interpreter: the value of its expression `result`, and which of
    `watched` it loaded."""
    script = (
        f"import json, sys\n{code}\nprint(json.dumps({{'result': {result}, "
        f"'loaded': [name for name in {watched!r} if name in sys.modules]}}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_the_proxy_judges_an_exchange_without_the_test_tools() -> None:
    found = run(JUDGE_ONE_EXCHANGE, "[sorted(v['rule'] for v in found), claims]", TEST_TOOLS)
    violated, claims = found["result"]
    assert "invariant.statuses_in_enums" in violated  # a rule's check judged the answer
    assert "schema.getOrder.response" in violated and claims, "the judge judged nothing"
    assert found["loaded"] == [], f"the proxy's judge loads {found['loaded']}"


def test_the_oracle_imports_no_test_tool_nor_the_http_client() -> None:
    found = run(IMPORT_THE_ORACLE, "modules", (*TEST_TOOLS, HTTP_CLIENT))
    assert {"tiers", "rules", "checks", "report", "documented"} <= set(found["result"])
    assert found["loaded"] == [], f"contract_tests.oracle loads {found['loaded']}"
