"""Changing an agent's schedule is itself an approval (seed 000): this workflow
asks a manager and applies the change only when approved."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agent_control import AgentControlActivities
    from agent.agents import describe_schedule
    from contracts import names
    from contracts.approvals import ApprovalItem, ApprovalRequest
    from contracts.campaigns import ScheduleChange, ScheduleChangeInput
    from workflows import retry_policies
    from workflows.approval_gate import ApprovalGate, DecidesApprovals, new_approval_id


@workflow.defn(name=names.SCHEDULE_CHANGE)
class ScheduleChangeWorkflow(DecidesApprovals):
    def __init__(self) -> None:
        self.gate = ApprovalGate()

    @workflow.run
    async def run(self, inp: ScheduleChangeInput) -> str:
        now, new = workflow.now(), describe_schedule(inp.proposed)
        outcome = await self.gate.ask(
            ApprovalRequest(
                id=new_approval_id(),
                workflow_id=workflow.info().workflow_id,
                workflow_kind="schedule",
                action="change_schedule",
                title=f"Change {inp.agent_name} to '{new}'?",
                summary=f"Requested by {inp.requested_by}; currently '{describe_schedule(inp.current)}'.",
                reason="changing a workflow's schedule always needs a manager's approval",
                items=[ApprovalItem(id="schedule", label=new, detail=f"was {describe_schedule(inp.current)}")],
                requested_at=now,
                expires_at=now + timedelta(seconds=inp.ttl_s),
            )
        )
        if outcome.approved:
            await workflow.execute_activity_method(
                AgentControlActivities.apply_schedule_change,
                ScheduleChange(agent_id=inp.agent_id, schedule=inp.proposed, approved_by=outcome.decided_by or ""),
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.INTERNAL,
            )
        # The decide_approval update is still recording this outcome; let it finish first.
        self.gate.closed = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome.status
