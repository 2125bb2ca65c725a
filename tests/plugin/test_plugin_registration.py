"""The plugin as pip installs it: registered under `pytest11`, cheap to import, and starting a
sandbox only for sessions that use the fixture, stopped when the session ends."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

CONFTEST = """
import socket
import sys
import threading
from pathlib import Path

REPORT = Path(__file__).parent / "report.txt"


def pytest_sessionfinish(session):
    running = any(t.name.startswith("carriyo-sandbox") for t in threading.enumerate())
    lines = [f"server thread: {running}", f"granian imported: {'granian' in sys.modules}"]
    url = Path(__file__).parent / "url.txt"
    if url.exists():
        host, port = url.read_text().removeprefix("http://").split(":")
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
            lines.append("port: open")
        except OSError:
            lines.append("port: closed")
    REPORT.write_text("\\n".join(lines))
"""

USES_FIXTURE = """
from pathlib import Path


def test_uses_the_sandbox(carriyo_sandbox):
    (Path(__file__).parent / "url.txt").write_text(carriyo_sandbox.base_url)
"""

DOES_NOT_USE_IT = """
def test_plain():
    assert 1 + 1 == 2
"""


def run_session(directory: Path, test_source: str) -> list[str]:
    directory.mkdir()
    (directory / "conftest.py").write_text(CONFTEST)
    (directory / "test_user.py").write_text(test_source)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (directory / "report.txt").read_text().splitlines()


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    [entry] = [
        e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "carriyo_sandbox"
    ]
    assert entry.value == "mock_server.run.pytest_plugin"


def test_importing_the_plugin_loads_no_server_code() -> None:
    probe = (
        "import sys, mock_server.run.pytest_plugin; "
        "print(sorted(m for m in ('flask', 'granian', 'waitress', 'yaml', 'mock_server.app') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_session_that_does_not_use_the_fixture_starts_nothing(tmp_path: Path) -> None:
    report = run_session(tmp_path / "plain", DOES_NOT_USE_IT)
    assert report == ["server thread: False", "granian imported: False"]


def test_the_sandbox_is_stopped_when_the_session_ends(tmp_path: Path) -> None:
    report = run_session(tmp_path / "user", USES_FIXTURE)
    assert report == ["server thread: False", "granian imported: True", "port: closed"]
