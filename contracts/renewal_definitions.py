"""The unified workflow schema (seed 001, "Unified Workflow Schema"): backend
execution metadata and the UI's chat/artifact configuration in one definition.

Text fields may hold `{{customer.name}}`-style variables; they are rendered at
display time by `definitions.render`, never inside workflow code.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

StepType = Literal["data_analysis", "planning", "action", "review"]
ArtifactType = Literal["report", "email", "contract", "plan", "checklist"]

# Button actions the workflow understands. Activity-backed ones produce artifacts.
UI_ACTIONS = frozenset({"showArtifact", "nextStep", "completeStep"})
ACTIVITY_ACTIONS = frozenset({"scheduleCall", "draftOutreach", "draftPlan", "createTask", "sendOutreach"})
ACTIONS = UI_ACTIONS | ACTIVITY_ACTIONS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Button(_Strict):
    label: str
    value: str
    action: str | None = None

    @model_validator(mode="after")
    def _known_action(self) -> Button:
        if self.action is not None and self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; known: {sorted(ACTIONS)}")
        return self


class InitialMessage(_Strict):
    text: str
    buttons: list[Button] = Field(default_factory=list)


class Branch(_Strict):
    response: str
    actions: list[str] = Field(default_factory=list)
    artifact_id: str | None = Field(default=None, alias="artifactId")
    buttons: list[Button] = Field(default_factory=list)
    next_branches: dict[str, str] = Field(default_factory=dict, alias="nextBranches")

    @model_validator(mode="after")
    def _known_actions(self) -> Branch:
        unknown = [a for a in self.actions if a not in ACTIONS]
        if unknown:
            raise ValueError(f"unknown actions {unknown}; known: {sorted(ACTIONS)}")
        return self


class Chat(_Strict):
    initial_message: InitialMessage = Field(alias="initialMessage")
    branches: dict[str, Branch] = Field(default_factory=dict)


class Artifact(_Strict):
    id: str
    title: str
    type: ArtifactType
    visible: bool = False
    data: dict[str, Any] = Field(default_factory=dict)


class Step(_Strict):
    id: str
    name: str
    type: StepType
    llm_prompt: str | None = Field(default=None, alias="llmPrompt")
    data_required: list[str] = Field(default_factory=list, alias="dataRequired")
    executor: str | None = None
    chat: Chat
    artifacts: list[Artifact] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)  # choices offered on "Complete Step"

    @model_validator(mode="after")
    def _references(self) -> Step:
        artifact_ids = {a.id for a in self.artifacts}
        values = {b.value for b in self.chat.initial_message.buttons}
        for branch in self.chat.branches.values():
            values |= {b.value for b in branch.buttons}
            if branch.artifact_id and branch.artifact_id not in artifact_ids:
                raise ValueError(f"step {self.id}: branch shows unknown artifact {branch.artifact_id!r}")
        missing = [v for v in self.chat.branches if v not in values]
        if missing:
            raise ValueError(f"step {self.id}: branches {missing} have no button leading to them")
        return self


class WorkflowDefinition(_Strict):
    id: str
    name: str
    type: Literal["renewal", "strategic", "opportunity", "risk"]
    stage: str | None = None
    version: str
    base_score: int = Field(alias="baseScore")
    urgency_score: int | None = Field(default=None, alias="urgencyScore")
    description: str = ""
    outcomes: list[str] = Field(min_length=1)  # choices offered on "Complete Workflow"
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_steps(self) -> WorkflowDefinition:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate step ids in {self.id}")
        return self

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)
