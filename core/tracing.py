"""Optional OpenTelemetry tracing. With RENUBU_OTLP_ENDPOINT set (an OTLP/HTTP collector, e.g.
http://otel-collector:4318), the API's requests and the Temporal client and worker make spans, and the SDK's
TracingInterceptor carries the trace through workflow and activity headers: one risk signal is one trace
from the webhook to the assigned renewal. Unset, nothing is imported or created."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter


def tracer_provider(settings: Settings, service: str, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """A provider of this process's own (not the global one: tests run several side by side); `exporter`
    replaces the OTLP one (tests), and is flushed on every span rather than in batches."""
    if exporter is None and not settings.observability.otlp_endpoint:
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.observability.otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def temporal_interceptors(provider: TracerProvider | None) -> list[Any]:
    """For Client.connect: the client's starts and signals, and (workers take a client's worker
    interceptors too) every workflow and activity the worker runs."""
    if provider is None:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor(provider.get_tracer("renubu"))]
