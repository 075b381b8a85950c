"""Approval ids carry a whole uuid4, and an id recorded for one request is never taken by another: recording
the same request again (a retried activity) is a no-op, a different request with that id is an error."""

from __future__ import annotations

import re

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.approvals import ApprovalActivities
from core.settings import Settings
from db import approvals_store
from db.engine import Database
from tests.test_approval_notify import _request

FULL_ID = re.compile(r"apr-[0-9a-f]{32}")


async def test_a_conflicting_approval_insert_is_an_error(any_db: Database) -> None:
    settings = Settings(notify={"slack_webhook_url": "", "smtp_host": ""})
    req = _request()
    env = ActivityEnvironment()
    await env.run(ApprovalActivities(any_db, settings).record_request, req)
    await env.run(ApprovalActivities(any_db, settings).record_request, req)  # a retry: fine

    other = req.model_copy(update={"workflow_id": "renewal-someone-else", "title": "Send this email?"})
    with pytest.raises(ApplicationError) as err:
        await env.run(ApprovalActivities(any_db, settings).record_request, other)
    assert err.value.type == "ApprovalIdConflict" and err.value.non_retryable
    assert "renewal-someone-else" in str(err.value)

    async with any_db.session() as session:
        row = await approvals_store.get(session, req.id)
    assert row is not None and row.workflow_id == req.workflow_id and row.title == req.title
    with pytest.raises(approvals_store.ApprovalIdConflict):
        async with any_db.transaction() as session:
            values = other.model_dump(exclude={"items", "item_ids", "items_ref"})
            await approvals_store.add(session, {**values, "items": []})
