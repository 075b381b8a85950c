"""Activities of the intelligence workflow: enrich, analyse, store."""

from __future__ import annotations

import asyncio

from temporalio import activity

from clients.active import ActiveClient
from clients.errors import activity_errors
from clients.salesforce import SalesforceClient
from contracts.analysis import AnalysisResult
from contracts.intelligence import AnalyzeInput, ContextData, CustomerContext, RiskSignal, SignalFailure
from db import failed_signals, intelligence_store
from db.engine import Database
from llm.base import Analyst
from llm.factory import offline_fallback

OPEN_CASE_STATUSES = {"New", "Working", "Escalated"}


class IntelligenceActivities:
    def __init__(self, db: Database, salesforce: SalesforceClient, active: ActiveClient, analyst: Analyst) -> None:
        self.db, self.salesforce, self.active, self.analyst = db, salesforce, active, analyst

    @activity.defn(name="fetch_customer_context")
    async def fetch_customer_context(self, signal: RiskSignal) -> CustomerContext:
        """Salesforce (account, contacts, opportunities, cases) + Active usage, with the signal."""
        async with activity_errors():
            bundle, usage = await asyncio.gather(
                self.salesforce.get_account_bundle(signal.customer_id),
                self.active.get_usage(signal.customer_id),
            )
        engagement = usage.engagement.model_copy(
            update={
                "support_tickets": sum(1 for c in bundle.salesforce.cases if c.status in OPEN_CASE_STATUSES),
            }
        )
        if signal.engagement_score is not None:
            engagement.engagement_score = signal.engagement_score
        return CustomerContext(
            customer=bundle.customer,
            data=ContextData(
                salesforce=bundle.salesforce,
                usage=usage.usage,
                financials=bundle.financials,
                engagement=engagement,
            ),
            signal=signal,
        )

    @activity.defn(name="analyze_customer")
    async def analyze_customer(self, inp: AnalyzeInput) -> AnalysisResult:
        analyst = offline_fallback(inp.offline_reason) if inp.offline_reason else self.analyst
        async with activity_errors():
            return await analyst.analyze(inp.context)

    @activity.defn(name="record_failed_signal")
    async def record_failed_signal(self, failure: SignalFailure) -> None:
        signal = failure.signal
        async with self.db.transaction() as session:
            await failed_signals.record(
                session,
                signal.retry_of or signal.event_id,
                signal.customer_id,
                signal.model_dump(mode="json", by_alias=False, exclude={"retry_of"}),
                failure.reason,
            )

    @activity.defn(name="store_intelligence")
    async def store_intelligence(self, context: CustomerContext, result: AnalysisResult) -> int:
        """Idempotent by event id: a retry returns the row the first attempt wrote."""
        customer, analysis, provenance = context.customer, result.analysis, result.provenance
        signal = context.signal
        event_id = signal.event_id if signal else f"manual-{activity.info().workflow_id}"
        async with self.db.transaction() as session:
            if signal is not None and signal.retry_of:  # a manager's retry went through
                await failed_signals.resolve(session, signal.retry_of)
            await intelligence_store.upsert_customer(
                session,
                id=customer.id,
                name=customer.name,
                salesforce_id=customer.salesforce_id,
                arr=customer.arr,
                renewal_date=customer.renewal_date,
                account_plan=customer.account_plan,
                owner_email=customer.owner_email,
            )
            return await intelligence_store.save_intelligence(
                session,
                {
                    "customer_id": customer.id,
                    "event_id": event_id,
                    "risk_score": analysis.risk_score,
                    "health_score": analysis.health_score,
                    "sentiment": analysis.sentiment,
                    "summary": analysis.summary,
                    "trends": analysis.trends.model_dump(mode="json"),
                    "insights": list(analysis.insights),
                    "recommendations": list(analysis.recommendations),
                    "source": provenance.label,
                    "from_model": provenance.source == "model",
                    "cost_usd": provenance.cost_usd,
                    "source_note": provenance.note,
                    "input_tokens": provenance.input_tokens,
                    "output_tokens": provenance.output_tokens,
                    "context": context.model_dump(mode="json"),
                    "signal": signal.model_dump(mode="json") if signal else {},
                },
            )
