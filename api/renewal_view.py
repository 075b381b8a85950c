"""What the renewal page shows: the workflow's state with its definition text
rendered against the customer context. Definition text is a template; LLM and
CSM text is literal and only ever escaped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from contracts.renewal_definitions import Button
from contracts.renewals import ArtifactState, ChatEntry, RenewalState
from db.models import CustomerIntelligence
from definitions.render import render_text, render_value
from rules.determination import days_until


def variables(state: RenewalState, intel: CustomerIntelligence | None, today: date) -> dict[str, Any]:
    """The `{{...}}` namespace of seed 001: customer, intelligence, data, workflow."""
    ctx: dict[str, Any] = dict(intel.context) if intel else {}
    customer = dict(ctx.get("customer") or {"id": state.customer_id, "name": state.customer_name})
    return {
        "customer": customer,
        "data": ctx.get("data") or {},
        "intelligence": {
            "riskScore": intel.risk_score if intel else state.risk_score,
            "healthScore": intel.health_score if intel else None,
            "sentiment": intel.sentiment if intel else None,
            "aiSummary": intel.summary if intel else state.summary,
            "insights": list(intel.insights) if intel else [],
            "recommendations": list(intel.recommendations) if intel else [],
            "source": intel.source if intel else state.analysis_source,
        },
        "workflow": {
            "stage": state.stage,
            "status": state.status,
            "daysUntilRenewal": days_until(state.renewal_date, today),
            "priorityScore": state.priority.score if state.priority else 0,
            "priorityFactors": state.priority.model_dump() if state.priority else {},
            "csm": state.csm_name or state.assigned_to,
        },
    }


@dataclass
class ChatLine:
    role: str
    html: Markup
    at: str
    source: str | None


@dataclass
class ArtifactView:
    id: str
    title: Markup
    type: str
    data: Any
    source: str | None


@dataclass
class RenewalView:
    state: RenewalState
    vars: dict[str, Any]
    chat: list[ChatLine] = field(default_factory=list)
    artifacts: list[ArtifactView] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    step_outcomes: list[str] = field(default_factory=list)
    workflow_outcomes: list[str] = field(default_factory=list)
    can_act: bool = False
    days_left: int = 0


def _chat_line(entry: ChatEntry, ctx: dict[str, Any]) -> ChatLine:
    html = render_text(entry.text, ctx) if entry.template else escape(entry.text)
    return ChatLine(entry.role, html, entry.at.strftime("%H:%M"), entry.source)


def _artifact(a: ArtifactState, ctx: dict[str, Any]) -> ArtifactView:
    if a.template:
        return ArtifactView(a.id, render_text(a.title, ctx), a.type, render_value(a.data, ctx), a.source)
    return ArtifactView(a.id, escape(a.title), a.type, a.data, a.source)


def build(state: RenewalState, intel: CustomerIntelligence | None, today: date, can_act: bool) -> RenewalView:
    ctx = variables(state, intel, today)
    view = RenewalView(state=state, vars=ctx, can_act=can_act, days_left=days_until(state.renewal_date, today))
    view.chat = [_chat_line(e, ctx) for e in state.chat]
    view.artifacts = [_artifact(a, ctx) for a in reversed(state.artifacts) if a.visible]
    view.buttons = state.offered_buttons if state.status == "in_progress" else []
    if state.definition:
        current = state.current_step
        view.step_outcomes = state.definition.step(current.step_id).outcomes if current else []
        view.workflow_outcomes = list(state.definition.outcomes)
    return view


def can_act(state: RenewalState, email: str, role: str) -> bool:
    return state.is_open and (role == "manager" or (role == "csm" and email.lower() == state.assigned_to.lower()))
