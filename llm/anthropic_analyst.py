"""The analyser backed by Claude, through the anthropic SDK.

Structured output comes from forced tool use (llm.tools). The SDK's own retries are
off (`max_retries=0`): Temporal's retry policy owns retrying, so every failure is raised
once, typed as a clients.errors class (llm.errors).

No sampling parameters are sent: the API version this SDK speaks (anthropic-version
2026-10-21) rejects `temperature`/`top_p`/`top_k` with a 400, whatever the value.
Consistency of scores comes from the forced tool schema and the scoring guidance in
the prompt instead.
"""

from __future__ import annotations

import anthropic
import httpx2
from anthropic.types import Message, ToolUseBlock

from contracts.analysis import (
    AnalysisResult,
    CallAgenda,
    CustomerAnalysis,
    DraftResult,
    OutreachEmail,
    Provenance,
    RenewalPlan,
)
from contracts.intelligence import CustomerContext
from llm import usage as usage_metrics
from llm.errors import SERVICE, MalformedOutputError, map_anthropic_error
from llm.messages import user_message
from llm.pricing import cost_usd
from llm.prompt_files import load_prompt
from llm.tools import (
    ANALYSIS_TOOL,
    CALL_AGENDA_TOOL,
    OUTREACH_TOOL,
    RENEWAL_PLAN_TOOL,
    OutputT,
    ToolSpec,
)

AGENT = "renewal_analyst"  # the metrics label of its calls


class AnthropicAnalyst:
    def __init__(
        self,
        api_key: str,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_tokens: int = 2048,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self._model = model
        self._max_tokens = max_tokens
        self._owns_http_client = http_client is None
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=0,
            http_client=http_client,
        )

    async def aclose(self) -> None:
        # The SDK closes whatever http client it holds; one passed in belongs to the caller.
        if self._owns_http_client:
            await self._client.close()

    async def analyze(self, ctx: CustomerContext) -> AnalysisResult:
        analysis, provenance = await self._run(ANALYSIS_TOOL, user_message(ctx))
        return AnalysisResult(analysis=analysis, provenance=provenance)

    async def draft_outreach(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, purpose: str, variant: int = 1
    ) -> DraftResult[OutreachEmail]:
        texts = {"purpose": purpose}
        if variant > 1:
            texts["variant"] = f"Alternative draft {variant}: use another opening, angle and proposed next step."
        content = user_message(ctx, analysis, **texts)
        draft, provenance = await self._run(OUTREACH_TOOL, content)
        return DraftResult[OutreachEmail](draft=draft, provenance=provenance)

    async def call_agenda(self, ctx: CustomerContext, analysis: CustomerAnalysis) -> DraftResult[CallAgenda]:
        draft, provenance = await self._run(CALL_AGENDA_TOOL, user_message(ctx, analysis))
        return DraftResult[CallAgenda](draft=draft, provenance=provenance)

    async def renewal_plan(
        self, ctx: CustomerContext, analysis: CustomerAnalysis, stage: str
    ) -> DraftResult[RenewalPlan]:
        content = user_message(ctx, analysis, stage=stage)
        draft, provenance = await self._run(RENEWAL_PLAN_TOOL, content)
        return DraftResult[RenewalPlan](draft=draft, provenance=provenance)

    async def _run(self, tool: ToolSpec[OutputT], content: str) -> tuple[OutputT, Provenance]:
        """One forced tool call; returns the validated tool input and what it cost."""
        try:
            message = await self._client.messages.create(
                model=self._model,
                max_tokens=self._max_tokens,
                system=load_prompt(tool.prompt),
                messages=[{"role": "user", "content": content}],
                tools=[tool.param()],
                tool_choice={"type": "tool", "name": tool.name},
            )
        except anthropic.APIError as exc:
            usage_metrics.record_failure(AGENT)
            raise map_anthropic_error(exc) from exc
        usage, model = message.usage, message.model or self._model
        cost = cost_usd(model, usage.input_tokens, usage.output_tokens)
        usage_metrics.record_call(AGENT, usage.input_tokens, usage.output_tokens, cost)  # spent, parsed or not
        output = tool.parse(_tool_input(message, tool.name))
        provenance = Provenance(
            source="model",
            model=model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=cost,
        )
        return output, provenance


def _tool_input(message: Message, tool_name: str) -> object:
    for block in message.content:
        if isinstance(block, ToolUseBlock):
            if block.name != tool_name:
                called = f"model called {block.name!r}, expected {tool_name!r}"
                raise MalformedOutputError(SERVICE, 200, called)
            return block.input
    truncated = " (output hit max_tokens)" if message.stop_reason == "max_tokens" else ""
    raise MalformedOutputError(SERVICE, 200, f"no {tool_name} tool call in the reply{truncated}")
