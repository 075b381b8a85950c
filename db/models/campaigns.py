from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Agent(Base):
    """An autonomous workflow's configuration; its timing lives in a Temporal Schedule."""

    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. past_due_monitor
    name: Mapped[str] = mapped_column(String(120))
    goal: Mapped[str] = mapped_column(Text)
    schedule: Mapped[dict[str, Any]]  # {"cron": "0 6 * * *"} or {"every_minutes": 60}
    dry_run: Mapped[bool] = mapped_column(default=False)
    max_iterations: Mapped[int] = mapped_column(default=10)
    approval_required: Mapped[bool] = mapped_column(default=False)  # the policy's own limits always apply
    paused: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AgentRun(Base):
    """Projection of one agent run (an AgentRunWorkflow), for the dashboards."""

    __tablename__ = "agent_runs"
    __table_args__ = (Index("ix_agent_runs_agent_started", "agent_id", "started_at"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the workflow id
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    trigger: Mapped[str] = mapped_column(String(20))  # schedule / manual
    status: Mapped[str] = mapped_column(String(30), index=True)
    planner: Mapped[str] = mapped_column(String(120))  # which model, or the offline planner
    dry_run: Mapped[bool]
    iterations: Mapped[int] = mapped_column(default=0)
    tool_calls: Mapped[int] = mapped_column(default=0)
    tools_used: Mapped[list[Any]]
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    summary: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    duration_s: Mapped[float | None]
    seq: Mapped[int] = mapped_column(default=0)


class RunEvent(Base):
    """One message of a run's conversation thread (reasoning, tool call, result, approval...)."""

    __tablename__ = "run_events"
    __table_args__ = (UniqueConstraint("run_id", "seq", name="uq_run_event_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(200), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ToolResult(Base):
    """Full rows of a tool result; the thread and the model see a summary and a preview."""

    __tablename__ = "tool_results"

    id: Mapped[str] = mapped_column(String(250), primary_key=True)  # run id + call id
    run_id: Mapped[str] = mapped_column(String(200), index=True)
    tool: Mapped[str] = mapped_column(String(60))
    columns: Mapped[list[Any]]
    rows: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
