"""The risk screen (rules.risk): tables of what must be flagged and what must not, and properties that hold
for any text: case and punctuation do not matter, a risk stays flagged however much is written around it,
one typo in a distinctive word does not hide it."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rules.risk import FLAGS, URGENT, describe, merge, screen
from rules.risk_terms import TYPO_WORDS
from rules.text import fold, within_one_edit


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        # The messages from issue 14 that were answered automatically.
        ("Is the pool open on Sunday? My son almost drowned there last week and the lifeguard was on his phone",
         {"safety"}),
        ("One of your trainers keeps making comments about my body and it makes me uncomfortable", {"harassment"}),
        ("I had chest pains during spin class, should I keep coming?", {"medical"}),
        ("My card was charged three times this month, fix it", {"billing_dispute"}),
        ("can you open the door for me I'm outside and locked out", {"door_access"}),
        # Every flag, in other words.
        ("I slipped on the wet floor by the showers and hit my head", {"safety"}),
        ("the cable on the lat pulldown snapped mid rep", {"safety"}),
        ("There are exposed wires behind treadmill 4", {"safety"}),
        ("I felt dizzy and nearly passed out after HIIT", {"medical"}),
        ("I'm 20 weeks pregnant, is spin ok for me?", {"medical"}),
        ("A guy in the weight room keeps staring at me and followed me to my car", {"harassment", "threat"}),
        ("the front desk guy made a racist joke about my accent", {"harassment"}),
        ("He said he knows where I live and I'd regret complaining", {"threat"}),
        ("Someone stole my AirPods out of my locker", {"theft"}),
        ("My wallet went missing from locker 12 yesterday", {"theft"}),
        ("My lawyer will be contacting you about this contract", {"legal"}),
        ("I'm going to report you to the attorney general", {"legal"}),
        ("Please delete all my personal data from your system (GDPR)", {"privacy"}),
        ("Someone is taking photos of me in the locker room", {"privacy"}),
        ("My key fob isn't working and I'm stuck outside", {"door_access"}),
        ("I lost my key fob, can you deactivate it?", {"door_access"}),
        ("You double charged me AGAIN", {"billing_dispute"}),
        ("You keep charging me even though I cancelled in March", {"billing_dispute"}),
        ("I don't recognize this $79 charge on my statement", {"billing_dispute"}),
        ("Fix this or I'm leaving a 1 star review on Google and posting it on Facebook", {"public_complaint"}),
        ("I'll be telling everyone at work to stay away", {"public_complaint"}),
        # Typos, casing, punctuation.
        ("i was HARRASED in the locker room!!!", {"harassment"}),
        ("my lawer says this is ilegal", {"legal"}),
        ("u guys OVERCHARJED me", {"billing_dispute"}),
        ("LOCKED OUT!!! pls help", {"door_access"}),
        ("he hurt my wrist,,, it's bleeeeding", {"safety"}),
        ("cant   get   in.   door   wont   open", {"door_access"}),
        # Spanish.
        ("Mi hijo casi se ahogó en la piscina", {"safety"}),
        ("Me cobraron dos veces este mes", {"billing_dispute"}),
        ("Un entrenador me hace sentir incómoda con sus comentarios sobre mi cuerpo", {"harassment"}),
        ("Me robaron el celular del casillero", {"theft"}),
        ("No puedo entrar, la puerta no abre", {"door_access"}),
        ("Voy a hablar con mi abogado", {"legal"}),
        ("Tuve dolor de pecho y me desmayé", {"medical"}),
        ("Quiero que borren mis datos personales", {"privacy"}),
        # Nothing to flag.
        ("what time does spin start on Tuesday?", set()),
        ("what time do you open the doors on Sunday?", set()),
        ("Are you open on Thanksgiving?", set()),
        ("I hit a new PR on deadlift today, thanks coach!", set()),
        ("I crushed that workout, see you tomorrow", set()),
        ("Is the hack squat machine fixed yet?", set()),
        ("What's your guest policy?", set()),
        ("Thanks for following me on insta!", set()),
        ("Just left you a 5 star review on Google!", set()),
        ("Is Sue teaching yoga on Saturday?", set()),
        ("How much is a 10 class punch card?", set()),
        ("I accidentally booked two spin classes, can you drop one?", set()),
        ("see attached my signed form", set()),
        ("Is the basketball court open tonight?", set()),
        ("¿A qué hora abren el domingo?", set()),
        ("", set()),
        ("?!?!", set()),
    ],
)  # fmt: skip
def test_flags(text: str, flags: set[str]) -> None:
    assert set(screen(text).flags) == flags


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("My son almost drowned in the pool", ("safety",)),
        ("I fainted on the treadmill", ("medical",)),
        ("He threatened me in the parking lot", ("threat",)),
        # Negated: still flagged for a person, but nobody is paged.
        ("Nobody got hurt, but a plate fell off the rack", ()),
        ("No injuries, just letting you know the mat is torn and someone could trip over it", ()),
        ("I didn't faint or anything, just felt a bit off", ()),
        # Not urgent kinds.
        ("Someone stole my headphones", ()),
        ("You charged me twice", ()),
    ],
)
def test_urgent_unless_negated(text: str, urgent: tuple[str, ...]) -> None:
    result = screen(text)
    assert result.urgent == urgent
    assert result.flags, "a negated mention still needs a person"


def test_flags_come_most_serious_first_with_their_evidence() -> None:
    result = screen("I'll post this on Facebook: someone stole my bag and I slipped on the stairs")
    assert result.flags == ("safety", "theft", "public_complaint")
    assert result.evidence("theft") == "stole"
    assert describe(result.flags) == "safety or injury, theft, public complaint or review threat"


def test_a_model_may_add_flags_but_never_remove_them() -> None:
    assert merge(["billing_dispute"], []) == ["billing_dispute"]
    assert merge(["billing_dispute"], ["safety", "made_up"]) == ["safety", "billing_dispute"]
    assert merge([], ["threat"]) == ["threat"]


RISKY = [
    "my son almost drowned",
    "you charged me three times",
    "i am locked out",
    "someone stole my phone",
    "my lawyer will call you",
    "he keeps making comments about my body",
    "i had chest pains",
    "he threatened me",
    "delete my personal data",
    "i will leave a one star review",
]
SAFE = [
    "hi there",
    "what time do you open on sunday",
    "the yoga class was lovely",
    "can i bring a friend on saturday",
    "thanks so much",
    "how much is a membership",
    "do you have towels",
]
punctuation = st.sampled_from([" ", "  ", ", ", "! ", "... ", "? ", " - ", "\n"])


@given(st.sampled_from(RISKY), st.data())
def test_case_and_punctuation_do_not_matter(text: str, data: st.DataObject) -> None:
    words = [data.draw(st.sampled_from([w, w.upper(), w.title()])) for w in text.split()]
    mangled = (
        words[0] + "".join(data.draw(punctuation) + w for w in words[1:]) + data.draw(st.sampled_from(["", "!!", "?"]))
    )
    assert screen(mangled).flags == screen(text).flags != ()


@given(
    st.sampled_from(RISKY), st.lists(st.sampled_from(SAFE), max_size=60), st.lists(st.sampled_from(SAFE), max_size=60)
)
@settings(max_examples=60)
def test_a_risk_buried_in_a_long_message_is_still_flagged(risky: str, before: list[str], after: list[str]) -> None:
    message = ". ".join([*before, risky, *after])
    assert set(screen(risky).flags) <= set(screen(message).flags)


@given(st.sampled_from(SAFE), st.sampled_from(SAFE))
def test_plain_questions_and_thanks_are_not_flagged(a: str, b: str) -> None:
    assert screen(f"{a}. {b}?").flags == ()


@given(st.sampled_from([(flag, term) for flag, terms in TYPO_WORDS.items() for term in terms if len(term) >= 6]),
       st.data())  # fmt: skip
def test_one_typo_in_a_distinctive_word_still_flags(item: tuple[str, str], data: st.DataObject) -> None:
    flag, term = item
    i = data.draw(st.integers(0, len(term) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    dropped, changed, added = term[:i] + term[i + 1 :], term[:i] + letter + term[i + 1 :], term[:i] + letter + term[i:]
    swapped = term[:i] + term[i + 1 : i + 2] + term[i] + term[i + 2 :]
    typo = data.draw(st.sampled_from([dropped, changed, added, swapped]))
    assume(not re.search(r"(.)\1\1", typo))  # three letters in a row are read as emphasis ("sooo"), not a typo
    assert within_one_edit(typo, term)
    assert flag in screen(f"I think I was {typo} yesterday").flags


@given(st.text(max_size=400))
def test_any_text_screens_without_error(text: str) -> None:
    result = screen(text)
    assert set(result.flags) <= set(FLAGS) and set(result.urgent) <= URGENT & set(result.flags)
    assert list(result.flags) == [f for f in FLAGS if f in result.flags]


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [("harassed", "harrassed", True), ("lawyer", "lawer", True), ("stolen", "sotlen", True),
     ("stolen", "stole", True), ("police", "policy", True), ("stalking", "talking", True),
     ("injury", "inquiry", False), ("refund", "fun", False)],
)  # fmt: skip
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close and within_one_edit(b, a) is close


def test_folding() -> None:
    assert fold("Can’t  GET in!!! ¿Qué pasó?") == "cant get in que paso"
    assert fold("Sooooo huuuurt") == "so hurt"
