"""Activities that run an agent: its start, its planning steps, its thread and
projection, and resolving who a side-effecting tool call would touch."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from temporalio import activity

from agent import offline_planner
from agent.llm_planner import LLMPlanner
from agent.targets import TargetResolver
from agent.toolsets import agent_of_run, refusal
from clients.errors import activity_errors
from contracts.campaigns import (
    PREVIEW_TARGETS,
    AgentConfig,
    AgentSettings,
    DailyUsage,
    PlanRequest,
    PlanStep,
    Resolution,
    ResolveRequest,
    RunStart,
    RunUpdate,
)
from core.settings import Settings
from db import agent_runs_store, agent_usage, control
from db.engine import Database
from db.models import Agent


class AgentRunActivities:
    def __init__(self, db: Database, settings: Settings, resolver: TargetResolver, planner: LLMPlanner | None) -> None:
        self.db, self.settings, self.resolver, self.planner = db, settings, resolver, planner

    @property
    def planner_label(self) -> str:
        return self.planner.label if self.planner else offline_planner.NO_KEY

    @activity.defn(name="load_run_start")
    async def load_run_start(self, agent_id: str) -> RunStart:
        async with self.db.session() as session:
            agent = await session.get(Agent, agent_id)
            if agent is None:
                raise ValueError(f"unknown agent {agent_id!r}")
            kill = await control.kill_switch(session)
            left = await control.budget_left(session)
        config = AgentConfig(
            id=agent.id,
            name=agent.name,
            goal=agent.goal,
            settings=AgentSettings(
                dry_run=agent.dry_run,
                max_iterations=agent.max_iterations,
                approval_required=agent.approval_required,
                approval_ttl_s=self.settings.club.approval_ttl_s,
            ),
        )
        return RunStart(config=config, planner=self.planner_label, kill_switch=kill["on"], budget_left_usd=left)

    @activity.defn(name="plan_next_step")
    async def plan_next_step(self, req: PlanRequest) -> PlanStep:
        async with self.db.session() as session:
            left = await control.budget_left(session)
        if left is not None and left <= 0:
            return PlanStep(
                stop="budget",
                thinking="Today's LLM budget is spent; pausing this run.",
                planner=self.planner_label,
            )
        if req.offline_reason or self.planner is None:
            label = offline_planner.FALLBACK if req.offline_reason else offline_planner.NO_KEY
            return offline_planner.plan(req.config, req.transcript, req.iteration, label)
        async with activity_errors():
            return await self.planner.plan(
                req.config, req.transcript, self.settings.club.name, datetime.now(UTC).date()
            )

    @activity.defn(name="publish_run")
    async def publish_run(self, update: RunUpdate) -> None:
        p = update.projection
        duration = (p.finished_at - p.started_at).total_seconds() if p.finished_at else None
        c = p.counters
        async with self.db.transaction() as session:
            await agent_runs_store.upsert_run(
                session,
                {
                    "id": p.id,
                    "agent_id": p.agent_id,
                    "trigger": p.trigger,
                    "status": p.status,
                    "planner": p.planner,
                    "dry_run": p.dry_run,
                    "iterations": c.iterations,
                    "tool_calls": c.tool_calls,
                    "tools_used": c.tools_used,
                    "input_tokens": c.input_tokens,
                    "output_tokens": c.output_tokens,
                    "cost_usd": c.cost_usd,
                    "summary": p.summary,
                    "started_at": p.started_at,
                    "finished_at": p.finished_at,
                    "duration_s": duration,
                    "seq": p.seq,
                },
            )
            await agent_runs_store.add_events(
                session,
                p.id,
                [
                    {
                        "seq": e.seq,
                        "kind": e.kind,
                        "title": e.title[:300],
                        "body": e.body,
                        "data": e.data,
                        "created_at": e.at,
                    }
                    for e in update.events
                ],
            )

    async def _usage(self, run_id: str, target_ids: list[str]) -> DailyUsage:
        """Today (the club's day) across runs: what this run's agent did and what agents sent these targets."""
        s = self.settings
        since = datetime.now(ZoneInfo(s.club.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
        async with self.db.session() as session:
            doors, recipients = await agent_usage.agent_counts(session, agent_of_run(run_id) or "", since)
            members = await agent_usage.member_messages(session, target_ids, since)
        return DailyUsage(
            door_changes=doors,
            recipients=recipients,
            member_messages=members,
            model_text_limit=s.agents.model_text_limit,
            door_changes_per_day=s.agents.door_changes_per_day,
            recipients_per_day=s.agents.recipients_per_day,
            messages_per_member_per_day=s.agents.messages_per_member_per_day,
        )

    @activity.defn(name="resolve_targets")
    async def resolve_targets(self, req: ResolveRequest) -> Resolution:
        async with self.db.session() as session:
            kill = (await control.kill_switch(session))["on"]
        if refused := refusal(req.run_id, req.call.name):  # no targets: the workflow does nothing
            return Resolution(title=f"{req.call.name} refused", targets=[], summary=refused, kill_switch=kill)
        async with activity_errors():
            resolution = await self.resolver.resolve(req.call)
        resolution.usage = await self._usage(req.run_id, resolution.ids)
        if not req.by_reference:
            return resolution.model_copy(update={"kill_switch": kill})
        ref = f"{req.run_id}:{req.call.id}:targets"
        async with self.db.transaction() as session:
            await agent_runs_store.save_targets(
                session, ref, req.run_id, [t.model_dump(mode="json") for t in resolution.targets]
            )
        return resolution.model_copy(
            update={
                "kill_switch": kill,
                "targets": resolution.targets[:PREVIEW_TARGETS],
                "targets_ref": ref,
                "target_ids": [t.id for t in resolution.targets],
            }
        )
