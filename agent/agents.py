"""The six autonomous workflows a club starts with (seed 000: "6 autonomous
workflows running on schedule"). Stored in the `agents` table on first start;
managers change settings there and schedules through an approval."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AgentDefault:
    id: str
    name: str
    goal: str
    schedule: dict[str, Any]  # {"cron": "..."} in the club's time zone, or {"every_minutes": n}
    settings: dict[str, Any] = field(default_factory=dict)


DEFAULT_AGENTS: tuple[AgentDefault, ...] = (
    AgentDefault(
        "daily_campaigns",
        "Daily Campaigns",
        "Analyse members in good standing and prospects, pick the 20 most promising small segments "
        "(about 5 people each) and send each a short, personal SMS campaign that fits them.",
        {"cron": "0 6 * * *"},
        {"max_iterations": 10},
    ),
    AgentDefault(
        "past_due_monitor",
        "Past-Due Monitor",
        "Watch past-due balances. Lock door access for members 10 or more days past due whose access is "
        "still open, and report the total outstanding.",
        {"every_minutes": 60},
        {"max_iterations": 6},
    ),
    AgentDefault(
        "payment_reminders",
        "Payment Reminders",
        "Send every past-due member a friendly, personal reminder with their amount and their own payment link.",
        {"cron": "0 10 * * *"},
        {"max_iterations": 6},
    ),
    AgentDefault(
        "collections_referral",
        "Collections Referral",
        "Once a week, prepare the list of members 60 or more days past due to refer to the collections agency.",
        {"cron": "0 9 * * 1"},
        {"max_iterations": 6},
    ),
    AgentDefault(
        "re_engagement",
        "Member Re-engagement",
        "Find members in good standing who have not checked in for 30 days and invite them back with a warm, "
        "short message.",
        {"cron": "0 17 * * *"},
        {"max_iterations": 6},
    ),
    AgentDefault(
        "prospect_follow_up",
        "Prospect Follow-up",
        "Follow up with prospects not contacted for 7 days: a friendly note offering a free guest pass.",
        {"cron": "0 11 * * *"},
        {"max_iterations": 6},
    ),
)


def describe_schedule(schedule: dict[str, Any]) -> str:
    if "every_minutes" in schedule:
        minutes = int(schedule["every_minutes"])
        return "Every hour" if minutes == 60 else f"Every {minutes} minutes"
    minute, hour, _, _, weekday = str(schedule["cron"]).split()
    at = f"{int(hour):02d}:{int(minute):02d}"
    days = {"*": "Daily", "1": "Mondays", "1-5": "Weekdays"}
    return f"{days.get(weekday, 'Cron ' + schedule['cron'])} at {at}"
