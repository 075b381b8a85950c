"""Structured output by tool use: each output type is one tool the model is forced to call.

The tool's input_schema is the pydantic model's JSON schema with $refs inlined, and the
tool_use input is validated by the same model, so the model meets the same constraints
the offline analyser does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from anthropic.types import ToolParam
from pydantic import BaseModel, ValidationError

from clients.http import validation_summary
from contracts.analysis import CallAgenda, CustomerAnalysis, OutreachEmail, RenewalPlan
from llm.errors import SERVICE, MalformedOutputError

OutputT = TypeVar("OutputT", bound=BaseModel)

_REF_PREFIX = "#/$defs/"


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """model.model_json_schema() with every {"$ref": "#/$defs/X"} replaced by X itself."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
                # Our schemas are not recursive, so this terminates.
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                return {**resolve(definitions[ref.removeprefix(_REF_PREFIX)]), **resolve(siblings)}
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


@dataclass(frozen=True)
class ToolSpec(Generic[OutputT]):
    name: str
    description: str
    output: type[OutputT]
    prompt: str  # llm/prompts/<prompt>.md, the system prompt for this task

    def param(self) -> ToolParam:
        schema = inline_schema(self.output)
        return {"name": self.name, "description": self.description, "input_schema": schema}

    def parse(self, data: object) -> OutputT:
        try:
            return self.output.model_validate(data)
        except ValidationError as exc:
            problems = validation_summary(exc)
            raise MalformedOutputError(SERVICE, 200, f"{self.name} input is invalid: {problems}") from exc


ANALYSIS_TOOL = ToolSpec(
    name="record_customer_analysis",
    description="Record the risk and health analysis of the customer.",
    output=CustomerAnalysis,
    prompt="analyze_customer_risk",
)
OUTREACH_TOOL = ToolSpec(
    name="record_outreach_email",
    description="Record the drafted outreach email.",
    output=OutreachEmail,
    prompt="draft_outreach_email",
)
CALL_AGENDA_TOOL = ToolSpec(
    name="record_call_agenda",
    description="Record the drafted call agenda.",
    output=CallAgenda,
    prompt="call_agenda",
)
RENEWAL_PLAN_TOOL = ToolSpec(
    name="record_renewal_plan",
    description="Record the drafted renewal plan.",
    output=RenewalPlan,
    prompt="renewal_plan",
)
