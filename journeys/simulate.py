"""A dry run: the path a sample lead would take through a journey, and why.

Pure: a virtual clock walks the steps; scripted events ("opened 3 hours in")
become visible when the clock passes them. Nothing is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contracts.journey_definitions import (
    END,
    BranchStep,
    ExitStep,
    GoalStep,
    HandoffStep,
    JourneyDefinition,
    SendStep,
    UpdateLeadStep,
    WaitStep,
)
from contracts.journeys import LeadSnapshot
from journeys.facts import facts_for
from journeys.schema import parse_duration
from rules.conditions import Event, evaluate, explain

MAX_STEPS = 100


@dataclass(frozen=True)
class SampleEvent:
    type: str
    after: timedelta  # since the lead entered the journey
    channel: str | None = None


@dataclass(frozen=True)
class PathLine:
    at: timedelta
    step_id: str
    kind: str
    action: str
    why: str = ""


def _ending(
    defn: JourneyDefinition, lead: LeadSnapshot, seen: list[Event], done: dict[str, datetime], now: datetime
) -> str | None:
    facts = facts_for(lead, seen, done, now)
    if defn.goal is not None and evaluate(defn.goal, facts):
        return f"goal met: {explain(defn.goal, facts)}"
    if defn.exit is not None and evaluate(defn.exit, facts):
        return f"exit criteria met: {explain(defn.exit, facts)}"
    return None


def simulate(
    defn: JourneyDefinition, lead: LeadSnapshot, events: list[SampleEvent], start: datetime
) -> tuple[list[PathLine], str]:
    path: list[PathLine] = []
    t, index = timedelta(0), 0
    done: dict[str, datetime] = {}
    timeline = sorted(events, key=lambda e: e.after)

    def seen() -> list[Event]:
        return [Event(e.type, start + e.after, {"channel": e.channel}) for e in timeline if e.after <= t]

    for _ in range(MAX_STEPS):
        ending = _ending(defn, lead, seen(), done, start + t)
        if ending:
            return path, ending
        step = defn.steps[index]
        chosen: str | None = None
        facts = facts_for(lead, seen(), done, start + t)
        match step:
            case SendStep():
                channel = lead.channel_preference if step.channel == "auto" else step.channel
                why = f"auto: the lead prefers {channel}" if step.channel == "auto" else ""
                path.append(PathLine(t, step.id, "send", f"send {channel}: {step.subject or step.body[:60]}", why))
            case WaitStep() if step.until_event:
                since = done.get(step.since_step) if step.since_step else None
                since_t = (since - start) if since else timedelta(0)
                limit = since_t + parse_duration(step.timeout or "0s")
                hit = next(
                    (e for e in timeline if e.type in step.until_event and since_t <= e.after <= max(limit, t)), None
                )
                if hit is not None:
                    t = max(t, hit.after)
                    path.append(PathLine(t, step.id, "wait", f"{hit.type} arrives", f"at +{hit.after}"))
                else:
                    t = max(t, limit)
                    path.append(
                        PathLine(
                            t, step.id, "wait", f"no {'/'.join(step.until_event)}", f"timed out after {step.timeout}"
                        )
                    )
            case WaitStep():
                t = (
                    max(t, timedelta(days=step.until_day))
                    if step.until_day is not None
                    else t + parse_duration(step.duration or "0s")
                )
                path.append(PathLine(t, step.id, "wait", f"wait until +{t}"))
            case BranchStep():
                case = next((c for c in step.cases if evaluate(c.when, facts)), None)
                chosen = case.next if case else step.default
                why = explain(case.when, facts) if case else "no case matched"
                path.append(PathLine(t, step.id, "branch", f"go to {chosen}", why))
            case HandoffStep():
                path.append(PathLine(t, step.id, "handoff", f"hand off to {step.to}", step.reason))
            case UpdateLeadStep():
                changes = {k: v for k, v in step.set.items() if k in LeadSnapshot.model_fields}
                lead = lead.model_copy(update={**changes, "score": min(100, lead.score + step.score_delta)})
                path.append(PathLine(t, step.id, "update", f"update lead {step.set} score {step.score_delta:+d}"))
            case GoalStep():
                if evaluate(step.when, facts):
                    path.append(PathLine(t, step.id, "goal", "goal met", explain(step.when, facts)))
                    return path, "goal met"
                path.append(PathLine(t, step.id, "goal", "not yet", explain(step.when, facts)))
            case ExitStep():
                path.append(PathLine(t, step.id, "exit", step.reason))
                return path, f"exited: {step.reason}"
        done[step.id] = start + t
        target = step.next or chosen
        if target == END or (target is None and index + 1 == len(defn.steps)):
            return path, "completed"
        index = defn.index(target) if target else index + 1
    return path, "stopped: too many steps (is there a loop?)"
