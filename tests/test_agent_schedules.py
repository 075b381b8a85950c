"""Agent schedules are reconciled on every bootstrap, like journey schedules: a schedule that drifted from its
agent (an older release's spec, a hand edit) or whose agent's schedule changed is brought in line, and a pause an
operator set stays."""

from __future__ import annotations

from temporalio.client import Client, ScheduleSpec, ScheduleUpdate, ScheduleUpdateInput

from agent.schedules import ensure_schedules
from contracts import ids
from db.models import Agent
from tests.stack import LocalStack

AGENT = "collections_referral"


async def _hour_minute(client: Client) -> tuple[int, int, bool, str]:
    desc = await client.get_schedule_handle(ids.agent_schedule(AGENT)).describe()
    calendar = desc.schedule.spec.calendars[0]
    state = desc.schedule.state
    return calendar.hour[0].start, calendar.minute[0].start, state.paused, state.note or ""


async def _set_cron(stack: LocalStack, cron: str) -> None:
    async with stack.db.transaction() as session:
        agent = await session.get(Agent, AGENT)
        assert agent is not None
        agent.schedule = {"cron": cron}


async def test_bootstrap_reconciles_agent_schedules_and_keeps_a_pause(stack: LocalStack) -> None:
    await ensure_schedules(stack.client, stack.db, stack.settings)
    handle = stack.client.get_schedule_handle(ids.agent_schedule(AGENT))
    async with stack.db.session() as session:
        original = (await session.get(Agent, AGENT)).schedule  # type: ignore[union-attr]
    try:
        # A schedule edited by hand (or made by an older release) drifts from its agent: bootstrap puts it back.
        def drift(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule = current.description.schedule
            schedule.spec = ScheduleSpec(cron_expressions=["15 3 * * *"], time_zone_name="UTC")
            return ScheduleUpdate(schedule=schedule)

        await handle.update(drift)
        assert (await _hour_minute(stack.client))[:2] == (3, 15)
        await ensure_schedules(stack.client, stack.db, stack.settings)
        assert original == {"cron": "0 9 * * 1"}
        assert (await _hour_minute(stack.client))[:3] == (9, 0, False)

        # The agent's schedule changes (a new default, a settings edit): the next bootstrap follows it.
        await _set_cron(stack, "45 6 * * 2")
        await ensure_schedules(stack.client, stack.db, stack.settings)
        assert (await _hour_minute(stack.client))[:3] == (6, 45, False)

        # An operator paused it (the Temporal UI, or the agents page): still paused after bootstrap, note kept.
        await handle.pause(note="paused by omar: the partner is migrating")
        await _set_cron(stack, "5 8 * * 2")
        await ensure_schedules(stack.client, stack.db, stack.settings)
        assert await _hour_minute(stack.client) == (8, 5, True, "paused by omar: the partner is migrating")
    finally:
        await _set_cron(stack, str(original["cron"]))
        await handle.unpause(note="test over")
        await ensure_schedules(stack.client, stack.db, stack.settings)
