"""Which tools each agent may use. The model is offered only these, and the activities refuse the rest
(a run's agent is read from its workflow id), so an injected instruction cannot make the collections
agent unlock doors or the campaign agents read members' private messages.

`get_message_history` (member-written text, the main prompt-injection path) is on no list; an agent
not in this table (a new one) may only read counts and reports until it is given a list here.
"""

from __future__ import annotations

import re

from agent.catalog import TOOLS, ToolSpec

_REPORTS = frozenset({"get_member_summary", "get_run_history", "get_campaign_performance", "get_collections_summary"})
_CAMPAIGN = frozenset({"draft_message", "send_bulk_campaign", "send_message", "get_member"})

TOOLSETS: dict[str, frozenset[str]] = {
    "daily_campaigns": _REPORTS | _CAMPAIGN | {"get_green_members", "get_campaign_prospects"},
    "re_engagement": _REPORTS | _CAMPAIGN | {"get_inactive_members", "get_green_members"},
    "prospect_follow_up": _REPORTS | _CAMPAIGN | {"get_campaign_prospects"},
    "payment_reminders": _REPORTS
    | {"get_past_due_members", "get_member", "draft_message", "create_payment_link", "send_payment_reminders"},
    "past_due_monitor": _REPORTS
    | {"get_past_due_members", "get_member", "get_door_access_status", "lock_door_access", "unlock_door_access"},
    "collections_referral": _REPORTS | {"get_past_due_members", "get_member", "build_collections_referral_list"},
}
FALLBACK = _REPORTS  # unknown agents: reports only, no side effects

_RUN_ID = re.compile(r"^agent-run-(?P<agent>[a-z0-9_]+)(?:-|$)")  # agent ids use underscores, never hyphens


def tools_for(agent_id: str) -> list[ToolSpec]:
    allowed = TOOLSETS.get(agent_id, FALLBACK)
    return [t for t in TOOLS if t.name in allowed]


def agent_of_run(run_id: str) -> str | None:
    match = _RUN_ID.match(run_id)
    return match.group("agent") if match else None


def refusal(run_id: str, tool: str) -> str | None:
    """None when the run's agent may use `tool`; else why not (for the model and the thread)."""
    agent = agent_of_run(run_id)
    if agent is not None and tool in TOOLSETS.get(agent, FALLBACK):
        return None
    allowed = ", ".join(sorted(TOOLSETS.get(agent or "", FALLBACK)))
    return f"the {agent or 'unknown'} agent may not use {tool}; its tools are: {allowed}"
