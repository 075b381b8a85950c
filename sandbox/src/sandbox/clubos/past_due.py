"""Past-due balances for the seeded gym: 35 members owing exactly $8,165.26, 34 of them 10+ days late.

The exact total is the figure the product's mock-ups use ("35 past due members, $8,165.26"), so a
demo that adds up the API's numbers lands on it; so do two balances the mock-ups show by name.
"""

from __future__ import annotations

import math
import random

PAST_DUE_COUNT = 35
PAST_DUE_TOTAL_CENTS = 816_526
MIN_CENTS, MAX_CENTS = 4_000, 45_000
# (cents, days past due) from the mock-ups: $248.43 at 45 days, $236.94 at 32 days.
SHOWCASE = ((24_843, 45), (23_694, 32))


def past_due_balances(rng: random.Random) -> list[tuple[int, int]]:
    """(cents owed, days past due) per past-due member, in random order.

    One member is only a few days late; of the others, a third are 10-30 days late (yellow),
    the rest over 30 (red). Larger balances tend to be older, as unpaid months pile up.
    """
    count = PAST_DUE_COUNT - len(SHOWCASE)
    cents = _spread(rng, count, PAST_DUE_TOTAL_CENTS - sum(c for c, _ in SHOWCASE))
    days = [rng.randint(3, 9)]
    days += [rng.randint(10, 30) for _ in range(10)]
    days += [rng.randint(31, 120) for _ in range(count - len(days))]
    days.sort()
    cents.sort(key=lambda c: c * rng.uniform(0.7, 1.3))
    balances = [*zip(cents, days, strict=True), *SHOWCASE]
    rng.shuffle(balances)
    return balances


def _spread(rng: random.Random, count: int, total: int) -> list[int]:
    """`count` amounts in [MIN_CENTS, MAX_CENTS], log-normally spread, summing to exactly `total`."""

    def draw() -> float:
        while True:
            value = rng.lognormvariate(math.log(20_000), 0.55)
            if MIN_CENTS <= value <= MAX_CENTS:
                return value

    while True:
        raw = [draw() for _ in range(count)]
        values = [round(value * total / sum(raw)) for value in raw]
        # Scaling to the total must not push an amount out of range (redrawing beats clamping,
        # which would pile amounts up at exactly the limits); a cent of margin absorbs rounding.
        if MIN_CENTS + count <= min(values) and max(values) <= MAX_CENTS - count:
            break
    values[rng.randrange(count)] += total - sum(values)
    return values
