"""The offline assistant's keyword tables (English and Spanish) and how a message is cut into clauses.

Every rule that matches a clause counts, not the first one: rules.triage.whole_message then lets the riskiest
intent decide. Within one clause a specific topic hides a generic one ("what time is spin" is about classes,
not opening hours; "book me into spin" is a booking). Patterns run on folded text (rules.text.fold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.text import fold

HOLIDAYS = (
    r"thanksgiving|christmas(?: eve| day)?|xmas|new years?(?: eve| day)?|nye|july 4(?:th)?|4th of july|fourth of july"
    r"|independence day|memorial day|labor day|easter(?: sunday)?|valentines(?: day)?|halloween|black friday"
    r"|good friday|mlk day|martin luther king day|presidents day|veterans day|juneteenth|holidays?"
    r"|accion de gracias|navidad|nochebuena|ano nuevo|dia festivo|festivos?|semana santa"
)
CLASS_NAMES = r"yoga|spin\w*|hiit|zumba|pilates|bootcamp|boot camp|cycling|barre|kickboxing|boxing|aerobics|aqua\w*"
CANCELLABLE = r"session|sessions|class|classes|appointment|booking|spot|reservation|pt|training|tour|lesson|bike"


@dataclass(frozen=True)
class Rule:
    category: str
    topic: str
    confidence: float
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None  # a second condition on the same clause


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + pattern + r")(?![a-z0-9])")


# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("complaint", "complaint", 0.85, _r(r"broken|broke down|out of order|(?:there is|theres|there s) never"
        r"|never any|no sirve|dirty|filthy|gross|disgusting|smells|stinks|rude|unacceptable|disappoint\w*"
        r"|terrible|awful|horrible|worst|complain\w*|not working|doesnt work|dont work|never works"
        r"|isnt working|arent working|still (?:broken|not fixed|dirty|out|waiting)|ridiculous|frustrat\w*"
        r"|annoy\w*|upset|fed up|waste of (?:money|time)|so crowded|too crowded|overcrowded|too (?:loud|hot"
        r"|cold|packed)|no hot water|cold showers?|(?:showers?|water|pool|sauna|steam room|room|gym|place"
        r"|locker room|bathroom)s? (?:is|are|has been|have been|was|were|keeps? being|always) (?:\w+ )?(?:cold"
        r"|freezing|dirty|broken|filthy|gross|out|down|disgusting|a mess)|(?:ac|air conditioning|air|heat"
        r"|heating) (?:is |was )?(?:broken|out|not working|off)|out of (?:paper|soap|towels|toilet paper"
        r"|hand soap)|(?:nobody|no one) (?:answered|called|responded|replied|was at|picks up|answers|helped)"
        r"|ignored|unprofessional|not happy|unhappy|sucks|poor service|bad service|sucio|sucia|roto|rota"
        r"|no funciona|pesimo|pesima|queja|molest\w*|asqueroso|mal servicio")),
    Rule("complaint", "complaint", 0.8, _r(r"yeah right|thanks for nothing|thanks a lot for nothing"
        r"|(?<!thanks )(?<!thank you )so much for|oh wait|great system|wait (?:you|they|it) (?:didnt|did not"
        r"|never|havent|hasnt)|as usual|(?:love|loving|just love) (?:how|that|paying|waiting|it when|when)"
        r"|oh (?:great|wonderful|perfect|fantastic)|just great|(?:great|nice|fantastic|wonderful|awesome"
        r"|lovely) (?:another|the \w+ is (?:broken|out|down|dirty)|(?:\w+ )?again)|real professional"
        r"|cool cool cool|what a joke")),
    Rule("cancellation", "cancellation", 0.9, _r(
        r"cancel(?:ing|ling|ation)?(?! (?:\w+ ){0,3}(?:" + CANCELLABLE + r")\b)|terminat\w*"
        r"|end my (?:membership|contract)|close my account|quit (?:the gym|my membership)|stop my membership"
        r"|get out of (?:my|the) contract|darme de baja|dar de baja|cancelar\w*")),
    Rule("refund", "refund", 0.9, _r(r"refund\w*|money back|reembols\w*|devolver (?:mi )?dinero|devuelvan")),
    Rule("contract_change", "contract_change", 0.85, _r(r"freez\w*|(?:switch|move|change) me (?:to|over to) (?:the"
        r"|a) (?:\w+ )?(?:plan|membership|tier)|pause (?:my )?(?:membership|account)|(?:membership"
        r"|account) on hold|put (?:it|my \w+) on hold|downgrad\w*|upgrad\w*|(?:change|switch) (?:my |to a "
        r"|to the )?(?:plan|membership|contract|tier)|transfer (?:my )?(?:membership|contract)"
        r"|add (?:my )?(?:wife|husband|partner|spouse) to (?:my )?(?:membership|account)|congelar\w*|pausar\w*"
        r"|cambiar (?:mi )?(?:plan|membresia)")),
    Rule("payment_processing", "payment_processing", 0.85, _r(r"new (?:credit |debit )?card|(?:use|charge"
        r"|bill) my (?:visa|mastercard|amex|discover|debit|credit)|card ending|update (?:my )?(?:card|payment"
        r"|billing|bank)|change (?:my )?(?:card|payment method|bank|billing)|payment method|charge my card"
        r"|use (?:a )?different card|card (?:on file|expired|expires|was declined|got declined|declined)"
        r"|expired card|switch (?:my )?(?:card|payment)|pay (?:it |this )?(?:now|today) with"
        r"|cambiar (?:mi )?tarjeta|nueva tarjeta")),
    Rule("payment_inquiry", "balance", 0.88, _r(r"bill|bills|balance|invoice|statement|how much do i owe|do i owe"
        r"|owe (?:you|anything)|past due|overdue|am i (?:paid up|behind|current|all paid)"
        r"|(?:is )?my account (?:current|paid up|up to date|in good standing)|(?:is|does|when is"
        r"|when does) my (?:payment|bill|membership|dues) (?:due|come out|go out|renew|get charged)"
        r"|payment due|due date|how (?:do|can) i pay|(?:pay|paying) (?:my|the) (?:balance|bill|dues)"
        r"|did my payment (?:go through|process)|payment (?:go through|went through)|saldo|cuanto debo|factura"
        r"|pagar (?:mi )?(?:saldo|cuenta)")),
    Rule("scheduling", "reschedule", 0.88, _r(r"reschedul\w*|move my (?:\w+ ){0,3}(?:session|appointment|appt|class"
        r"|booking|spot)|(?:wont|cant|cannot|will not|not going to|wont be able to) make it"
        r"|take me off (?:the )?(?:list|roster|class)|change (?:the time of )?my (?:session|appointment"
        r"|booking)|cancel\w* (?:\w+ ){0,3}(?:" + CANCELLABLE + r")|cant make (?:it|my|the)|cambiar (?:mi )?cita"
        r"|cancelar (?:mi )?cita")),
    Rule("scheduling", "booking", 0.88, _r(r"book\w*|schedul\w* (?:a|an|me|my|for|in)|appointments?|appt|sign me up"
        r"|sign up for|reserve|reservation|save (?:me )?a (?:spot|bike|mat|place|seat)|hold (?:me )?a (?:spot"
        r"|bike)|get (?:me )?a spot|can i (?:join|come to|get into|drop in)|put me (?:down|in) for|add me to"
        r"|count me in|drop in|a tour|agendar|reservar|apartar|cita")),
    # things only staff can do
    Rule("other", "request", 0.5, _r(r"receipts?|found (?:a|an|some|someones|somebodys|these|this|my)|who (?:do|should"
        r"|can) i (?:give|talk|speak|contact|ask|call|email)|send (?:me )?(?:an? |my )?(?:invoice|statement"
        r"|copy)|left (?:my|a|behind)|lost (?:my|a|an)|(?:did|has) (?:anyone|anybody|someone|somebody|you guys"
        r"|you) (?:find|found|turn\w* in)|lost and found|call me|call (?:me )?back|(?:speak|talk) (?:to"
        r"|with) (?:the |a |your )?(?:manager|owner|someone|person|human|real person)|are you hiring|hiring"
        r"|job openings?|apply for (?:a )?job|can (?:you|someone) add|(?:add|adding) (?:another|more"
        r"|a new) (?:class|classes|spin|yoga)|suggestion|update my (?:email|address|phone|number|name"
        r"|emergency contact)")),
    # billing dates: not in the member data we have
    Rule("payment_inquiry", "general", 0.6, _r(r"(?:when|what day) (?:is|does|will|do) (?:my|the"
        r"|you) (?:next )?(?:payment|bill|membership|dues|charge|draft)\w*(?: \w+)? (?:due|come out|go out"
        r"|renew|get charged|charge|process)|payment due|due date")),
    # advice, and "why": a person answers those, whatever topic they mention
    Rule("question", "general", 0.6, _r(r"^(?:why|how come|what happened)|is it (?:safe|ok|okay|bad|good|smart|wise"
        r"|normal|alright) (?:to|for|if|that)|should i|safe for|(?:ok|okay|alright|good) for (?:me|my|someone"
        r"|a|people)|recommend\w*|advice|advise|can i still|am i allowed|is it allowed")),
    # questions the facts cannot answer, however they are worded
    Rule("question", "general", 0.6, _r(r"who (?:teaches|is teaching|s teaching|leads|runs|coaches)|whos teaching"
        r"|instructor(?:s|s)? name|how many (?:people|members|bikes|spots)|how full|capacity"
        r"|max(?:imum)? (?:number|people)|discounts?|promo\w*|coupon|deal|sell|price match\w*|match (?:a "
        r"|their |other )?(?:price|prices)|what brand|do you carry|supplements?|protein|smoothies?"
        r"|squat racks?|platform|equipment")),
    Rule("question", "holiday_hours", 0.92, _r(HOLIDAYS), _r(
        r"open\w*|clos\w*|hours?|hrs|what time|staffed|staff|desk|anyone|anybody|someone|be there|schedule"
        r"|abren|abiert\w*|cierran|cerrad\w*|horario")),
    Rule("question", "holiday_hours", 0.88, _r(r"holiday (?:hours|schedule)")),
    Rule("question", "classes", 0.9, _r(
        CLASS_NAMES + r"|class|classes|clas|clases?|group fitness|instructors?|horario de clases")),
    Rule("question", "pool", 0.9, _r(r"pool|swim\w*|lap lanes?|lifeguards?|piscina|nadar|natacion|alberca")),
    Rule("question", "guest_pass", 0.88, _r(r"guest ?pass\w*|guests?|bring (?:a|my|along (?:a|my)) (?!(?:own|towel"
        r"|towels|lock|water|bottle|mat|bag|shoes|headphones|stuff|gear|kid|kids|children|child)\b)\w+"
        r"|free (?:trial|visit|day|week|pass|session)|day pass\w*|trial pass|try (?:out )?the gym|invitad\w*"
        r"|pase de \w+")),
    Rule("question", "personal_training", 0.88, _r(r"personal train\w*|pt|trainers?|training sessions?|entrenador\w*"
        r"|entrenamiento personal")),
    Rule("question", "pricing", 0.88, _r(r"how much (?:is|are|does|for|do|would) (?:a |the |it |your "
        r"|you )?(?:membership|memberships|month|monthly|cost|join|plans?|charge for (?:a )?membership)"
        r"|how much (?:is|does) it cost|pric\w*|rates|membership (?:options|plans|types|fees|cost|costs)"
        r"|monthly (?:fee|cost|rate)|cost to join|join\w* fee|enrollment fee|sign ?up fee|(?:annual|yearly"
        r"|12 month|year long|monthly) (?:plan|plans|membership|option)|how much (?:a |the "
        r"|your )?(?:membership|memberships|monthly membership) (?:is|costs?|would be|runs)|cuanto cuesta"
        r"|precio\w*|cuota\w*")),
    Rule("question", "location", 0.88, _r(r"address|where (?:are|is) (?:you|the gym|the club|it|your gym)"
        r"|wheres the (?:entrance|gym|club|door|building)|where is the (?:entrance|building)|located"
        r"|directions|parking|park (?:my car|there)|where (?:do|can|should) (?:i|we) park|direccion"
        r"|donde (?:estan|queda|esta)|estacionamiento|estacionar")),
    Rule("question", "amenities", 0.86, _r(r"showers?|lockers?|towels?|sauna|steam ?room|wi ?fi|childcare|child care"
        r"|kids ?club|daycare|babysit\w*|hair ?dryers?|changing rooms?|locker ?rooms?|regaderas?|duchas?"
        r"|toallas?|casilleros?|vestidores?")),
    Rule("question", "age_policy", 0.86, _r(r"how old|(?:son|daughter|kid|child|teen|boy|girl|nephew|niece)s? (?:is|s"
        r"|turns|turned|just turned) (?:1[0-9]|[0-9])|how old|minimum age|age (?:limit|requirement|policy"
        r"|minimum)|\d+ ?(?:year|yr)s? ?old|teens?|teenagers?|edad minima|que edad")),
    Rule("question", "hours", 0.92, _r(r"hours?|hrs|open\w*|close[sd]?|closing|what time do you|how late|how early"
        r"|24 ?7|24 hours|staffed|front desk|staff (?:on|there|at)|(?:someone|anyone|anybody) (?:at"
        r"|on) the (?:front )?desk|fob access|what time can i|(?:come|get) in (?:at|before|after|early|late"
        r"|on)|\d{1,2} ?(?:am|pm)|horario\w*|abren|abiert\w*|cierran|cerrad\w*")),
    Rule("praise", "thanks", 0.9, _r(r"love (?:the|this|it|my|your|coming|how|working)|loved|loving it|incredible"
        r"|brilliant|superb|phenomenal|appreciate (?:you|it|all|everything|the)|thanks? (?:you )?(?:so much "
        r"|again )?for (?:the|a|your|all|everything|helping|being|today|yesterday)|awesome|amazing"
        r"|great (?:job|class|workout|session|place|gym|staff|service|time|experience|team)|the best|best gym"
        r"|fantastic|wonderful|excellent|you guys rock|you rock|shout ?out|kudos|so helpful|really helpful"
        r"|excelente|me encanta\w*|muy buen\w*|merry christmas|happy (?:holidays|thanksgiving|new year|easter"
        r"|birthday|4th)|feliz navidad|felices fiestas")),
)
# fmt: on
CONFIRMATION = re.compile(
    r"^(?:yes|yep|yeah|yup|ok|okay|k|confirmed|confirm|perfect|great|si|claro|perfecto"
    r"|de acuerdo)\b"
)
CONFIRMING = _r(
    r"sounds good|see you (?:then|there|tomorrow|soon|on \w+|\w+day)|works for me|that works|will do|got it|confirmed"
    r"|ill be there|ahi estare|nos vemos"
)
THANKS = re.compile(
    r"^(?:(?:ok |okay )?(?:thanks?|thank you|thx|ty|tysm|much appreciated|appreciate it|gracias|cheers)"
    r"(?: so much| very much| a lot| again| guys| team| muchas| mil)*)$"
)
THANKS_WORD = _r(r"thanks?|thank you|thx|ty|tysm|gracias|appreciate (?:it|you|that)")
# A clause that carries no request: greetings, sign-offs, pleasantries, names.
FILLER = re.compile(
    r"^(?:hi|hey|hello|hiya|yo|good (?:morning|afternoon|evening)|morning|evening|hola|buenos dias|buenas tardes"
    r"|buenas noches|buenas|saludos|regards|best|cheers|thanks?|thank you|thx|ty|gracias|please|pls|lol|haha\w*"
    r"|hope (?:you|youre|all|everyone)\b.*|quick question|question for you|(?:i was|just) (?:wondering|curious"
    r"|checking)"
    r"|sorry to bother(?: you)?|happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|holidays|new year)"
    r"|(?:im|i am) new(?: here| to the gym| member)?|(?:i )?just joined|new member here|this is \w+|its \w+"
    r"|\w+ here|one more thing|also|and|oh|ah|um|so|anyway|una pregunta|tengo una pregunta|disculpe|oiga)$"
)
REQUEST = re.compile(
    r"(?<![a-z])(?:can (?:you|i|u|we|someone|somebody|anyone)|could (?:you|i|someone)|would you|will you|please|pls"
    r"|plz|i need|need to|i want|want to|help|is there|are there|do you|does (?:the|it|your)|would like|id like"
    r"|looking for|interested in|tell me|let me know|info|information|puedo|pueden|necesito|quiero|me gustaria)"
    r"(?![a-z])"
)
_SPLIT = re.compile(
    r"[.!?;\n¿¡]+|\s+(?:but|also|plus|btw|by the way|oh and|and also|pero|ademas|y tambien)\s+"
    r"|,?\s+and\s+(?=(?:can|could|do|does|is|are|what|when|where|how|will|would|should|i|my|also)\b)",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:hi|hey|hello|yo|ok|okay|so|um|uh|also|and|oh|btw|quick q|quick question|hola|oye|pues)\s+)+"
)
_QUESTION_START = re.compile(
    r"^(?:what|whats|wat|wut|wats|when|whens|wen|where|wheres|how|hows|hw|who|which|why|do|does|is|are|r u|can|cn"
    r"|could|will|would|should|any|anyone"
    r"|que|cuando|donde|como|cual|hay|tienen|puedo)\b"
)
# Within a clause, a topic on the left hides the topics on the right.
HIDES: dict[str, frozenset[str]] = {
    "reschedule": frozenset({"booking", "classes", "personal_training", "guest_pass", "hours", "pool"}),
    "booking": frozenset({"classes", "personal_training", "guest_pass", "hours", "amenities", "pool"}),
    "holiday_hours": frozenset({"hours"}),
    "classes": frozenset({"hours"}),
    "pool": frozenset({"hours", "amenities"}),
    "personal_training": frozenset({"hours", "pricing"}),
    "guest_pass": frozenset({"hours", "pricing", "classes"}),
    # What the facts cannot answer hides what they can: "who teaches yoga?" is not a question about class times.
    "general": frozenset(
        {"classes", "hours", "pool", "personal_training", "amenities", "guest_pass", "pricing", "balance"}
    ),
    "request": frozenset({"classes", "hours", "pool", "personal_training", "amenities", "balance", "location"}),
    "amenities": frozenset({"hours"}),
    "complaint": frozenset({"thanks", "amenities", "hours"}),
    "refund": frozenset({"balance"}),
    "payment_processing": frozenset({"balance"}),
    "cancellation": frozenset({"contract_change"}),
}
_SPANISH_WORDS = (
    "que el la los las de del por para con mi mis es esta estan hola gracias cuando cuanto donde horario abren"
    " puedo quiero tienen hay buenos dias usted ustedes clase clases me hijo hija pero tambien necesito"
)
SPANISH = frozenset(_SPANISH_WORDS.split())


CONTEXT_WORDS = 2  # a statement longer than this that no rule understood keeps the message from an auto-reply


@dataclass(frozen=True)
class ClauseIntent:
    category: str
    topic: str
    confidence: float


def clauses(text: str) -> list[tuple[str, bool]]:
    """(folded clause, whether it was asked as a question), in order."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in [*_SPLIT.finditer(text), None]:
        part, asked = (text[pos : m.start()], "?" in m.group(0)) if m else (text[pos:], False)
        folded = _LEADING.sub("", fold(part))
        if folded:
            out.append((folded, asked or bool(_QUESTION_START.match(folded))))
        pos = m.end() if m else pos
    return out


def clause_intents(clause: str, asked: bool) -> list[ClauseIntent]:
    """Every intent the clause carries; [] for filler; an unplaced question or request is kept as unknown."""
    found = [r for r in RULES if r.pattern.search(clause) and (r.needs is None or r.needs.search(clause))]
    topics = {r.topic for r in found}
    hidden = {t for topic in topics for t in HIDES.get(topic, ())}
    intents = [ClauseIntent(r.category, r.topic, r.confidence) for r in found if r.topic not in hidden]
    if not asked and (
        any(i.category in ("praise", "complaint") for i in intents)
        or (len(clause.split()) > 4 and not REQUEST.search(clause))
    ):
        # "love the new classes!", "the showers have been cold for a week", "I have a 3 year old": they name a
        # topic but ask nothing about it
        intents = [i for i in intents if i.category != "question"]
    if (
        not intents
        and not asked
        and (CONFIRMING.search(clause) or (CONFIRMATION.match(clause) and len(clause.split()) <= 8))
    ):
        intents = [ClauseIntent("confirmation", "confirm", 0.88)]
    if intents or FILLER.match(clause) or THANKS.match(clause):
        return _dedupe(intents)
    if asked:
        return [ClauseIntent("question", "general", 0.6)]
    if REQUEST.search(clause):
        return [ClauseIntent("other", "unknown", 0.5)]
    if len(clause.split()) > CONTEXT_WORDS:
        # Something said that no rule understood ("my chest has been tight since my last session"): whatever it
        # is, the reply would not address it, so no automatic reply (rules.triage: "other" is never answered).
        return [ClauseIntent("other", "statement", 0.65)]
    return []  # short context ("I'm in the parking lot", "I work until 5"): it asks nothing


def says_thanks(clause: str) -> bool:
    return bool(THANKS.match(clause) or THANKS_WORD.search(clause))


def is_spanish(text: str) -> bool:
    tokens = fold(text).split()
    if "¿" in text or "¡" in text:
        return True
    return len(tokens) >= 2 and sum(t in SPANISH for t in tokens) / len(tokens) >= 0.25


def _dedupe(intents: list[ClauseIntent]) -> list[ClauseIntent]:
    seen: dict[tuple[str, str], ClauseIntent] = {}
    for i in intents:
        seen.setdefault((i.category, i.topic), i)
    return list(seen.values())
