"""Members writing in on their own: the realistic messages the inbound timer sends (see ClubOS.simulate)."""

from __future__ import annotations

import random

from sandbox.clubos.inbox import InboxChannel
from sandbox.clubos.models import ClubWorld, Member, dollars
from sandbox.clubos.wordlists import INBOUND_TOPICS

_SUBJECTS = {
    "hours": "Opening hours",
    "classes": "Classes",
    "billing": "Billing question",
    "complaint": "Feedback",
    "cancellation": "My membership",
}


def random_inbound(world: ClubWorld, rng: random.Random) -> tuple[Member, InboxChannel, str, str | None]:
    """(member, channel, body, subject) for one plausible message from a current member."""
    topics = [(name, texts) for name, _, texts in INBOUND_TOPICS]
    name, texts = rng.choices(topics, [weight for _, weight, _ in INBOUND_TOPICS])[0]
    text = rng.choice(texts)
    owing = "{amount}" in text
    candidates = [m for m in world.members if m.status != "cancelled" and (m.past_due_cents > 0 or not owing)]
    member = rng.choice(candidates)
    body = text.format(amount=f"${dollars(member.past_due_cents):,.2f}")
    if name == "stop":
        return member, "sms", body, None  # keyword replies only mean something by text
    channel: InboxChannel = rng.choices(("sms", "app", "email"), (70, 20, 10))[0]
    return member, channel, body, _SUBJECTS[name] if channel == "email" else None
