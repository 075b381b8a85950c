"""The worker's telemetry: the Temporal SDK's Prometheus endpoint (task latencies, slots, cache, sticky
hits, ...) with Renubu's own metrics on the same port, and a count of workflow runs started by type."""

from __future__ import annotations

import logging
from typing import Any

from temporalio import workflow
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from core import metrics
from core.settings import Settings

log = logging.getLogger("renubu.worker")


def worker_runtime(settings: Settings) -> Runtime | None:
    """A runtime serving Prometheus on RENUBU_WORKER_METRICS_HOST/PORT, and Renubu's metrics recorded through
    it. None (the default runtime, no endpoint) when the port is 0 or taken: metrics never stop a worker."""
    if not settings.observability.worker_metrics_port:
        return None
    address = f"{settings.observability.worker_metrics_host}:{settings.observability.worker_metrics_port}"
    config = PrometheusConfig(
        bind_address=address,
        counters_total_suffix=True,  # as prometheus-client names counters, so one dashboard fits both
        durations_as_seconds=True,
        histogram_bucket_overrides=metrics.sdk_bucket_overrides(),
    )
    try:
        runtime = Runtime(telemetry=TelemetryConfig(metrics=config))
    except Exception as exc:  # the SDK reports a taken port as a plain RuntimeError
        log.warning("metrics endpoint not started on %s: %s", address, exc)
        return None
    metrics.use_temporal_meter(runtime.metric_meter)
    log.info("metrics on http://%s/metrics", address)
    return runtime


class WorkflowStarts(Interceptor):
    """Counts runs as they start (not on replay: the workflow meter records nothing while replaying)."""

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        return _CountStart


class _CountStart(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        counter = workflow.metric_meter().create_counter(metrics.WORKFLOWS_STARTED.name, metrics.WORKFLOWS_STARTED.doc)
        counter.add(1, {"workflow_type": workflow.info().workflow_type})
        return await super().execute_workflow(input)
