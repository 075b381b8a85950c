"""The autonomous campaign agent: its tool catalog, planners and default agents."""
