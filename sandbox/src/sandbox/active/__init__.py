"""A fake customer-intelligence platform ("Active"): customer API, usage series, signed webhooks."""
