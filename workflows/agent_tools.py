"""Running one planning step's tool calls inside an agent run. Workflow code.

Read-only tools run at once. Side-effecting tools resolve their targets and go
through the policy (rules.policy) with the run's counters; the calls of one step
that need a manager are put to them as ONE approval (the targets of a single
call, or the calls themselves when there are several); dry run records what
would happen; only then do the approved calls execute.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import ValidationError
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.agent_runs import AgentRunActivities
    from agent.catalog import CATALOG, ToolSpec
    from agent.offline_planner import LABEL_PREFIX as OFFLINE
    from contracts.approvals import ApprovalItem, ApprovalOutcome, ApprovalRequest
    from contracts.campaign_tools import Target, ToolOutput
    from contracts.campaigns import (
        DailyUsage,
        Resolution,
        ResolveRequest,
        SideEffectRequest,
        ToolCall,
        ToolExecution,
    )
    from rules.policy import (
        DOOR_CHANGES,
        MESSAGING,
        ActionContext,
        Decision,
        Limits,
        Risk,
        Today,
        Verdict,
        evaluate,
        members_at_limit,
    )
    from workflows import retry_policies
    from workflows.agent_thread import Thread
    from workflows.approval_gate import ApprovalGate, new_approval_id

SEND_TIMEOUT = timedelta(minutes=15)
# However long its retries go on, a bulk send gives up after this: the run then ends "failed" with the reason,
# instead of holding its schedule's slot (overlap SKIP) until the run's own timeout cuts it off unexplained.
SEND_DEADLINE = timedelta(hours=1)
SEND_HEARTBEAT = timedelta(seconds=10)  # a killed worker's batch is picked up again within seconds
# Sends retry until they succeed (the outbox makes a retry safe), except when told to stop.
SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=[*retry_policies.NON_RETRYABLE, "KillSwitchEngaged"],
)


# Runs that resolved targets before this keep carrying them inline (resolution, approval and send request);
# new ones carry a reference to the stored targets and their ids, so no payload grows with the audience.
TARGETS_BY_REFERENCE = "agent-targets-by-reference"
UNLOCKS_COUNTED = "agent-unlocks-counted-with-locks"
# Runs that resolved targets before this carry no daily usage: they are judged as they were (no daily limits,
# no limit on model-written text).
DAILY_LIMITS = "agent-daily-limits"
# Sends scheduled before this had no schedule-to-close timeout.
SEND_HAS_DEADLINE = "agent-send-schedule-to-close"


class KillSwitchEngaged(Exception):
    pass


@dataclass
class _Pending:
    """A side-effecting call that passed validation and resolution."""

    call: ToolCall
    spec: ToolSpec
    res: Resolution
    verdict: Verdict
    targets: list[Target] = field(default_factory=list)
    edits: dict[str, str] | None = None
    target_ids: list[str] = field(default_factory=list)  # by reference: the ids to touch


async def run_calls(thread: Thread, gate: ApprovalGate, calls: list[ToolCall]) -> list[ToolOutput]:
    outputs: dict[str, ToolOutput] = {}
    pending: list[_Pending] = []
    for call in calls:
        early = await _prepare(thread, call, pending)
        if early is not None:
            outputs[call.id] = early
    asking = [p for p in pending if p.verdict.decision is Decision.APPROVE]
    if asking:
        await _approve(thread, gate, asking, outputs)
    for p in pending:
        if p.call.id not in outputs:
            outputs[p.call.id] = await _execute(thread, p)
    return [outputs[c.id] for c in calls]


async def _prepare(thread: Thread, call: ToolCall, pending: list[_Pending]) -> ToolOutput | None:
    """Runs a read; for a side effect, resolves and judges it (queued in `pending`)."""
    spec = CATALOG.get(call.name)
    if spec is None:
        return ToolOutput(ok=False, summary=f"Unknown tool {call.name!r}; use one from the catalog.")
    try:
        spec.input_model.model_validate(call.input)
    except ValidationError as err:
        return ToolOutput(ok=False, summary=f"Invalid input for {call.name}: {_brief(err)}")
    counters, settings = thread.carry.counters, thread.carry.config.settings
    counters.tool_calls += 1
    if call.name not in counters.tools_used:
        counters.tools_used.append(call.name)
    thread.add("tool_call", f"Tool: {call.name}", data={"input": call.input, "risk": spec.risk.value})
    if spec.risk is Risk.READ_ONLY:
        output: ToolOutput = await workflow.execute_activity(
            spec.activity_name,
            args=[thread.run_id, call.id, call.input],
            result_type=ToolOutput,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=retry_policies.EXTERNAL,
        )
        return output
    res = await workflow.execute_activity_method(
        AgentRunActivities.resolve_targets,
        ResolveRequest(run_id=thread.run_id, call=call, by_reference=workflow.patched(TARGETS_BY_REFERENCE)),
        start_to_close_timeout=timedelta(minutes=2),
        retry_policy=retry_policies.EXTERNAL,
    )
    if not res.count:
        return ToolOutput(summary=f"Nothing to do: {res.summary}")
    today, limits = None, Limits()
    if res.usage is not None and workflow.patched(DAILY_LIMITS):
        today, limits = _today(res.usage, res.ids, pending), _limits(res.usage)
    verdict = evaluate(
        ActionContext(
            tool=spec.name,
            risk=spec.risk,
            targets=res.count,
            locked_so_far=counters.locked,
            messaged_so_far=counters.messaged,
            approval_required=settings.approval_required,
            kill_switch=res.kill_switch,
            model_wrote=not thread.carry.planner.startswith(OFFLINE),
            today=today,
            limits=limits,
        )
    )
    if verdict.decision is Decision.DENY:
        return ToolOutput(ok=False, summary=f"Not done: {verdict.reason}.")
    if settings.dry_run:
        thread.add(
            "would_do",
            f"Dry run: {res.title.rstrip('?')}",
            body=f"{res.summary}. Policy: {verdict.reason}.",
            data={"items": [t.model_dump() for t in res.targets[:200]], "policy": verdict.decision.value},
        )
        return ToolOutput(summary=f"Dry run, nothing done: would {res.title.rstrip('?').lower()} ({res.summary}).")
    # Counted now, as if it will happen: later calls of this step are judged against it (stricter, never looser).
    # Unlocks count against the door limit like locks; runs that counted them as messages before keep that.
    if spec.name == "lock_door_access" or (spec.name in DOOR_CHANGES and workflow.patched(UNLOCKS_COUNTED)):
        counters.locked += res.count
    else:
        counters.messaged += res.count
    if res.targets_ref:
        pending.append(_Pending(call, spec, res, verdict, target_ids=list(res.target_ids)))
    else:
        pending.append(_Pending(call, spec, res, verdict, targets=list(res.targets)))
    return None


def _today(usage: DailyUsage, ids: list[str], pending: list[_Pending]) -> Today:
    """Today across runs (the database) plus the calls of this step judged before this one, not yet done."""
    doors = sum(p.res.count for p in pending if p.spec.name in DOOR_CHANGES)
    messages = [p for p in pending if p.spec.name in MESSAGING]
    asked = Counter(i for p in messages for i in p.res.ids)
    most = usage.messages_per_member_per_day
    return Today(
        door_changes=usage.door_changes + doors,
        recipients=usage.recipients + sum(p.res.count for p in messages),
        members_at_limit=members_at_limit(ids, usage.member_messages, asked, most),
    )


def _limits(usage: DailyUsage) -> Limits:
    return Limits(
        model_text=usage.model_text_limit,
        door_changes_per_day=usage.door_changes_per_day,
        recipients_per_day=usage.recipients_per_day,
        messages_per_member_per_day=usage.messages_per_member_per_day,
    )


async def _approve(thread: Thread, gate: ApprovalGate, asking: list[_Pending], outputs: dict[str, ToolOutput]) -> None:
    now = workflow.now()
    single = asking[0] if len(asking) == 1 else None
    if single is not None:
        title, summary, reason = single.res.title, single.res.summary, single.verdict.reason
        items = [ApprovalItem(id=t.id, label=t.label, detail=t.detail) for t in single.res.targets]
        item_ids, items_ref = single.res.target_ids, single.res.targets_ref
        if items_ref:  # the queue fills the items in from the stored targets
            items = []
        action, editable = single.spec.name, single.res.editable
    else:
        reach = sum(len(p.res.targets) for p in asking)
        title = f"Approve {len(asking)} actions reaching {reach} people?"
        summary = "; ".join(p.res.title.rstrip("?") for p in asking[:5]) + (" …" if len(asking) > 5 else "")
        reason = "; ".join(dict.fromkeys(p.verdict.reason for p in asking))
        items = [ApprovalItem(id=p.call.id, label=p.res.title.rstrip("?"), detail=p.res.summary) for p in asking]
        action, editable = "multiple", None
        item_ids, items_ref = [], None
    req = ApprovalRequest(
        id=new_approval_id(),
        workflow_id=thread.run_id,
        workflow_kind="campaign",
        action=action,
        title=title,
        summary=summary,
        reason=reason,
        items=items,
        item_ids=item_ids,
        items_ref=items_ref,
        editable=editable,
        requested_at=now,
        expires_at=now + timedelta(seconds=thread.carry.config.settings.approval_ttl_s),
    )
    thread.add(
        "approval_request",
        title,
        body=f"{summary}. Needs approval: {reason}.",
        data={"approval_id": req.id, "items": len(items) or len(item_ids), "expires_at": req.expires_at.isoformat()},
    )
    thread.status = "waiting_approval"
    await thread.publish()
    outcome = await gate.ask(req)
    thread.status = "running"
    thread.add("approval_decision", outcome.summary(), data=outcome.model_dump(mode="json"))
    await thread.publish()
    _apply_outcome(asking, outcome, single is not None, outputs)


def _apply_outcome(
    asking: list[_Pending], outcome: ApprovalOutcome, per_target: bool, outputs: dict[str, ToolOutput]
) -> None:
    chosen = set(outcome.approved_ids)
    for p in asking:
        if per_target and outcome.approved:
            p.edits = outcome.edits
            if p.res.targets_ref:
                p.target_ids = [i for i in p.res.target_ids if i in chosen]
            else:
                p.targets = [t for t in p.res.targets if t.id in chosen]
        elif not (outcome.approved and p.call.id in chosen):
            outputs[p.call.id] = ToolOutput(
                ok=False,
                summary=outcome.summary() if not outcome.approved else "Not approved by the manager; nothing done.",
            )


async def _execute(thread: Thread, p: _Pending) -> ToolOutput:
    try:
        done: ToolExecution = await workflow.execute_activity(
            p.spec.activity_name,
            SideEffectRequest(
                run_id=thread.run_id,
                call=p.call,
                targets=p.targets,
                edits=p.edits,
                targets_ref=p.res.targets_ref,
                target_ids=p.target_ids,
            ),
            result_type=ToolExecution,
            schedule_to_close_timeout=SEND_DEADLINE if workflow.patched(SEND_HAS_DEADLINE) else None,
            start_to_close_timeout=SEND_TIMEOUT,
            heartbeat_timeout=SEND_HEARTBEAT,
            retry_policy=SEND_RETRY,
        )
    except ActivityError as err:
        if isinstance(err.cause, ApplicationError) and err.cause.type == "KillSwitchEngaged":
            raise KillSwitchEngaged(str(err.cause)) from err
        raise
    return done.output


def _brief(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in err.errors()[:5])
