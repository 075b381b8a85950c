"""The Renubu worker: hosts every workflow and activity on the task queue.

Run it with `python worker.py`; start as many as you like (docker-compose scales
them). Ctrl-C / SIGTERM drains in-flight activities before exiting.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.actors import ActorActivities
from activities.agent_action_tools import AgentActionTools
from activities.agent_control import AgentControlActivities
from activities.agent_member_tools import MemberReadTools
from activities.agent_read_tools import AgentReadTools
from activities.agent_runs import AgentRunActivities
from activities.approvals import ApprovalActivities
from activities.assignment import AssignmentActivities
from activities.downstream import DownstreamWaits
from activities.inbox import InboxActivities
from activities.intelligence import IntelligenceActivities
from activities.journey_sweep import JourneySweepActivities
from activities.journeys import JourneyActivities
from activities.renewal_side_effects import RenewalSideEffectActivities
from activities.renewals import RenewalActivities
from agent.llm_planner import LLMPlanner, make_planner
from agent.targets import TargetResolver
from bootstrap import refuse_unsafe_deployment
from clients.active import ActiveClient
from clients.clubos import ClubOSClient
from clients.notify import Smtp
from clients.salesforce import SalesforceClient
from core import memstudy
from core.logs import setup_logging
from core.settings import Settings, get_settings
from core.telemetry import WorkflowStarts, worker_runtime
from core.temporal import connect
from core.tracing import tracer_provider
from db.engine import Database
from inbox.claude import make_inbox_model
from llm.base import Analyst
from llm.factory import make_analyst
from workflows.agent_run import AgentRunWorkflow
from workflows.inbox_sync import InboxSyncWorkflow
from workflows.intelligence import CustomerIntelligenceWorkflow
from workflows.journey import JourneyWorkflow
from workflows.journey_sweep import JourneySweepWorkflow
from workflows.renewal import RenewalWorkflow
from workflows.schedule_change import ScheduleChangeWorkflow
from workflows.staff_reply import StaffReplyWorkflow
from workflows.triage import MessageTriageWorkflow

WORKFLOWS: Sequence[type] = (
    CustomerIntelligenceWorkflow,
    RenewalWorkflow,
    AgentRunWorkflow,
    ScheduleChangeWorkflow,
    InboxSyncWorkflow,
    MessageTriageWorkflow,
    StaffReplyWorkflow,
    JourneyWorkflow,
    JourneySweepWorkflow,
)
log = logging.getLogger("renubu.worker")
# One copy of the retry policies for every workflow run (constants only; tests shorten the outage cap there).
PASSTHROUGH = SandboxRestrictions.default.with_passthrough_modules("workflows.retry_policies")
RUNNER = SandboxedWorkflowRunner(restrictions=PASSTHROUGH)


def activities_of(*holders: object) -> list[Any]:
    """The bound @activity.defn methods of these objects."""
    found = []
    for holder in holders:
        for name in dir(type(holder)):
            if hasattr(getattr(type(holder), name), "__temporal_activity_definition"):
                found.append(getattr(holder, name))
    return found


@asynccontextmanager
async def activity_set(
    settings: Settings,
    client: Client,
    *,
    db: Database | None = None,
    analyst: Analyst | None = None,
    planner: LLMPlanner | None = None,
) -> AsyncIterator[list[Any]]:
    """Every activity, wired to its dependencies; closes them on exit."""
    async with AsyncExitStack() as stack:
        if db is None:
            db = Database(settings.resolved_database_url)
            stack.push_async_callback(db.dispose)
        salesforce = await stack.enter_async_context(SalesforceClient.from_settings(settings))
        active = await stack.enter_async_context(ActiveClient.from_settings(settings))
        clubos = await stack.enter_async_context(ClubOSClient.from_settings(settings))
        analyst = analyst or make_analyst(settings)
        planner = planner or make_planner(settings)
        inbox_model = make_inbox_model(settings)
        if inbox_model is not None:
            stack.push_async_callback(inbox_model.aclose)
        if planner is not None:
            stack.push_async_callback(planner.aclose)
        yield activities_of(
            IntelligenceActivities(db, salesforce, active, analyst),
            RenewalActivities(db, client, settings.temporal.task_queue, approval_ttl_s=settings.club.approval_ttl_s),
            AssignmentActivities(db),
            RenewalSideEffectActivities(db, salesforce, analyst, Smtp.from_settings(settings)),
            AgentRunActivities(db, settings, TargetResolver(clubos, db, settings), planner),
            AgentReadTools(clubos, db),
            MemberReadTools(clubos, db),
            AgentActionTools(clubos, db, settings),
            ApprovalActivities(db, settings),
            AgentControlActivities(db, client, settings),
            InboxActivities(db, clubos, client, settings, inbox_model),
            JourneyActivities(db, clubos, settings),
            JourneySweepActivities(db, client, settings),
            ActorActivities(db),
        )


def build_worker(client: Client, settings: Settings, activities: Sequence[Any], db: Database | None = None) -> Worker:
    """With `db`, activities waiting for a system that is down are recorded there for the pages to show."""
    return Worker(
        client,
        task_queue=settings.temporal.task_queue,
        workflows=list(WORKFLOWS),
        activities=list(activities),
        interceptors=[WorkflowStarts(), *([DownstreamWaits(db, settings)] if db is not None else [])],
        workflow_runner=RUNNER,
        max_concurrent_activities=200,
        max_cached_workflows=settings.temporal.max_cached_workflows,
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def main() -> None:
    memstudy.install()
    settings = get_settings()
    setup_logging("worker")
    await refuse_unsafe_deployment(settings)
    tracing = tracer_provider(settings, "renubu-worker")
    client = await connect(settings, worker_runtime(settings), tracing)
    db = Database(settings.resolved_database_url)
    async with activity_set(settings, client, db=db) as activities:
        worker = build_worker(client, settings, activities, db)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker polling task queue %r at %s", settings.temporal.task_queue, settings.temporal.address)
        async with worker:
            await stop.wait()
            log.info("shutting down: draining in-flight activities")
    await db.dispose()
    if tracing is not None:
        tracing.shutdown()  # sends the spans still batched
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
