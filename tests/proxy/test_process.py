"""`carriyo-sandbox proxy` as a user runs it, in front of a sandbox process: hostile input passes
through without a 5xx of the proxy's own (502/504 only for an upstream without an answer) or a
crash; a proxy killed with SIGKILL while recording leaves a readable HAR; the report is written
on `POST /__admin/report` and on shutdown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import requests

from mock_server.proxy.har import read_har
from tests.launcher import CLI_PROXY, Server, running, start_server, wait_until
from tests.reliability.cases import HOSTILE_CASES, send

UPSTREAM_CODES = {"UPSTREAM_REFUSED", "UPSTREAM_DROPPED", "UPSTREAM_TIMEOUT"}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(log_dir=tmp_path_factory.mktemp("upstream")) as server:
        yield server


def start_proxy(sandbox: Server, directory: Path, *args: str) -> Server:
    return start_server("--upstream", sandbox.base_url, *args, log_dir=directory, command=CLI_PROXY)


def test_hostile_input_passes_through_and_the_proxy_keeps_serving(
    sandbox: Server, tmp_path: Path
) -> None:
    proxy = start_proxy(sandbox, tmp_path, "--record", str(tmp_path / "hostile.har"))
    try:
        wrong = []
        for case in HOSTILE_CASES:
            reply = send(proxy, case)
            upstream_fault = reply.status in (502, 504) and any(
                code.encode() in reply.body for code in UPSTREAM_CODES
            )
            if reply.status >= 500 and not upstream_fault:
                wrong.append(f"{case.name}: {reply.status} {reply.body[:200]!r}")
            elif not case.path.startswith("/__admin/") and reply.status not in case.statuses:
                wrong.append(f"{case.name}: {reply.status}, the sandbox answers {case.statuses}")
        assert wrong == []
        assert proxy.healthy() and sandbox.healthy()
        assert "Traceback" not in proxy.logs()
        assert len(read_har(tmp_path / "hostile.har")) >= len(HOSTILE_CASES) // 2
    finally:
        proxy.stop()


def test_a_proxy_killed_while_recording_leaves_a_readable_har(
    sandbox: Server, tmp_path: Path
) -> None:
    har = tmp_path / "traffic.har"
    proxy = start_proxy(sandbox, tmp_path, "--record", str(har))
    stop = threading.Event()

    def write_away() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    proxy.call(
                        "PATCH", "/orders/ORD-1001", json={"language": "ar"}, session=session
                    )
                except requests.RequestException:
                    return

    writers = [threading.Thread(target=write_away) for _ in range(4)]
    for writer in writers:
        writer.start()
    try:
        assert wait_until(lambda: har.exists() and har.stat().st_size > 100_000)
        proxy.process.kill()  # SIGKILL, requests in flight
        proxy.process.wait()
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    entries = read_har(har)
    writes = [entry for entry in entries if entry["request"]["method"] == "PATCH"]
    assert len(writes) > 10  # besides the launcher's readiness probe
    assert {entry["response"]["status"] for entry in writes} == {200}
    again = start_proxy(sandbox, tmp_path, "--record", str(har))  # and it is continued
    try:
        again.call("GET", "/orders/ORD-1002")
    finally:
        again.stop()
    assert read_har(har)[-1]["request"]["url"].endswith("/orders/ORD-1002")


def test_the_report_is_written_on_request_and_on_shutdown(sandbox: Server, tmp_path: Path) -> None:
    report = tmp_path / "report"
    proxy = start_proxy(sandbox, tmp_path, "--report", str(report))
    try:
        proxy.call("GET", "/orders/ORD-1001")
        assert proxy.admin("POST", "report").status_code == 200
        first = orjson.loads((report / "report.json").read_bytes())["traffic"]["exchanges"]
        assert first >= 1  # and the launcher's readiness probe
        proxy.call("GET", "/orders/ORD-1002")
    finally:
        assert proxy.stop() == 0
    written = orjson.loads((report / "report.json").read_bytes())
    assert written["traffic"]["exchanges"] == first + 1
    assert "Carriyo Orders API: contract report" in (report / "report.html").read_text()
