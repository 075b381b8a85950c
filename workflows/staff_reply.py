"""A staff member's reply from the inbox, sent durably: once the API accepts it,
it goes out through the outbox even if the API process dies a moment later."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.inbox import InboxActivities
    from contracts import names
    from contracts.inbox import ReplyRequest, ReplyResult
    from workflows import retry_policies


@workflow.defn(name=names.STAFF_REPLY)
class StaffReplyWorkflow:
    @workflow.run
    async def run(self, req: ReplyRequest) -> ReplyResult:
        return await workflow.execute_activity_method(
            InboxActivities.send_reply,
            req,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.EXTERNAL,
        )
