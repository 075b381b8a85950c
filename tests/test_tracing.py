"""Optional tracing: one risk signal is one trace, from the webhook request through the customer's workflow
and its activities to the renewal workflow it starts and the assignment."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client

from contracts import ids, names
from core.temporal import connect
from core.tracing import tracer_provider
from tests.stack import make_settings, running_stack, wait_for


async def test_a_risk_signal_is_one_trace_from_webhook_to_assigned_renewal(
    temporal_client: Client, tmp_path: Path
) -> None:
    spans = InMemorySpanExporter()
    target = temporal_client.service_client.config.target_host
    provider = tracer_provider(make_settings(), "renubu-test", exporter=spans)
    assert provider is not None
    traced = await connect(make_settings(temporal={"address": target}), tracer_provider=provider)
    try:
        async with running_stack(traced, tmp_path, tracing=provider) as stack:
            customer = stack.healthy_account(21)  # workflow ids are per customer on the shared server: our own
            stack.set_account(customer, renewal_in_days=3)
            assert (await stack.post_signal(customer, risk=80)).status_code == 202
            renewal = ids.renewal(customer, stack.account(customer).renewal_date)
            await stack.wait_projection(renewal, lambda row: bool(row.assigned_to))

            def named(prefix: str) -> list[str]:
                return [s.name for s in spans.get_finished_spans() if s.name.startswith(prefix)]

            async def assigned_in_a_span() -> bool:
                return "RunActivity:assign_renewal" in named("RunActivity:")

            await wait_for(assigned_in_a_span, 30, "the renewal's spans")
    finally:
        provider.shutdown()
    finished = spans.get_finished_spans()
    webhook = [s for s in finished if s.name == "POST /webhooks/active/customer-update" and s.parent is None]
    assert len(webhook) == 1, [s.name for s in finished]
    trace = {s.name for s in finished if s.context.trace_id == webhook[0].context.trace_id}
    assert {
        f"SignalWithStartWorkflow:{names.CUSTOMER_INTELLIGENCE}",  # the API's start, inside the request's span
        f"RunWorkflow:{names.CUSTOMER_INTELLIGENCE}",
        "RunActivity:fetch_customer_context",
        "RunActivity:analyze_customer",
        f"SignalWithStartWorkflow:{names.RENEWAL}",  # started by an activity, with the activity's span as parent
        f"RunWorkflow:{names.RENEWAL}",
        "RunActivity:assign_renewal",
    } <= trace, "\n".join(sorted(trace))


def test_no_endpoint_no_tracing_and_an_endpoint_exports_over_otlp_http() -> None:
    assert tracer_provider(make_settings(), "renubu-worker") is None
    provider = tracer_provider(
        make_settings(observability={"otlp_endpoint": "http://collector:4318/"}), "renubu-worker"
    )
    assert provider is not None
    try:
        processor = provider._active_span_processor._span_processors[0]
        assert isinstance(processor, BatchSpanProcessor)
        exporter = processor._batch_processor._exporter
        assert isinstance(exporter, OTLPSpanExporter)
        assert exporter._endpoint == "http://collector:4318/v1/traces"
        assert provider.resource.attributes["service.name"] == "renubu-worker"
    finally:
        provider.shutdown()
