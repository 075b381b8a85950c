"""Both Prometheus endpoints after a short scenario: the API's (prometheus-client, its own port) and a worker
process's (the Temporal SDK's endpoint, with Renubu's metrics beside the SDK's)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client

from clients.errors import ServerError
from core import metrics
from core.telemetry import worker_runtime
from llm import anthropic_analyst as analyst_module
from tests.campaign_helpers import fresh_gym, outbox_rows, pending_approval, start_run
from tests.stack import LocalStack, _socket, make_settings, running_stack, settings_env, wait_for
from tests.test_grafana import dashboard_metrics
from tests.test_llm_anthropic import GOOD_ANALYSIS, _api_error, _fake, _tool_reply
from tests.test_llm_offline import sample_context

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _free_port() -> int:
    sock, port = _socket()
    sock.close()
    return port


async def scrape(port: int) -> Samples:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"http://127.0.0.1:{port}/metrics")
    response.raise_for_status()
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            labels = frozenset((k, v) for k, v in s.labels.items() if k != "service_name")
            samples[(s.name, labels)] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """Summed over the labels not given."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= ls)


@pytest.fixture
async def metered(temporal_client: Client, tmp_path: Path) -> AsyncIterator[tuple[LocalStack, int, int]]:
    api_port, worker_port = _free_port(), _free_port()
    async with running_stack(
        temporal_client, tmp_path, with_worker=False, observability={"api_metrics_port": api_port}
    ) as stack:
        env = {
            **os.environ,
            **settings_env(stack.settings),
            "RENUBU_WORKER_METRICS_PORT": str(worker_port),
            "ANTHROPIC_API_KEY": "",
            "RENUBU_LOG_LEVEL": "WARNING",
        }
        worker = await asyncio.create_subprocess_exec(sys.executable, "worker.py", env=env)
        try:
            yield stack, api_port, worker_port
        finally:
            worker.terminate()
            await worker.wait()


async def test_both_endpoints_count_the_scenario(metered: tuple[LocalStack, int, int]) -> None:
    stack, api_port, worker_port = metered
    before = await scrape(api_port)  # the API's registry is this process's: other tests count into it too

    # Webhooks: one accepted, its redelivery, one with a bad signature.
    customer = stack.healthy_account(20)  # workflow ids are per customer on the shared server: our own
    body, headers = stack.webhook(customer, risk=80)
    await stack.set_faults("salesforce", fail_next=1)  # enrichment fails once: a downstream error
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        assert (await http.post("/webhooks/active/customer-update", content=body, headers=headers)).status_code == 202
        assert (await http.post("/webhooks/active/customer-update", content=body, headers=headers)).status_code == 200
        bad = {**headers, "x-active-signature": "v1=" + "0" * 64}
        assert (await http.post("/webhooks/active/customer-update", content=body, headers=bad)).status_code == 401

    # A campaign that sends, and one that waits for a manager.
    await fresh_gym(stack)
    sends = await start_run(stack, "prospect_follow_up")
    waiting = await start_run(stack, "past_due_monitor")
    await pending_approval(stack, waiting.id)
    assert await sends.result() == "succeeded"
    sent = len([r for r in await outbox_rows(stack, sends.id) if r.state == "sent"])

    api = await scrape(api_port)
    assert (
        value(api, "renubu_webhooks_received_total", source="active")
        - value(before, "renubu_webhooks_received_total", source="active")
        == 3
    )
    for name, labels in [
        ("renubu_webhooks_duplicated_total", {"source": "active"}),
        ("renubu_webhooks_rejected_total", {"source": "active", "status": "401"}),
    ]:
        assert value(api, name, **labels) - value(before, name, **labels) == 1, name
    assert total(api, "renubu_approvals_pending") >= 1
    assert any(name == "renubu_approvals_oldest_age_seconds" for name, _ in api)
    assert value(api, "renubu_outbox_entries", state="sent", channel="sms") >= sent > 0

    # The SDK's own series share the endpoint: every one the Grafana dashboard reads (the enrichment that
    # failed once brings the activity-failure series).
    sdk_used = {name for name in dashboard_metrics() if name.startswith("temporal_")}
    assert sdk_used
    latest: Samples = {}

    async def worker_counted() -> bool:
        nonlocal latest
        latest = await scrape(worker_port)
        started = {dict(ls)["workflow_type"] for n, ls in latest if n == "renubu_workflows_started_total"}
        return (
            {"AgentRunWorkflow", "CustomerIntelligenceWorkflow"} <= started
            and total(latest, "renubu_downstream_errors_total", system="salesforce") >= 1
            and value(latest, "renubu_sends_total", channel="sms", outcome="sent") == sent
            and sdk_used <= {n for n, _ in latest}
        )

    try:
        await wait_for(worker_counted, 30, "the worker's counters")
    except AssertionError:
        missing = sdk_used - {n for n, _ in latest}
        ours = {(n, tuple(sorted(ls))): v for (n, ls), v in latest.items() if n.startswith("renubu_")}
        raise AssertionError(f"worker endpoint lacks {missing or 'a counter'}; {sent} sent; has {ours}") from None


async def test_llm_calls_tokens_and_dollars_by_agent() -> None:
    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    ok = {"agent": analyst_module.AGENT, "outcome": "ok"}
    calls, tokens_in, spent = (
        sample("renubu_llm_calls_total", **ok),
        sample("renubu_llm_tokens_total", agent=analyst_module.AGENT, direction="input"),
        sample("renubu_llm_cost_usd_sum", agent=analyst_module.AGENT),
    )
    await _fake(_tool_reply("record_customer_analysis", GOOD_ANALYSIS)).analyst().analyze(sample_context())
    assert sample("renubu_llm_calls_total", **ok) == calls + 1
    assert sample("renubu_llm_tokens_total", agent=analyst_module.AGENT, direction="input") == tokens_in + 1200
    assert sample("renubu_llm_cost_usd_sum", agent=analyst_module.AGENT) > spent

    failed = {"agent": analyst_module.AGENT, "outcome": "error"}
    errors, overloaded = (
        sample("renubu_llm_calls_total", **failed),
        sample("renubu_downstream_errors_total", system="anthropic", status="529"),
    )
    with pytest.raises(ServerError):
        await _fake(_api_error(529, "overloaded_error")).analyst().analyze(sample_context())
    assert sample("renubu_llm_calls_total", **failed) == errors + 1
    assert sample("renubu_downstream_errors_total", system="anthropic", status="529") == overloaded + 1


async def test_the_worker_backend_names_series_as_prometheus_client_does() -> None:
    """Renubu's metrics recorded through the SDK's meter come out under the names the dashboard uses."""
    port = _free_port()
    runtime = worker_runtime(make_settings(observability={"worker_metrics_port": port}))  # serves while referenced
    assert runtime is not None
    try:
        for metric in metrics.DEFINED:
            labels = dict.fromkeys(metric.labels, "x")
            if isinstance(metric, metrics.Counter):
                metric.inc(**labels)
            elif isinstance(metric, metrics.Histogram):
                metric.observe(0.02, **labels)
        names = {name for name, _ in await scrape(port)}
    finally:
        metrics.use_temporal_meter(None)
    sdk_side = {
        name
        for m in metrics.DEFINED
        if not isinstance(m, metrics.Gauge) and m is not metrics.WORKFLOWS_STARTED  # counted in workflows
        for name in m.series
    }
    assert sdk_side <= names, sdk_side - names


def test_api_processes_sharing_a_multiprocess_dir_are_served_together(tmp_path: Path) -> None:
    """As compose runs the API (uvicorn --workers 2): each process counts into the shared directory; the one
    holding the port serves the sum, and the database gauges as last set."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = (
        "from core import metrics; metrics.WEBHOOKS_RECEIVED.inc(source='clubos'); "
        "metrics.OUTBOX.replace({('queued', 'sms'): 4})"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True)
    serve = (
        "import prometheus_client as p; from api.metrics_server import _registry; "
        "print(p.generate_latest(_registry()).decode())"
    )
    out = subprocess.run([sys.executable, "-c", serve], env=env, check=True, capture_output=True, text=True).stdout
    assert 'renubu_webhooks_received_total{source="clubos"} 2.0' in out
    assert 'renubu_outbox_entries{channel="sms",state="queued"} 4.0' in out
