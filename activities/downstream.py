"""Makes waiting visible: a worker interceptor that records every activity try failing on an outside system that
is down (Salesforce, Active, ClubOS, SMTP) and removes the record once the call succeeds or fails for good."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from clients.errors import ExternalServiceError, to_application_error
from core.settings import Settings
from db import approvals_store, downstream
from db.engine import Database

log = logging.getLogger("renubu.downstream")


class DownstreamWaits(Interceptor):
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Inbound(next, self.db, self.settings)


class _Inbound(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, db: Database, settings: Settings) -> None:
        super().__init__(next)
        self.db, self.settings = db, settings

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        try:
            result = await super().execute_activity(input)
        except Exception as exc:
            err = to_application_error(exc) if isinstance(exc, ExternalServiceError) else exc
            system = _system(err)
            if system and isinstance(err, ApplicationError) and not err.non_retryable and not info.is_local:
                await self._safely(self._waiting, info, system, err)
            elif info.attempt > 1:
                await self._safely(self._recovered, info)
            raise
        if info.attempt > 1:
            await self._safely(self._recovered, info)
        return result

    async def _waiting(self, info: activity.Info, system: str, err: ApplicationError) -> None:
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            await downstream.waiting(
                session,
                {
                    "workflow_id": info.workflow_id or "",
                    "activity_id": info.activity_id,
                    "system": system,
                    "activity_type": info.activity_type,
                    "since": now,
                    "attempt": info.attempt,
                    "last_error": str(err)[:500],
                    "next_try": now + _next_delay(info, err),
                    "updated_at": now,
                },
            )
            [wait] = await downstream.by_system(session, system=system)
            if now - wait.since >= timedelta(seconds=self.settings.downstream.alert_after_s):
                # Once per outage: the notification's ref is the system and the time the outage began.
                await approvals_store.notify(
                    session,
                    ref=f"downstream:{system}:{wait.since:%Y%m%dT%H%M%S}",
                    kind="alert",
                    title=f"{wait.name} has been down since {wait.since:%H:%M} UTC",
                    body=f"{wait.waiting} call(s) are waiting for it ({wait.last_error}). Nothing is lost: the "
                    "work resumes by itself when it is back.",
                    link="/command",
                )

    async def _recovered(self, info: activity.Info) -> None:
        async with self.db.transaction() as session:
            await downstream.recovered(session, info.workflow_id or "", info.activity_id)

    async def _safely(self, record: Any, *args: Any) -> None:
        try:  # the record is for people; it must never change the activity's own outcome
            await record(*args)
        except Exception:
            log.exception("could not record the downstream status of %s", activity.info().activity_type)


def _system(err: BaseException) -> str | None:
    details = err.details if isinstance(err, ApplicationError) else ()
    service = details[0].get("service") if details and isinstance(details[0], dict) else None
    return str(service) if service else None


def _next_delay(info: activity.Info, err: ApplicationError) -> timedelta:
    """When Temporal will try again: the service's Retry-After, else the policy's backoff for this attempt."""
    if err.next_retry_delay is not None:
        return err.next_retry_delay
    policy = info.retry_policy
    if policy is None:
        return timedelta(seconds=1)
    delay = policy.initial_interval * (policy.backoff_coefficient ** (info.attempt - 1))
    return min(delay, policy.maximum_interval) if policy.maximum_interval else delay
