"""The console access log of `carriyo-sandbox serve` and `proxy`: one line per request (method,
path, status, milliseconds, operationId), no credential in it, none at all with `--quiet`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.launcher import CLI_PROXY, CLI_SERVE, Server, running, secret, wait_until

LINE = re.compile(
    r"mock_server\.access (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) "
    r"(?P<ms>\d+\.\d) ms (?P<operation>\S+)$",
    re.MULTILINE,
)


def access_lines(server: Server, count: int) -> list[dict[str, str]]:
    """The access lines the process wrote, once there are `count` of them."""
    wait_until(lambda: len(LINE.findall(server.logs())) >= count)
    return [found.groupdict() for found in LINE.finditer(server.logs())]


def send_some(server: Server, key: str, token: str) -> None:
    """A read with a key in its header and a credential in its query, a refused write, a page."""
    assert server.call("GET", f"/orders/ORD-1001?token={token}", key=key).status_code == 200
    refused = server.call("PATCH", "/orders/ORD-1001", json={"line_items": "x"})
    assert refused.status_code == 400
    assert server.session.get(f"{server.base_url}/docs", timeout=30).status_code == 200


def shown(line: dict[str, str]) -> tuple[str, str, str, str]:
    return line["method"], line["path"], line["status"], line["operation"]


def test_serve_prints_a_line_per_request_and_no_credential(tmp_path: Path) -> None:
    key, token = secret("key"), secret("token")
    with running(log_dir=tmp_path, command=CLI_SERVE) as server:
        bearer = server.token  # asked for first: the token request has its own line
        before = len(LINE.findall(server.logs()))  # the launcher's probe, the token request
        send_some(server, key, token)
        lines = access_lines(server, before + 3)[before:]
        logs = server.logs()
    assert [shown(line) for line in lines] == [
        ("GET", "/orders/ORD-1001", "200", "getOrder"),
        ("PATCH", "/orders/ORD-1001", "400", "updateOrder"),
        ("GET", "/docs", "200", "-"),
    ]
    assert all(float(line["ms"]) >= 0 for line in lines)
    assert key not in logs and token not in logs
    assert bearer is not None and bearer not in logs


def test_quiet_serves_without_an_access_log(tmp_path: Path) -> None:
    with running("--quiet", log_dir=tmp_path, command=CLI_SERVE) as server:
        send_some(server, secret("key"), secret("token"))
        assert server.healthy()
        logs = server.logs()
    assert "Serving on" in logs
    assert LINE.findall(logs) == []


@pytest.mark.parametrize("quiet", [False, True])
def test_the_proxy_prints_a_line_per_forwarded_request(tmp_path: Path, quiet: bool) -> None:
    with (
        running("--quiet", log_dir=tmp_path / "upstream", command=CLI_SERVE) as upstream,
        running(
            "--upstream",
            upstream.base_url,
            *(["--quiet"] if quiet else []),
            log_dir=tmp_path / "proxy",
            command=CLI_PROXY,
        ) as proxy,
    ):
        assert proxy.token is not None  # forwarded to the upstream sandbox, which issues it
        before = len(LINE.findall(proxy.logs()))
        key = secret("key")
        assert proxy.call("GET", "/orders/ORD-1001", key=key).status_code == 200
        lines = [] if quiet else access_lines(proxy, before + 1)[before:]
        assert proxy.healthy()
        logs = proxy.logs()
    if quiet:
        assert LINE.findall(logs) == []
    else:
        assert shown(lines[0]) == ("GET", "/orders/ORD-1001", "200", "getOrder")
    assert key not in logs
