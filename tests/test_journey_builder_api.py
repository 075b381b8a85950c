"""The builder's JSON API over real HTTP: a published version as the canvas model, drafts as YAML with
their problems per step, publishing a new version from the canvas through the same validation, the
dry run of an unsaved draft, and who may use it (managers only)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack.seed import MANAGER, OPERATOR
from tests.journey_helpers import speed_up
from tests.stack import LocalStack

PREBUILT = Path(__file__).resolve().parent.parent / "journeys" / "prebuilt"


@pytest.fixture
async def fast(stack: LocalStack) -> LocalStack:
    await speed_up(stack)
    return stack


def draft(journey_id: str) -> dict[str, Any]:
    return {
        "id": journey_id,
        "name": "Built on the canvas",
        "trigger": {"type": "webhook"},
        "steps": [
            {"id": "hello", "type": "send", "channel": "email", "subject": "Hi {first_name}", "body": "Welcome!"},
            {"id": "pause", "type": "wait", "duration": "2d"},
            {"id": "nudge", "type": "send", "channel": "sms", "body": "Still keen, {first_name}?"},
        ],
    }


async def test_loads_any_version_as_the_canvas_model(fast: LocalStack) -> None:
    async with fast.browser_session(MANAGER[0]) as http:
        response = await http.get("/api/journeys/welcome-series/builder?version=1")
        blank = await http.get("/api/journeys/new/builder")
        missing = await http.get("/api/journeys/no-such-journey/builder")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] == 1 and 1 in body["versions"]
    assert body["yaml"] == (PREBUILT / "welcome-series.yaml").read_text()  # the hand-written file, unchanged
    assert body["definition"]["steps"][4] == {"id": "wait-for-day-5", "type": "wait", "until_day": 5}
    assert "first_name" in body["template_fields"] and "booking_link" in body["template_fields"]
    assert blank.status_code == 200 and blank.json()["definition"]["steps"] == []
    assert missing.status_code == 404


async def test_draft_problems_are_on_their_step(fast: LocalStack) -> None:
    bad = draft("canvas-problems")
    bad["steps"][1] = {"id": "pause", "type": "wait"}
    bad["steps"][2]["next"] = "nowhere"
    async with fast.browser_session(MANAGER[0]) as http:
        response = await http.post("/api/journeys/new/builder/yaml", json={"definition": bad})
        good = await http.post("/api/journeys/new/builder/yaml", json={"definition": draft("canvas-ok")})
    result = response.json()
    assert result["valid"] is False
    assert [(p["number"], p["message"]) for p in result["problems"]] == [
        (2, "Step 2 (pause): a wait needs a duration, until_day, or until_event with a timeout")
    ]
    assert good.json() == {"valid": True, "yaml": good.json()["yaml"], "problems": []}
    assert "  - id: pause\n    type: wait\n    duration: 2d\n" in good.json()["yaml"]


async def test_publish_from_the_canvas_creates_a_version_then_dry_run(fast: LocalStack) -> None:
    journey_id = f"canvas-{uuid.uuid4().hex[:6]}"
    async with fast.browser_session(MANAGER[0]) as http:
        first = await http.post("/api/journeys/new/builder/publish", json={"definition": draft(journey_id)})
        assert first.status_code == 201, first.text
        assert first.json()["version"] == 1
        changed = draft(journey_id)
        changed["steps"][1]["duration"] = "3d"
        body = {"definition": changed, "note": "longer"}
        second = await http.post(f"/api/journeys/{journey_id}/builder/publish", json=body)
        stored = (await http.get(f"/api/journeys/{journey_id}")).json()
        wrong = await http.post(f"/api/journeys/{journey_id}/builder/publish", json={"definition": draft("other-id")})
        taken = await http.post("/api/journeys/new/builder/publish", json={"definition": draft(journey_id)})
        invalid = {**changed, "steps": []}
        refused = await http.post(f"/api/journeys/{journey_id}/builder/publish", json={"definition": invalid})
        run = await http.post(
            f"/api/journeys/{journey_id}/builder/dry-run",
            json={"definition": changed, "lead": {"first_name": "Sam"}, "events": []},
        )
    assert second.status_code == 201 and second.json()["version"] == 2
    assert stored["version"] == 2 and stored["source"] == second.json()["yaml"]
    assert yaml.safe_load(stored["source"])["steps"][1] == {"id": "pause", "type": "wait", "duration": "3d"}
    assert wrong.status_code == 422 and "must stay" in wrong.json()["detail"][0]["message"]
    assert taken.status_code == 422 and "exists already" in taken.json()["detail"][0]["message"]
    assert refused.status_code == 422 and refused.json()["detail"][0]["message"].startswith("steps:")
    assert run.status_code == 200, run.text
    assert [(p["number"], p["step_id"]) for p in run.json()["path"]] == [(1, "hello"), (2, "pause"), (3, "nudge")]
    assert run.json()["outcome"] == "completed"


async def test_canvas_positions_are_kept_beside_the_journey_not_in_it(fast: LocalStack) -> None:
    journey_id = f"canvas-{uuid.uuid4().hex[:6]}"
    placed = {"hello": {"x": 300, "y": 40}, "pause": {"x": 26, "y": 210}}
    async with fast.browser_session(MANAGER[0]) as http:
        first = await http.post(
            "/api/journeys/new/builder/publish", json={"definition": draft(journey_id), "positions": placed}
        )
        assert first.status_code == 201, first.text
        loaded = (await http.get(f"/api/journeys/{journey_id}/builder")).json()
        moved = {**placed, "nudge": {"x": 500, "y": 400}}
        saved = await http.put(f"/api/journeys/{journey_id}/builder/positions", json={"positions": moved})
        again = (await http.get(f"/api/journeys/{journey_id}/builder")).json()
        stored = (await http.get(f"/api/journeys/{journey_id}")).json()
        bad_id = await http.put(
            f"/api/journeys/{journey_id}/builder/positions", json={"positions": {"Not An Id": {"x": 1, "y": 1}}}
        )
        bad_x = await http.put(
            f"/api/journeys/{journey_id}/builder/positions", json={"positions": {"hello": {"x": -5, "y": 1}}}
        )
        missing = await http.put("/api/journeys/no-such-journey/builder/positions", json={"positions": {}})
    async with fast.browser_session(OPERATOR[0]) as http:
        operator = await http.put(f"/api/journeys/{journey_id}/builder/positions", json={"positions": {}})
    assert loaded["positions"] == placed  # a new journey's layout lands with its first version
    assert saved.status_code == 200 and again["positions"] == moved
    assert again["version"] == 1 and again["yaml"] == first.json()["yaml"] == stored["source"]  # no new version
    assert "300" not in stored["source"] and "positions" not in stored["source"]
    assert bad_id.status_code == 422 and bad_id.json()["detail"][0]["loc"][:2] == ["body", "positions"]
    assert bad_x.status_code == 422 and bad_x.json()["detail"][0]["loc"][-1] == "x"
    assert missing.status_code == 404 and operator.status_code == 403


async def test_only_managers_use_the_builder(fast: LocalStack) -> None:
    async with fast.browser_session(OPERATOR[0]) as http:
        page = await http.get("/journeys/welcome-series/builder")
        api = await http.get("/api/journeys/welcome-series/builder")
        publish = await http.post("/api/journeys/new/builder/publish", json={"definition": draft("nope")})
    assert (page.status_code, api.status_code, publish.status_code) == (403, 403, 403)
    async with fast.browser_session(MANAGER[0]) as http:
        page = await http.get("/journeys/welcome-series/builder")
        new = await http.get("/journeys/new/builder")
        journey = await http.get("/journeys/welcome-series")
    assert page.status_code == 200 and 'src="/static/js/journey_builder.js"' in page.text
    assert new.status_code == 200 and 'data-journey="new"' in new.text
    assert 'href="/journeys/welcome-series/builder"' in journey.text


async def test_openapi_declares_the_builder_models(fast: LocalStack) -> None:
    async with fast.browser_session(MANAGER[0]) as http:
        spec = (await http.get("/api/openapi.json")).json()
    expected = {
        ("get", "/api/journeys/{journey_id}/builder", "200"): "BuilderModel",
        ("post", "/api/journeys/{journey_id}/builder/yaml", "200"): "DraftResult",
        ("post", "/api/journeys/{journey_id}/builder/publish", "201"): "BuilderPublished",
        ("post", "/api/journeys/{journey_id}/builder/dry-run", "200"): "DryRunResult",
        ("put", "/api/journeys/{journey_id}/builder/positions", "200"): "CanvasPositions",
    }
    for (method, path, code), model in expected.items():
        schema = spec["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(f"/{model}"), (path, schema)
    assert "Problem" in spec["components"]["schemas"]
