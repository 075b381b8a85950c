"""Every text colour the stylesheets take from a CSS variable reaches WCAG AA (4.5:1) against what it is drawn
on: the rule's own background when it sets one, else both page backgrounds (--card and --bg). White text on a
variable background is checked the same way. Computed from the CSS, so a new colour cannot slip in."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "web" / "static" / "css"
STAGES = ("emergency", "critical", "prepare", "monitor")  # --stage is one of these (app.css .stage-*)
HEX = r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?"


def luminance(colour: str) -> float:
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h

    def channel(v: str) -> float:
        x = int(v, 16) / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(h[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def stylesheet() -> str:
    text = "\n".join(p.read_text() for p in sorted(STATIC.glob("*.css")))
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def variables(css: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in re.findall(rf"--([\w-]+):\s*({HEX})\b", css):
        found.setdefault(name, value)
    return found


def pairs(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every rule whose text or background colour is a variable."""
    var = variables(css)

    def resolve(value: str | None) -> list[str] | None:
        if value is None:
            return None
        if m := re.fullmatch(r"var\(--([\w-]+)\)", value):
            return (
                [var[s] for s in STAGES]
                if m.group(1) == "stage"
                else ([var[m.group(1)]] if m.group(1) in var else None)
            )
        return [value] if re.fullmatch(HEX, value) else None

    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
        colour, background = decls.get("color"), decls.get("background") or decls.get("background-color")
        if "var(" not in (colour or "") + (background or ""):
            continue
        texts = resolve(colour)
        if not texts:
            continue
        grounds = resolve(background) or [var["card"], var["bg"]]
        out += [(selector.strip(), t, g) for t in texts for g in grounds]
    return out


def test_the_parser_sees_the_stage_and_muted_colours() -> None:
    seen = {(s, t) for s, t, _ in pairs(stylesheet())}
    var = variables(stylesheet())
    assert (".muted", var["muted"]) in seen and (".stage-badge", var["critical"]) in seen
    assert len(seen) > 50


def test_every_text_colour_meets_aa() -> None:
    failing = [f"{s}: {t} on {g} is {ratio(t, g):.2f}:1" for s, t, g in pairs(stylesheet()) if ratio(t, g) < 4.5]
    assert not failing, "\n".join(failing)


def test_the_ratio_is_wcags() -> None:
    assert round(ratio("#000", "#fff"), 1) == 21.0
    assert round(ratio("#ea580c", "#fff"), 2) == 3.56  # the old Critical orange the issue measured
