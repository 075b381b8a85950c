"""Nurture journeys: definitions, pre-built journeys, dry runs."""
