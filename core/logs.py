"""Logs for every process of the stack: readable one-liners by default, one JSON object a line when
RENUBU_LOG_FORMAT=json (for a log pipeline). Either way a line written from workflow or activity code
carries its workflow id, run id and activity type, so it can be found from the Temporal UI and back."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import IO, Any

from temporalio import activity, workflow

# Fields a log line gets from the Temporal context it was written in.
CONTEXT_FIELDS = ("workflow_id", "run_id", "workflow_type", "activity_type")
# Loggers that talk about every request or connection; their warnings still show.
NOISY = ("httpx", "httpcore", "uvicorn.access")


class TemporalContext(logging.Filter):
    """Adds CONTEXT_FIELDS to a record: from the SDK's workflow/activity logger adapters (their `extra`),
    or, for a plain module logger called inside an activity, from the running activity itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        details: dict[str, Any] = {}
        if isinstance(getattr(record, "temporal_workflow", None), dict):
            details = record.temporal_workflow
        elif isinstance(getattr(record, "temporal_activity", None), dict):
            details = record.temporal_activity
        elif activity.in_activity():
            info = activity.info()
            details = {
                "workflow_id": info.workflow_id,
                "workflow_run_id": info.workflow_run_id,
                "workflow_type": info.workflow_type,
                "activity_type": info.activity_type,
            }
        record.workflow_id = details.get("workflow_id")
        record.run_id = details.get("run_id") or details.get("workflow_run_id")
        record.workflow_type = details.get("workflow_type")
        record.activity_type = details.get("activity_type")
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "component": self.component,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """The one-liner, with `[workflow <id> run <id> activity <type>]` when there is a context."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        wf, run, act = (getattr(record, n, None) for n in ("workflow_id", "run_id", "activity_type"))
        # The SDK's adapters already append their details to the message; don't say it twice.
        if wf and not getattr(record, "temporal_workflow", None) and not getattr(record, "temporal_activity", None):
            text += f" [workflow {wf} run {run}" + (f" activity {act}]" if act else "]")
        return text


def make_handler(component: str, fmt: str, stream: IO[str]) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(TemporalContext())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(component))
    else:
        handler.setFormatter(
            TextFormatter(f"%(asctime)s %(levelname)-5s {component:<8} %(name)s: %(message)s", datefmt="%H:%M:%S")
        )
    return handler


def setup_logging(component: str, level: str | None = None, fmt: str | None = None) -> None:
    level = level or os.environ.get("RENUBU_LOG_LEVEL", "INFO")
    fmt = (fmt or os.environ.get("RENUBU_LOG_FORMAT", "text")).lower()
    if fmt == "json":
        # The ids are fields of their own; no need for the SDK's dict on the end of each message.
        activity.logger.activity_info_on_message = False
        workflow.logger.workflow_info_on_message = False
    logging.basicConfig(level=level, handlers=[make_handler(component, fmt, sys.stdout)], force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # uvicorn's own loggers print through their own handlers: route them through this one instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
