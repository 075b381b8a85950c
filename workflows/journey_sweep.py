"""A scheduled journey trigger: enroll every lead that now matches the journey's
`trigger.when` (e.g. dormant for 30+ days) and is not on it yet."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.journey_sweep import JourneySweepActivities
    from contracts import names
    from workflows import retry_policies


@workflow.defn(name=names.JOURNEY_SWEEP)
class JourneySweepWorkflow:
    @workflow.run
    async def run(self, journey_id: str) -> int:
        return await workflow.execute_activity_method(
            JourneySweepActivities.sweep_journey,
            journey_id,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=retry_policies.EXTERNAL,
        )
