"""The suite authenticates as a real client does (target/auth.py), against a sandbox of its own
started with `--clients`: one token for many requests, a new one when it expires or a 401 refuses
it, a ready-made token sent as it is; the secret and the token shown nowhere."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from ..oracle.exchange import Exchange
from ..plugin import clients_file
from ..plugin.server import ServerProcess, running
from ..target.auth import AuthenticationFailed, ClientCredentials, TokenSource
from ..target.client import ApiClient, session_for
from ..target.config import resolve

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
TENANT = "auth-tenant"
KEY = "auth-key"
SECRET = "s3cret-never-shown"


class Clock:
    """A clock the test moves (no sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = resolve({"contract_api_key": KEY, "contract_tenant_id": TENANT}, environ={})
    config = dataclasses.replace(config, client=ClientCredentials("ci", SECRET))
    clients = clients_file(config, tmp_path_factory.mktemp("auth"))

    def command(port: int) -> list[str]:
        address = ["--host", "127.0.0.1", "--port", str(port), "--no-fixtures"]
        return [sys.executable, "-m", "mock_server", *address, "--clients", str(clients)]

    with running(command) as server:
        yield server


def _client(
    sandbox: ServerProcess,
    *,
    secret: str | None = SECRET,
    token: str | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[ApiClient, TokenSource]:
    """A client of the sandbox with client credentials (`secret`), or a ready-made `token`."""
    session = session_for(sandbox.url)
    client = ClientCredentials("ci", secret) if secret is not None and token is None else None
    tokens = TokenSource(sandbox.url, session, client=client, token=token, clock=clock)
    return ApiClient(sandbox.url, KEY, TENANT, tokens, session), tokens


def _forget_tokens(sandbox: ServerProcess) -> None:
    """Replace the sandbox's state by itself without tokens: every token issued is revoked."""
    session = session_for(sandbox.url)
    state = session.get(f"{sandbox.url}/__admin/state", timeout=10).json()
    state["tokens"] = {}
    assert session.put(f"{sandbox.url}/__admin/state", json=state, timeout=10).status_code == 204


def _shows_no_secret(exchange: Exchange, token: str) -> None:
    for text in (exchange.describe(), json.dumps(exchange.as_json()), exchange.curl()):
        assert token not in text and SECRET not in text and KEY not in text, text


def test_one_token_serves_every_request(sandbox: ServerProcess) -> None:
    api, tokens = _client(sandbox)
    answers = [api.get_order(f"missing-{k}") for k in range(3)]
    assert [answer.status for answer in answers] == [404, 404, 404]  # authenticated: not 401
    assert tokens.fetched == 1
    assert answers[0].request_headers["Authorization"] == f"Bearer {tokens.token()}"
    _shows_no_secret(answers[0], tokens.token())


def test_an_expired_token_is_renewed(sandbox: ServerProcess) -> None:
    clock = Clock()
    api, tokens = _client(sandbox, clock=clock)
    first = tokens.token()
    clock.now += 86400  # the sandbox's tokens live a day
    assert api.get_order("missing").status == 404
    assert (tokens.fetched, tokens.token() != first) == (2, True)


def test_a_401_renews_the_token_and_repeats_the_request(sandbox: ServerProcess) -> None:
    api, tokens = _client(sandbox)
    old = tokens.token()
    _forget_tokens(sandbox)
    answer = api.get_order("missing")
    assert (answer.status, tokens.fetched) == (404, 2)
    assert answer.request_headers["Authorization"] != f"Bearer {old}"


def test_a_ready_made_token_is_sent_as_it_is(sandbox: ServerProcess) -> None:
    _, issued = _client(sandbox)
    api, tokens = _client(sandbox, token=issued.token())
    assert api.get_order("missing").status == 404
    _forget_tokens(sandbox)
    refused = api.get_order("missing")
    assert (refused.status, tokens.fetched, tokens.renewable) == (401, 0, False)


def test_a_wrong_secret_fails_without_showing_it(sandbox: ServerProcess) -> None:
    _, tokens = _client(sandbox, secret="wrong-" + SECRET)
    with pytest.raises(AuthenticationFailed, match="was answered 403") as failure:
        tokens.token()
    assert SECRET not in str(failure.value)
    assert SECRET not in repr(ClientCredentials("ci", SECRET))


def test_the_journal_masks_the_secret_and_the_token(sandbox: ServerProcess) -> None:
    api, tokens = _client(sandbox)
    assert api.get_order("journaled").status == 404
    journal = requests.get(f"{sandbox.url}/__admin/requests?limit=50", timeout=10).text
    assert "journaled" in journal
    assert SECRET not in journal and tokens.token() not in journal and KEY not in journal


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"contract_client_id": "ci"}, "go together"),
        (
            {"contract_client_id": "ci", "contract_client_secret": "s", "contract_token": "t"},
            "--token",
        ),
    ],
)
def test_credentials_options_are_checked(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve({"contract_base_url": "https://example.test", **options}, environ={})


def test_the_token_and_the_key_stay_out_of_the_config_repr() -> None:
    config = resolve(
        {"contract_base_url": "https://example.test", "contract_token": "tok-123"}, environ={}
    )
    assert config.token == "tok-123"
    assert "tok-123" not in repr(config) and config.api_key not in repr(config)
