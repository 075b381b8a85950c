"""Campaigns: the inputs, state and activity payloads of an agent's run, and of a change to an agent's
schedule (itself an approval)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.campaign_tools import Target, ToolOutput

RunStatus = Literal["running", "waiting_approval", "succeeded", "failed", "killed", "budget_paused", "skipped"]


class AgentSettings(BaseModel):
    dry_run: bool = False
    max_iterations: int = Field(10, ge=1, le=50)
    approval_required: bool = False
    approval_ttl_s: int = Field(24 * 3600, ge=1, description="how long an approval request waits before expiring")


class AgentConfig(BaseModel):
    id: str
    name: str
    goal: str
    settings: AgentSettings


class ToolCall(BaseModel):
    id: str
    name: str
    input: dict[str, Any] = Field(default_factory=dict)


class ToolResultTurn(BaseModel):
    call_id: str
    name: str
    ok: bool
    summary: str
    columns: list[str] = Field(default_factory=list)
    preview: list[list[Any]] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)  # small structured facts (segments, drafted text)


class Turn(BaseModel):
    """The run's conversation in a planner-neutral form."""

    role: Literal["assistant", "tool"]
    text: str = ""
    calls: list[ToolCall] = Field(default_factory=list)
    results: list[ToolResultTurn] = Field(default_factory=list)


class Counters(BaseModel):
    iterations: int = 0
    tool_calls: int = 0
    tools_used: list[str] = Field(default_factory=list)
    locked: int = 0  # door locks done or approved in this run (policy counts across calls)
    messaged: int = 0  # recipients messaged or approved in this run
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class RunCarry(BaseModel):
    """Everything a run needs to continue as new without losing its thread."""

    config: AgentConfig
    planner: str
    transcript: list[Turn]
    seq: int
    counters: Counters
    started_at: datetime


class AgentRunInput(BaseModel):
    agent_id: str
    trigger: Literal["schedule", "manual"] = "schedule"
    settings: AgentSettings | None = None  # Run Now overrides (e.g. a dry run)
    carry: RunCarry | None = None


class RunStart(BaseModel):
    """What the run reads once at the start: its configuration and the controls."""

    config: AgentConfig
    planner: str
    kill_switch: bool
    budget_left_usd: float | None  # None: no daily budget set


class PlanRequest(BaseModel):
    run_id: str
    config: AgentConfig
    transcript: list[Turn]
    iteration: int
    offline_reason: str | None = None


class PlanStep(BaseModel):
    stop: Literal["budget"] | None = None  # the daily budget is spent: pause the run
    thinking: str
    calls: list[ToolCall] = Field(default_factory=list)
    final: str | None = None
    planner: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class ThreadEvent(BaseModel):
    seq: int
    kind: Literal[
        "notification",
        "thinking",
        "tool_call",
        "tool_result",
        "approval_request",
        "approval_decision",
        "would_do",
        "error",
        "summary",
    ]
    title: str
    body: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class RunProjection(BaseModel):
    id: str
    agent_id: str
    trigger: str
    status: str
    planner: str
    dry_run: bool
    counters: Counters
    summary: str
    started_at: datetime
    finished_at: datetime | None
    seq: int


class RunUpdate(BaseModel):
    projection: RunProjection
    events: list[ThreadEvent] = Field(default_factory=list)


class ResolveRequest(BaseModel):
    run_id: str
    call: ToolCall
    # True: the targets are stored in the database (claim-check) and the result carries their ids, a preview and
    # the reference, so a campaign to thousands never puts a large payload into the workflow's history.
    by_reference: bool = False


PREVIEW_TARGETS = 200  # targets carried inline by a by-reference resolution (the dry run shows them)


class DailyUsage(BaseModel):
    """The club's day so far across runs (from the outbox), read with a call's targets, and the configured
    limits the policy (rules.policy) holds it to."""

    door_changes: int = 0  # locks and unlocks by this agent today
    recipients: int = 0  # messages sent by this agent today
    member_messages: dict[str, int] = Field(default_factory=dict)  # agents' messages today to this call's targets
    model_text_limit: int = 10
    door_changes_per_day: int = 10
    recipients_per_day: int = 100
    messages_per_member_per_day: int = 2


class Resolution(BaseModel):
    title: str  # the approval question: "Lock door access for 34 members?"
    targets: list[Target]  # all of them; by reference: the first PREVIEW_TARGETS
    summary: str  # "34 members, $8,012.40 past due"
    kill_switch: bool
    editable: dict[str, str] | None = None
    targets_ref: str | None = None  # by reference: where all the targets are stored
    target_ids: list[str] = Field(default_factory=list)  # by reference: every target's id, in order
    usage: DailyUsage | None = None  # None: resolved before the daily limits existed

    @property
    def ids(self) -> list[str]:
        return self.target_ids if self.targets_ref else [t.id for t in self.targets]

    @property
    def count(self) -> int:
        return len(self.target_ids) if self.targets_ref else len(self.targets)


class SideEffectRequest(BaseModel):
    run_id: str
    call: ToolCall
    targets: list[Target]  # empty when by reference
    edits: dict[str, str] | None = None
    targets_ref: str | None = None  # by reference: the stored targets, of which `target_ids` are to be touched
    target_ids: list[str] = Field(default_factory=list)


class ToolExecution(BaseModel):
    """A side-effecting tool's result, plus how many it touched (policy counters)."""

    output: ToolOutput
    done: int


class ScheduleChangeInput(BaseModel):
    agent_id: str
    agent_name: str
    current: dict[str, Any]
    proposed: dict[str, Any]
    requested_by: str
    ttl_s: int = 24 * 3600


class ScheduleChange(BaseModel):
    """An approved schedule, for the activity that applies it."""

    agent_id: str
    schedule: dict[str, Any]
    approved_by: str
