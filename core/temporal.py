"""Connecting to Temporal the same way everywhere (pydantic payloads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime

from core.settings import Settings
from core.tracing import temporal_interceptors

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


async def connect(
    settings: Settings, runtime: Runtime | None = None, tracer_provider: TracerProvider | None = None
) -> Client:
    """`runtime`: the worker's, with its metrics endpoint (core.telemetry); None: the SDK's default.
    `tracer_provider`: trace starts, signals, workflows and activities (core.tracing); None: no tracing."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        runtime=runtime,
        interceptors=temporal_interceptors(tracer_provider),
    )
