"""The builder's conversions, without a server: YAML → canvas model → YAML is identical for the
pre-built journeys, edits come back as YAML that reads back to the same model, and validation
problems land on the step they concern with 1-based numbers in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from journeys.canvas import canvas_model, model_of, problems, to_yaml
from journeys.schema import JourneyDefinitionError, parse_definition

PREBUILT = sorted((Path(__file__).resolve().parent.parent / "journeys" / "prebuilt").glob("*.yaml"))


@pytest.mark.parametrize("path", PREBUILT, ids=lambda p: p.stem)
def test_prebuilt_round_trip_is_identical(path: Path) -> None:
    source = path.read_text()
    assert to_yaml(canvas_model(source)) == source


def test_all_four_prebuilt_are_covered() -> None:
    assert [p.stem for p in PREBUILT] == ["geographic", "high-intent-fast-track", "re-engagement", "welcome-series"]


def test_repointing_a_branch_case_changes_only_its_next_line() -> None:
    """What the canvas does when a case's edge is dragged onto another step: the YAML a person would
    write by changing that one line (geographic: Texas leads go where Californian ones do)."""
    source = (PREBUILT[0].parent / "geographic.yaml").read_text()
    model = canvas_model(source)
    branch = next(s for s in model["steps"] if s["type"] == "branch")
    branch["cases"][1]["next"] = "california"
    branch["default"] = "texas"
    expected = source.replace("        next: texas\n", "        next: california\n")
    assert to_yaml(model) == expected.replace("    default: elsewhere\n", "    default: texas\n")
    assert to_yaml(model) != source


def three_steps() -> dict[str, Any]:
    return {
        "id": "canvas-made",
        "name": "Made on the canvas",
        "trigger": {"type": "webhook"},
        "steps": [
            {"id": "hello", "type": "send", "channel": "email", "subject": "Hi {first_name}", "body": "Welcome: yes"},
            {"id": "pause", "type": "wait", "duration": "2d"},
            {"id": "nudge", "type": "send", "channel": "sms", "body": "Still keen? #1 offer, {booking_link}"},
        ],
    }


def test_canvas_edits_write_yaml_that_reads_back_to_the_same_model() -> None:
    model = model_of(three_steps())
    text = to_yaml(model)
    assert model_of(yaml.safe_load(text)) == model
    assert "  - id: pause\n    type: wait\n    duration: 2d\n" in text
    assert 'subject: "Hi {first_name}"' in text  # message texts are quoted, as people write them


@pytest.mark.parametrize(
    "value", ["yes", "123", "1.5", "null", "- dash", "a: b", "x #y", " pad", "[list]", "{curly}", "@at", "ok, fine"]
)
def test_scalars_that_yaml_would_misread_are_quoted(value: str) -> None:
    model = model_of({**three_steps(), "description": value})
    model["steps"][0]["name"] = value
    assert yaml.safe_load(to_yaml(model))["description"] == value
    condition = {"type": "property", "field": "region", "operator": "equals", "value": value}
    model["goal"] = {"all": [condition]}
    assert model_of(yaml.safe_load(to_yaml(model))) == model


def test_nested_groups_and_multiline_bodies_survive() -> None:
    data = three_steps()
    data["steps"][0]["body"] = "Line one\n\nLine three"
    inner = {"any": [{"type": "engagement", "field": "score", "operator": "greater_than", "value": 50}] * 3}
    data["exit"] = {"all": [{"type": "time", "field": "hour_local", "operator": "less_than", "value": 9}, inner]}
    model = model_of(data)
    text = to_yaml(model)
    assert "body: |-\n      Line one\n\n      Line three\n" in text
    assert model_of(yaml.safe_load(text)) == model


def test_problems_name_the_step_with_a_1_based_number() -> None:
    data = three_steps()
    del data["steps"][1]["duration"]
    data["steps"][2]["next"] = "nowhere"
    data["steps"][0]["channel"] = "pigeon"
    with pytest.raises(JourneyDefinitionError) as caught:
        parse_definition(data)
    found = problems(caught.value.errors, data)
    by_step = {p["number"]: p["message"] for p in found}
    assert set(by_step) == {1, 2}
    assert by_step[1].startswith("Step 1 (hello): channel ")
    assert "a wait needs a duration" in by_step[2] and by_step[2].startswith("Step 2 (pause): ")
    data["steps"][0]["channel"] = "email"
    data["steps"][1]["duration"] = "1d"
    with pytest.raises(JourneyDefinitionError) as caught:
        parse_definition(data)
    (only,) = problems(caught.value.errors, data)
    assert only == {"step": 2, "number": 3, "field": "", "message": "Step 3 (nudge): unknown next step 'nowhere'"}


def test_problems_outside_steps_keep_their_field() -> None:
    data = three_steps()
    data["name"] = ""
    with pytest.raises(JourneyDefinitionError) as caught:
        parse_definition(data)
    (only,) = problems(caught.value.errors, data)
    assert only["step"] is None and only["message"] == "name: cannot be empty"


def test_pattern_errors_are_said_in_plain_words() -> None:
    data = three_steps()
    data["steps"][1]["duration"] = "soon"
    data["steps"][2]["id"] = "Nudge Me"
    with pytest.raises(JourneyDefinitionError) as caught:
        parse_definition(data)
    messages = [p["message"] for p in problems(caught.value.errors, data)]
    assert messages == [
        "Step 2 (pause): duration is not a duration like 30s, 15m, 2h, 2d or 1w",
        "Step 3 (Nudge Me): id must be lower-case letters, digits and dashes, starting with a letter or digit",
    ]
