"""The offline inbox assistant: keyword rules to classify, the club's facts to reply.

Deterministic, no network. A message is read clause by clause (inbox.intents) and classified as a whole
(rules.triage.whole_message): the riskiest intent is the category, and every extra intent lowers the
confidence. Replies answer each question asked from the knowledge file, or say they cannot (hand_off), so
staff get a draft instead of the member getting an answer to a different question. Spanish messages get an
English draft for staff: this assistant writes English only (Claude answers in the member's language)."""

from __future__ import annotations

from typing import Any

from contracts.inbox import Classification, Draft, Intent, TriageContext
from inbox import answers, knowledge
from inbox.intents import CLASS_NAMES, ClauseIntent, clause_intents, clauses, is_spanish, says_thanks
from rules.text import fold
from rules.triage import SAFE, risk_rank, whole_message

LABEL = "Offline assistant (no ANTHROPIC_API_KEY)"
DEFAULT_TOPIC = {
    "payment_inquiry": "balance",
    "scheduling": "booking",
    "praise": "thanks",
    "confirmation": "confirm",
    "question": "general",
}


class OfflineAssistant:
    label = LABEL

    async def classify(self, ctx: TriageContext) -> Classification:
        return classify(ctx)

    async def write_reply(self, ctx: TriageContext, cls: Classification) -> Draft:
        return reply(ctx, cls)


def classify(ctx: TriageContext) -> Classification:
    parts = clauses(ctx.body)
    found: dict[tuple[str, str], ClauseIntent] = {}
    for text, asked in parts:
        for i in clause_intents(text, asked):
            found.setdefault((i.category, i.topic), i)
    if not any(i.category != "other" or i.topic == "unknown" for i in found.values()) and any(
        says_thanks(text) for text, _ in parts
    ):
        # "The Saturday class was incredible, thank you Ana": nothing asked, thanks given
        found = {("praise", "thanks"): ClauseIntent("praise", "thanks", 0.9)}
    intents = sorted(found.values(), key=lambda i: risk_rank(i.category))
    category, confidence = whole_message([(i.category, i.confidence) for i in intents])
    return Classification(
        category=category,
        confidence=confidence,
        sub_intent=next((i.topic for i in intents if i.topic not in (i.category, "thanks", "confirm")), None),
        source=LABEL,
        intents=[Intent(category=i.category, topic=i.topic, confidence=i.confidence) for i in intents],
    )


def _first(ctx: TriageContext) -> str:
    return ctx.member.first_name if ctx.member else (ctx.member_name.split() or ["there"])[0]


def reply(ctx: TriageContext, cls: Classification) -> Draft:
    if cls.category in SAFE:
        return _answer(ctx, cls)
    f, first = knowledge.facts(), _first(ctx)
    by_category = {
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
    body = by_category.get(cls.category, f"Hi {first}, thanks for your message! A member of our team will get back "
                           "to you shortly.")  # fmt: skip
    return Draft(body=body, source=LABEL)


def _answer(ctx: TriageContext, cls: Classification) -> Draft:
    """One sentence per topic asked, each from the knowledge file; a topic it cannot answer hands off."""
    first, text = _first(ctx), fold(ctx.body)
    topics = cls.asked() or [cls.sub_intent or DEFAULT_TOPIC.get(cls.category, "general")]
    sentences, answered, missing = [], [], []
    follow_up = False
    for topic in sorted(dict.fromkeys(topics), key=lambda t: t != "thanks"):  # thanks first
        if topic == "balance":
            sentence: str | None = _balance(ctx, text)
        elif topic == "booking":
            sentence, follow_up = _booking(text)
        elif topic == "reschedule":
            sentence, follow_up = (
                "No problem, I've passed that to the team and they'll confirm the change by text.",
                True,
            )
        elif topic == "thanks":
            sentence = "Thanks so much, that really made our day!"
        elif topic == "confirm":
            sentence = "Great, you're all set. See you then!"
        else:
            sentence = answers.answer(topic, text)
        if sentence:
            sentences.append(sentence)
            answered.append(topic)
        else:
            missing.append(topic)
    hand_off = None
    if missing:
        hand_off = f"the club's facts do not answer: {', '.join(t.replace('_', ' ') for t in missing)}"
        sentences.append("A member of our team will get back to you on the rest shortly.")
    elif is_spanish(ctx.body):
        hand_off = "written in Spanish: the offline assistant replies in English only"
    body = f"Hi {first}! " + " ".join(sentences) if sentences else f"Hi {first}, thanks for your message!"
    return Draft(body=body[:1600], source=LABEL, answers=answered, hand_off=hand_off, follow_up=follow_up)


def _balance(ctx: TriageContext, text: str) -> str:
    owed = ctx.member.amount_past_due if ctx.member else 0.0
    if owed:
        return (
            f"Your account shows ${owed:,.2f} outstanding. You can pay any time with the payment link we sent, or "
            "at the front desk. Reply if anything looks off and we'll check!"
        )
    how = answers._has(r"how (?:do|can|would) (?:i|we) pay|pay online|where (?:do|can) i pay", text)
    paying = f" {knowledge.facts()['payments']}" if how and knowledge.facts().get("payments") else ""
    return f"Good news: your account is all paid up, nothing is owed right now.{paying}"


def _booking(text: str) -> tuple[str, bool]:
    """What to book, and when if the member said: staff confirm the slot (follow_up), or ask for one."""
    f = knowledge.facts()
    extra = [a for topic in ("classes", "personal_training", "guest_pass") if (a := _booking_detail(topic, text, f))]
    when = answers.days_named(text) or any(w in text.split() for w in ("am", "pm", "tomorrow", "tonight", "today"))
    ask = (
        "I've passed your request to the team and they'll confirm the time by text shortly."
        if when
        else "Which day and time suit you?"
    )
    return " ".join(["Happy to get that booked!", *extra, ask]), bool(when)


def _booking_detail(topic: str, text: str, f: dict[str, Any]) -> str | None:
    """What the member wants booked, from the facts: the class's times, the trainer's price, the guest pass."""
    if topic == "classes":
        return answers.classes(text, f, note=False) if answers._has(r"class\w*|" + CLASS_NAMES, text) else None
    if topic == "personal_training":
        return f.get("personal_training") if answers._has(r"pt|personal train\w*|trainers?", text) else None
    return f.get("guest_pass") if answers._has(r"guests?|friend|free (?:trial|visit|pass)", text) else None
