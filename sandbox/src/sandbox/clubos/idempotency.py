"""Idempotency keys, as payment and messaging APIs implement them.

The first successful request under a key runs its side effect and stores the result; a retry
with the same key and the same request gets that result back without running it again; the same
key with a different request is a client bug (409). Rejected requests store nothing, so a retry
after fixing a validation error may reuse its key. The store counts requests per key; the
records themselves (messages, log entries) carry the key, so tests can count the effects.

Keys are kept in the state file, written in one transaction with the effect they guard: after a
crash either both are there (a retry is a replay) or neither (a retry runs it), never an effect
without its key (a retry would run it twice).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.clubos.spec import clubos_error
from sandbox.persist import MEMORY, StateStore

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


@dataclass(frozen=True)
class Scope:
    """How a scope's results are stored: by reference to the record the effect made, found again on load."""

    ref: Callable[[Any], str]
    find: Callable[[str], Any]


@dataclass(frozen=True)
class _Row:
    scope: str
    key: str
    fingerprint: str
    requests: int
    ref: str


class IdempotencyStore:
    def __init__(self, scopes: Mapping[str, Scope], store: StateStore = MEMORY) -> None:
        self._scopes = scopes
        self._store = store
        self._stored = store.table("clubos.idempotency", _Row, key=lambda row: f"{row.scope}:{row.key}")
        self._entries: dict[tuple[str, str], _Entry] = {}
        for row in self._stored.load():
            result = scopes[row.scope].find(row.ref)
            if result is not None:
                self._entries[(row.scope, row.key)] = _Entry(row.fingerprint, result, row.requests)

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
            self._save(scope, key, entry)
            result: T = entry.result
            return result, True
        with self._store.transaction():
            result = effect()
            entry = self._entries[(scope, key)] = _Entry(request_fingerprint, result)
            self._save(scope, key, entry)
        return result, False

    def _save(self, scope: str, key: str, entry: _Entry) -> None:
        ref = self._scopes[scope].ref(entry.result)
        self._stored.put(_Row(scope, key, entry.fingerprint, entry.requests, ref))

    def requests(self, scope: str) -> dict[str, int]:
        """How many requests arrived under each key of `scope`, replays included."""
        return {key: entry.requests for (s, key), entry in sorted(self._entries.items()) if s == scope}
