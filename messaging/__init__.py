"""Outbound messaging shared by campaigns, the inbox and nurture journeys."""
