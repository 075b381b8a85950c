"""OAuth 2.0 client-credentials tokens for the fake org, with a run-time adjustable lifetime."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TTL_S = 2 * 60 * 60


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    client_id: str
    issued_at: float  # unix seconds


class TokenStore:
    def __init__(self, org_id: str, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.time) -> None:
        self.org_id = org_id
        self.ttl_s = ttl_s  # checked at use, so shortening it also expires tokens already issued
        self._clock = clock
        self._tokens: dict[str, IssuedToken] = {}

    def issue(self, client_id: str) -> IssuedToken:
        self._forget_expired()
        # Real session ids are "<org id>!<opaque>"; clients sometimes log the prefix.
        token = IssuedToken(f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}", client_id, self._clock())
        self._tokens[token.access_token] = token
        return token

    def is_valid(self, access_token: str) -> bool:
        token = self._tokens.get(access_token)
        return token is not None and self._clock() - token.issued_at < self.ttl_s

    def revoke_all(self) -> int:
        count = len(self._tokens)
        self._tokens.clear()
        return count

    def _forget_expired(self) -> None:
        now = self._clock()
        self._tokens = {value: t for value, t in self._tokens.items() if now - t.issued_at < self.ttl_s}


def token_signature(identity_url: str, issued_at_ms: str, client_secret: str) -> str:
    """Salesforce signs `id + issued_at` with the client secret so clients can verify the response."""
    digest = hmac.new(client_secret.encode(), f"{identity_url}{issued_at_ms}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
