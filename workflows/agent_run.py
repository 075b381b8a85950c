"""One run of an autonomous agent (daily campaigns, past-due monitor, ...).

The planner (Claude with the tool catalog, or the offline planner) proposes tool
calls; each goes through the policy in code; risky ones wait for a manager's
decision (the `decide_approval` update). Every thought, call and result is
written to the run's thread. Long runs continue as new, carrying the thread.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.agent_runs import AgentRunActivities
    from contracts import names
    from contracts.approvals import ApprovalRequest
    from contracts.campaigns import (
        AgentRunInput,
        Counters,
        PlanRequest,
        PlanStep,
        RunCarry,
        RunStart,
        ToolResultTurn,
        Turn,
    )
    from workflows import retry_policies
    from workflows.agent_thread import Thread
    from workflows.agent_tools import KillSwitchEngaged, run_calls
    from workflows.approval_gate import ApprovalGate, DecidesApprovals

MAX_ITERATIONS_PER_RUN = 20  # continue as new after this many, carrying the thread


@workflow.defn(name=names.AGENT_RUN)
class AgentRunWorkflow(DecidesApprovals):
    def __init__(self) -> None:
        self.gate = ApprovalGate()
        self.thread: Thread | None = None

    @workflow.run
    async def run(self, inp: AgentRunInput) -> str:
        run_id = workflow.info().workflow_id
        carry = inp.carry or await self._begin(inp)
        if isinstance(carry, str):
            return carry
        thread = self.thread = Thread(run_id, inp.trigger, carry)
        settings = carry.config.settings
        try:
            for _ in range(MAX_ITERATIONS_PER_RUN):
                if carry.counters.iterations >= settings.max_iterations:
                    return await self._finish("succeeded", f"Stopped after {settings.max_iterations} iterations.")
                step = await self._plan(carry)
                if step.stop == "budget":
                    return await self._finish("budget_paused", step.thinking)
                if step.thinking:
                    thread.add(
                        "thinking",
                        "AI decision" if step.calls else "AI summary",
                        step.thinking,
                        data={"planner": step.planner},
                    )
                carry.transcript.append(Turn(role="assistant", text=step.thinking, calls=step.calls))
                if not step.calls:
                    return await self._finish("succeeded", step.final or step.thinking)
                await thread.publish()
                results = []
                for call, out in zip(step.calls, await run_calls(thread, self.gate, step.calls), strict=True):
                    thread.add("tool_result", out.summary, data=out.model_dump(exclude={"summary"}))
                    results.append(
                        ToolResultTurn(
                            call_id=call.id,
                            name=call.name,
                            ok=out.ok,
                            summary=out.summary,
                            columns=out.columns,
                            preview=out.preview[:20],
                            data=out.data,
                        )
                    )
                await thread.publish()
                carry.transcript.append(Turn(role="tool", results=results))
                carry.counters.iterations += 1
                if workflow.info().is_continue_as_new_suggested():
                    break
        except KillSwitchEngaged as stop:
            return await self._finish("killed", f"Stopped by the kill switch: {stop}")
        except ActivityError as err:
            thread.add("error", "The run failed", str(err.cause or err))
            return await self._finish("failed", f"Failed: {err.cause or err}")
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(AgentRunInput(agent_id=inp.agent_id, trigger=inp.trigger, carry=carry))

    async def _begin(self, inp: AgentRunInput) -> RunCarry | str:
        start: RunStart = await workflow.execute_activity_method(
            AgentRunActivities.load_run_start,
            inp.agent_id,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        config = start.config
        if inp.settings is not None:
            config = config.model_copy(update={"settings": inp.settings})
        carry = RunCarry(
            config=config, planner=start.planner, transcript=[], seq=0, counters=Counters(), started_at=workflow.now()
        )
        self.thread = Thread(workflow.info().workflow_id, inp.trigger, carry)
        mode = " Dry run: side effects are recorded as 'would do', not performed." if config.settings.dry_run else ""
        self.thread.add(
            "notification",
            f"{config.name} started",
            f"Goal: {config.goal}{mode}",
            data={"planner": start.planner, "trigger": inp.trigger},
        )
        if start.kill_switch:
            return await self._finish("skipped", "The kill switch is on: the run did nothing.")
        if start.budget_left_usd is not None and start.budget_left_usd <= 0:
            return await self._finish("budget_paused", "Today's LLM budget is spent: the run was paused.")
        await self.thread.publish()
        return carry

    async def _plan(self, carry: RunCarry) -> PlanStep:
        req = PlanRequest(
            run_id=workflow.info().workflow_id,
            config=carry.config,
            transcript=carry.transcript,
            iteration=carry.counters.iterations,
        )
        method = AgentRunActivities.plan_next_step
        try:
            step = await workflow.execute_activity_method(
                method, req, start_to_close_timeout=retry_policies.LLM_TIMEOUT, retry_policy=retry_policies.LLM
            )
        except ActivityError as err:
            req.offline_reason = str(err.cause or err)
            step = await workflow.execute_activity_method(
                method, req, start_to_close_timeout=retry_policies.SHORT, retry_policy=retry_policies.EXTERNAL
            )
        c = carry.counters
        c.input_tokens, c.output_tokens = c.input_tokens + step.input_tokens, c.output_tokens + step.output_tokens
        c.cost_usd = round(c.cost_usd + step.cost_usd, 6)
        carry.planner = step.planner
        return step

    async def _finish(self, status: str, summary: str) -> str:
        assert self.thread is not None
        self.thread.status, self.thread.summary = status, summary
        self.thread.add("summary", f"Run {status.replace('_', ' ')}", summary)
        self.gate.closed = True
        await self.thread.publish(finished=True)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return status

    @workflow.query(name=names.AGENT_RUN_PENDING_APPROVALS)
    def pending_approvals(self) -> list[ApprovalRequest]:
        return self.gate.pending()

    @workflow.query(name=names.AGENT_RUN_STATUS)
    def status(self) -> str:
        return self.thread.status if self.thread else "starting"
