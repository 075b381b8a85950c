"""Idempotency keys, as payment and messaging APIs implement them.

The first successful request under a key runs its side effect and stores the result; a retry
with the same key and the same request gets that result back without running it again; the same
key with a different request is a client bug (409). Rejected requests store nothing, so a retry
after fixing a validation error may reuse its key. The store counts requests per key; the
records themselves (messages, log entries) carry the key, so tests can count the effects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.clubos.spec import clubos_error

MAX_KEY_LENGTH = 255
T = TypeVar("T")


def fingerprint(request: Any) -> str:
    """A stable digest of a request's JSON-able content (key order does not matter)."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class _Entry:
    fingerprint: str
    result: Any
    requests: int = 1


class IdempotencyStore:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}

    def run(self, scope: str, key: str, request_fingerprint: str, effect: Callable[[], T]) -> tuple[T, bool]:
        """`effect()` once per (scope, key); returns (result, replayed). Raises the 409 ApiError on reuse.

        `effect` is synchronous, so nothing else runs on the event loop between the lookup and
        storing the result: two concurrent requests with one key cannot both run it.
        """
        entry = self._entries.get((scope, key))
        if entry is not None:
            if entry.fingerprint != request_fingerprint:
                raise clubos_error(
                    409,
                    "idempotency_key_reused",
                    f"Idempotency-Key {key!r} was already used with a different request",
                )
            entry.requests += 1
            result: T = entry.result
            return result, True
        result = effect()
        self._entries[(scope, key)] = _Entry(request_fingerprint, result)
        return result, False

    def requests(self, scope: str) -> dict[str, int]:
        """How many requests arrived under each key of `scope`, replays included."""
        return {key: entry.requests for (s, key), entry in sorted(self._entries.items()) if s == scope}
