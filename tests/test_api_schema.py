"""The OpenAPI schema documents every JSON answer (a response model per route) and leaves the pages out;
the hand-built JSON of approvals and runs matches the models that document it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from api.app import create_app
from api.approval_service import ApprovalOut, approval_json
from api.campaign_schemas import AgentOut, RunOut
from api.routes.agents_api import _agent, _run
from tests.stack import make_settings

NOW = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
FREE_FORM = {"GET /api/workflows/{workflow_id}/context"}  # the definition's template namespace, any shape


def described(schema: Any) -> bool:
    """A named model somewhere inside, or a map whose values have a type ({} or `true` say nothing)."""
    if isinstance(schema, list):
        return any(described(s) for s in schema)
    if not isinstance(schema, dict):
        return False
    extra = schema.get("additionalProperties")
    if "$ref" in schema or (isinstance(extra, dict) and extra):
        return True
    return any(described(schema.get(key)) for key in ("items", "anyOf", "oneOf", "allOf"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app(make_settings()).openapi()


def test_pages_are_left_out_of_the_schema(schema: dict[str, Any]) -> None:
    api_like = ("/api/", "/admin/", "/webhook", "/events/", "/healthz")
    assert [path for path in schema["paths"] if not path.startswith(api_like)] == []
    assert "/api/workflows/queue" in schema["paths"]


def test_every_json_route_documents_its_response(schema: dict[str, Any]) -> None:
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            content = ok.get("content", {})
            if "application/json" in content and not described(content["application/json"].get("schema", {})):
                undocumented.append(f"{method.upper()} {path}")
    assert sorted(undocumented) == sorted(FREE_FORM)


def test_downloads_and_the_stream_say_what_they_send(schema: dict[str, Any]) -> None:
    def ok_content(path: str) -> set[str]:
        return set(schema["paths"][path]["get"]["responses"]["200"]["content"])

    assert ok_content("/api/tool-results/{result_id}.csv") == {"text/csv"}
    assert ok_content("/events/stream") == {"text/event-stream"}


def same(model: type[BaseModel], data: dict[str, Any]) -> None:
    """What FastAPI sends through the response model is what the route built."""
    assert model.model_validate(data).model_dump(mode="json") == data


@pytest.mark.parametrize("decided", [False, True])
def test_approval_json_matches_its_model(decided: bool) -> None:
    row = SimpleNamespace(
        id="ap-1",
        workflow_id="agent-run-1",
        workflow_kind="campaign",
        action="send_sms",
        title="Send 3 texts",
        summary="",
        reason="policy",
        items=[{"id": "m1", "label": "Ann", "detail": "Hi"}],
        editable={"body": "Hi"} if not decided else None,
        status="approved" if decided else "pending",
        requested_at=NOW,
        expires_at=NOW,
        decided_by="maria@renubu.demo" if decided else None,
        decided_at=NOW if decided else None,
        decision={"approved_ids": ["m1"]} if decided else None,
    )
    same(ApprovalOut, approval_json(row))  # type: ignore[arg-type]


@pytest.mark.parametrize("finished", [False, True])
def test_run_json_matches_its_model(finished: bool) -> None:
    row = SimpleNamespace(
        id="agent-run-1",
        agent_id="win-back",
        status="succeeded" if finished else "running",
        trigger="manual",
        planner="offline planner",
        dry_run=False,
        started_at=NOW,
        finished_at=NOW if finished else None,
        duration_s=12.5 if finished else None,
        iterations=2,
        tool_calls=3,
        tools_used=["search_members"],
        cost_usd=0.0012,
        input_tokens=100,
        output_tokens=20,
        summary="done",
    )
    same(RunOut, _run(row))


@pytest.mark.parametrize("has_run", [False, True])
def test_agent_json_matches_its_model(has_run: bool) -> None:
    run = SimpleNamespace(
        id="agent-run-1", agent_id="win-back", status="succeeded", trigger="schedule", planner="offline planner",
        dry_run=False, started_at=NOW, finished_at=NOW, duration_s=3.5, iterations=1, tool_calls=2,
        tools_used=["search_members"], cost_usd=0.0, input_tokens=0, output_tokens=0, summary="done",
    )  # fmt: skip
    agent = SimpleNamespace(
        id="win-back", name="Win-back", goal="Bring lapsed members back", schedule={"cron": "0 6 * * *"},
        paused=False, dry_run=True, max_iterations=10, approval_required=False,
    )  # fmt: skip
    stats = SimpleNamespace(total_runs=4, success_rate=0.75, avg_duration_s=3.5, last=run) if has_run else None
    card = SimpleNamespace(
        agent=agent, status="scheduled", schedule_text="Every day at 6:00 AM", next_run=NOW, stats=stats
    )
    data = _agent(card)  # type: ignore[arg-type]
    same(AgentOut, data)
    assert set(data) == {
        *("id", "name", "goal", "status", "schedule", "schedule_text", "paused", "next_run"),
        *("settings", "stats", "last_run"),
    }
