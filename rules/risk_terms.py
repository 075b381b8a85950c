"""The risk screen's vocabulary, English and Spanish, over folded text (rules.text.fold: lower case, no
accents, no apostrophes, single spaces). Each phrase is a regular expression matched on whole words.

TYPO_WORDS are distinctive words (six letters or more) that also match one typo away ("harrassed", "lawer",
"overcharjed"). Words one typo from an everyday word stay out: "stalking" (talking), "attacked" (attached),
"fainted" (painted), "police" (policy), "injured" (insured); the phrases catch their common forms.
"""

from __future__ import annotations

from rules.risk_terms_business import BUSINESS_PHRASES
from rules.risk_terms_harm import HARM_PHRASES

# Every category's phrases, split by concern into two modules only to keep each readable.
PHRASES: dict[str, tuple[str, ...]] = {**HARM_PHRASES, **BUSINESS_PHRASES}

# A match inside one of these is not a risk: "I work at the hospital" is not a medical report.
EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "medical": (
        r"(?:work|works|working|worked|job|shift|shifts|nurse|doctor|volunteer|volunteers)\w* (?:at|in"
        r"|for) (?:the |a )?"
        r"hospital\w*",
        r"hospital (?:cafeteria|parking|job|shift|shifts|gift shop)",
        r"doctors? (?:appointment|appt) (?:so|and|but|on|at|tomorrow|today)",
    ),
}

TYPO_WORDS: dict[str, tuple[str, ...]] = {
    "safety": (
        "injury",
        "injuries",
        "bleeding",
        "concussion",
        "drowned",
        "drowning",
        "dangerous",
        "emergency",
        "sprained",
        "hazard",
    ),
    "medical": (
        "ambulance",
        "seizure",
        "asthma",
        "hospital",
        "pregnant",
        "palpitations",
        "unconscious",
        "collapsed",
        "diabetic",
        "allergic",
        "medical",
    ),
    "harassment": (
        "harassed",
        "harassing",
        "harassment",
        "inappropriate",
        "discrimination",
        "discriminated",
        "racist",
        "creepy",
        "pervert",
        "sexually",
    ),
    "threat": ("threatened", "threatening", "threats", "assaulted", "assault", "weapon"),
    "theft": ("stolen", "robbed", "thieves"),
    "legal": ("lawyer", "attorney", "lawsuit", "negligence", "liability", "illegal"),
    "privacy": ("privacy",),
    "door_access": ("lockout",),
    "billing_dispute": ("overcharged", "unauthorized", "unauthorised", "chargeback", "fraudulent", "disputed"),
}
