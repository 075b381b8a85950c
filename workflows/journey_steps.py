"""The journey interpreter: what each step does, and the state it decides on. Workflow code, run by JourneyWorkflow.

The interpreter is handed what it needs (the input and a JourneyProgress) rather than the workflow, so this
module depends on nothing above it and the workflow keeps only its own concerns (visits, the projection).
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.journeys import JourneyActivities
    from contracts.journey_definitions import (
        BranchStep,
        ExitStep,
        GoalStep,
        HandoffStep,
        SendStep,
        Step,
        UpdateLeadStep,
        WaitStep,
    )
    from contracts.journeys import (
        Engagement,
        HandoffRequest,
        JourneyInput,
        LeadChange,
        LeadSnapshot,
        SendOutcome,
        SendRequest,
    )
    from journeys.facts import facts_for
    from journeys.schema import parse_duration
    from rules.conditions import Event, Facts, evaluate, explain
    from workflows import retry_policies

# A send refused for good (bad data) used to fail the journey and leave its enrolment "active"; executions that
# replay without this marker keep that.
SEND_FAILS_STEP = "journey-send-failure-is-a-step-outcome"
# A send held by the kill switch used to ask again every minute (an activity and a timer each time); now it waits
# for the signal lifting the switch sends, with a backing-off check in case that is lost. Executions that replay
# without this marker keep polling.
HOLD_UNTIL_RELEASED = "journey-kill-switch-hold-waits-for-release"


class Finished(Exception):
    """Raised inside a journey to end it: completed, goal_met or exited."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class JourneyProgress:
    """What the journey knows of its lead: engagement events, the lead as last seen, when each step was done.

    The facts that goals, exits and branches are evaluated on; signals write it, the interpreter reads it."""

    def __init__(self, started_at: datetime) -> None:
        self.started_at = started_at
        self.events: list[Event] = []
        self.lead: LeadSnapshot | None = None
        self.step_done_at: dict[str, datetime] = {}
        self.releases = 0  # times the kill switch was lifted while this journey ran (a held send waits for one)

    def record(self, e: Engagement) -> None:
        """An engagement signal: kept once per event id, with the lead as it is now."""
        if not any(ev.data.get("event_id") == e.event_id for ev in self.events):
            self.events.append(Event(e.type, e.at, {**e.data, "event_id": e.event_id, "channel": e.channel}))
            self.lead = e.lead

    def facts(self) -> Facts:
        assert self.lead is not None
        return facts_for(self.lead, self.events, self.step_done_at, workflow.now())


class StepRunner:
    def __init__(self, inp: JourneyInput, progress: JourneyProgress) -> None:
        self.inp, self.progress = inp, progress
        self.agents = ["email_agent"]  # who has worked the lead so far (handoff context)

    def check_goal_and_exit(self) -> None:
        defn, facts = self.inp.definition, self.progress.facts
        if defn.goal is not None and evaluate(defn.goal, facts()):
            raise Finished("goal_met", "the journey's goal was met")
        if defn.exit is not None and evaluate(defn.exit, facts()):
            raise Finished("exited", "the lead met the exit criteria")

    async def run(self, step: Step) -> tuple[str, str | None]:
        """Returns (outcome for the log, the next step when the step decides it)."""
        match step:
            case SendStep():
                return await self.send(step), None
            case WaitStep():
                return await self._wait(step), None
            case BranchStep():
                for case in step.cases:
                    if evaluate(case.when, self.progress.facts()):
                        return f"-> {case.next}: {explain(case.when, self.progress.facts())}", case.next
                return f"-> {step.default} (no case matched)", step.default
            case HandoffStep():
                return await self._handoff(step), None
            case UpdateLeadStep():
                self.progress.lead = await workflow.execute_local_activity_method(
                    JourneyActivities.update_lead,
                    LeadChange(lead_id=self.inp.lead_id, set=step.set, score_delta=step.score_delta),
                    start_to_close_timeout=retry_policies.SHORT,
                    retry_policy=retry_policies.INTERNAL,
                )
                return f"lead updated: {step.set or ''} score {step.score_delta:+d}", None
            case GoalStep():
                met = evaluate(step.when, self.progress.facts())
                if met:
                    raise Finished("goal_met", f"goal step {step.id}: {explain(step.when, self.progress.facts())}")
                return f"goal not met yet: {explain(step.when, self.progress.facts())}", None
            case ExitStep():
                raise Finished("exited", step.reason)
        raise ValueError(f"unknown step type {step!r}")

    async def send(self, step: SendStep) -> str:
        inp = self.inp
        request = SendRequest(
            key=f"{workflow.info().workflow_id}:{step.id}",
            enrollment_id=workflow.info().workflow_id,
            lead_id=inp.lead_id,
            journey_id=inp.journey_id,
            step_id=step.id,
            channel=step.channel,
            subject=step.subject,
            body=step.body,
        )
        notes: list[str] = []
        held_since: datetime | None = None
        while True:
            released = self.progress.releases  # a release that arrives while the send is being tried counts
            try:
                out: SendOutcome = await workflow.execute_activity_method(
                    JourneyActivities.send_journey_message,
                    request,
                    start_to_close_timeout=retry_policies.SHORT,
                    retry_policy=retry_policies.EXTERNAL,
                )
            except ActivityError as err:  # only bad data gets here (outages are retried): the step fails visibly
                if not workflow.patched(SEND_FAILS_STEP):
                    raise
                return "; ".join([*notes, f"failed: {err.cause or err}"])
            if held_since is not None and not out.held:
                notes.append(f"held by the kill switch from {held_since:%Y-%m-%d %H:%M} UTC ({request.holds} checks)")
                held_since, request.holds = None, 0
            if out.state != "deferred" or out.retry_at is None:
                break
            if out.held and workflow.patched(HOLD_UNTIL_RELEASED):
                held_since = held_since or workflow.now()
                request.holds += 1
                await self._hold(released, out.retry_at - workflow.now())
                continue
            notes.append(f"deferred until {out.retry_at:%Y-%m-%d %H:%M} UTC ({out.detail})")
            await workflow.sleep(max(out.retry_at - workflow.now(), timedelta(seconds=1)))
            self.check_goal_and_exit()
        if out.opted_out_everywhere:
            raise Finished("exited", "the lead opted out of every channel")
        return "; ".join([*notes, f"{out.state} ({out.channel or step.channel}): {out.detail}"])

    async def _wait(self, step: WaitStep) -> str:
        scale, p = self.inp.time_scale, self.progress
        if step.until_event:
            since = p.step_done_at.get(step.since_step, p.started_at) if step.since_step else p.started_at
            wanted = set(step.until_event)

            def arrived() -> bool:
                return any(e.type in wanted and e.at >= since for e in p.events)

            timeout = parse_duration(step.timeout or "0s") * scale
            try:
                await workflow.wait_condition(lambda: arrived() or self._ended(), timeout=max(timeout, timedelta(0)))
            except TimeoutError:
                return f"no {'/'.join(step.until_event)} within {step.timeout}"
            self.check_goal_and_exit()
            return f"{'/'.join(sorted({e.type for e in p.events if e.type in wanted and e.at >= since}))} arrived"
        if step.until_day is not None:
            until = p.started_at + timedelta(days=step.until_day) * scale
            delay = until - workflow.now()
        else:
            delay = parse_duration(step.duration or "0s") * scale
        if delay > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(self._ended, timeout=delay)
        self.check_goal_and_exit()
        return f"waited {step.duration or f'until day {step.until_day:g}'}"

    async def _hold(self, released: int, fallback: timedelta) -> None:
        """Until the kill switch is lifted (its signal), the fallback check is due, or the goal or exit is met."""
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self.progress.releases > released or self._ended(),
                timeout=max(fallback, timedelta(milliseconds=50)),
            )
        self.check_goal_and_exit()

    def _ended(self) -> bool:
        """Wakes a wait early when an event makes the goal or exit criteria true."""
        try:
            self.check_goal_and_exit()
        except Finished:
            return True
        return False

    async def _handoff(self, step: HandoffStep) -> str:
        inp = self.inp
        await workflow.execute_activity_method(
            JourneyActivities.hand_off,
            HandoffRequest(
                key=f"{workflow.info().workflow_id}:{step.id}",
                enrollment_id=workflow.info().workflow_id,
                lead_id=inp.lead_id,
                journey_name=inp.definition.name,
                from_agent=self.agents[-1],
                to=step.to,
                reason=step.reason,
                previous_agents=list(self.agents),
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        self.agents.append(step.to)
        return f"handed off to {step.to}: {step.reason}"
