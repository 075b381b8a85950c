"""Operational controls: the kill switch, the daily LLM budget (and today's spend), the inbox's AI mode, and
the inbox assistant's last stored evaluation."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import live
from db.models import AgentRun, ControlSetting
from db.upsert import dialect_insert

KILL_SWITCH = "kill_switch"
DAILY_BUDGET = "daily_budget"
INBOX_MODE = "inbox_mode"
INBOX_MODES = ("off", "suggest", "auto")


async def _get(session: AsyncSession, key: str) -> dict[str, Any]:
    row = await session.get(ControlSetting, key)
    return dict(row.value) if row else {}


async def _set(session: AsyncSession, key: str, value: dict[str, Any], by: str) -> None:
    stmt = dialect_insert(session, ControlSetting).values(key=key, value=value, updated_by=by)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["key"], set_={"value": stmt.excluded.value, "updated_by": by, "updated_at": func.now()}
        )
    )
    live.publish(session, "control", key, {**value, "by": by})


async def kill_switch(session: AsyncSession) -> dict[str, Any]:
    """{"on": bool, "by": ..., "at": ..., "reason": ...}"""
    value = await _get(session, KILL_SWITCH)
    return {"on": bool(value.get("on")), "by": value.get("by"), **value}


async def set_kill_switch(session: AsyncSession, on: bool, by: str, reason: str = "") -> None:
    await _set(session, KILL_SWITCH, {"on": on, "by": by, "reason": reason, "at": datetime.now(UTC).isoformat()}, by)


async def daily_budget(session: AsyncSession) -> float | None:
    value = await _get(session, DAILY_BUDGET)
    amount = value.get("usd")
    return float(amount) if amount is not None else None


async def set_daily_budget(session: AsyncSession, usd: float | None, by: str) -> None:
    await _set(session, DAILY_BUDGET, {"usd": usd}, by)


async def spent_today(session: AsyncSession) -> float:
    midnight = datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)
    total = await session.scalar(select(func.sum(AgentRun.cost_usd)).where(AgentRun.started_at >= midnight))
    return float(total or 0.0)


async def budget_left(session: AsyncSession) -> float | None:
    budget = await daily_budget(session)
    return None if budget is None else budget - await spent_today(session)


DEFAULT_INBOX_MODE = "suggest"  # a new club: the AI drafts, staff send, until a manager turns auto-pilot on


async def inbox_mode(session: AsyncSession) -> str:
    """off / suggest (the default) / auto (auto-pilot)."""
    mode = (await _get(session, INBOX_MODE)).get("mode", DEFAULT_INBOX_MODE)
    return mode if mode in INBOX_MODES else DEFAULT_INBOX_MODE


async def set_inbox_mode(session: AsyncSession, mode: str, by: str) -> None:
    if mode not in INBOX_MODES:
        raise ValueError(f"mode must be one of {INBOX_MODES}")
    await _set(session, INBOX_MODE, {"mode": mode}, by)


INBOX_EVALUATION = "inbox_eval:"  # + "offline" / "claude": the last stored run of bench.triage_eval


async def inbox_evaluation(session: AsyncSession, assistant: str) -> dict[str, Any] | None:
    """{split: report} of the last stored evaluation run of this assistant, if any."""
    return (await _get(session, INBOX_EVALUATION + assistant)) or None


async def set_inbox_evaluation(session: AsyncSession, assistant: str, reports: dict[str, Any], by: str) -> None:
    await _set(session, INBOX_EVALUATION + assistant, reports, by)
