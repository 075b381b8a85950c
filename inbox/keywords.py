"""Carrier opt-out keywords (CTIA): a message that is just one of these opts out."""

from __future__ import annotations

import re

OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "OPTOUT", "OPT OUT", "REVOKE"})
OPT_IN = frozenset({"START", "UNSTOP", "SUBSCRIBE", "OPT IN", "OPTIN"})


def _keyword(body: str) -> str:
    words = re.sub(r"[^A-Za-z ]", " ", body).split()
    return " ".join(words).upper() if 0 < len(words) <= 2 else ""


def is_opt_out(body: str) -> bool:
    """'STOP', 'stop.', ' Unsubscribe! ' opt out; 'I want to cancel my membership' does not."""
    return _keyword(body) in OPT_OUT


def is_opt_in(body: str) -> bool:
    """'START', 'unstop!' opt back in (the channel they are written on); 'start my membership again' does not."""
    return _keyword(body) in OPT_IN
