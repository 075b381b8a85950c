"""What the journey pages draw, built from a validated definition: one box per
step with its plain-language lines and outgoing edges (so the template stays
logic-free), the trigger, goal and exit, and readable conditions and times."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.journey_definitions import (
    END,
    BranchStep,
    Condition,
    ExitStep,
    GoalStep,
    Group,
    HandoffStep,
    JourneyDefinition,
    Rule,
    SendStep,
    Trigger,
    UpdateLeadStep,
    WaitStep,
)

UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week"}
OPERATORS = {"equals": "=", "contains": "contains", "greater_than": ">", "less_than": "<"}
KIND_LABELS = {
    "send": "Send",
    "wait": "Wait",
    "branch": "Branch",
    "handoff": "Handoff",
    "update_lead": "Update lead",
    "goal": "Goal check",
    "exit": "Exit",
}
PREVIEW = 140


@dataclass
class Edge:
    label: str  # the condition, "otherwise", "then"
    target: str  # a step id or "end"
    number: int | None  # the target's box number (None for the end)
    name: str


@dataclass
class Node:
    number: int
    id: str
    name: str
    kind: str
    label: str
    lines: list[str] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    flows_down: bool = True  # an arrow to the next box (it continues there)
    channel: str | None = None


@dataclass
class Diagram:
    trigger: list[str]
    nodes: list[Node]
    goal: str | None
    exit: str | None


def duration(text: str | None) -> str:
    """ "2d" -> "2 days", "30m" -> "30 minutes"."""
    if not text:
        return ""
    amount, unit = text.strip()[:-1].strip(), text.strip()[-1]
    word = UNITS.get(unit, unit)
    return f"{amount} {word}{'' if amount in ('1', '1.0') else 's'}"


def _value(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else str(value)


def condition_text(c: Condition) -> str:
    since = f" since {c.since_step}" if c.since_step else ""
    name = c.field.replace("_", " ")
    if c.type == "behavior":
        if c.operator == "exists":
            return f"has {c.field}{since}"
        if c.operator in ("greater_than", "less_than"):
            more = "more" if c.operator == "greater_than" else "fewer"
            return f"{c.field} {more} than {c.value} times{since}"
        return f"{c.field} {OPERATORS[c.operator]} {_value(c.value)}{since}"
    if c.operator == "exists":
        return f"{name} is set"
    return f"{name} {OPERATORS[c.operator]} {_value(c.value)}"


def rule_text(rule: Rule, nested: bool = False) -> str:
    if isinstance(rule, Condition):
        return condition_text(rule)
    if isinstance(rule, Group):
        parts, joiner = (rule.all, " AND ") if rule.all is not None else (rule.any or [], " OR ")
        text = joiner.join(rule_text(r, nested=True) for r in parts)
        return f"({text})" if nested and len(parts) > 1 else text
    text = ""
    for i, c in enumerate(rule):  # the seed's flat form: each condition says how it joins the next
        text += condition_text(c)
        if i + 1 < len(rule):
            text += f" {c.combine_with or 'AND'} "
    return f"({text})" if nested and len(rule) > 1 else text


def trigger_lines(t: Trigger) -> list[str]:
    first = {
        "new_lead": "A new lead arrives (POST /webhooks/lead)",
        "event": f"The lead does: {t.event}",
        "condition": "A lead starts matching the condition",
        "schedule": f"On the schedule {t.schedule} (club time), for each lead that qualifies",
        "webhook": "An external webhook enrolls the lead",
    }[t.type]
    return [first, *([f"Only if: {rule_text(t.when)}"] if t.when is not None else [])]


def _step_lines(step: Any) -> tuple[list[str], str | None]:
    match step:
        case SendStep():
            channel = "the lead's preferred channel" if step.channel == "auto" else step.channel
            lines = [f"Via {channel}"]
            if step.subject:
                lines.append(f"Subject: {step.subject}")
            body = " ".join(step.body.split())
            lines.append(body if len(body) <= PREVIEW else body[: PREVIEW - 1] + "…")
            return lines, step.channel
        case WaitStep() if step.until_event:
            lines = [f"Until: {' / '.join(step.until_event)}", f"Timeout: {duration(step.timeout)}"]
            return lines + ([f"Counting from step {step.since_step}"] if step.since_step else []), None
        case WaitStep() if step.until_day is not None:
            return [f"Until day {step.until_day:g} of the journey"], None
        case WaitStep():
            return [f"For {duration(step.duration)}"], None
        case HandoffStep():
            return [f"To: {step.to.replace('_', ' ')}", f"Why: {step.reason}"], None
        case UpdateLeadStep():
            lines = [f"Set {key} = {_value(value)}" for key, value in step.set.items()]
            return lines + ([f"Score {step.score_delta:+d}"] if step.score_delta else []), None
        case GoalStep():
            return [f"Met when: {rule_text(step.when)}", "Met: the lead leaves the journey"], None
        case ExitStep():
            return [step.reason], None
    return [], None


def diagram(defn: JourneyDefinition) -> Diagram:
    numbers = {s.id: i + 1 for i, s in enumerate(defn.steps)}

    def edge(label: str, target: str) -> Edge:
        if target == END:
            return Edge(label, END, None, "End")
        step = defn.steps[numbers[target] - 1]
        return Edge(label, target, numbers[target], step.name or target)

    nodes = []
    for i, step in enumerate(defn.steps):
        lines, channel = _step_lines(step)
        node = Node(i + 1, step.id, step.name or step.id, step.type, KIND_LABELS[step.type], lines, channel=channel)
        following = defn.steps[i + 1].id if i + 1 < len(defn.steps) else END
        if isinstance(step, BranchStep):
            node.edges = [edge(f"If {rule_text(c.when)}", c.next) for c in step.cases]
            node.edges.append(edge("Otherwise", step.default))
            node.flows_down = False
        elif isinstance(step, ExitStep):
            node.flows_down = False
        elif step.next and step.next != following:
            node.edges = [edge("Then", step.next)]
            node.flows_down = False
        nodes.append(node)
    return Diagram(
        trigger=trigger_lines(defn.trigger),
        nodes=nodes,
        goal=rule_text(defn.goal) if defn.goal is not None else None,
        exit=rule_text(defn.exit) if defn.exit is not None else None,
    )
