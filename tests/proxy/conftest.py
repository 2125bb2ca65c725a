"""Fixtures of the proxy's tests: an upstream sandbox and proxies in front of it, served in this
process on free loopback ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from mock_server.app import create_app
from mock_server.proxy.app import ProxyApp, ProxyOptions
from mock_server.proxy.forward import Upstream
from mock_server.proxy.har import HarRecorder
from mock_server.proxy.judge import Judge
from mock_server.run.server import BackgroundServer
from tests.proxy.traffic import AUTH, ClientCredentials

__all__ = ["AUTH"]


@pytest.fixture
def upstream() -> Iterator[str]:
    """A fresh sandbox (bundled fixtures): the service the proxy stands in front of."""
    server = BackgroundServer(create_app()).start()
    yield server.url
    server.stop()


ProxyFactory = Callable[..., tuple[str, ProxyApp]]


@pytest.fixture
def start_proxy(tmp_path: Path) -> Iterator[ProxyFactory]:
    """`start_proxy(upstream_url, judged=False, record=True, timeout=30, **options)`: a proxy's
    URL and app (`judged`: with a Judge; `options`: ProxyOptions' strict, observe_before,
    report_dir); its recording is `tmp_path / "traffic.har"`."""
    servers: list[BackgroundServer] = []

    def start(
        url: str,
        judged: bool = False,
        record: bool = True,
        timeout: float = 30.0,
        **options: object,
    ) -> tuple[str, ProxyApp]:
        target = Upstream(url, timeout)
        recorder = HarRecorder(tmp_path / "traffic.har", target.base_url) if record else None
        judge = Judge(target.base_url) if judged else None
        app = ProxyApp(ProxyOptions(target, judge, recorder, **options))  # type: ignore[arg-type]
        server = BackgroundServer(app, threads=8).start()
        servers.append(server)
        return server.url, app

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """A session that fetches its bearer token from each server it calls, as an integration."""
    with requests.Session() as opened:
        opened.trust_env = False
        opened.auth = ClientCredentials()
        yield opened
