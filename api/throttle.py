"""Login throttling: after 5 failed logins for one account or from one address, further attempts get 429
with Retry-After, for a lockout that doubles with each further failure (30 s, 60 s, ... at most 15 min).
Failures are forgotten 15 minutes after the last one; a successful login clears its account.

Kept in this process's memory: with several API processes each counts on its own, which bounds guessing
at 5 × processes per lockout rather than 5. A shared store would need a migration; this is the floor."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_FAILURES = 5
BASE_LOCKOUT_S = 30.0
MAX_LOCKOUT_S = 15 * 60.0
FORGET_AFTER_S = 15 * 60.0
MAX_TRACKED = 10_000  # keys kept at most: a flood of addresses must not grow memory without bound


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    blocked_until: float = 0.0


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._keys: dict[str, _Failures] = {}

    @staticmethod
    def keys(email: str, address: str) -> tuple[str, str]:
        return f"account:{email.strip().lower()}", f"address:{address}"

    def retry_after(self, *keys: str) -> int:
        """Seconds until these keys may try again; 0 when they may now."""
        now = self._clock()
        waits = [f.blocked_until - now for k in keys if (f := self._live(k, now)) is not None]
        return max([0, *[math.ceil(w) for w in waits if w > 0]])

    def failed(self, *keys: str) -> None:
        now = self._clock()
        if len(self._keys) >= MAX_TRACKED:
            self._forget_old(now)
        for key in keys:
            failures = self._live(key, now) or self._keys.setdefault(key, _Failures())
            failures.count += 1
            failures.last = now
            if failures.count >= MAX_FAILURES:
                lockout = BASE_LOCKOUT_S * 2 ** (failures.count - MAX_FAILURES)
                failures.blocked_until = now + min(MAX_LOCKOUT_S, lockout)

    def succeeded(self, account_key: str) -> None:
        self._keys.pop(account_key, None)

    def _live(self, key: str, now: float) -> _Failures | None:
        failures = self._keys.get(key)
        if failures is not None and now - failures.last > FORGET_AFTER_S and now >= failures.blocked_until:
            del self._keys[key]
            return None
        return failures

    def _forget_old(self, now: float) -> None:
        for key in [k for k, f in self._keys.items() if now - f.last > FORGET_AFTER_S]:
            del self._keys[key]
        if len(self._keys) >= MAX_TRACKED:  # still full: drop the oldest half
            for key in sorted(self._keys, key=lambda k: self._keys[k].last)[: MAX_TRACKED // 2]:
                del self._keys[key]
