"""Logs: JSON when asked, with the workflow id, run id and activity type of the code that wrote the line;
activity info lines visible."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Worker

from core.logs import make_handler

plain = logging.getLogger("renubu.test_logs")


@activity.defn(name="logs_test_activity")
async def noisy_activity() -> None:
    activity.logger.info("through the SDK's adapter")
    plain.info("through a module logger")


@workflow.defn(name="LogsTestWorkflow", sandboxed=False)
class LogsWorkflow:
    @workflow.run
    async def run(self) -> None:
        workflow.logger.info("from the workflow")
        await workflow.execute_activity(noisy_activity, start_to_close_timeout=timedelta(seconds=10))


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What the SDK's loggers and a module logger write, through Renubu's JSON handler."""
    stream = io.StringIO()
    handler = make_handler("worker", "json", stream)
    loggers = [logging.getLogger(n) for n in ("temporalio.workflow", "temporalio.activity", plain.name)]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield stream
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


async def test_lines_from_workflow_and_activity_code_carry_their_ids(
    temporal_client: Client, captured: io.StringIO
) -> None:
    queue, workflow_id = f"logs-{uuid.uuid4().hex[:8]}", f"logs-{uuid.uuid4().hex[:8]}"
    async with Worker(temporal_client, task_queue=queue, workflows=[LogsWorkflow], activities=[noisy_activity]):
        handle = await temporal_client.start_workflow(LogsWorkflow.run, id=workflow_id, task_queue=queue)
        await handle.result()
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    ours = {line["message"].split(" (")[0]: line for line in lines if line.get("workflow_id") == workflow_id}
    assert set(ours) >= {"from the workflow", "through the SDK's adapter", "through a module logger"}, lines
    for line in ours.values():
        assert line["run_id"] == handle.result_run_id and line["component"] == "worker"
    assert ours["from the workflow"]["workflow_type"] == "LogsTestWorkflow"
    for message in ("through the SDK's adapter", "through a module logger"):
        assert ours[message]["activity_type"] == "logs_test_activity", ours[message]


def test_json_is_configured_from_the_environment_and_activity_info_is_visible() -> None:
    code = (
        "import logging; from core.logs import setup_logging; setup_logging('worker'); "
        "logging.getLogger('temporalio.activity').info('activity says hello'); "
        "logging.getLogger('httpx').info('one per request')"
    )
    env = {"RENUBU_LOG_FORMAT": "json", "RENUBU_LOG_LEVEL": "INFO", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["logger"], line["message"], line["level"]) for line in lines] == [
        ("temporalio.activity", "activity says hello", "INFO")
    ]


async def test_text_stays_the_default_with_the_ids_appended_inside_an_activity() -> None:
    stream = io.StringIO()
    handler = make_handler("worker", "text", stream)

    @activity.defn(name="store")
    async def store() -> None:
        record = logging.LogRecord("renubu.x", logging.INFO, __file__, 1, "stored %d", (3,), None)
        handler.handle(record)

    await ActivityEnvironment().run(store)
    info = ActivityEnvironment().info
    ids = f"[workflow {info.workflow_id} run {info.workflow_run_id} activity {info.activity_type}]"
    assert stream.getvalue().rstrip().endswith(f"worker   renubu.x: stored 3 {ids}")
