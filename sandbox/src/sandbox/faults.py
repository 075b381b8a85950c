"""Run-time switchable fault injection, per simulated service.

Probabilities (`error_rate`, `rate_limit_rate`) make a flaky service; the counters
(`fail_next`, `rate_limit_next`) give tests exact control: the next N requests fail, then it heals.
The settings are kept in the state file, counters included, so they survive a restart.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.persist import MEMORY, StateStore


class FaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error_rate: float = Field(0.0, ge=0.0, le=1.0)
    # 400: the service refuses the request as bad data, which no retry can fix (clients must end that unit of work).
    error_status: Literal[400, 500, 503] = 503
    rate_limit_rate: float = Field(0.0, ge=0.0, le=1.0)
    retry_after_s: int = Field(1, ge=1, le=3600)
    latency_ms: int = Field(0, ge=0, le=60_000)
    latency_jitter_ms: int = Field(0, ge=0, le=60_000)
    fail_next: int = Field(0, ge=0)
    rate_limit_next: int = Field(0, ge=0)


@dataclass(frozen=True)
class InjectedFault:
    status_code: int  # 500/503 for an error, 429 for a rate limit
    retry_after_s: int | None = None


class UnknownServiceError(KeyError):
    pass


class FaultInjector:
    def __init__(self, rng: random.Random, store: StateStore = MEMORY) -> None:
        self._rng = rng
        self._store = store
        self._stored: dict[str, Any] = store.get("faults") or {}
        self._settings: dict[str, FaultSettings] = {}

    def register(self, service: str) -> None:
        self._settings.setdefault(service, FaultSettings.model_validate(self._stored.get(service, {})))

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return {service: settings.model_dump() for service, settings in self._settings.items()}

    def settings(self, service: str) -> FaultSettings:
        return self._settings[service]

    def update(self, patch: Mapping[str, Mapping[str, Any]]) -> None:
        """Merge `patch` into the current settings; all-or-nothing (validated before anything changes).

        Raises UnknownServiceError or pydantic.ValidationError.
        """
        unknown = sorted(set(patch) - set(self._settings))
        if unknown:
            raise UnknownServiceError(", ".join(unknown))
        merged = {
            service: FaultSettings.model_validate({**self._settings[service].model_dump(), **dict(changes)})
            for service, changes in patch.items()
        }
        self._settings.update(merged)
        self._save()

    def reset(self) -> None:
        self._settings = {service: FaultSettings() for service in self._settings}
        self._save()

    def _save(self) -> None:
        self._store.set("faults", self.snapshot())

    def latency_s(self, service: str) -> float:
        settings = self._settings[service]
        jitter = self._rng.uniform(-settings.latency_jitter_ms, settings.latency_jitter_ms)
        return max(0.0, settings.latency_ms + jitter) / 1000

    def draw(self, service: str) -> InjectedFault | None:
        """The fault to inject into this request, if any. Counted faults go first, in a fixed order."""
        settings = self._settings[service]
        if settings.fail_next:
            settings.fail_next -= 1
            self._save()
            return InjectedFault(503)
        if settings.rate_limit_next:
            settings.rate_limit_next -= 1
            self._save()
            return InjectedFault(429, settings.retry_after_s)
        roll = self._rng.random()
        if roll < settings.error_rate:
            return InjectedFault(settings.error_status)
        if roll < settings.error_rate + settings.rate_limit_rate:
            return InjectedFault(429, settings.retry_after_s)
        return None
