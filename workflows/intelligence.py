"""Per-customer intelligence workflow: each Active signal becomes an analysed,
scored, assigned renewal.

One workflow per customer (`customer-intel-<id>`) takes signals in order, so two
signals for the same customer never race to create or score its renewal. It
finishes after an idle hour and continues-as-new before its history grows large.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.assignment import AssignmentActivities
    from activities.intelligence import IntelligenceActivities
    from activities.renewals import RenewalActivities
    from contracts import ids, names
    from contracts.analysis import AnalysisResult
    from contracts.intelligence import (
        AnalyzeInput,
        AssignRequest,
        CustomerContext,
        IntelligenceInput,
        RiskSignal,
        SignalFailure,
        SignalOutcome,
        UpsertRenewal,
    )
    from contracts.renewals import IntelligenceUpdate, RenewalInput
    from rules.determination import days_until, determine_stage
    from workflows import retry_policies

MAX_SIGNALS_PER_RUN = 200
SEEN_KEPT = 500
RECENT_KEPT = 20
# A signal delivered in the same workflow task as the idle timer used to be dropped by the idle return; executions
# that replay without this marker keep the old path.
DRAIN_ON_IDLE = "intelligence-drain-on-idle"
# A signal whose enrichment fails for good (bad data: a 4xx) is reported as failed instead of failing the whole
# workflow and losing the signals queued behind it.
KEEP_GOING = "intelligence-failed-signal-reported"
# ... and recorded with its payload (an activity), so the command center lists it and a manager can retry it.
FAILURE_RECORDED = "intelligence-failed-signal-recorded"


@workflow.defn(name=names.CUSTOMER_INTELLIGENCE)
class CustomerIntelligenceWorkflow:
    def __init__(self) -> None:
        self._pending: list[RiskSignal] = []
        self._seen: list[str] = []
        self._recent: list[SignalOutcome] = []

    @workflow.signal(name=names.CUSTOMER_UPDATE)
    def customer_update(self, signal: RiskSignal) -> None:
        self._pending.append(signal)

    @workflow.query(name=names.RECENT_SIGNALS)
    def recent(self) -> list[SignalOutcome]:
        return self._recent

    @workflow.run
    async def run(self, inp: IntelligenceInput) -> list[SignalOutcome]:
        self._pending = [*inp.pending, *self._pending]
        self._seen, self._recent = list(inp.seen_event_ids), list(inp.recent)
        handled, idle = 0, timedelta(seconds=inp.idle_timeout_s)
        while True:
            try:
                await workflow.wait_condition(lambda: bool(self._pending), timeout=idle)
            except TimeoutError:
                if not (self._pending and workflow.patched(DRAIN_ON_IDLE)):
                    return self._recent
            signal = self._pending.pop(0)
            if signal.event_id in self._seen:
                self._remember(
                    SignalOutcome(event_id=signal.event_id, result="duplicate", detail="event already processed")
                )
                continue
            self._remember(await self._process(signal))
            self._seen = [*self._seen[-(SEEN_KEPT - 1) :], signal.event_id]
            handled += 1
            if handled >= MAX_SIGNALS_PER_RUN or workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(
                    IntelligenceInput(
                        customer_id=inp.customer_id,
                        pending=self._pending,
                        seen_event_ids=self._seen,
                        recent=self._recent,
                        idle_timeout_s=inp.idle_timeout_s,
                    )
                )

    def _remember(self, outcome: SignalOutcome) -> None:
        self._recent = [*self._recent[-(RECENT_KEPT - 1) :], outcome]

    async def _process(self, signal: RiskSignal) -> SignalOutcome:
        try:
            context = await workflow.execute_activity_method(
                IntelligenceActivities.fetch_customer_context,
                signal,
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.EXTERNAL,
            )
        except ActivityError as err:
            if isinstance(err.cause, ApplicationError) and err.cause.type == "NotFoundError":
                return SignalOutcome(event_id=signal.event_id, result="unknown_customer", detail=str(err.cause))
            if not workflow.patched(KEEP_GOING):
                raise
            workflow.logger.error("signal %s failed for good: %s", signal.event_id, err.cause or err)
            if workflow.patched(FAILURE_RECORDED):
                await workflow.execute_activity_method(
                    IntelligenceActivities.record_failed_signal,
                    SignalFailure(signal=signal, reason=str(err.cause or err)),
                    start_to_close_timeout=retry_policies.SHORT,
                    retry_policy=retry_policies.INTERNAL,
                )
            return SignalOutcome(event_id=signal.event_id, result="failed", detail=str(err.cause or err))
        analysis = await self._analyse(context)
        stored = await workflow.execute_activity_method(
            IntelligenceActivities.store_intelligence,
            args=[context, analysis],
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        return await self._route(signal, context, analysis, stored)

    async def _analyse(self, context: CustomerContext) -> AnalysisResult:
        try:
            return await workflow.execute_activity_method(
                IntelligenceActivities.analyze_customer,
                AnalyzeInput(context=context),
                start_to_close_timeout=retry_policies.LLM_TIMEOUT,
                retry_policy=retry_policies.LLM,
            )
        except ActivityError as err:
            reason = str(err.cause or err)
            workflow.logger.warning("model analysis failed, using the offline analyser: %s", reason)
            return await workflow.execute_activity_method(
                IntelligenceActivities.analyze_customer,
                AnalyzeInput(context=context, offline_reason=reason),
                start_to_close_timeout=retry_policies.SHORT,
                retry_policy=retry_policies.EXTERNAL,
            )

    async def _route(
        self, signal: RiskSignal, context: CustomerContext, analysis: AnalysisResult, stored_id: int
    ) -> SignalOutcome:
        customer = context.customer
        risk = analysis.analysis.risk_score
        if customer.renewal_date is None:
            return SignalOutcome(event_id=signal.event_id, result="no_renewal", detail="no renewal date on record")
        days = days_until(customer.renewal_date, workflow.now().date())
        stage = determine_stage(days, risk)
        if stage is None:
            return SignalOutcome(
                event_id=signal.event_id,
                result="no_renewal",
                detail=f"renewal date {customer.renewal_date} has passed",
            )
        workflow_id = ids.renewal(customer.id, customer.renewal_date)
        routing = await workflow.execute_activity_method(
            AssignmentActivities.assign_renewal,
            AssignRequest(
                workflow_id=workflow_id,
                customer=customer,
                stage=stage,
                risk_score=risk,
                usage_trend=context.data.usage.trend,
                summary=analysis.analysis.summary,
                analysis_source=analysis.provenance.label,
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        update = IntelligenceUpdate(
            event_id=signal.event_id,
            intelligence_id=stored_id,
            customer_name=customer.name,
            stage=routing.stage,
            risk_score=risk,
            usage_trend=context.data.usage.trend,
            arr=customer.arr,
            account_plan=customer.account_plan,
            summary=analysis.analysis.summary,
            analysis_source=analysis.provenance.label,
            assigned_to=routing.assigned_to,
            csm_name=routing.csm_name,
            assignment_reason=routing.reason,
            priority=routing.priority,
            expires_at=datetime.combine(customer.renewal_date + timedelta(days=1), time.min, tzinfo=UTC),
        )
        applied = await workflow.execute_activity_method(
            RenewalActivities.upsert_renewal,
            UpsertRenewal(
                workflow_id=workflow_id,
                update=update,
                input=RenewalInput(
                    customer_id=customer.id, customer_name=customer.name, renewal_date=customer.renewal_date
                ),
            ),
            start_to_close_timeout=retry_policies.SHORT,
            retry_policy=retry_policies.INTERNAL,
        )
        if not applied:
            return SignalOutcome(
                event_id=signal.event_id,
                result="renewal_closed",
                renewal_workflow_id=workflow_id,
                detail="this period's renewal is already closed",
            )
        return SignalOutcome(
            event_id=signal.event_id,
            result="renewal",
            detail=routing.reason,
            renewal_workflow_id=workflow_id,
            stage=routing.stage,
            assigned_to=routing.assigned_to,
            priority_score=routing.priority.score,
        )
