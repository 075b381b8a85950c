"""The desk's queries and live events, without a browser: filters and sorts of the table (SQLite and
PostgreSQL), the `renewal` events each projection write publishes and who may receive them, and the URLs
a view draws."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from api.access import event_visible
from api.queue_query import QueueQuery, queue_query
from db import renewal_projection
from db.engine import Database
from db.models import LiveEvent
from db.queue_filters import QueueFilter
from tests.test_db import projection

TODAY = date(2026, 11, 22)


async def _seed(db: Database, csm: str) -> list[dict[str, Any]]:
    rows = [
        projection(assigned_to=csm, customer_name="Acme 50% Off", stage="Critical", risk_score=40,
                   renewal_date=TODAY + timedelta(days=10)),
        projection(assigned_to=csm, customer_name="Beacon", stage="Emergency", risk_score=90,
                   renewal_date=TODAY + timedelta(days=3)),
        projection(assigned_to=csm, customer_name="Acme 5 Off", stage="Prepare", risk_score=70,
                   renewal_date=TODAY + timedelta(days=60)),
    ]  # fmt: skip
    async with db.transaction() as s:
        for r in rows:
            await renewal_projection.upsert(s, r)
    return rows


async def _names(db: Database, csm: str, f: QueueFilter) -> list[str]:
    async with db.session() as s:
        return [r.customer_name for r in await renewal_projection.queue(s, csm, filters=f)]


async def test_filters_and_sorts(any_db: Database) -> None:
    csm = f"{uuid.uuid4().hex[:6]}@x"
    await _seed(any_db, csm)
    assert await _names(any_db, csm, QueueFilter()) == ["Beacon", "Acme 50% Off", "Acme 5 Off"]  # urgency
    assert await _names(any_db, csm, QueueFilter(due_within=30, today=TODAY)) == ["Beacon", "Acme 50% Off"]
    assert await _names(any_db, csm, QueueFilter(stages=("Prepare", "Critical"))) == ["Acme 50% Off", "Acme 5 Off"]
    assert await _names(any_db, csm, QueueFilter(search="50%")) == ["Acme 50% Off"]  # % is not a wildcard
    assert await _names(any_db, csm, QueueFilter(search="ACME")) == ["Acme 50% Off", "Acme 5 Off"]
    assert await _names(any_db, csm, QueueFilter(sort="risk", descending=True)) == [
        "Beacon",
        "Acme 5 Off",
        "Acme 50% Off",
    ]
    assert await _names(any_db, csm, QueueFilter(sort="customer")) == ["Acme 5 Off", "Acme 50% Off", "Beacon"]
    assert (await _names(any_db, csm, QueueFilter(sort="stage", descending=True)))[0] == "Acme 5 Off"


async def _events(db: Database, workflow_id: str) -> list[dict[str, Any]]:
    async with db.session() as s:
        rows = await s.scalars(select(LiveEvent).where(LiveEvent.topic == "renewal", LiveEvent.ref == workflow_id))
        return [r.payload for r in rows]


async def test_each_projection_write_announces_the_renewal(any_db: Database) -> None:
    row = projection(stage="Critical", assigned_to="a@x", customer_name="Northwind")
    steps = [
        row,
        {**row, "seq": 2, "stage": "Emergency"},  # escalated: an Emergency new to its CSM
        {**row, "seq": 3, "stage": "Emergency", "priority_score": 90},  # re-scored: no toast again
        {**row, "seq": 4, "stage": "Emergency", "assigned_to": "b@x"},  # reassigned: new to b, both queues
        {**row, "seq": 5, "stage": "Emergency", "assigned_to": "b@x", "status": "completed"},
    ]
    for values in steps:
        async with any_db.transaction() as s:
            await renewal_projection.upsert(s, values)
    events = await _events(any_db, row["id"])
    assert [e["new_emergency"] for e in events] == [False, True, False, True, False]
    assert [e["csms"] for e in events] == [["a@x"], ["a@x"], ["a@x"], ["a@x", "b@x"], ["b@x"]]
    assert events[1]["customer_name"] == "Northwind" and events[4]["status"] == "completed"


def test_a_csm_receives_only_their_own_queues_renewal_events() -> None:
    event = {"topic": "renewal", "payload": {"csms": ["a@x", "b@x"]}}
    assert event_visible("csm", "A@x", event) and event_visible("csm", "b@x", event)
    assert not event_visible("csm", "c@x", event)
    assert not event_visible("csm", "c@x", {"topic": "renewal", "payload": None})
    assert event_visible("manager", "m@x", event) and event_visible("csm", "c@x", {"topic": "control"})


async def test_a_views_links_keep_its_filters() -> None:
    qq = await queue_query("table", "all", ["Critical", "Emergency"], "30", " acme ", "risk", "desc")
    assert qq == QueueQuery("table", "all", ("Emergency", "Critical"), 30, "acme", "risk", "desc")
    assert (
        qq.url("/queue") == "/queue?csm=all&view=table&stage=Emergency&stage=Critical&due=30&q=acme&sort=risk&dir=desc"
    )
    assert qq.sort_url("/queue", "risk", "desc").endswith("sort=risk&dir=asc")  # flips the sorted column
    assert qq.sort_url("/queue", "customer", "asc").endswith("sort=customer&dir=asc")
    assert (
        qq.url("/queue", view="cards", search="", due=None)
        == "/queue?csm=all&stage=Emergency&stage=Critical&sort=risk&dir=desc"
    )
    assert qq.filter(TODAY, ("Emergency", "Critical")).stages == ("Emergency", "Critical")
    assert QueueQuery(stages=("Prepare",)).filter(TODAY, ("Emergency", "Critical")).stages == ("none",)  # nothing
