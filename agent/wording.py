"""Message copy that reads like a person wrote it (seed 004's rules for payment
reminders: name, amount, how to pay, thanks; never "payment reminder for past
due balance"). Offline templates vary by person, deterministically."""

from __future__ import annotations

import hashlib

REMINDERS = (
    "Hi {first}! Quick heads-up from {club}: there's a balance of ${amount} on your membership. You can pay it "
    "in a minute here: {link}. Or just reply and we'll help sort it out. Thanks for being part of the club!",
    "Hey {first}, hope your workouts are going well! Your account shows ${amount} outstanding. Here's your "
    "personal link to settle it whenever suits you: {link}. Any questions, just text back. Thanks!",
    "Hi {first}, it's the team at {club}. Just a friendly note that ${amount} is due on your account. You can "
    "take care of it here: {link}. If something's not right, reply and we'll look into it. Thanks so much!",
)

DRAFTS = {
    "back": "Hi {first_name}, we've missed you at the club! Your spot is waiting. Drop in this week and "
    "say hi at the front desk, we'd love to see you.",
    "guest": "Hi {first_name}! Still thinking about joining? Come try us free this week with a guest pass. "
    "Just reply YES and we'll set it up.",
    "default": "Hi {first_name}, a quick note from the team at the club: we'd love to see you soon. "
    "Reply any time if there's anything we can help with!",
}


def _pick(options: tuple[str, ...], key: str) -> str:
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return options[digest % len(options)]


def payment_reminder(first_name: str, amount: float, link: str, club: str, member_id: str) -> str:
    return _pick(REMINDERS, member_id).format(
        first=first_name or "there", amount=f"{amount:,.2f}", link=link, club=club
    )


def draft(purpose: str) -> str:
    text = purpose.lower()
    if "back" in text or "inactive" in text or "miss" in text:
        return DRAFTS["back"]
    if "guest" in text or "prospect" in text or "join" in text:
        return DRAFTS["guest"]
    return DRAFTS["default"]


def personalise(body: str, first_name: str) -> str:
    return body.replace("{first_name}", first_name or "there")
