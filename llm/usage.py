"""Metrics of every LLM call, by the agent that made it: calls, tokens in and out, dollars."""

from __future__ import annotations

from core import metrics


def record_call(agent: str, input_tokens: int, output_tokens: int, cost_usd: float) -> None:
    metrics.LLM_CALLS.inc(agent=agent, outcome="ok")
    metrics.LLM_TOKENS.inc(input_tokens, agent=agent, direction="input")
    metrics.LLM_TOKENS.inc(output_tokens, agent=agent, direction="output")
    metrics.LLM_COST.observe(cost_usd, agent=agent)


def record_failure(agent: str) -> None:
    metrics.LLM_CALLS.inc(agent=agent, outcome="error")
