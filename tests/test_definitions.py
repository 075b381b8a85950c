"""Workflow definitions: the seed's unified schema, and safe rendering."""

from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from definitions.registry import RenewalDefinitionError, all_definitions, load_file
from definitions.render import Placeholder, render_text, render_value

CONTEXT = {
    "customer": {"name": "Acme <Corp>", "renewalDate": "2026-11-25"},
    "data": {"financials": {"currentARR": 200000}, "usage": {"trend": -23.0}},
    "intelligence": {"riskScore": 80, "recommendations": ["Call the CFO", "Review pricing"]},
    "workflow": {"daysUntilRenewal": 3},
}


def test_all_six_definitions_load() -> None:
    defs = all_definitions()
    assert set(defs) == {
        "emergency-renewal",
        "critical-renewal",
        "prepare-renewal",
        "monitor-renewal",
        "qbr",
        "health-check",
    }
    for d in defs.values():
        assert d.outcomes and d.steps
        for step in d.steps:
            assert step.chat.initial_message.text and step.outcomes


@pytest.mark.parametrize("path", sorted(Path("definitions").glob("*/*.yaml")))
def test_definition_files_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) < 200


def test_invalid_definition_names_the_problem(tmp_path: Path) -> None:
    raw = yaml.safe_load(Path("definitions/renewal/monitor.yaml").read_text())
    raw["steps"][0]["chat"]["branches"]["snapshot"]["artifactId"] = "nope"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(RenewalDefinitionError, match="unknown artifact 'nope'"):
        load_file(bad)


def test_render_escapes_values_and_formats() -> None:
    out = render_text(
        "{{customer.name}} ARR {{data.financials.currentARR | money}}, {{data.usage.trend | pct}}", CONTEXT
    )
    assert out == "Acme &lt;Corp&gt; ARR $200,000, -23.0%"


@pytest.mark.parametrize(("days", "text"), [(1, "1 day"), (0, "0 days"), (3, "3 days"), (-1, "-1 day")])
def test_days_reads_as_written(days: int, text: str) -> None:
    assert render_text("{{workflow.daysUntilRenewal | days}}", {"workflow": {"daysUntilRenewal": days}}) == text


def test_missing_variable_is_a_visible_placeholder() -> None:
    out = render_text("Hi {{customer.region}} / {{nothing.at.all | money}}", CONTEXT)
    assert "⟨customer.region⟩" in out and "⟨nothing.at.all⟩" in out and "missing-var" in out


def test_sandbox_blocks_attribute_tricks() -> None:
    out = render_text("{{ customer.__class__.__mro__ }}{{ ''.__class__ }}", CONTEXT)
    assert "<class" not in out and "&lt;class" not in out and "object" not in out
    assert "⟨__class__⟩" in out


def test_render_value_keeps_lists_and_renders_strings() -> None:
    data = render_value(
        {
            "recs": "{{intelligence.recommendations}}",
            "risk": "{{intelligence.riskScore}}/100",
            "gone": "{{intelligence.nope}}",
        },
        CONTEXT,
    )
    assert data["recs"] == ["Call the CFO", "Review pricing"]
    assert data["risk"] == Markup("80/100")
    assert isinstance(data["gone"], Placeholder)
