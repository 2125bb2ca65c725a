"""The HTTP servers (docs/running.md, "HTTP server"): granian by default, waitress with `--server
waitress`; the bound port of `--port 0`, IPv6 loopback, `--workers`, and a SIGTERM that lets the
requests in flight finish. Each runs the real `python -m mock_server`."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest
import requests

from mock_server.app import create_app
from mock_server.config import SandboxConfig
from mock_server.run.server import BackgroundServer
from tests.launcher import PYTHON_M, Server, running, wait_until
from tests.sandbox.client import api_headers


def fault_hits(server: Server) -> int:
    """Hits of the armed faults, in all."""
    faults = server.admin("GET", "faults").json()["faults"]
    return sum(fault["hits"] for fault in faults)


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_port_0_serves_on_the_port_it_reports(tmp_path: Path) -> None:
    with running(log_dir=tmp_path, port=0) as served:
        assert served.port != 0
        assert f"Serving on http://127.0.0.1:{served.port} (granian" in served.logs()
        assert served.call("GET", "/orders/ORD-1001").status_code == 200


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_ipv6_loopback(tmp_path: Path) -> None:
    with running("--host", "::1", log_dir=tmp_path) as served:
        assert served.base_url.startswith("http://[::1]:")
        assert f"Serving on {served.base_url}" in served.logs()
        assert served.call("GET", "/orders/ORD-1001").status_code == 200


def test_more_than_one_worker_is_refused_with_the_in_memory_store() -> None:
    result = subprocess.run(
        [*PYTHON_M, "--workers", "2"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "--workers 2: the orders are kept in this process's memory" in result.stderr
    assert "needs a store shared between processes" in result.stderr


@pytest.mark.parametrize("option", ["--workers", "--threads"])
def test_fewer_than_one_worker_or_thread_is_refused(option: str) -> None:
    result = subprocess.run(
        [*PYTHON_M, option, "0"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert f"argument {option}: 0 is not 1 or more" in result.stderr


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    """A PATCH held by a latency fault when SIGTERM arrives is answered, and its change is in
    the state file saved at exit."""
    state = tmp_path / "sandbox.state.json"
    with running("--state-file", str(state), log_dir=tmp_path) as served:
        armed = served.admin(
            "POST", "faults", json={"operation": "updateOrder", "latency_ms": 1000}
        )
        assert armed.status_code == 201, armed.text
        with ThreadPoolExecutor(1) as pool:
            patch = pool.submit(
                served.call,
                "PATCH",
                "/orders/ORD-1001",
                json={"language": "ar"},
                session=requests.Session(),
            )
            assert wait_until(lambda: fault_hits(served) == 1)
            served.signal(signal.SIGTERM)
            response = patch.result(timeout=60)
        assert response.status_code == 200, response.text
        assert served.wait() == 0, served.logs()
    saved = orjson.loads(state.read_bytes())
    [order] = [o for o in saved["tenants"]["acme-demo"]["orders"] if o["order_id"] == "ORD-1001"]
    assert order["language"] == "ar"


def test_waitress_fallback(tmp_path: Path) -> None:
    """`--server waitress`: it serves, refuses a body past the limit with an `Error`, and a
    dropped connection gets no answer."""
    with running("--server", "waitress", "--max-body-bytes", "64", log_dir=tmp_path) as served:
        assert "Serving on" in served.logs() and "(waitress, 4 threads)" in served.logs()
        assert served.call("GET", "/orders/ORD-1001").status_code == 200
        too_large = served.call("PATCH", "/orders/ORD-1001", json={"language": "a" * 100})
        assert too_large.status_code == 413
        assert too_large.json()["error_details"][0]["code"]
        served.admin("POST", "faults", json={"operation": "getOrder", "drop_connection": True})
        with pytest.raises(requests.ConnectionError):
            served.call("GET", "/orders/ORD-1001", session=requests.Session())


def test_many_open_connections_are_all_answered() -> None:
    """granian's backpressure counts open connections (a keep-alive one holds its place): 100
    connections open at once, each with a request sent before any answer is read, are all
    answered."""
    app = create_app(SandboxConfig())
    headers = api_headers(app)
    server = BackgroundServer(app).start()
    host, port = server.url.removeprefix("http://").split(":")
    connections = [http.client.HTTPConnection(host, int(port), timeout=10) for _ in range(100)]
    try:
        for conn in connections:
            conn.request("GET", "/orders/ORD-1001", headers=headers)
        assert [conn.getresponse().status for conn in connections] == [200] * 100
    finally:
        for conn in connections:
            conn.close()
        server.stop()
        app.extensions["sandbox"].close()
