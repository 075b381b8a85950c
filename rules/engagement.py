"""What an engagement event does to a lead: score, counters, learned channel
preference, opt-outs. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

SCORES = {"opened": 5, "clicked": 10, "replied": 20, "visited": 15, "booked": 30, "unsubscribed": -20, "bounced": -5}
INTERACTIONS = ("opened", "clicked", "replied")
CHANNELS = ("email", "sms")


@dataclass
class LeadState:
    score: int
    engagement: dict[str, int] = field(default_factory=dict)
    channel_preference: str = "email"
    opt_out_email: bool = False
    opt_out_sms: bool = False


def apply_event(state: LeadState, event_type: str, channel: str | None) -> LeadState:
    counters = dict(state.engagement)
    counters[event_type] = counters.get(event_type, 0) + 1
    if channel:
        counters[f"{channel}_{event_type}"] = counters.get(f"{channel}_{event_type}", 0) + 1
    new = LeadState(
        score=min(100, max(0, state.score + SCORES.get(event_type, 0))),
        engagement=counters,
        channel_preference=state.channel_preference,
        opt_out_email=state.opt_out_email,
        opt_out_sms=state.opt_out_sms,
    )
    if event_type == "unsubscribed" and channel in CHANNELS:
        setattr(new, f"opt_out_{channel}", True)
    new.channel_preference = preferred_channel(new)
    return new


def preferred_channel(state: LeadState) -> str:
    """The channel the lead responds on most (clicks and replies weigh more than opens);
    a channel they opted out of never wins; ties keep the current preference."""

    def weight(channel: str) -> float:
        if getattr(state, f"opt_out_{channel}"):
            return -1.0
        e = state.engagement
        return e.get(f"{channel}_opened", 0) + 2 * e.get(f"{channel}_clicked", 0) + 3 * e.get(f"{channel}_replied", 0)

    scores = {c: weight(c) for c in CHANNELS}
    best = max(scores.values())
    if scores.get(state.channel_preference, -1) == best:
        return state.channel_preference
    return next(c for c in CHANNELS if scores[c] == best)
