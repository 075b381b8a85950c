"""Agent runs, their threads and full tool results, and per-agent statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import Agent, AgentRun, RunEvent, ToolResult
from db.upsert import dialect_insert, insert_ignore

FINISHED = ("succeeded", "failed", "killed", "budget_paused", "skipped")
GOING = ("running", "waiting_approval")


async def upsert_run(session: AsyncSession, values: dict[str, Any]) -> None:
    stmt = dialect_insert(session, AgentRun).values(**values)
    update = {k: stmt.excluded[k] for k in values if k not in ("id", "started_at")}
    # >=: a publish may change the status without adding an event. A finished run stays finished: a publish of the
    # same seq still "running" (an approval handler's, or a retried activity's) can land after the final one.
    newer = AgentRun.seq <= stmt.excluded.seq
    not_reopened = or_(AgentRun.status.not_in(FINISHED), stmt.excluded.status.in_(FINISHED))
    stmt = stmt.on_conflict_do_update(index_elements=["id"], set_=update, where=and_(newer, not_reopened))
    await session.execute(stmt)
    live.publish(session, "run", values["id"], {"agent_id": values["agent_id"], "status": values["status"]})


async def add_events(session: AsyncSession, run_id: str, events: list[dict[str, Any]]) -> None:
    for event in events:
        if await insert_ignore(session, RunEvent, {"run_id": run_id, **event}, ["run_id", "seq"]):
            live.publish(session, "run_event", run_id, {"seq": event["seq"], "kind": event["kind"]})


async def save_tool_result(
    session: AsyncSession, result_id: str, run_id: str, tool: str, columns: list[str], rows: list[list[Any]]
) -> None:
    await insert_ignore(
        session, ToolResult, {"id": result_id, "run_id": run_id, "tool": tool, "columns": columns, "rows": rows}, ["id"]
    )


async def tool_result(session: AsyncSession, result_id: str) -> ToolResult | None:
    return await session.get(ToolResult, result_id)


async def save_targets(session: AsyncSession, ref: str, run_id: str, targets: list[dict[str, Any]]) -> None:
    """A side effect's resolved targets, by reference (the workflow carries `ref` and their ids). A retried
    resolution replaces them: the ids the workflow receives are always those of the stored targets."""
    values = {"id": ref, "run_id": run_id, "tool": "targets", "columns": [], "rows": list(targets)}
    stmt = dialect_insert(session, ToolResult).values(**values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"rows": stmt.excluded.rows}))


async def targets(session: AsyncSession, ref: str) -> list[dict[str, Any]]:
    row = await session.get(ToolResult, ref)
    if row is None:
        raise LookupError(f"no stored targets {ref!r}")
    return list(row.rows)


async def events(session: AsyncSession, run_id: str, after_seq: int = 0) -> list[RunEvent]:
    rows = await session.scalars(
        select(RunEvent).where(RunEvent.run_id == run_id, RunEvent.seq > after_seq).order_by(RunEvent.seq)
    )
    return list(rows)


async def runs(session: AsyncSession, agent_id: str | None = None, limit: int = 20) -> list[AgentRun]:
    q = select(AgentRun).order_by(AgentRun.started_at.desc()).limit(limit)
    if agent_id:
        q = q.where(AgentRun.agent_id == agent_id)
    return list(await session.scalars(q))


async def going_runs(session: AsyncSession) -> dict[str, AgentRun]:
    """Each agent's newest run, where that run is still going (running or waiting for approval).

    Only the newest counts: an older run left "waiting_approval" (its workflow timed out before
    it recorded an outcome) must not outrank the run that came after it.
    """
    newest = (
        select(AgentRun.agent_id, func.max(AgentRun.started_at).label("started_at"))
        .group_by(AgentRun.agent_id)
        .subquery()
    )
    q = select(AgentRun).join(
        newest,
        and_(AgentRun.agent_id == newest.c.agent_id, AgentRun.started_at == newest.c.started_at),
    )
    return {r.agent_id: r for r in await session.scalars(q) if r.status in GOING}


async def open_runs_started_before(session: AsyncSession, before: datetime, limit: int) -> list[AgentRun]:
    """Runs still shown as going (running, waiting for approval) that started before `before`."""
    q = (
        select(AgentRun)
        .where(AgentRun.status.in_(("running", "waiting_approval")), AgentRun.started_at < before)
        .order_by(AgentRun.started_at.desc())
        .limit(limit)
    )
    return list(await session.scalars(q))


async def get_run(session: AsyncSession, run_id: str) -> AgentRun | None:
    return await session.get(AgentRun, run_id)


@dataclass(frozen=True)
class AgentStats:
    total_runs: int
    success_rate: float | None
    avg_duration_s: float | None
    last: AgentRun | None


async def stats(session: AsyncSession) -> dict[str, AgentStats]:
    rows = (
        await session.execute(
            select(
                AgentRun.agent_id,
                func.count(),
                func.sum(case((AgentRun.status == "succeeded", 1), else_=0)),
                func.sum(case((AgentRun.status.in_(FINISHED), 1), else_=0)),
                func.avg(AgentRun.duration_s),
            ).group_by(AgentRun.agent_id)
        )
    ).all()
    out: dict[str, AgentStats] = {}
    for agent_id, total, ok, finished, avg in rows:
        last = await session.scalar(
            select(AgentRun).where(AgentRun.agent_id == agent_id).order_by(AgentRun.started_at.desc()).limit(1)
        )
        out[agent_id] = AgentStats(
            int(total), (int(ok) / int(finished)) if finished else None, float(avg) if avg is not None else None, last
        )
    return out


async def agents(session: AsyncSession) -> list[Agent]:
    return list(await session.scalars(select(Agent).order_by(Agent.name)))


async def counts_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(AgentRun.status, func.count()).group_by(AgentRun.status))
    return {status: int(n) for status, n in rows.all()}
