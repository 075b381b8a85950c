"""OAuth 2.0 client-credentials tokens for the fake org, with a run-time adjustable lifetime.

Issued tokens and the lifetime are kept in the state file: a client's token outlives a restart of
the sandbox, as it outlives a restart of Salesforce."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.persist import MEMORY, StateStore

DEFAULT_TTL_S = 2 * 60 * 60


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    client_id: str
    issued_at: float  # unix seconds


class TokenStore:
    def __init__(
        self,
        org_id: str,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
        store: StateStore = MEMORY,
    ) -> None:
        self.org_id = org_id
        self._store, self._configured_ttl_s = store, ttl_s
        self._ttl_s: float = store.setting("salesforce.token_ttl", ttl_s)
        self._clock = clock
        self._stored = store.table("salesforce.tokens", IssuedToken, key=lambda token: token.access_token)
        self._tokens: dict[str, IssuedToken] = {token.access_token: token for token in self._stored.load()}

    @property
    def ttl_s(self) -> float:
        """Checked at use, so shortening it also expires tokens already issued."""
        return self._ttl_s

    @ttl_s.setter
    def ttl_s(self, ttl_s: float) -> None:
        self._ttl_s = ttl_s
        self._store.set_setting("salesforce.token_ttl", self._configured_ttl_s, ttl_s)

    def issue(self, client_id: str) -> IssuedToken:
        self._forget_expired()
        # Real session ids are "<org id>!<opaque>"; clients sometimes log the prefix.
        token = IssuedToken(f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}", client_id, self._clock())
        self._tokens[token.access_token] = token
        self._stored.put(token)
        return token

    def is_valid(self, access_token: str) -> bool:
        token = self._tokens.get(access_token)
        return token is not None and self._clock() - token.issued_at < self.ttl_s

    def revoke_all(self) -> int:
        count = len(self._tokens)
        self._tokens.clear()
        self._stored.clear()
        return count

    def _forget_expired(self) -> None:
        now = self._clock()
        for value, token in list(self._tokens.items()):
            if now - token.issued_at >= self.ttl_s:
                del self._tokens[value]
                self._stored.delete(value)


def token_signature(identity_url: str, issued_at_ms: str, client_secret: str) -> str:
    """Salesforce signs `id + issued_at` with the client secret so clients can verify the response."""
    digest = hmac.new(client_secret.encode(), f"{identity_url}{issued_at_ms}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
