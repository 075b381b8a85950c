"""What the agents dashboard shows, read through the stores: run threads with
the approvals they asked for, and the selected agent's details."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from api.agent_service import AgentCard
from db import agent_runs_store, approvals_store
from db.models import AgentRun, Approval, RunEvent

FEED_SIZE = 10  # threads in the feed
OPEN_THREADS = 3  # the newest threads are expanded; older ones load when opened
HISTORY_SIZE = 10
LIVE_STATUSES = ("running", "waiting_approval")


@dataclass
class ThreadView:
    run: AgentRun
    agent_name: str
    events: list[RunEvent] = field(default_factory=list)
    approvals: dict[str, Approval] = field(default_factory=dict)
    open: bool = True

    @property
    def loaded(self) -> bool:
        return bool(self.events)


async def visible(session: AsyncSession, events: list[RunEvent]) -> tuple[list[RunEvent], dict[str, Approval]]:
    """A thread's events with the approvals they ask for. An approval request is written
    to the thread a moment before its approval row: the thread stops before such a
    request, and the browser fetches the rest when the row's live event arrives."""
    shown: list[RunEvent] = []
    approvals: dict[str, Approval] = {}
    for event in events:
        if event.kind == "approval_request":
            row = await approvals_store.get(session, str(event.data.get("approval_id")))
            if row is None:
                break
            approvals[row.id] = row
        shown.append(event)
    return shown, approvals


async def agent_names(session: AsyncSession) -> dict[str, str]:
    return {a.id: a.name for a in await agent_runs_store.agents(session)}


async def thread(session: AsyncSession, run: AgentRun, names: dict[str, str], open: bool = True) -> ThreadView:
    view = ThreadView(run, names.get(run.agent_id, run.agent_id), open=open)
    if open:
        view.events, view.approvals = await visible(session, await agent_runs_store.events(session, run.id))
    return view


async def feed(session: AsyncSession, agent_id: str | None) -> list[ThreadView]:
    names = await agent_names(session)
    runs = await agent_runs_store.runs(session, agent_id, FEED_SIZE)
    return [
        await thread(session, run, names, open=index < OPEN_THREADS or run.status in LIVE_STATUSES)
        for index, run in enumerate(runs)
    ]


@dataclass
class AgentDetails:
    card: AgentCard
    history: list[AgentRun]
    tools: list[tuple[str, int]]  # tool name, in how many of the recent runs


async def details(session: AsyncSession, card: AgentCard) -> AgentDetails:
    history = await agent_runs_store.runs(session, card.agent.id, HISTORY_SIZE)
    tools = Counter(tool for run in history for tool in run.tools_used)
    return AgentDetails(card, history, tools.most_common())


def card_context(card: AgentCard, selected: bool, **extra: object) -> dict[str, object]:
    """An agent's card or row partial: the card, whether it is the selected one, a notice or error."""
    return {"c": card, "selected": selected, **extra}
