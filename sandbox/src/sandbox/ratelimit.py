"""Token-bucket rate limiting per (service, credential), like an API gateway in front of each system."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

_MAX_BUCKETS = 10_000  # bounds memory when clients mint a token per request


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`rate_per_s` sustained, bursts up to twice that; `acquire` says how long to wait when empty."""

    def __init__(self, rate_per_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be positive")
        self.rate_per_s = rate_per_s
        self.burst = 2 * rate_per_s
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def acquire(self, service: str, credential: str) -> int | None:
        """Take one token; None if allowed, else the Retry-After in whole seconds (at least 1)."""
        now = self._clock()
        key = (service, credential)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._forget_full_buckets(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return max(1, math.ceil((1 - bucket.tokens) / self.rate_per_s))

    def _forget_full_buckets(self, now: float) -> None:
        # A bucket that has refilled completely behaves exactly like a new one.
        refill_s = self.burst / self.rate_per_s
        self._buckets = {key: b for key, b in self._buckets.items() if now - b.updated < refill_s}
