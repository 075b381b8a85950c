"""Telling managers about an approval: retried while the mail server is down, then
given up, so an outage never holds up the approval (the dashboard notification stands)."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import ActivityEnvironment

from activities.approvals import NOTIFY_ATTEMPTS, ApprovalActivities
from contracts.approvals import ApprovalRequest
from core.settings import Settings
from db import approvals_store, outbox, users
from db.engine import Database


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request() -> ApprovalRequest:
    now = datetime.now(UTC)
    return ApprovalRequest(
        id=f"apr-{uuid.uuid4().hex[:8]}",
        workflow_id="agent-run-test",
        workflow_kind="campaign",
        action="lock_door_access",
        title="Lock door access for 12 members?",
        reason="more than 10 members",
        requested_at=now,
        expires_at=now + timedelta(hours=1),
    )


async def _record(db: Database, settings: Settings, req: ApprovalRequest, attempt: int) -> None:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=attempt)
    await env.run(ApprovalActivities(db, settings).record_request, req)


async def test_mail_outage_is_retried_then_given_up(any_db: Database) -> None:
    settings = Settings(notify={"smtp_host": "127.0.0.1", "smtp_port": _closed_port(), "slack_webhook_url": ""})
    async with any_db.transaction() as session:
        await users.ensure_user(session, email="boss@club.test", name="Boss", role="manager", password="x" * 12)
    req = _request()

    with pytest.raises(Exception, match="smtp"):
        await _record(any_db, settings, req, attempt=1)
    async with any_db.session() as session:
        assert await approvals_store.get(session, req.id) is not None  # recorded before the mail was tried

    await _record(any_db, settings, req, attempt=NOTIFY_ATTEMPTS)
    entry = await outbox.get(any_db, f"notify:{req.id}:email")
    assert entry is not None and entry.state == "failed" and "ConnectionRefused" in (entry.error or "")
