"""What `pip install carriyo-sandbox` gives a user, tried where a user has it: one wheel, built
from a copy of the checkout as `pip wheel` builds it, installed into a new virtual environment in
a temporary folder outside the checkout, its commands run from there.

- the sandbox alone (no test tool): `serve` answers the first requests of
  docs/getting-started.md as printed; `proxy`, with pytest not importable, forwards, judges, and
  names the preservation rule an upstream breaks;
- then with `[contract]`: `carriyo-sandbox contract` passes the documented and reading tiers
  against that sandbox and writes its report and JUnit XML.

The tests share the build and the environment, and run in this order on one worker
(`xdist_group`, `--dist loadgroup` in the Makefile): the last one adds the extra.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import venv
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from contract_tests.oracle import rules
from contract_tests.plugin.server import running as running_command
from contract_tests.selftest.fair import BY_NAME
from contract_tests.selftest.runner import serve_command
from tests.doc_examples import FIRST_REQUESTS, GETTING_STARTED, runnable, shell_block
from tests.launcher import REPO_ROOT, Server, running
from tests.proxy.traffic import Client, ClientCredentials, page_002_examples

pytestmark = pytest.mark.xdist_group("installed")
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 300


def checkout_copy(target: Path) -> Path:
    """The files of the working tree that git tracks or would track, copied to `target` (no
    `build/` or `*.egg-info` left by earlier builds: what a fresh clone holds); the `data/`
    links stay links, as git keeps them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file() or source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name, follow_symlinks=False)
    return target


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding the wheel, and the folder a user works in."""

    root: Path
    home: Path
    wheel: Path

    def command(self, name: str) -> Path:
        return self.root / "bin" / name

    def run(
        self, *argv: str | Path, timeout: float = RUN_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in argv],
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def pip_install(self, requirement: str) -> None:
        done = self.run(
            self.command("python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            requirement,
            timeout=INSTALL_TIMEOUT,
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built as a user builds it (`pip wheel .`), without build isolation so that no package
    index is needed for the build: setuptools and wheel come from the test environment."""
    scratch = tmp_path_factory.mktemp("build")
    source = checkout_copy(scratch / "checkout")
    build = ("wheel", str(source), "--no-deps", "--no-build-isolation", "--quiet")
    subprocess.run(
        [sys.executable, "-m", "pip", *build, "--wheel-dir", str(scratch / "dist")],
        check=True,
        timeout=INSTALL_TIMEOUT,
        cwd=scratch,
    )
    (built,) = (scratch / "dist").glob("carriyo_sandbox-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Installed:
    """`pip install <wheel>` (the sandbox alone) into a new environment outside the checkout."""
    home = tmp_path_factory.mktemp("user")
    assert not home.resolve().is_relative_to(REPO_ROOT)
    root = home / "venv"
    venv.create(root, with_pip=True)
    env = Installed(root, home, wheel)
    env.pip_install(str(wheel))
    return env


@pytest.fixture(scope="module")
def sandbox(installed: Installed) -> Iterator[Server]:
    """`carriyo-sandbox serve` of the installed environment, run from the user's folder."""
    with running(
        log_dir=installed.home / "logs",
        command=(str(installed.command("carriyo-sandbox")), "serve"),
        cwd=installed.home,
    ) as server:
        yield server


def first_requests(port: int) -> str:
    """The first shell block of docs/getting-started.md's "One request per endpoint", against
    `port`, each curl failing on an HTTP error."""
    block = shell_block(GETTING_STARTED, FIRST_REQUESTS)
    assert block.count("curl -s ") >= 7
    return runnable(block, port)


def test_the_wheel_holds_both_packages_and_their_data_not_the_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if name.endswith(".py")}
    assert packages == {"mock_server", "contract_tests"}, packages
    assert not [name for name in names if name.startswith("tests/")]
    assert "contract_tests/test_update_order.py" in names  # the installed suite stays whole
    for data in (
        "contract_tests/oracle/data/openapi.yaml",
        "contract_tests/oracle/data/api-pages/002_96c52a0556c06632.txt",
        "contract_tests/data/schemathesis.toml",
        "mock_server/data/openapi-admin.yaml",
        "mock_server/data/fixtures/sandbox.json",
    ):
        assert data in names


def test_serve_answers_the_documented_first_requests(installed: Installed, sandbox: Server) -> None:
    where = installed.run(
        installed.command("python"), "-c", "import mock_server; print(mock_server.__file__)"
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.root), where
    done = installed.run("bash", "-euo", "pipefail", "-c", first_requests(sandbox.port))
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"partner_order_reference":"WEB-1"' in done.stdout.replace(" ", "")
    for path in ("/docs", "/openapi.json", "/openapi.yaml"):
        assert requests.get(sandbox.base_url + path, timeout=30).status_code == 200
    assert "Traceback" not in sandbox.logs()


def test_the_proxy_judges_without_test_tools(installed: Installed) -> None:
    for tool in ("pytest", "hypothesis", "schemathesis"):
        probe = installed.run(installed.command("python"), "-c", f"import {tool}")
        assert probe.returncode != 0, f"{tool} is importable in the sandbox-only environment"
    report = installed.home / "proxy-report"
    broken = serve_command(BY_NAME["drops_fulfilled_items"], fixtures=True)
    with (
        running_command(broken) as upstream,
        running(
            "--upstream",
            upstream.url,
            "--report",
            str(report),
            log_dir=installed.home / "logs",
            command=(str(installed.command("carriyo-sandbox")), "proxy"),
            cwd=installed.home,
        ) as proxy,
        requests.Session() as session,
    ):
        session.trust_env = False
        session.auth = ClientCredentials()
        page_002_examples(Client(proxy.base_url, session), "INSTALLED")
        forwarded = proxy.call("GET", "/orders/ORD-1001")
        direct = requests.get(
            upstream.url + "/orders/ORD-1001", headers=proxy.headers(), timeout=30
        )
        assert (forwarded.status_code, forwarded.json()) == (200, direct.json())
        judged = proxy.admin("GET", "violations").json()
        assert proxy.admin("POST", "report").status_code == 200
        logs = proxy.logs()
    named = {violation["rule"] for violation in judged["violations"]}
    assert rules.TERMINAL_PRESERVED.name in named, sorted(named)
    assert judged["exchanges"] >= 8  # page 002's examples: 3 creates, a fulfil, 3 updates; a read
    assert (report / "report.html").is_file() and (report / "report.json").is_file()
    assert "Traceback" not in logs
    assert re.search(r"mock_server\.access GET /orders/ORD-1001 200 [\d.]+ ms getOrder", logs)


def test_contract_with_its_extra_passes_the_documented_and_reading_tiers(
    installed: Installed, sandbox: Server
) -> None:
    contract = installed.command("carriyo-sandbox")
    without = installed.run(contract, "contract", "--base-url", sandbox.base_url)
    assert without.returncode != 0
    assert "pip install 'carriyo-sandbox[contract]'" in without.stderr
    assert len(without.stderr.strip().splitlines()) == 1, without.stderr
    installed.pip_install(f"{installed.wheel}[contract]")
    report, junit = installed.home / "contract-report", installed.home / "contract.xml"
    done = installed.run(
        contract,
        "contract",
        "--base-url",
        sandbox.base_url,
        "--client-id",
        "installed",
        "--client-secret",
        "any",
        "--tiers",
        "documented,reading",
        "--max-examples",
        "10",
        "--report",
        str(report),
        "--junitxml",
        str(junit),
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "sandbox skipped" in done.stdout and " 0 failed" in done.stdout
    assert (report / "report.html").is_file()
    suite = ET.parse(junit).getroot()
    tests = sum(int(node.get("tests", 0)) for node in suite.iter("testsuite"))
    failures = sum(
        int(node.get("failures", 0)) + int(node.get("errors", 0))
        for node in suite.iter("testsuite")
    )
    assert tests > 100 and failures == 0
