"""Prompt texts live in llm/prompts/*.md so they can be reviewed and changed without
touching code; this is the only reader."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


@cache
def load_prompt(name: str) -> str:
    """The text of llm/prompts/<name>.md, without trailing whitespace."""
    return (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8").strip()
