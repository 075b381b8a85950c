"""Login throttling: after 5 failed logins for one account or from one address, further attempts get 429
with Retry-After, for a lockout that doubles with each further failure (30 s, 60 s, ... at most 15 min).
Failures are forgotten 15 minutes after the last one; a successful login clears its account.

The counts live in the database (db/login_failures.py), so every API process shares them: running several
processes does not multiply the guesses an attacker gets."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from db import login_failures
from db.engine import Database
from db.models.base import utcnow

MAX_FAILURES = 5
BASE_LOCKOUT_S = 30.0
MAX_LOCKOUT_S = 15 * 60.0
FORGET_AFTER_S = 15 * 60.0
_FORGET_AFTER = timedelta(seconds=FORGET_AFTER_S)


def lockout_s(failures: int) -> float:
    """How long `failures` failures in a row lock their key out (0: not yet)."""
    if failures < MAX_FAILURES:
        return 0.0
    return min(MAX_LOCKOUT_S, BASE_LOCKOUT_S * 2 ** (failures - MAX_FAILURES))


class LoginThrottle:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db, self._clock = db, clock

    @staticmethod
    def keys(email: str, address: str) -> tuple[str, str]:
        return f"account:{email.strip().lower()[:200]}", f"address:{address[:100]}"

    async def retry_after(self, *keys: str) -> int:
        """Seconds until these keys may try again; 0 when they may now."""
        now = self._clock()
        async with self._db.session() as session:
            until = await login_failures.blocked_until(session, keys, now)
        return math.ceil((until - now).total_seconds()) if until is not None else 0

    async def failed(self, *keys: str) -> None:
        now = self._clock()
        async with self._db.transaction() as session:
            await login_failures.forget_old(session, now, _FORGET_AFTER)
            for key in keys:
                await login_failures.count_failure(session, key, now, _FORGET_AFTER, lockout_s)

    async def succeeded(self, account_key: str) -> None:
        async with self._db.transaction() as session:
            await login_failures.clear(session, account_key)
