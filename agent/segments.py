"""Small, targeted campaign segments for the daily campaigns agent: prospects by
source and stage, members by plan and how recently they came in. Each segment
carries its own message and its most promising people first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol

SOURCE_COPY = {
    "instagram": "Hi {first_name}! Thanks for finding us on Instagram. Want to see the club in person? Your first "
    "week is on us, just reply YES.",
    "web form": "Hi {first_name}, thanks for reaching out through our website! Come by for a tour this week and "
    "try a class free. Reply with a day that suits you.",
    "referral": "Hi {first_name}! A friend of yours trains with us and thought you'd like it here. Come try a free "
    "session together this week?",
    "walk-in": "Hi {first_name}, great to meet you at the club! Ready to get started? Join this week and your "
    "first month's enrolment fee is waived.",
    "guest pass": "Hi {first_name}, hope you enjoyed your guest pass! Members get 24/7 access and free classes. "
    "Want us to hold your spot? Just reply.",
}
PLAN_COPY = {
    "active": "Hi {first_name}, you've been crushing it lately! Bring a friend free this week, they'll thank you.",
    "lapsing": "Hi {first_name}, we haven't seen you in a couple of weeks. New evening classes start Monday, "
    "want us to save you a spot?",
}


class _Prospect(Protocol):
    id: str
    source: str
    status: str


class _Member(Protocol):
    id: str
    membership_type: str
    last_check_in: datetime | None


def prospect_segments(prospects: Iterable[_Prospect]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in prospects:  # callers pass them newest first
        groups[(p.source.lower(), p.status)].append(p.id)
    return [
        {
            "key": f"prospects:{source}:{status}",
            "kind": "prospects",
            "count": len(ids),
            "ids": ids[:25],
            "name": f"{source.title()} prospects ({status})",
            "message": SOURCE_COPY.get(source, SOURCE_COPY["web form"]),
        }
        for (source, status), ids in sorted(groups.items())
    ]


def member_segments(members: Iterable[_Member], today: date) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for m in members:
        days = (today - m.last_check_in.date()).days if m.last_check_in else 999
        if days > 29:
            continue  # the re-engagement agent looks after these
        groups[(m.membership_type, "active" if days <= 14 else "lapsing")].append((days, m.id))
    return [
        {
            "key": f"members:{plan}:{activity}",
            "kind": "members",
            "count": len(rows),
            "ids": [i for _, i in sorted(rows)][:25],
            "name": f"{plan} members ({activity})",
            "message": PLAN_COPY[activity],
        }
        for (plan, activity), rows in sorted(groups.items())
    ]
