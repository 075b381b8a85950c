"""The inbox assistant backed by Claude: classification and replies by forced tool
use, with the club's facts, the member's data and the recent conversation."""

from __future__ import annotations

import json
from typing import Any, get_args

import anthropic
import httpx2
from anthropic.types import ToolUseBlock
from pydantic import ValidationError

from contracts.inbox import Category, Classification, Draft, Intent, Topic, TriageContext
from core.settings import Settings
from inbox import knowledge
from llm import usage as usage_metrics
from llm.errors import SERVICE, MalformedOutputError, map_anthropic_error
from llm.pricing import cost_usd
from llm.prompt_files import load_prompt
from rules.risk import FLAGS
from rules.triage import risk_rank, whole_message

TOPICS = list(get_args(Topic))
CLASSIFY_TOOL = {
    "name": "record_classification",
    "description": "Record every intent of the message, its riskiest category, your confidence (0-1) and the "
    "escalation flags that apply.",
    "input_schema": {
        "type": "object",
        "additionalProperties": False,
        "required": ["category", "confidence", "intents", "flags"],
        "properties": {
            "category": {"type": "string", "enum": list(get_args(Category))},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "sub_intent": {"type": "string", "maxLength": 60},
            "intents": {
                "type": "array",
                "maxItems": 8,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["category"],
                    "properties": {
                        "category": {"type": "string", "enum": list(get_args(Category))},
                        "topic": {"type": "string", "enum": TOPICS},
                    },
                },
            },
            "flags": {"type": "array", "items": {"type": "string", "enum": list(FLAGS)}},
        },
    },
}
REPLY_TOOL = {
    "name": "record_reply",
    "description": "Record the text message to send to the member, the topics it answers, and whether staff "
    "must take over.",
    "input_schema": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body", "answers"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 1600},
            "answers": {"type": "array", "items": {"type": "string", "enum": TOPICS}},
            "hand_off": {"type": "string", "maxLength": 200},
            "follow_up": {"type": "boolean"},
        },
    },
}


def _context(ctx: TriageContext) -> str:
    history = [{"from": "member" if h.direction == "incoming" else "club", "text": h.body} for h in ctx.history[-8:]]
    member = ctx.member.model_dump(mode="json") if ctx.member else {"name": ctx.member_name}
    # Delimited and JSON-encoded: the member's text cannot pose as instructions or close the tags.
    payload = json.dumps({"member": member, "conversation": history, "new_message": ctx.body}).replace("<", "\\u003c")
    return f"<club_facts>\n{knowledge.as_prompt()}\n</club_facts>\n<member_data>{payload}</member_data>"


class ClaudeInbox:
    def __init__(
        self,
        api_key: str,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.model = model
        self.label = f"Claude ({model})"
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0, http_client=http_client
        )

    async def _tool(self, prompt: str, tool: dict[str, Any], content: str) -> dict[str, Any]:
        try:
            message = await self._client.messages.create(  # type: ignore[call-overload]
                model=self.model,
                max_tokens=1024,
                system=load_prompt(prompt),
                messages=[{"role": "user", "content": content}],
                tools=[tool],
                tool_choice={"type": "tool", "name": str(tool["name"])},
            )
        except anthropic.APIError as exc:
            usage_metrics.record_failure("inbox_triage")
            raise map_anthropic_error(exc) from exc
        usage = message.usage
        cost = cost_usd(message.model or self.model, usage.input_tokens, usage.output_tokens)
        usage_metrics.record_call("inbox_triage", usage.input_tokens, usage.output_tokens, cost)
        for block in message.content:
            if isinstance(block, ToolUseBlock) and block.name == tool["name"] and isinstance(block.input, dict):
                return dict(block.input)
        raise MalformedOutputError(SERVICE, 200, f"no {tool['name']} call in the reply")

    async def classify(self, ctx: TriageContext) -> Classification:
        """The model's reading, held to the same rule as the offline one: the riskiest intent is the category
        and each extra intent costs confidence. The risk screen is applied on top (inbox.screen)."""
        data = await self._tool("inbox_classify", CLASSIFY_TOOL, _context(ctx))
        try:
            intents = [Intent(category=i["category"], topic=i.get("topic"), confidence=data["confidence"])
                       for i in data.get("intents") or []]  # fmt: skip
            if not any(i.category == data["category"] for i in intents):
                intents.append(Intent(category=data["category"], topic=data.get("sub_intent"),
                                      confidence=data["confidence"]))  # fmt: skip
            intents.sort(key=lambda i: risk_rank(i.category))
            category, confidence = whole_message([(i.category, i.confidence) for i in intents])
            return Classification(
                category=category,
                confidence=confidence,
                sub_intent=data.get("sub_intent"),
                source=self.label,
                intents=intents,
                flags=[f for f in data.get("flags") or [] if f in FLAGS],
            )
        except (ValidationError, KeyError, TypeError) as exc:
            raise MalformedOutputError(SERVICE, 200, f"invalid classification: {exc}") from exc

    async def write_reply(self, ctx: TriageContext, cls: Classification) -> Draft:
        asked = ", ".join(cls.asked()) or cls.category
        data = await self._tool("inbox_reply", REPLY_TOOL, f"{_context(ctx)}\nIntent: {cls.category}\nAsked: {asked}")
        try:
            return Draft(
                body=str(data.get("body", "")).strip(),
                source=self.label,
                answers=[str(a) for a in data.get("answers") or []],
                hand_off=(str(data.get("hand_off") or "").strip() or None),
                follow_up=bool(data.get("follow_up")),
            )
        except ValidationError as exc:
            raise MalformedOutputError(SERVICE, 200, f"invalid reply: {exc}") from exc

    async def aclose(self) -> None:
        await self._client.close()


def make_inbox_model(settings: Settings) -> ClaudeInbox | None:
    """Claude when a key is configured; None means the offline assistant."""
    if not settings.llm.enabled or settings.llm.anthropic_api_key is None:
        return None
    return ClaudeInbox(
        settings.llm.anthropic_api_key.get_secret_value(), settings.llm.model, base_url=settings.llm.anthropic_base_url
    )
