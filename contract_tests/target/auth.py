"""The bearer token, as a real client gets one (published: api/authentication).

With a client id and secret the suite asks `POST /oauth/token` once, sends the token on every
request, and asks again when it has expired (by its `expires_in`) or a 401 says it is no good;
a token given ready-made (`--token`) is sent as it is. The secret and the token never appear in
an error of this module, an exchange the suite shows, or its report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

TOKEN_PATH = "/oauth/token"
TIMEOUT = 30.0
EARLY = 0.1
"""A token is renewed once this fraction of its lifetime is left (at most a minute early)."""


class AuthenticationFailed(RuntimeError):
    """The token endpoint did not give a token (its answer is shown; the secret never is)."""


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret='***')"


class TokenSource:
    """The token to send, fetched and renewed as needed."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        *,
        client: ClientCredentials | None = None,
        token: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (client is None) == (token is None):
            raise ValueError("a TokenSource takes client credentials or a token, not both")
        self.url = base_url.rstrip("/") + TOKEN_PATH
        self.session = session
        self.client = client
        self.clock = clock
        self._token = token
        self._renew_at = float("inf")
        self.fetched = 0
        """How many tokens were asked for (the tests read it)."""

    @property
    def renewable(self) -> bool:
        """A new token can be asked for (client credentials, not a ready-made token)."""
        return self.client is not None

    def token(self) -> str:
        if self.client is not None and (self._token is None or self.clock() >= self._renew_at):
            self._fetch(self.client)
        assert self._token is not None
        return self._token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def refused(self) -> bool:
        """A 401 answered the token: forget it; True when a new one will be asked for."""
        if not self.renewable:
            return False
        self._token = None
        return True

    def _fetch(self, client: ClientCredentials) -> None:
        response = self.session.post(
            self.url,
            json={"client_id": client.client_id, "client_secret": client.client_secret},
            timeout=TIMEOUT,
        )
        self.fetched += 1
        try:
            answer = response.json()
            token, lifetime = str(answer["access_token"]), float(answer["expires_in"])
        except (ValueError, KeyError, TypeError):
            shown = response.text[:500].replace(client.client_secret, "***")
            raise AuthenticationFailed(
                f"POST {TOKEN_PATH} for client {client.client_id!r} was answered "
                f"{response.status_code}: {shown}"
            ) from None
        self._token = token
        self._renew_at = self.clock() + lifetime - min(60.0, lifetime * EARLY)
