"""A queue view's query string, parsed once: cards or table, stages, CSM, due within N days, search, sort.

Everything a view shows is in its URL, so a manager's link reproduces it (the home page's "due in 30 days"
bar opens `/queue?csm=all&view=table&due=30&stage=Critical`); the links the view draws (sort by a column,
switch to cards, the live re-render) are made here from the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query

from db.queue_filters import QueueFilter
from rules.queue_order import STAGE_ORDER

View = Literal["cards", "table"]
Sort = Literal["", "customer", "stage", "days", "risk", "arr", "score", "owner", "activity"]
StageParam = Literal["", "Emergency", "Critical", "Prepare", "Monitor"]
# The table's columns in order: (sort key, heading, what sorts first when first clicked)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("customer", "Customer", "asc"),
    ("stage", "Stage", "asc"),
    ("days", "Days left", "asc"),
    ("risk", "Risk", "desc"),
    ("arr", "ARR", "desc"),
    ("score", "Score", "desc"),
    ("owner", "Owner", "asc"),
    ("activity", "Last activity", "desc"),
)
DUE_CHOICES = (7, 14, 30, 60, 90, 180)


@dataclass(frozen=True)
class QueueQuery:
    view: View = "cards"
    csm: str | None = None
    stages: tuple[str, ...] = ()
    due: int | None = None
    search: str = ""
    sort: str = ""
    direction: str = "asc"

    def filter(self, today: date, stages: tuple[str, ...] | None = None) -> QueueFilter:
        """The database filter; `stages` narrows it to a page's own (Team: Emergency and Critical)."""
        wanted = self.stages
        if stages is not None:  # none of the page's stages asked for: nothing matches (not everything)
            wanted = tuple(s for s in stages if not self.stages or s in self.stages) or ("none",)
        return QueueFilter(wanted, self.due, self.search, self.sort, self.direction == "desc", today)

    def pairs(self, **changes: object) -> list[tuple[str, str]]:
        q = replace(self, **changes)  # type: ignore[arg-type]
        out: list[tuple[str, str]] = []
        if q.csm:
            out.append(("csm", q.csm))
        if q.view != "cards":
            out.append(("view", q.view))
        out += [("stage", s) for s in q.stages]
        if q.due is not None:
            out.append(("due", str(q.due)))
        if q.search:
            out.append(("q", q.search))
        if q.sort:
            out += [("sort", q.sort), ("dir", q.direction)]
        return out

    def url(self, path: str, **changes: object) -> str:
        pairs = self.pairs(**changes)
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def sort_url(self, path: str, column: str, first: str) -> str:
        """A column heading's link: sort by it (its natural direction first), or flip it when already sorted."""
        if self.sort == column:
            return self.url(path, direction="asc" if self.direction == "desc" else "desc")
        return self.url(path, sort=column, direction=first)

    def aria_sort(self, column: str) -> str:
        if self.sort != column:
            return "none"
        return "descending" if self.direction == "desc" else "ascending"


async def queue_query(
    view: Annotated[View, Query()] = "cards",
    csm: Annotated[str | None, Query(max_length=200)] = None,
    stage: Annotated[list[StageParam] | None, Query()] = None,
    due: Annotated[str, Query(max_length=4, pattern=r"^\d{0,4}$", description="due within this many days")] = "",
    q: Annotated[str, Query(max_length=100, description="search: part of a customer's name or id")] = "",
    sort: Annotated[Sort, Query()] = "",
    dir: Annotated[Literal["asc", "desc"], Query()] = "asc",  # the URL says "dir"
) -> QueueQuery:
    stages = tuple(s for s in STAGE_ORDER if s in (stage or []))
    return QueueQuery(view, csm or None, stages, int(due) if due else None, q.strip(), sort, dir)


QueueQueryDep = Annotated[QueueQuery, Depends(queue_query)]
