"""Answers from the club's knowledge file, one per topic, about what the member actually asked: the day they
named, the holiday, the class. None when the file does not say: the reply is then handed to staff instead of
answering a different question."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from inbox import knowledge

WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_WORDS = {
    **{d.lower(): d for d in WEEK},
    **{d.lower()[:3]: d for d in WEEK},
    "tues": "Tuesday", "weds": "Wednesday", "thur": "Thursday", "thurs": "Thursday",
    "lunes": "Monday", "martes": "Tuesday", "miercoles": "Wednesday", "jueves": "Thursday", "viernes": "Friday",
    "sabado": "Saturday", "domingo": "Sunday",
}  # fmt: skip
# The knowledge file's holiday names, by the words members use for them.
_HOLIDAYS = (
    (r"christmas eve|nochebuena|xmas eve", "Christmas Eve"),
    (r"christmas|xmas|navidad", "Christmas Day"),
    (r"new years? eve|nye", "New Year's Eve"),
    (r"new years?|ano nuevo", "New Year's Day"),
    (r"thanksgiving|accion de gracias", "Thanksgiving"),
    (r"easter|semana santa", "Easter Sunday"),
    (r"memorial day", "Memorial Day"),
    (r"july 4\w*|4th of july|fourth of july|independence day", "Independence Day (July 4)"),
    (r"labor day", "Labor Day"),
    (r"valentines|halloween|black friday|good friday|mlk|martin luther king|presidents day|veterans day"
     r"|juneteenth|columbus day|cinco de mayo", ""),
)  # fmt: skip
_AMENITIES = {
    "showers": r"showers?|changing rooms?|locker ?rooms?|regaderas?|duchas?|vestidores?",
    "lockers": r"lockers?|casilleros?",
    "towels": r"towels?|toallas?",
    "sauna": r"sauna|steam ?room",
    "wifi": r"wi ?fi|internet",
    "childcare": r"childcare|child care|kids ?club|daycare|babysit\w*",
}
_CLASSES = {
    "spin": r"spin\w*|cycl\w*",
    "hiit": r"hiit",
    "yoga": r"yoga",
    "pilates": r"pilates",
    "zumba": r"zumba",
    "barre": r"barre",
    "boxing": r"boxing|kickboxing",
    "bootcamp": r"boot ?camp",
    "aqua": r"aqua\w*",
}


def _has(pattern: str, text: str) -> bool:
    return re.search(r"(?<![a-z0-9])(?:" + pattern + r")(?![a-z0-9])", text) is not None


def days_named(text: str) -> list[str]:
    words = text.split()
    found = {_DAY_WORDS[w] for w in words if w in _DAY_WORDS} | {
        _DAY_WORDS[w[:-1]] for w in words if w[:-1] in _DAY_WORDS
    }
    if _has(r"weekends?|fin de semana", text):
        found |= {"Saturday", "Sunday"}
    if _has(r"weekdays?|entre semana", text):
        found |= set(WEEK[:5])
    return [d for d in WEEK if d in found]


def _day_hours(day: str, staffed: dict[str, str]) -> str | None:
    for days, hours in staffed.items():
        first, _, last = days.partition("-")
        span = WEEK[WEEK.index(first) : WEEK.index(last) + 1] if last else (first,)
        if day in span:
            return hours
    return None


def _staffed_listing(text: str, f: dict[str, Any]) -> str | None:
    """The staffed hours of the days named in the text (all of them if none is named)."""
    table = f.get("staffed_hours")
    if not table:
        return None
    named = [f"{d} {h}" for d in days_named(text) if (h := _day_hours(d, table))]
    return "; ".join(named or (f"{d} {h}" for d, h in table.items()))


def staffed(text: str, f: dict[str, Any]) -> str | None:
    listing = _staffed_listing(text, f)
    return f"We're staffed {listing}." if listing else None


def hours(text: str, f: dict[str, Any]) -> str | None:
    answer = staffed(text, f)
    return f"{answer} {f['access']}" if answer and f.get("access") else answer


def holidays_named(text: str) -> list[str]:
    named = []
    for pattern, key in _HOLIDAYS:
        rx = re.compile(r"(?<![a-z0-9])(?:" + pattern + r")(?![a-z0-9])")
        if rx.search(text):
            named.append(key)
            text = rx.sub(" ", text)  # "christmas eve" is not also "christmas"
    return list(dict.fromkeys(named))


def holiday_hours(text: str, f: dict[str, Any]) -> str | None:
    table: dict[str, str] = f.get("holiday_hours") or {}
    parts = []
    for key in holidays_named(text) or list(table):
        if key in table:
            parts.append(f"{key}: {table[key]}")
        elif f.get("other_holidays") and (regular := _staffed_listing(text, f)):
            parts.append(f"{f['other_holidays'].rstrip('.')}: {regular}")
        else:
            return None
    if not parts:
        return None
    access = f" {f['holiday_access']}" if f.get("holiday_access") else ""
    return "Holiday hours: " + "; ".join(dict.fromkeys(parts)) + "." + access


def classes(text: str, f: dict[str, Any], *, note: bool = True) -> str | None:
    schedule: list[str] = f.get("classes") or []
    if not schedule:
        return None
    kinds = [k for k, pattern in _CLASSES.items() if _has(pattern, text)]
    days = days_named(text)
    lines = [c for c in schedule if not kinds or any(_has(_CLASSES[k], c.lower()) for k in kinds)]
    if days:
        lines = [c for c in lines if any(d in c for d in days)] or lines
    extra = f" {f['classes_note']}" if note and f.get("classes_note") else ""
    if kinds and not lines:
        missing = ", ".join(k.title() if k != "hiit" else "HIIT" for k in kinds)
        return f"We don't run {missing} right now. Our classes: {'; '.join(schedule)}.{extra}"
    return f"Class times: {'; '.join(lines)}.{extra}"


def amenities(text: str, f: dict[str, Any]) -> str | None:
    table: dict[str, str] = f.get("amenities") or {}
    asked = [key for key, pattern in _AMENITIES.items() if _has(pattern, text)]
    if not asked or any(key not in table for key in asked):
        return None
    return " ".join(table[key] for key in asked)


def location(text: str, f: dict[str, Any]) -> str | None:
    if not f.get("address"):
        return None
    parking = f" {f['parking']}" if f.get("parking") else ""
    return f"We're at {f['address']}.{parking}"


def _fact(key: str) -> Callable[[str, dict[str, Any]], str | None]:
    return lambda _text, f: f.get(key)


BY_TOPIC: dict[str, Callable[[str, dict[str, Any]], str | None]] = {
    "hours": hours,
    "holiday_hours": holiday_hours,
    "classes": classes,
    "amenities": amenities,
    "location": location,
    "pool": lambda text, f: f"{f['pool']} {staffed(text, f)}" if f.get("pool") and staffed(text, f) else None,
    "guest_pass": _fact("guest_pass"),
    "personal_training": _fact("personal_training"),
    "pricing": _fact("pricing"),
    "age_policy": _fact("age_policy"),
}


def answer(topic: str, text: str) -> str | None:
    """The knowledge file's answer to `topic`, for the member's folded text; None if it has none."""
    fn = BY_TOPIC.get(topic)
    return fn(text, knowledge.facts()) if fn else None
