"""Carrier opt-out keywords (CTIA): a message that is just one of these opts out."""

from __future__ import annotations

import re

OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "OPTOUT", "OPT OUT", "REVOKE"})


def is_opt_out(body: str) -> bool:
    """'STOP', 'stop.', ' Unsubscribe! ' opt out; 'I want to cancel my membership' does not."""
    words = re.sub(r"[^A-Za-z ]", " ", body).split()
    return 0 < len(words) <= 2 and " ".join(words).upper() in OPT_OUT
