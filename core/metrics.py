"""Renubu's own metrics, defined once for both processes.

The API exports them with prometheus-client (api/metrics_server.py). The worker already serves the Temporal
SDK's Prometheus endpoint, so there they are recorded through the SDK runtime's metric meter instead
(`use_temporal_meter`): one port per worker, SDK and Renubu series side by side. Both backends name series
the same way (`_total` on counters, `_bucket/_sum/_count` on histograms), so one dashboard reads either.

Code that runs in both processes (clients, messaging, llm) just calls `SENDS.inc(channel="sms")`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import prometheus_client as prom
from temporalio.common import MetricCounter, MetricHistogramFloat, MetricMeter

# No `_created` twin per series: the SDK side has none either.
prom.disable_created_metrics()  # type: ignore[no-untyped-call]
_lock = threading.Lock()
_meter: MetricMeter | None = None  # set in the worker: record through the Temporal SDK's runtime
DEFINED: list[Metric] = []


class Metric:
    kind = ""

    def __init__(self, name: str, doc: str, labels: Sequence[str]) -> None:
        self.name, self.doc, self.labels = name, doc, tuple(labels)
        DEFINED.append(self)

    def _check(self, labels: dict[str, Any]) -> dict[str, str]:
        if set(labels) != set(self.labels):
            raise ValueError(f"{self.name} takes labels {self.labels}, got {tuple(labels)}")
        return {k: str(v) for k, v in labels.items()}

    @property
    def series(self) -> list[str]:
        """The names Prometheus sees."""
        raise NotImplementedError


class Counter(Metric):
    kind = "counter"

    def __init__(self, name: str, doc: str, labels: Sequence[str]) -> None:
        super().__init__(name, doc, labels)
        self._prom = prom.Counter(name, doc, self.labels)
        self._sdk: MetricCounter | None = None

    def inc(self, amount: int = 1, **labels: Any) -> None:
        values = self._check(labels)
        if _meter is None:
            self._prom.labels(**values).inc(amount)
            return
        if self._sdk is None:
            self._sdk = _meter.create_counter(self.name, self.doc)
        self._sdk.add(int(amount), values)

    @property
    def series(self) -> list[str]:
        return [f"{self.name}_total"]


class Histogram(Metric):
    kind = "histogram"

    def __init__(self, name: str, doc: str, labels: Sequence[str], buckets: Sequence[float]) -> None:
        super().__init__(name, doc, labels)
        self.buckets = list(buckets)
        self._prom = prom.Histogram(name, doc, self.labels, buckets=self.buckets)
        self._sdk: MetricHistogramFloat | None = None

    def observe(self, value: float, **labels: Any) -> None:
        values = self._check(labels)
        if _meter is None:
            self._prom.labels(**values).observe(value)
            return
        if self._sdk is None:
            self._sdk = _meter.create_histogram_float(self.name, self.doc)
        self._sdk.record(float(value), values)

    @property
    def series(self) -> list[str]:
        return [f"{self.name}_{part}" for part in ("bucket", "sum", "count")]


class Gauge(Metric):
    """Set as a whole from a query (API only): label sets missing from the latest `replace` drop to 0."""

    kind = "gauge"

    def __init__(self, name: str, doc: str, labels: Sequence[str]) -> None:
        super().__init__(name, doc, labels)
        # Under several API processes (multiprocess mode) the one serving /metrics sets them: its value counts.
        self._prom = prom.Gauge(name, doc, self.labels, multiprocess_mode="mostrecent")
        self._seen: set[tuple[str, ...]] = set()

    def replace(self, values: dict[tuple[str, ...], float]) -> None:
        with _lock:
            for key in self._seen - set(values):
                self._prom.labels(*key).set(0)
            for key, value in values.items():
                self._prom.labels(*key).set(value)
            self._seen |= set(values)

    @property
    def series(self) -> list[str]:
        return [self.name]


def use_temporal_meter(meter: MetricMeter | None) -> None:
    """Record counters and histograms through the SDK runtime's meter (the worker); None: prometheus-client."""
    global _meter
    with _lock:
        _meter = meter
        for metric in DEFINED:
            if hasattr(metric, "_sdk"):
                metric._sdk = None


def sdk_bucket_overrides() -> dict[str, list[float]]:
    """Our histograms' buckets for the SDK's PrometheusConfig (its defaults suit milliseconds)."""
    return {m.name: m.buckets for m in DEFINED if isinstance(m, Histogram)}


def series_names() -> set[str]:
    return {name for metric in DEFINED for name in metric.series}


# What they count. Labels stay low-cardinality: sources, channels, systems, statuses, agents; never ids.
WEBHOOKS_RECEIVED = Counter("renubu_webhooks_received", "Inbound webhooks received", ["source"])
WEBHOOKS_REJECTED = Counter(
    "renubu_webhooks_rejected", "Inbound webhooks rejected (bad signature, invalid body)", ["source", "status"]
)
WEBHOOKS_DUPLICATED = Counter("renubu_webhooks_duplicated", "Inbound webhooks already seen", ["source"])
WEBHOOK_SECONDS = Histogram(
    "renubu_webhook_duration_seconds",
    "Time the API takes to answer an inbound webhook (request received to response started)",
    ["source"],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
)
WORKFLOWS_STARTED = Counter(
    "renubu_workflows_started", "Workflow runs started (first run or continue-as-new)", ["workflow_type"]
)
SENDS = Counter("renubu_sends", "Messages to members and leads, by outcome", ["channel", "outcome"])
DOWNSTREAM_ERRORS = Counter(
    "renubu_downstream_errors", "Failed outside calls ('none': no response)", ["system", "status"]
)
JOURNEY_DEFERRED = Counter("renubu_journey_sends_deferred", "Journey sends put off, by reason", ["reason"])
LLM_CALLS = Counter("renubu_llm_calls", "Calls to the LLM", ["agent", "outcome"])
LLM_TOKENS = Counter("renubu_llm_tokens", "LLM tokens", ["agent", "direction"])
LLM_COST = Histogram(
    "renubu_llm_cost_usd", "Dollars per LLM call (the sum is the spend)", ["agent"], [0.001, 0.01, 0.05, 0.2, 1.0]
)
APPROVALS_PENDING = Gauge("renubu_approvals_pending", "Approvals waiting for a manager", ["kind"])
APPROVALS_OLDEST_AGE = Gauge("renubu_approvals_oldest_age_seconds", "Age of the oldest pending approval", ["kind"])
OUTBOX = Gauge("renubu_outbox_entries", "Outbox entries by state and channel", ["state", "channel"])
