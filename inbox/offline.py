"""The offline inbox assistant: keyword rules to classify, the club's facts to reply.

Deterministic, no network. Confidence is what the rules can honestly claim: a
clear keyword match is confident, a bare question mark is not, so vague messages
go to staff instead of getting a canned answer."""

from __future__ import annotations

import re

from contracts.inbox import Category, Classification, Draft, TriageContext
from inbox import knowledge

LABEL = "Offline assistant (no ANTHROPIC_API_KEY)"

RULES: tuple[tuple[Category, float, str | None, str], ...] = (
    ("refund", 0.9, None, r"\brefund|money back|charged (me )?twice|double charged"),
    ("cancellation", 0.9, None, r"\bcancel|terminate|end my membership|close my account"),
    ("contract_change", 0.85, None, r"\bfreeze|downgrade|upgrade|change (my )?(plan|membership|contract)|transfer"),
    ("payment_processing", 0.85, None, r"\bnew card|update (my )?(card|payment)|payment method|charge my card"),
    ("complaint", 0.85, None, r"\bbroken|dirty|rude|unacceptable|disappointed|terrible|worst|complain|not working"),
    ("payment_inquiry", 0.85, None, r"\bbill|balance|invoice|charged|how much do i owe|\bowe\b|payment|fee\b"),
    ("scheduling", 0.85, "booking", r"\bbook|schedule|reschedule|appointment|sign me up|reserve|consultation"),
    # Thanks and compliments, unless the message also asks something.
    ("praise", 0.85, None, r"^(?!.*\?).*(\bthank|\bthanks|love (the|this|it)|awesome|amazing|great job)"),
    ("question", 0.92, "hours", r"\bhours?\b|\bopen\b|\bclose[sd]?\b|closing|opening"),
    ("question", 0.88, "classes", r"\bclass(es)?\b|yoga|spin|hiit"),
    ("question", 0.85, "guest_pass", r"guest pass|bring a friend|free (trial|visit)"),
    ("question", 0.85, "personal_training", r"personal train|\bpt\b|trainer"),
    ("confirmation", 0.85, None, r"^(yes|yep|ok|okay|confirmed|sounds good|see you|perfect)\b"),
    ("question", 0.65, "general", r"\?\s*$|^(what|when|where|how|do you|is there|can i)\b"),
)


def classify(ctx: TriageContext) -> Classification:
    text = ctx.body.lower().strip()
    for category, confidence, sub_intent, pattern in RULES:
        if re.search(pattern, text):
            return Classification(category=category, confidence=confidence, sub_intent=sub_intent, source=LABEL)
    return Classification(category="other", confidence=0.4, source=LABEL)


def _first(ctx: TriageContext) -> str:
    return ctx.member.first_name if ctx.member else ctx.member_name.split()[0]


def reply(ctx: TriageContext, cls: Classification) -> Draft:
    f = knowledge.facts()
    first = _first(ctx)
    member = ctx.member
    owed = member.amount_past_due if member else 0.0
    by_intent = {
        "hours": f"Hi {first}! Our staffed hours are {knowledge.hours_text()}. As a member you can come in 24/7 "
        "with your key fob. See you soon!",
        "classes": f"Hi {first}! This week's classes: {'; '.join(f['classes'])}. Want us to save you a spot?",
        "guest_pass": f"Hi {first}! {f['guest_pass']} Which day works for you?",
        "personal_training": f"Hi {first}! {f['personal_training']} Want me to book your consultation?",
        "booking": f"Hi {first}, happy to get that booked! Reply with a day and time that suits you and we'll confirm. "
        f"Our staffed hours are {knowledge.hours_text()}.",
    }
    by_category = {
        "payment_inquiry": (
            f"Hi {first}, your account shows ${owed:,.2f} outstanding. You can pay any time with the "
            "payment link we sent, or at the front desk. Reply if anything looks off and we'll check!"
        )
        if owed
        else (
            f"Hi {first}, good news: your account is all paid up, nothing is owed right now. "
            "Anything else I can help with?"
        ),
        "praise": f"Thanks so much, {first}! That really made our day. See you at the club!",
        "confirmation": f"Great, {first}, you're all set. See you then!",
        "cancellation": f"Hi {first}, sorry to hear you'd like to cancel. {f['cancellation']} Our manager will be in "
        "touch within one business day. If something isn't working for you, we'd love to hear it.",
        "refund": f"Hi {first}, thanks for letting us know. Our manager reviews refund requests personally and will "
        "get back to you within one business day.",
        "contract_change": f"Hi {first}, happy to help with your membership. {f['freeze']} Our manager will confirm "
        "the change with you shortly.",
        "payment_processing": f"Hi {first}, thanks! Our manager will update your payment details and confirm with "
        "you within one business day.",
        "complaint": f"Hi {first}, I'm really sorry about that. I've passed this straight to our manager, who will "
        "get back to you today.",
    }
    body = (
        by_intent.get(cls.sub_intent or "")
        or by_category.get(cls.category)
        or (f"Hi {first}, thanks for your message! A member of our team will get back to you shortly.")
    )
    return Draft(body=body, source=LABEL)
