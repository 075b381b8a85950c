"""Journey definitions (seed 003), declarative and validated, and the conditions they test.

A journey has an entry trigger, steps (send, wait, branch, handoff, update_lead,
goal, exit), a goal that ends it when met, and exit criteria. Steps run in order
unless a step names `next` (or a branch picks one); "end" finishes the journey.
Durations are strings: "30s", "15m", "2h", "2d", "1w" (journeys.schema parses them).

A condition tests one fact about a lead (rules.conditions evaluates it):
  property   - a field of the lead (region, source, stage, any custom property)
  behavior   - what the lead did: a count of events of a type (opened, clicked,
               replied, visited, booked), optionally only since a journey step
  time       - days since created / since last engagement, local hour, weekday
  engagement - the lead score and engagement counters
with an operator: equals, contains, greater_than, less_than, exists.
Conditions combine with AND/OR: either a group {"all": [...]} / {"any": [...]}
(nestable) or the seed's flat list where each condition says how it joins the
next (`combine_with`, evaluated left to right).

A definition travels in the journey workflow's input: these models are part of its contract.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

END = "end"

Operator = Literal["equals", "contains", "greater_than", "less_than", "exists"]
Kind = Literal["property", "behavior", "time", "engagement"]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Kind
    field: str = Field(min_length=1, max_length=60)
    operator: Operator
    value: Any = None
    since_step: str | None = None  # behavior: only events after this journey step was done
    combine_with: Literal["AND", "OR"] | None = None

    @model_validator(mode="after")
    def _value_needed(self) -> Condition:
        if self.operator != "exists" and self.value is None:
            raise ValueError(f"operator {self.operator!r} needs a value")
        return self


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    all: list[Rule] | None = None
    any: list[Rule] | None = None

    @model_validator(mode="after")
    def _one(self) -> Group:
        if (self.all is None) == (self.any is None):
            raise ValueError("a group has exactly one of 'all' or 'any'")
        return self


Rule = Condition | Group | list[Condition]
Group.model_rebuild()


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# About 3,000 years: anything longer already failed (timedelta or datetime overflow, a 500 or a stuck workflow), so
# refusing it here changes no definition that ever worked, and a replayed workflow validates its input as before.
MAX_DURATION_S = 10**11


def _representable(text: str) -> str:
    number, unit = text.strip()[:-1], text.strip()[-1]
    if float(number) * DURATION_UNITS[unit] > MAX_DURATION_S:
        raise ValueError(f"{text!r} is too long (at most {MAX_DURATION_S // 604800:,}w)")
    return text


Duration = Annotated[str, Field(pattern=r"^\d+(\.\d+)?\s*[smhdw]$"), AfterValidator(_representable)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Trigger(_Strict):
    type: Literal["new_lead", "event", "condition", "schedule", "webhook"]
    event: str | None = None  # for type event: the event that starts the journey
    when: Rule | None = None  # for every type: who qualifies
    schedule: str | None = None  # for type schedule: a five-field cron (club time zone)

    @model_validator(mode="after")
    def _fields(self) -> Trigger:
        if self.type == "event" and not self.event:
            raise ValueError("an event trigger names its event")
        if self.type == "schedule" and not self.schedule:
            raise ValueError("a schedule trigger needs a cron schedule")
        if self.type == "condition" and self.when is None:
            raise ValueError("a condition trigger needs `when`")
        return self


class _Step(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")
    name: str = ""
    next: str | None = None


class SendStep(_Step):
    type: Literal["send"]
    channel: Literal["email", "sms", "chat", "auto"]  # auto: the lead's preferred channel
    subject: str | None = Field(None, max_length=150)
    body: str = Field(min_length=1, max_length=3000)


class WaitStep(_Step):
    type: Literal["wait"]
    duration: Duration | None = None
    until_day: float | None = Field(None, gt=0)  # wait until day N since the lead entered the journey
    until_event: list[str] | None = None  # wait for one of these events ...
    timeout: Duration | None = None  # ... at most this long
    since_step: str | None = None  # events after this step count (default: the journey start)

    @model_validator(mode="after")
    def _shape(self) -> WaitStep:
        if self.until_event:
            if not self.timeout:
                raise ValueError("waiting for an event needs a timeout")
        elif not self.duration and self.until_day is None:
            raise ValueError("a wait needs a duration, until_day, or until_event with a timeout")
        return self


class BranchCase(_Strict):
    when: Rule
    next: str


class BranchStep(_Step):
    type: Literal["branch"]
    cases: list[BranchCase] = Field(min_length=1)
    default: str


class HandoffStep(_Step):
    type: Literal["handoff"]
    to: Literal["human", "sms_agent", "email_agent", "chat_agent"]
    reason: str = Field(min_length=3, max_length=300)


class UpdateLeadStep(_Step):
    type: Literal["update_lead"]
    set: dict[str, Any] = Field(default_factory=dict)
    score_delta: int = 0

    @field_validator("set")
    @classmethod
    def _fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        protected = {"id", "email", "phone", "created_at"} & set(value)
        if protected:
            raise ValueError(f"cannot set {sorted(protected)} from a journey")
        return value


class GoalStep(_Step):
    type: Literal["goal"]
    when: Rule


class ExitStep(_Step):
    type: Literal["exit"]
    reason: str = "journey finished"


Step = Annotated[
    SendStep | WaitStep | BranchStep | HandoffStep | UpdateLeadStep | GoalStep | ExitStep, Field(discriminator="type")
]


class JourneyDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    trigger: Trigger
    goal: Rule | None = None  # met at any time: the lead leaves the journey
    exit: Rule | None = None  # met at any time: the lead leaves, not converted
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> JourneyDefinition:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids must be unique")
        known = {*ids, END}
        for s in self.steps:
            targets = [s.next] if s.next else []
            if isinstance(s, BranchStep):
                targets += [c.next for c in s.cases] + [s.default]
            if isinstance(s, WaitStep) and s.since_step and s.since_step not in ids:
                raise ValueError(f"step {s.id}: since_step {s.since_step!r} is not a step")
            bad = [t for t in targets if t not in known]
            if bad:
                raise ValueError(f"step {s.id}: unknown next step {bad[0]!r}")
        return self

    def index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)
