"""What the campaigns JSON API answers (/api/agents, /api/runs, /api/tools): the response models that document
it in the OpenAPI schema. The field names are the API contract scripts rely on; times are ISO 8601 text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class RunOut(BaseModel):
    """One agent run (times are ISO 8601 text)."""

    id: str
    agent_id: str
    status: str
    trigger: str = Field(description="schedule / manual")
    planner: str = Field(description="which model, or the offline planner")
    dry_run: bool
    started_at: str
    finished_at: str | None
    duration_s: float | None
    iterations: int
    tool_calls: int
    tools_used: list[Any]
    cost_usd: float
    input_tokens: int
    output_tokens: int
    summary: str


class RunEventOut(BaseModel):
    seq: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    at: str


class RunDetailOut(RunOut):
    events: list[RunEventOut] = Field(description="the run's thread, after `after`")


class AgentSettingsOut(BaseModel):
    dry_run: bool
    max_iterations: int
    approval_required: bool


class AgentStatsOut(BaseModel):
    total_runs: int
    success_rate: float | None
    avg_duration_s: float | None


class AgentOut(BaseModel):
    """An agent as its card shows it: schedule, state, settings, and how its runs went."""

    id: str
    name: str
    goal: str
    status: str = Field(description="the current run's status, or paused / scheduled")
    schedule: dict[str, Any] = Field(description='{"cron": "0 6 * * *"} or {"every_minutes": 60}')
    schedule_text: str
    paused: bool
    next_run: str | None
    settings: AgentSettingsOut
    stats: AgentStatsOut | None = Field(description="none before the first run")
    last_run: RunOut | None


class RunStartedOut(BaseModel):
    run_id: str


class AgentPausedOut(BaseModel):
    id: str
    paused: bool


class SettingsChangedOut(BaseModel):
    """The agent and the settings that changed (only those; the route leaves the others out)."""

    id: str
    dry_run: bool | None = None
    max_iterations: int | None = None
    approval_required: bool | None = None


class ScheduleRequestedOut(BaseModel):
    status: str = Field(description="approval requested: a manager decides in the approvals queue")
    workflow_id: str


class ToolOut(BaseModel):
    name: str
    category: str
    description: str
    risk: str
    input_schema: dict[str, Any] = Field(description="the tool's input as JSON Schema")
