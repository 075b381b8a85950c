"""Which analyser runs: Claude when an API key is configured, the offline rules otherwise."""

from __future__ import annotations

import httpx2

from core.settings import Settings
from llm.anthropic_analyst import AnthropicAnalyst
from llm.base import Analyst
from llm.offline_analyst import OfflineAnalyst


def make_analyst(settings: Settings, http_client: httpx2.AsyncClient | None = None) -> Analyst:
    if settings.llm.enabled and settings.llm.anthropic_api_key is not None:
        return AnthropicAnalyst(
            settings.llm.anthropic_api_key.get_secret_value(),
            settings.llm.model,
            base_url=settings.llm.anthropic_base_url,
            timeout=settings.llm.timeout_s,
            max_tokens=settings.llm.max_tokens,
            http_client=http_client,
        )
    return OfflineAnalyst()


def offline_fallback(reason: str) -> OfflineAnalyst:
    """The analyser a workflow uses once the model's retries are spent; its output says so."""
    return OfflineAnalyst.fallback(reason)
