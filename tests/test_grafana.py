"""The Grafana dashboard reads only metrics that exist: Renubu's as core.metrics defines them; the Temporal
SDK's are checked against a real worker's endpoint in tests/test_metrics.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core import metrics

DASHBOARD = Path("deploy/grafana/dashboards/renubu.json")
_NAME = re.compile(r"\b((?:renubu|temporal)_[a-z0-9_]+)\b")


def _panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for panel in panels for p in [panel, *_panels(panel.get("panels", []))]]


def dashboard_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in _panels(dashboard["panels"]) for t in p.get("targets", [])]
    return {name for expr in exprs for name in _NAME.findall(expr)}


def test_renubu_series_on_the_dashboard_are_defined() -> None:
    used = {name for name in dashboard_metrics() if name.startswith("renubu_")}
    assert used <= metrics.series_names(), used - metrics.series_names()
    # and every metric Renubu defines has a panel
    assert {m.name for m in metrics.DEFINED} <= {re.sub(r"_(total|sum|bucket|count)$", "", n) for n in used}


def test_panels_use_the_provisioned_datasource_and_unique_ids() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = _panels(dashboard["panels"])
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "prometheus", panel["title"]
            assert panel["targets"], panel["title"]
