"""The agent planner backed by Claude: tool use over the catalog.

The model proposes tool calls; it decides nothing on its own authority, since
every call still goes through validation and the policy in the workflow.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import anthropic
import httpx2
from anthropic.types import TextBlock, ToolUseBlock

from agent.toolsets import tools_for
from contracts.campaigns import AgentConfig, PlanStep, ToolCall, Turn
from core.settings import Settings
from llm import usage as usage_metrics
from llm.errors import map_anthropic_error
from llm.pricing import cost_usd
from llm.prompt_files import load_prompt


def messages_for(config: AgentConfig, transcript: list[Turn], club: str, today: date) -> list[dict[str, Any]]:
    opening = (
        f"Club: {club}. Today: {today.isoformat()}.\nWorkflow: {config.name}.\nGoal: {config.goal}\n"
        f"You have at most {config.settings.max_iterations} steps."
    )
    messages: list[dict[str, Any]] = [{"role": "user", "content": opening}]
    for turn in transcript:
        if turn.role == "assistant":
            content: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
            content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.input} for c in turn.calls]
            messages.append({"role": "assistant", "content": content})
        else:
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": r.call_id,
                            "is_error": not r.ok,
                            "content": json.dumps(
                                {
                                    "summary": r.summary,
                                    "columns": r.columns,
                                    "rows": r.preview,
                                    "facts": r.data,
                                },
                                default=str,
                            )[:20_000],
                        }
                        for r in turn.results
                    ],
                }
            )
    return messages


class LLMPlanner:
    def __init__(
        self,
        api_key: str,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_tokens: int = 4096,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.model, self.max_tokens = model, max_tokens
        self.label = f"Claude ({model})"
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0, http_client=http_client
        )

    async def plan(self, config: AgentConfig, transcript: list[Turn], club: str, today: date) -> PlanStep:
        try:
            message = await self._client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=load_prompt("agent_system"),
                messages=messages_for(config, transcript, club, today),  # type: ignore[arg-type]
                tools=[t.anthropic_tool() for t in tools_for(config.id)],  # type: ignore[misc]
            )
        except anthropic.APIError as exc:
            usage_metrics.record_failure(config.id)
            raise map_anthropic_error(exc) from exc
        text = "\n".join(b.text for b in message.content if isinstance(b, TextBlock)).strip()
        calls = [
            ToolCall(id=b.id, name=b.name, input=dict(b.input) if isinstance(b.input, dict) else {})
            for b in message.content
            if isinstance(b, ToolUseBlock)
        ]
        usage, model = message.usage, message.model or self.model
        cost = cost_usd(model, usage.input_tokens, usage.output_tokens)
        usage_metrics.record_call(config.id, usage.input_tokens, usage.output_tokens, cost)
        return PlanStep(
            thinking=text,
            calls=calls,
            final=None if calls else text,
            planner=f"Claude ({model})",
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=cost,
        )

    async def aclose(self) -> None:
        await self._client.close()


def make_planner(settings: Settings) -> LLMPlanner | None:
    """Claude when a key is configured; None means the offline planner."""
    if not settings.llm.enabled or settings.llm.anthropic_api_key is None:
        return None
    return LLMPlanner(
        settings.llm.anthropic_api_key.get_secret_value(),
        settings.llm.model,
        base_url=settings.llm.anthropic_base_url,
        timeout=settings.llm.timeout_s,
    )
