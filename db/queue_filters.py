"""What a queue view asks for beyond its owner: stages, due within N days, a search, a column to sort by.

The same filter serves the cards and the table, the CSM's queue, All renewals and Team, so a link (a
manager's bookmark, a click on the home page's "due in 30 days" bar) reproduces the view it was taken from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_

from db.models import WorkflowInstance

# The table's columns a view can sort by, and the column each sorts. "" is the queue's own order (urgency).
SORT_COLUMNS: dict[str, Any] = {
    "customer": func.lower(WorkflowInstance.customer_name),
    "stage": None,  # the urgency rank, built with the queue's order
    "days": WorkflowInstance.renewal_date,
    "risk": WorkflowInstance.risk_score,
    "arr": WorkflowInstance.arr,
    "score": None,  # the live score, built with the CSM's load now
    "owner": WorkflowInstance.assigned_to,
    "activity": WorkflowInstance.updated_at,
}


@dataclass(frozen=True)
class QueueFilter:
    stages: tuple[str, ...] = ()
    due_within: int | None = None  # renewals due within this many days of `today` (inclusive)
    search: str = ""  # a part of the customer's name or id, any case
    sort: str = ""  # a key of SORT_COLUMNS; "" keeps the urgency order
    descending: bool = False
    today: date | None = None

    def apply(self, q: Select[Any]) -> Select[Any]:
        if self.stages:
            q = q.where(WorkflowInstance.stage.in_(self.stages))
        if self.due_within is not None and self.today is not None:
            q = q.where(WorkflowInstance.renewal_date <= self.today + timedelta(days=self.due_within))
        if self.search:
            pattern = "%" + _escape_like(self.search.lower()) + "%"
            q = q.where(
                or_(
                    func.lower(WorkflowInstance.customer_name).like(pattern, escape="\\"),
                    func.lower(WorkflowInstance.customer_id).like(pattern, escape="\\"),
                )
            )
        return q

    def order(self, rank: ColumnElement[int], live_score: ColumnElement[int]) -> list[Any]:
        """The ORDER BY before the queue's own order (which breaks ties): empty for the urgency order."""
        if not self.sort:
            return []
        column = {"stage": rank, "score": live_score}.get(self.sort, SORT_COLUMNS.get(self.sort))
        if column is None:
            return []
        return [column.desc() if self.descending else column.asc()]


def _escape_like(text: str) -> str:
    """A search for "50%" finds "50%", not everything: LIKE's wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
