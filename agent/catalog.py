"""The agent's tool catalog: 19 tools in 4 categories. Each tool is an activity
(`tool.<name>`) with a typed input, the common ToolOutput, a description the
model sees, and a risk class the policy (rules.policy) acts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from contracts import campaign_tools as m
from rules.policy import Risk

MEMBERS, MESSAGING, ACCESS, ANALYTICS = (
    "Members & billing",
    "Messaging & campaigns",
    "Access control",
    "Analytics & reports",
)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    category: str
    description: str
    risk: Risk
    input_model: type[BaseModel]

    @property
    def activity_name(self) -> str:
        return f"tool.{self.name}"

    def anthropic_tool(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_model.model_json_schema(),
        }


R, S, H = Risk.READ_ONLY, Risk.SIDE_EFFECTING, Risk.HIGH_RISK

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "get_member_summary",
        MEMBERS,
        "Counts of members by status and the total past-due balance.",
        R,
        m.NoInput,
    ),
    ToolSpec(
        "get_past_due_members",
        MEMBERS,
        "Members with a past-due balance: name, amount, days past due, door access. Filter by minimum days or amount.",
        R,
        m.PastDueQuery,
    ),
    ToolSpec("get_member", MEMBERS, "One member's profile, balance, last check-in and opt-outs.", R, m.MemberQuery),
    ToolSpec(
        "get_inactive_members",
        MEMBERS,
        "Members in good standing with no check-in for N days.",
        R,
        m.InactiveQuery,
    ),
    ToolSpec(
        "create_payment_link",
        MEMBERS,
        "Create a payment link for one member's past-due balance.",
        S,
        m.PaymentLinkRequest,
    ),
    ToolSpec(
        "build_collections_referral_list",
        MEMBERS,
        "Build the list of long-overdue members to refer to the "
        "collections agency and send it to them. Always needs a manager's approval.",
        H,
        m.ReferralRequest,
    ),
    ToolSpec(
        "get_green_members",
        MESSAGING,
        "Members in good standing (status green), optionally by membership "
        "type: the audience for upsell and referral campaigns.",
        R,
        m.GreenQuery,
    ),
    ToolSpec(
        "get_campaign_prospects",
        MESSAGING,
        "Prospects not contacted for N days, optionally by status.",
        R,
        m.ProspectQuery,
    ),
    ToolSpec(
        "draft_message",
        MESSAGING,
        "Draft a short, friendly message for a purpose and audience. Sends nothing.",
        R,
        m.DraftRequest,
    ),
    ToolSpec(
        "send_payment_reminders",
        MESSAGING,
        "Send each past-due member a personal reminder with their "
        "amount and their own payment link. Over 100 recipients in a run needs approval.",
        S,
        m.RemindersRequest,
    ),
    ToolSpec("send_message", MESSAGING, "Send one SMS or email to a member or prospect.", S, m.MessageRequest),
    ToolSpec(
        "send_bulk_campaign",
        MESSAGING,
        "Send a campaign to an audience (explicit ids or a segment). "
        "{first_name} is personalised. Over 100 recipients in a run needs approval.",
        S,
        m.CampaignRequest,
    ),
    ToolSpec("get_message_history", MESSAGING, "Messages exchanged with one member.", R, m.MemberQuery),
    ToolSpec(
        "get_door_access_status",
        ACCESS,
        "Door access state of members; optionally only locked ones.",
        R,
        m.DoorStatusQuery,
    ),
    ToolSpec(
        "lock_door_access",
        ACCESS,
        "Lock door access for members (explicit ids or all past due N+ days). "
        "More than 10 members in a run needs approval.",
        H,
        m.DoorRequest,
    ),
    ToolSpec("unlock_door_access", ACCESS, "Unlock door access for members.", S, m.DoorRequest),
    ToolSpec(
        "get_campaign_performance",
        ANALYTICS,
        "Messages sent, delivered and failed, and balances paid, over the last N days.",
        R,
        m.PerformanceQuery,
    ),
    ToolSpec("get_collections_summary", ANALYTICS, "Past-due balances by age bucket.", R, m.NoInput),
    ToolSpec(
        "get_run_history",
        ANALYTICS,
        "Recent runs of an agent: status, duration, what they did.",
        R,
        m.RunHistoryQuery,
    ),
)

CATALOG: dict[str, ToolSpec] = {t.name: t for t in TOOLS}
CATEGORIES = (MEMBERS, MESSAGING, ACCESS, ANALYTICS)
