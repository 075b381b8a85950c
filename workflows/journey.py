"""One lead walking one journey (`journey-<journey>-<lead>`), for days or weeks.

The definition travels in the workflow's input, so publishing a new version
never changes a running journey: new leads take the new version, running ones
finish on theirs. Engagement events arrive as signals (with the lead as it is
now); waits are durable timers; the goal and the exit criteria are checked at
every step and on every event.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.journeys import JourneyActivities
    from contracts import names
    from contracts.journey_definitions import END, BranchStep, GoalStep, SendStep
    from contracts.journeys import Engagement, EnrollmentUpdate, JourneyInput, RetryStepInput, Visit
    from rules.step_outcomes import failure, retried
    from workflows import retry_policies
    from workflows.journey_steps import Finished, JourneyProgress, StepRunner


# Steps that decide without waiting: the projection catches up at the next step that waits.
INSTANT_STEPS = (BranchStep, GoalStep)


@workflow.defn(name=names.JOURNEY)
class JourneyWorkflow:
    @workflow.init
    def __init__(self, inp: JourneyInput) -> None:
        # The input arrives here (not in run) so signals delivered before run starts have somewhere to go.
        self.inp = inp
        self.progress = JourneyProgress(started_at=workflow.now())
        self.steps = StepRunner(inp, self.progress)
        self.visits: list[Visit] = []
        self.status = "active"
        self.published = 0  # visits already sent to the projection
        self.retrying: set[str] = set()  # steps a manager's retry is running

    @workflow.signal(name=names.JOURNEY_ENGAGEMENT)
    def engagement(self, e: Engagement) -> None:
        self.progress.record(e)

    @workflow.signal(name=names.JOURNEY_RELEASE)
    def release_hold(self) -> None:
        self.progress.releases += 1

    @workflow.update(name=names.JOURNEY_RETRY_STEP)
    async def retry_step(self, req: RetryStepInput) -> str:
        """Sends a step that failed for good once more (same idempotency key), and records what happened."""
        visit, step = self._failed(req.step_id)
        self.retrying.add(step.id)
        try:
            again = await self.steps.send(step)
        except Finished as done:  # the lead can no longer be reached; the walk itself goes on as it was
            again = f"not sent: {done.reason}"
        finally:
            self.retrying.discard(step.id)
        visit.outcome = retried(visit.outcome, req.by, again)
        await self.publish(self.visits[-1].step_id, only=[visit])
        return visit.outcome

    @retry_step.validator
    def _can_retry(self, req: RetryStepInput) -> None:
        if self.status != "active":
            raise ApplicationError("the journey is not running", type="NotRunning")
        if req.step_id in self.retrying:
            raise ApplicationError(f"step {req.step_id!r} is already being retried", type="AlreadyRetrying")
        self._failed(req.step_id)

    def _failed(self, step_id: str) -> tuple[Visit, SendStep]:
        visit = next((v for v in reversed(self.visits) if v.step_id == step_id), None)
        step = next((s for s in self.inp.definition.steps if s.id == step_id), None)
        if visit is None or not isinstance(step, SendStep) or failure(visit.outcome) is None:
            raise ApplicationError(f"step {step_id!r} has no failed send to retry", type="NothingToRetry")
        return visit, step

    @workflow.query(name=names.JOURNEY_PATH)
    def path(self) -> list[Visit]:
        return self.visits

    @workflow.run
    async def run(self, inp: JourneyInput) -> str:
        defn = inp.definition
        self.progress.lead = await workflow.execute_local_activity_method(
            JourneyActivities.load_lead,
            inp.lead_id,
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        index: int | None = 0
        try:
            while index is not None:
                self.steps.check_goal_and_exit()
                step = defn.steps[index]
                visit = Visit(seq=len(self.visits) + 1, step_id=step.id, entered_at=workflow.now())
                self.visits.append(visit)
                if not isinstance(step, INSTANT_STEPS):
                    await self.publish(step.id)
                visit.outcome, chosen = await self.steps.run(step)
                visit.left_at = self.progress.step_done_at[step.id] = workflow.now()
                target = step.next or chosen
                if target == END or (target is None and index + 1 == len(defn.steps)):
                    raise Finished("completed", "reached the end of the journey")
                index = defn.index(target) if target else index + 1
        except Finished as done:
            self.status = done.status
            await self.publish(None, exit_reason=done.reason, finished=True)
            await workflow.wait_condition(workflow.all_handlers_finished)  # a retry under way records its outcome
            return done.status
        raise AssertionError("unreachable")

    async def publish(
        self,
        current: str | None,
        *,
        exit_reason: str | None = None,
        finished: bool = False,
        only: list[Visit] | None = None,
    ) -> None:
        inp = self.inp
        if only is not None:  # an earlier visit's outcome changed (a retry); the walk's own state is not sent
            visits = only
        else:  # every visit since the last publish, and the one before it (it has been left since)
            visits = self.visits[max(0, self.published - 1) :]
            self.published = len(self.visits)
        await workflow.execute_local_activity_method(
            JourneyActivities.project_enrollment,
            EnrollmentUpdate(
                id=workflow.info().workflow_id,
                lead_id=inp.lead_id,
                journey_id=inp.journey_id,
                version=inp.version,
                status=self.status,
                current_step=current,
                exit_reason=exit_reason,
                started_at=self.progress.started_at,
                finished_at=workflow.now() if finished else None,
                visits=visits,
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
