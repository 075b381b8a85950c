"""What a model call cost, from its token counts.

Prices are USD per million tokens by model family (Anthropic list prices). An unknown
model is priced as Sonnet: a middle estimate is more useful on a cost report than zero.
"""

from __future__ import annotations

from typing import NamedTuple


class Price(NamedTuple):
    input_per_mtok: float
    output_per_mtok: float


PRICES: dict[str, Price] = {
    "opus": Price(15.0, 75.0),
    "sonnet": Price(3.0, 15.0),
    "haiku": Price(1.0, 5.0),
}
DEFAULT_PRICE = PRICES["sonnet"]


def price_for(model: str) -> Price:
    name = model.lower()
    return next((price for family, price in PRICES.items() if family in name), DEFAULT_PRICE)


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    price = price_for(model)
    cost = (input_tokens * price.input_per_mtok + output_tokens * price.output_per_mtok) / 1_000_000
    return round(cost, 6)
