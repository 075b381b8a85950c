"""Renewal workflow: one per customer per renewal period (`renewal-<customer>-<date>`).

A CSM works it step by step through updates (start, choose, complete_step,
complete); managers reassign or cancel. New intelligence arrives as a signal and
may escalate the stage. It expires when the renewal date passes, and wakes on the
days its stage would change so a Prepare renewal becomes Critical on time.
Every change is projected to the database for the queue pages. A long-lived renewal
continues as new, carrying its whole state (`renewal_runs`); updates answer a small
`RenewalAck`, the state is a query away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.renewals import RenewalActivities
    from contracts import names
    from contracts.actors import Actor, Role
    from contracts.approvals import ApprovalDecision, ApprovalOutcome
    from contracts.renewal_definitions import WorkflowDefinition
    from contracts.renewals import (
        CancelInput,
        ChooseInput,
        CompleteInput,
        CompleteStepInput,
        IntelligenceUpdate,
        ReassignInput,
        RenewalAck,
        RenewalInput,
        RenewalState,
        StepRecord,
        SupersedeInput,
    )
    from rules.determination import days_until
    from workflows import renewal_chat as chat
    from workflows import renewal_outreach as outreach
    from workflows import renewal_runs as runs
    from workflows import renewal_state as sm
    from workflows import retry_policies
    from workflows.actor_check import CSM_OR_MANAGER, MANAGER, verify_actor
    from workflows.approval_gate import ApprovalGate, DecidesApprovals
    from workflows.renewal_action_runner import run_action
    from workflows.renewal_search_attributes import current_details, projection, search_attributes


T = TypeVar("T")

# A decision that lost a race after validation (decided meanwhile, expired while it waited for the lock) used to
# escape the handler as ValueError and fail the workflow task on every replay; executions before this keep that.
DECISION_RACE = "renewal-decision-race"
# Before this, an email approval opened while the renewal slept expired only at its next wake (a signal, a
# stage day): running executions without the marker keep that timing.
APPROVAL_TIMER = "renewal-approval-timer"


@workflow.defn(name=names.RENEWAL)
class RenewalWorkflow(DecidesApprovals):
    @workflow.init
    def __init__(self, inp: RenewalInput) -> None:
        # Built from the input, so handlers (even in a continued run's first task) never see a half-made renewal.
        self.inp, self._lock = inp, asyncio.Lock()
        self.gate = ApprovalGate()  # customer emails wait for a manager
        self.state = runs.begin(inp, self.gate)
        self._inbox: list[IntelligenceUpdate] = list(inp.carry.inbox) if inp.carry else []
        self._superseded_by: SupersedeInput | None = inp.carry.superseded_by if inp.carry else None

    @workflow.run
    async def run(self, inp: RenewalInput) -> RenewalState:
        if inp.carry is None:
            can = workflow.patched(runs.CONTINUE_AS_NEW)
            await workflow.wait_condition(lambda: bool(self._inbox))
        else:  # a continued run: the Temporal UI's details belong to the run
            can = True
            workflow.set_current_details(current_details(self.state))
        while self.state.is_open:
            async with self._lock:
                await self._apply_inbox()
                await self._apply_supersede()
            if not self.state.is_open:
                break
            if can and runs.due(inp):
                await workflow.wait_condition(workflow.all_handlers_finished)  # an update never spans two runs
                if self.state.is_open:  # else a handler closed it meanwhile: finish here
                    workflow.continue_as_new(self._carried())
                continue
            wake = min(filter(None, (sm.next_wake(self.state, workflow.now()), self.gate.next_expiry())))
            try:
                await workflow.wait_condition(
                    self._wakes(self.gate.next_expiry(), rearm=workflow.patched(APPROVAL_TIMER), can=can),
                    timeout=max(wake - workflow.now(), timedelta(seconds=1)),
                )
            except TimeoutError:
                async with self._lock:
                    await self._on_timer()
        self.gate.closed = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        async with self._lock:  # a closed renewal sends nothing more: open requests resolve to the safe default
            if workflow.patched("renewal-withdraw-on-close"):  # older histories recorded them as expired
                await self._resolve(await self.gate.withdraw(f"renewal {self.state.status}"))
            else:
                await self._resolve(await self.gate.expire(all_pending=True))
        return self.state

    def _wakes(self, expiry: datetime | None, *, rearm: bool, can: bool) -> Callable[[], bool]:
        """What ends the renewal's sleep: news, closing, (rearm) a request an update opened meanwhile,
        which may expire before the timer set for the next stage day, or (can) a history long enough to
        continue as new."""
        return lambda: (
            bool(self._inbox)
            or self._superseded_by is not None
            or not self.state.is_open
            or (rearm and self.gate.next_expiry() != expiry)
            or (can and runs.due(self.inp))
        )

    def _carried(self) -> RenewalInput:
        c = runs.carry(self.state, self.gate, self._inbox, self._superseded_by)
        return self.inp.model_copy(update={"carry": c})

    async def _on_timer(self) -> None:
        s, now = self.state, workflow.now()
        if expired := await self.gate.expire():
            await self._resolve(expired)
        elif s.expires_at and now >= s.expires_at:
            sm.expire(s, now)
        elif stage := sm.due_stage(s, now):
            days = days_until(s.renewal_date, now.date())
            sm.set_definition(s, await self._load(stage.definition_id), now, f"{days} days to renewal")
        else:
            return
        await self._publish()

    async def _apply_inbox(self) -> None:
        while self._inbox:
            upd = self._inbox.pop(0)
            s = self.state
            if upd.event_id in s.event_ids or not s.is_open:
                continue
            target = sm.proposed_stage(s, upd.stage)
            if s.definition is None or target.definition_id != s.definition.id:
                days = days_until(s.renewal_date, workflow.now().date())
                reason = f"risk {upd.risk_score}/100, {days} days left"
                sm.set_definition(s, await self._load(target.definition_id), workflow.now(), reason)
            sm.apply_intelligence(s, upd)
            await self._publish()

    async def _apply_supersede(self) -> None:
        """The customer's renewal date moved and the new date's renewal is running: close this one, linked."""
        inp, s = self._superseded_by, self.state
        if inp is None or not s.is_open or inp.by_workflow_id == s.workflow_id:
            return
        workflow.patched("renewal-supersede")  # marks histories that took this path (older ones never could)
        sm.supersede(s, inp.by_workflow_id, inp.renewal_date, workflow.now())
        await self._publish()

    async def _resolve(self, outcomes: list[ApprovalOutcome]) -> None:
        for outcome in outcomes:
            await outreach.on_outcome(self.state, self.gate, outcome)
        if outcomes:
            await self._publish()

    async def _load(self, definition_id: str) -> WorkflowDefinition:
        return await workflow.execute_activity_method(
            RenewalActivities.load_definition,
            definition_id,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )

    async def _publish(self) -> None:
        """Project the state to the database and to the Temporal UI."""
        s = self.state
        workflow.upsert_search_attributes(search_attributes(s))
        workflow.set_current_details(current_details(s))
        await workflow.execute_activity_method(
            RenewalActivities.project_renewal,
            projection(s),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )

    @workflow.signal(name=names.INTELLIGENCE_UPDATE)
    def intelligence_update(self, upd: IntelligenceUpdate) -> None:
        self._inbox.append(upd)

    @workflow.signal(name=names.RENEWAL_SUPERSEDE)
    def supersede(self, inp: SupersedeInput) -> None:
        if self._superseded_by is None:
            self._superseded_by = inp

    @workflow.query(name=names.RENEWAL_STATE)
    def get_state(self) -> RenewalState:
        return self.state

    # CSM and manager actions. Validators reject bad requests before anything is
    # written to history; handlers re-check under the lock (another update may have
    # run in between) and answer a small ack (the state is a query away).

    async def _change(
        self,
        who: tuple[Actor, tuple[Role, ...]],
        change: Callable[[], T],
        then: Callable[[T], Awaitable[None]] | None = None,
    ) -> RenewalAck:
        """Apply a state-machine change under the lock, run its follow-up, publish. The actor is checked against
        the users table first, under the lock, so updates still take the lock in the order they arrived."""
        async with self._lock:
            await verify_actor(*who)
            try:
                result = change()
            except ValueError as err:
                raise ApplicationError(str(err), type="InvalidRenewalAction", non_retryable=True) from err
            if then is not None:
                await then(result)
            await self._publish()
            s = self.state
            return RenewalAck(workflow_id=s.workflow_id, seq=s.seq, status=s.status)

    @workflow.update(name=names.RENEWAL_START)
    async def start(self, actor: Actor) -> RenewalAck:
        return await self._change((actor, CSM_OR_MANAGER), lambda: sm.start(self.state, actor, workflow.now()))

    @start.validator
    def _check_start(self, actor: Actor) -> None:
        sm.validate_start(self.state, actor)

    @workflow.update(name=names.RENEWAL_CHOOSE)
    async def choose(self, inp: ChooseInput) -> RenewalAck:
        # The branch's reply ("I logged the call…") waits for its actions; older histories said it first.
        after = workflow.patched("renewal-reply-after-actions")

        async def run_actions(choice: chat.Choice) -> None:
            for action in choice.actions:
                if action == "sendOutreach":
                    await outreach.ask_to_send(self.state, self.gate, inp, self.inp.approval_ttl_s)
                elif not await run_action(self.state, action, inp):
                    return  # the failure note stands; the earlier buttons stay, so it can be tried again
            if choice.reply is not None:
                chat.say(self.state, choice.reply, workflow.now())

        return await self._change(
            (inp.actor, CSM_OR_MANAGER),
            lambda: chat.choose(self.state, inp, workflow.now(), reply_after_actions=after),
            run_actions,
        )

    @choose.validator
    def _check_choose(self, inp: ChooseInput) -> None:
        chat.validate_choice(self.state, inp)  # validators do not run on replay: no history changes

    @workflow.update(name=names.RENEWAL_COMPLETE_STEP)
    async def complete_step(self, inp: CompleteStepInput) -> RenewalAck:
        async def record(rec: StepRecord) -> None:
            await workflow.execute_activity_method(
                RenewalActivities.record_step,
                rec,
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.INTERNAL,
            )

        return await self._change(
            (inp.actor, CSM_OR_MANAGER), lambda: sm.complete_step(self.state, inp, workflow.now()), record
        )

    @complete_step.validator
    def _check_complete_step(self, inp: CompleteStepInput) -> None:
        sm.validate_complete_step(self.state, inp)

    @workflow.update(name=names.RENEWAL_COMPLETE)
    async def complete(self, inp: CompleteInput) -> RenewalAck:
        return await self._change((inp.actor, CSM_OR_MANAGER), lambda: sm.complete(self.state, inp, workflow.now()))

    @complete.validator
    def _check_complete(self, inp: CompleteInput) -> None:
        sm.validate_complete(self.state, inp)

    @workflow.update(name=names.RENEWAL_REASSIGN)
    async def reassign(self, inp: ReassignInput) -> RenewalAck:
        return await self._change((inp.actor, MANAGER), lambda: sm.reassign(self.state, inp, workflow.now()))

    @reassign.validator
    def _check_reassign(self, inp: ReassignInput) -> None:
        sm.validate_reassign(self.state, inp)

    @workflow.update(name=names.RENEWAL_CANCEL)
    async def cancel(self, inp: CancelInput) -> RenewalAck:
        return await self._change(
            (inp.actor, MANAGER), lambda: sm.cancel(self.state, inp.actor, inp.reason, workflow.now())
        )

    @cancel.validator
    def _check_cancel(self, inp: CancelInput) -> None:
        sm.validate_cancel(self.state, inp.actor)

    async def apply_decision(self, d: ApprovalDecision) -> ApprovalOutcome:
        """A decision acts at once (the email is sent or dropped), under the lock the CSM's updates take."""
        async with self._lock:
            if self.gate.repeats(d) and workflow.patched(DECISION_RACE):
                return self.gate.outcomes[d.approval_id]  # the same decision again: already applied
            try:
                outcome = await self.gate.decide(d)
            except ValueError as err:
                if not workflow.patched(DECISION_RACE):
                    raise
                raise ApplicationError(str(err), type="ApprovalConflict", non_retryable=True) from err
            await self._resolve([outcome])
            return outcome
