"""The user message: data only, each part JSON inside its own tag. What to do with it is
in the system prompt (llm/prompts)."""

from __future__ import annotations

import json

from pydantic import BaseModel

from contracts.analysis import CustomerAnalysis
from contracts.intelligence import CustomerContext


def _escape(text: str) -> str:
    # "<" as \u003c is the same JSON, but untrusted text can no longer close our tag
    # (e.g. a case subject containing "</customer_context>") and smuggle instructions.
    return text.replace("<", "\\u003c")


def _block(tag: str, payload: str) -> str:
    return f"<{tag}>\n{_escape(payload)}\n</{tag}>"


def _model_json(model: BaseModel) -> str:
    return model.model_dump_json(by_alias=True)


def user_message(ctx: CustomerContext, analysis: CustomerAnalysis | None = None, **texts: str) -> str:
    """<customer_context>{camelCase JSON}</customer_context>, then <analysis> if given,
    then one block per keyword (e.g. purpose="...") holding a JSON string."""
    blocks = [_block("customer_context", _model_json(ctx))]
    if analysis is not None:
        blocks.append(_block("analysis", _model_json(analysis)))
    blocks.extend(_block(tag, json.dumps(text)) for tag, text in texts.items())
    return "\n\n".join(blocks)
