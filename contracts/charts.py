"""One shape for every chart the dashboard draws: the JSON the chart endpoints answer with, which
web/static/js/charts.js turns into a Chart.js chart and the page into its data table (the same
numbers, for screen readers and for "Show data")."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, Field


class Series(BaseModel):
    name: str = Field(description="legend and table column, e.g. 'Critical' or 'Renewed'")
    key: str = Field(description="filter value for click-through and colour key, e.g. a stage or an outcome")
    values: list[float | None] = Field(description="one value per label; null: no value (a gap in a line)")
    kind: Literal["bar", "line"] = "bar"
    join_gaps: bool = Field(
        False, description="a line drawn across labels without a value (a reading holds until the next one)"
    )


class Marker(BaseModel):
    """Something that happened at a label of a line chart (a signal, a step completed, an outcome): drawn as
    a point on the first line at `value`, listed under the table."""

    index: int = Field(ge=0, description="the label it happened at")
    kind: Literal["signal", "step", "outcome"]
    text: str = Field(description="what happened, e.g. 'Step completed: Call the sponsor'")
    value: float | None = Field(None, description="where on the value axis it is drawn (the line's value then)")


class Chart(BaseModel):
    id: str = Field(description="stable id, also the element id on the page")
    title: str
    summary: str = Field(description="one sentence saying what the chart shows; read by screen readers")
    horizontal: bool = False
    stacked: bool = True
    unit: Literal["count", "usd", "hours"] = "count"
    category: str = Field(description="what the labels are, e.g. 'Stage' (the table's first column)")
    labels: list[str]
    keys: list[str] = Field(description="filter value per label, for click-through (a stage, an email, a date)")
    series: list[Series]
    link: str | None = Field(None, description="click-through URL; {key} is the label's key, {series} the series' key")
    markers: list[Marker] = Field(default_factory=list, description="events that moved the lines, if any")
    max_value: float | None = Field(None, description="top of the value axis when it has one (a 0-100 score)")

    @property
    def empty(self) -> bool:
        bars = [s for s in self.series if s.kind == "bar"] or self.series  # a budget line alone is no data
        return not any(v for s in bars for v in s.values)

    @property
    def rows(self) -> list[int]:
        """The labels the table lists: all of them, but where lines join across gaps, only those with a
        value (a day without a reading is no row of data)."""
        joined = any(s.join_gaps for s in self.series)
        return [i for i in range(len(self.labels)) if not joined or any(s.values[i] is not None for s in self.series)]


def chart_link(template: str | None, key: str, series: str) -> str | None:
    """The URL a click on (label, series) opens; the same rule as charts.js."""
    if not template:
        return None
    return template.replace("{key}", quote(key, safe="")).replace("{series}", quote(series, safe=""))
